// The renderer's own origin, app://scaledeck/, served from the built renderer folder only. Checklist
// item 18: a custom protocol instead of file://, so the page cannot read any file on the disk and has
// a real origin for CSP 'self'. Pure (no 'electron' import) so every refusal is unit-tested.
// https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../core/csp.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'scaledeck';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** For protocol.registerSchemesAsPrivileged, each with why. */
export const APP_SCHEME_PRIVILEGES = {
  // An origin of its own: relative URLs resolve, CSP 'self' means app://scaledeck, storage works.
  standard: true,
  // A secure context, like https (clipboard writes need one).
  secure: true,
  // Vite's module scripts carry `crossorigin`, so Chromium fetches them in CORS mode.
  supportFetchAPI: true,
  corsEnabled: true,
  // V8 keeps compiled code for app:// scripts, as it does for file:// (faster second start).
  codeCache: true,
} as const;

/** File types the built renderer contains; anything else is not part of the app and is refused. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppPathResolution =
  { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

const refuse = (status: 400 | 403 | 404, reason: string): AppPathResolution => ({
  ok: false,
  status,
  reason,
});

/**
 * Maps `app://scaledeck/<path>` to a file under `rootDir`, or says why not. Works on the raw URL
 * text, not on a parsed URL: the URL parser folds `..` and `%2e%2e` away before we could see them,
 * and a request that tried to climb out is refused outright rather than quietly re-rooted.
 */
export function resolveAppPath(url: string, rootDir: string): AppPathResolution {
  const prefix = `${APP_ORIGIN}/`;
  if (!url.toLowerCase().startsWith(prefix)) {
    return url.toLowerCase() === APP_ORIGIN
      ? resolveAppPath(prefix, rootDir)
      : refuse(404, `not an ${APP_ORIGIN}/ URL`);
  }
  const rawPath = url.slice(prefix.length).split(/[?#]/, 1)[0]!;
  if (rawPath.includes('\\')) return refuse(403, 'backslash in path');
  const segments: string[] = [];
  const raw = rawPath.split('/');
  for (const [index, segment] of raw.entries()) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return refuse(400, `malformed percent-encoding in ${JSON.stringify(segment)}`);
    }
    if (decoded === '') {
      // Only a trailing slash (a folder's index) may leave a segment empty.
      if (index === raw.length - 1) continue;
      return refuse(403, 'empty path segment');
    }
    if (decoded === '.' || decoded === '..') return refuse(403, 'dot segment in path');
    // A decoded slash or backslash would split into more segments; ':' names a drive or stream on
    // Windows; control characters (NUL first) end or bend a path in native code.
    if (/[/\\:]/.test(decoded) || [...decoded].some((c) => c.charCodeAt(0) < 0x20))
      return refuse(403, `forbidden character in ${JSON.stringify(segment)}`);
    segments.push(decoded);
  }
  if (rawPath === '' || rawPath.endsWith('/')) segments.push('index.html');
  const root = path.resolve(rootDir);
  const file = path.resolve(root, ...segments);
  // Belt and braces: whatever the checks above missed, the file must sit inside the root.
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative))
    return refuse(403, 'path leaves the renderer folder');
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
  if (contentType === undefined)
    return refuse(404, `no such app file type: ${path.extname(file) || '(none)'}`);
  return { ok: true, file, contentType };
}

/** Headers on every app:// response: the one CSP (electron/core/csp.ts), and no MIME sniffing. */
function appHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
  };
}

/**
 * The protocol handler's whole job, given the request's method and URL: a file from `rootDir`, or
 * a plain-text refusal. Only GET and HEAD: the page has nothing to post to its own files.
 */
export async function respondToAppRequest(method: string, url: string, rootDir: string): Promise<Response> {
  const text = (status: number, body: string): Response =>
    new Response(body, { status, headers: appHeaders('text/plain; charset=utf-8') });
  if (method !== 'GET' && method !== 'HEAD') return text(405, `${method} is not served on ${APP_ORIGIN}`);
  const resolved = resolveAppPath(url, rootDir);
  if (!resolved.ok) return text(resolved.status, `${resolved.status}: ${resolved.reason}`);
  try {
    if (!(await stat(resolved.file)).isFile()) return text(404, '404: not a file');
    const body = method === 'HEAD' ? null : new Uint8Array(await readFile(resolved.file));
    return new Response(body, { status: 200, headers: appHeaders(resolved.contentType) });
  } catch {
    return text(404, '404: no such file in the app');
  }
}
