import type { ErrorData } from '../../api/channels.ts';
import type { ConnectionState } from '../../api/api.ts';
import type { Slice } from '../types.ts';

export type Theme = 'dark' | 'light';
export type WindowMinutes = 1 | 5 | 15;

export interface Toast {
  id: number;
  error: ErrorData;
  /** What the user was doing, e.g. "Deploy". */
  action: string;
}

export interface UiSlice {
  theme: Theme;
  presentation: boolean;
  windowMinutes: WindowMinutes;
  connection: ConnectionState;
  toasts: Toast[];
  setTheme(theme: Theme): void;
  setPresentation(on: boolean): void;
  setWindowMinutes(minutes: WindowMinutes): void;
  setConnection(state: ConnectionState): void;
  reportError(action: string, error: unknown): void;
  dismissToast(id: number): void;
}

let nextToast = 1;

export function toErrorData(error: unknown): ErrorData {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { code?: unknown; message: unknown; field?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : 'ERROR',
      message: String(e.message),
      ...(typeof e.field === 'string' ? { field: e.field } : {}),
    };
  }
  return { code: 'ERROR', message: String(error) };
}

export const createUiSlice: Slice<UiSlice> = () => (set) => ({
  theme: 'dark',
  presentation: false,
  windowMinutes: 5,
  connection: 'connecting',
  toasts: [],
  setTheme: (theme) => set({ theme }),
  setPresentation: (presentation) => set({ presentation }),
  setWindowMinutes: (windowMinutes) => set({ windowMinutes }),
  setConnection: (connection) => set({ connection }),
  reportError: (action, error) =>
    // The newest five stay: a flapping failure must not bury the screen.
    set((s) => ({ toasts: [...s.toasts, { id: nextToast++, action, error: toErrorData(error) }].slice(-5) })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
});
