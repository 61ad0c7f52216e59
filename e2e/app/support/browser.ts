// Debian's Chromium driven by playwright-core (no browser download: none is reachable here).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.SCALEDECK_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `Chromium not found at ${CHROMIUM}: install the Debian package \`chromium\` (scripts/test.sh does) or set SCALEDECK_CHROMIUM`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}
