// app://scaledeck/ in Electron: the scheme's privileges and the handler; the path checks and the
// responses are app-scheme.ts (pure, tested).
import { protocol } from 'electron';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, respondToAppRequest } from './app-scheme.ts';

/** Must run before app 'ready': Electron fixes the set of privileged schemes at start-up. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

/** After 'ready': answers app://scaledeck/<path> from `rendererDir`, and nothing else. */
export function serveAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => respondToAppRequest(request.method, request.url, rendererDir));
}
