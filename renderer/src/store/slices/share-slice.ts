import { NOT_SHARED } from '../../api/api.ts';
import type { ShareSession } from '../../api/channels.ts';
import type { AppState, Slice } from '../types.ts';
import { toErrorData } from './ui-slice.ts';

export interface ShareSlice {
  /** Whether this dashboard is shared read-only and whether this tab holds the token; null until asked. */
  share: ShareSession | null;
  /** Why the last token was not taken, for the token form. */
  tokenError: string | null;
  checkingToken: boolean;
  loadShare(): Promise<void>;
  /** Tries a token; true when it unlocked the commands. */
  enterToken(token: string): Promise<boolean>;
  /** Forgets the token: back to the read-only view. */
  lockCommands(): void;
}

/** Commands are refused here (shared, and this tab has no accepted token). */
export const isReadOnly = (s: AppState): boolean => s.share?.share === true && !s.share.canCommand;

export const createShareSlice: Slice<ShareSlice> =
  ({ api }) =>
  (set, get) => ({
    share: null,
    tokenError: null,
    checkingToken: false,
    async loadShare() {
      if (api.access === undefined) {
        set({ share: NOT_SHARED });
        return;
      }
      try {
        const share = await api.access.read();
        set({
          share,
          tokenError: share.tokenRejected
            ? 'The token this tab kept is no longer accepted (was sharing restarted?): enter the one printed now.'
            : null,
        });
      } catch (error) {
        get().reportError('Read-only check', error);
      }
    },
    async enterToken(token) {
      const access = api.access;
      if (access === undefined) return true;
      if (token.trim() === '') {
        set({ tokenError: 'Enter the token printed on the terminal that started sharing.' });
        return false;
      }
      set({ checkingToken: true });
      try {
        const share = await access.tryToken(token);
        if (!share.canCommand) {
          set({
            share,
            tokenError: `That token is not accepted: use the one printed on ${share.sharedBy ?? 'the sharing machine'}'s terminal when sharing started.`,
          });
          return false;
        }
        set({ share, tokenError: null });
        // Channels the token opens that the page skipped while read-only.
        void get().loadTargets();
        return true;
      } catch (error) {
        set({ tokenError: `Could not check the token: ${toErrorData(error).message}` });
        return false;
      } finally {
        set({ checkingToken: false });
      }
    },
    lockCommands() {
      api.access?.forget();
      const share = get().share;
      if (share !== null) set({ share: { ...share, canCommand: false }, tokenError: null });
    },
  });
