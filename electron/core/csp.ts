// The dashboard's Content-Security-Policy, the one source for the three places that enforce it:
// the meta tag vite writes into dist/renderer/index.html (vite.config.ts), the header on every
// app:// response in Electron (electron/main/app-protocol.ts) and the header in browser mode (web.ts).
// No remote content: scripts, styles, fonts and images come from the app itself; the API is same-origin.

const DIRECTIVES: readonly (readonly [name: string, value: string])[] = [
  ['default-src', "'self'"],
  // No inline or remote scripts: an injected <script> does not run.
  ['script-src', "'self'"],
  // React and recharts set style attributes.
  ['style-src', "'self' 'unsafe-inline'"],
  // Chart PNG export draws into blob: and data: URLs.
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  // No other site may frame the dashboard (clickjacking on a shared screen). Header only.
  ['frame-ancestors', "'none'"],
];

/** CSP 3 ignores these in a <meta> element (browsers warn), so the meta tag leaves them out. */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

const join = (directives: typeof DIRECTIVES): string =>
  directives.map(([name, value]) => `${name} ${value}`).join('; ');

/** The policy sent as a `Content-Security-Policy` response header (Electron app:// and browser mode). */
export const CONTENT_SECURITY_POLICY = join(DIRECTIVES);

/** The same policy as the renderer's meta tag can carry it (without the header-only directives). */
export const META_CONTENT_SECURITY_POLICY = join(DIRECTIVES.filter(([name]) => !HEADER_ONLY.has(name)));
