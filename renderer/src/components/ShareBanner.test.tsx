// @vitest-environment jsdom
// A dashboard shared read-only: the banner says whose it is, the controls are disabled with a
// tooltip saying why, a wrong token is refused in words, the right one unlocks the controls and
// loads what the token opens (targets:list). The operator's own window shows none of it.
import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ShareAccess } from '../api/api.ts';
import type { ShareSession } from '../api/channels.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { CommandGuard } from './CommandGuard.tsx';
import { ShareBanner } from './ShareBanner.tsx';

const VIEWER: ShareSession = {
  share: true,
  canCommand: false,
  tokenRejected: false,
  sharedBy: 'laptop',
  tokenChannels: ['targets:list', 'stack:deploy'],
};

/** A share endpoint that accepts one token, like the server behind GET /api/session. */
function sharedApi(accepted = 'the-token') {
  const access: ShareAccess = {
    read: async () => VIEWER,
    tryToken: async (token) =>
      token === accepted
        ? { ...VIEWER, canCommand: true }
        : { ...VIEWER, canCommand: false, tokenRejected: true },
    forget: () => undefined,
  };
  return Object.assign(fakeApi({ 'targets:list': () => [] }), { access });
}

function renderDashboard(api: ReturnType<typeof fakeApi>) {
  const view = renderWithStore(
    <>
      <ShareBanner />
      <CommandGuard>
        <button type="button">Deploy</button>
      </CommandGuard>
    </>,
    api,
  );
  return { ...view, load: () => act(() => view.store.getState().loadShare()) };
}

const deploy = () => screen.getByRole('button', { name: 'Deploy' });
const tokenBox = () => screen.getByLabelText('Command token');
const unlock = () => screen.getByRole('button', { name: 'Unlock commands' });

describe('ShareBanner and CommandGuard', () => {
  it("the operator's own window (no share access): no banner, controls enabled", async () => {
    const { load } = renderDashboard(fakeApi());
    await load();
    expect(screen.queryByRole('region', { name: 'Sharing' })).toBeNull();
    expect(deploy()).toBeEnabled();
    expect(deploy().closest('[title]')).toBeNull();
  });

  it('read-only: says whose it is and disables the controls with a tooltip saying why', async () => {
    const { load } = renderDashboard(sharedApi());
    await load();
    expect(screen.getByRole('status')).toHaveTextContent('Read-only view — shared by laptop');
    expect(deploy()).toBeDisabled();
    expect(deploy().closest('[title]')).toHaveAttribute(
      'title',
      'Read-only view shared by laptop: enter the command token above to use the controls',
    );
  });

  it('a wrong token is refused in words and keeps the controls off; the right one unlocks them', async () => {
    const api = sharedApi();
    const { load } = renderDashboard(api);
    await load();

    await act(async () => fireEvent.click(unlock()));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the token printed on the terminal');

    fireEvent.change(tokenBox(), { target: { value: 'guess' } });
    await act(async () => fireEvent.click(unlock()));
    expect(screen.getByRole('alert')).toHaveTextContent(
      "That token is not accepted: use the one printed on laptop's terminal",
    );
    expect(tokenBox()).toHaveAttribute('aria-invalid', 'true');
    expect(deploy()).toBeDisabled();
    expect(api.sent('targets:list')).toHaveLength(0);

    fireEvent.change(tokenBox(), { target: { value: 'the-token' } });
    await act(async () => fireEvent.click(unlock()));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status')).toHaveTextContent('Shared by laptop · commands unlocked in this tab.');
    expect(deploy()).toBeEnabled();
    expect(api.sent('targets:list')).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'Lock commands' }));
    expect(deploy()).toBeDisabled();
  });

  it('a token kept from before that the server no longer accepts is reported, not silently dropped', async () => {
    const api = Object.assign(fakeApi(), {
      access: {
        read: async () => ({ ...VIEWER, tokenRejected: true }),
        tryToken: async () => VIEWER,
        forget: () => undefined,
      } satisfies ShareAccess,
    });
    const { load } = renderDashboard(api);
    await load();
    expect(screen.getByRole('alert')).toHaveTextContent('no longer accepted (was sharing restarted?)');
  });
});
