import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from './menu-template.ts';

/** Every role in the menu, submenus included. */
function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('application menu', () => {
  it('has no DevTools in the packaged app, on any platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const packaged = roles(menuTemplate({ packaged: true, platform }));
      expect(packaged, platform).not.toContain('toggleDevTools');
      expect(packaged, platform).toContain('reload');
    }
  });

  it('keeps DevTools for development builds', () => {
    expect(roles(menuTemplate({ packaged: false, platform: 'linux' }))).toContain('toggleDevTools');
  });

  it('has the macOS app menu only on macOS', () => {
    expect(roles(menuTemplate({ packaged: true, platform: 'darwin' }))[0]).toBe('appMenu');
    expect(roles(menuTemplate({ packaged: true, platform: 'linux' }))).not.toContain('appMenu');
  });
});
