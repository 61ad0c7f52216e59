import type { ErrorData, Recording, WhatIfRequest, WhatIfResult } from '../../api/channels.ts';
import type { Slice } from '../types.ts';
import { toErrorData } from './ui-slice.ts';

export interface WhatIfSlice {
  /** undefined: not asked yet; null: the core has no recording yet (the autoscaler has not run). */
  whatIf: WhatIfResult | null | undefined;
  /** The core's refusal of the last request (it names the field), shown beside the form. */
  whatIfError: ErrorData | null;
  whatIfBusy: boolean;
  /** Replays the controller's recording, or the given one (an export opened offline). */
  runWhatIf(overrides: Omit<WhatIfRequest, 'recording'>, recording?: Recording): Promise<void>;
  /** Forgets the answer (another recording is about to be replayed); one still in flight is dropped. */
  resetWhatIf(): void;
}

export const createWhatIfSlice: Slice<WhatIfSlice> =
  ({ api }) =>
  (set) => {
    // Only the latest request's answer lands: a slider dragged fast sends several.
    let latest = 0;
    return {
      whatIf: undefined,
      whatIfError: null,
      whatIfBusy: false,
      async runWhatIf(overrides, recording) {
        const id = ++latest;
        set({ whatIfBusy: true });
        try {
          const result = await api.invoke('decisions:whatif', {
            ...overrides,
            ...(recording === undefined ? {} : { recording }),
          });
          if (id === latest) set({ whatIf: result, whatIfError: null });
        } catch (error) {
          if (id === latest) set({ whatIfError: toErrorData(error) });
        } finally {
          if (id === latest) set({ whatIfBusy: false });
        }
      },
      resetWhatIf() {
        latest += 1;
        set({ whatIf: undefined, whatIfError: null, whatIfBusy: false });
      },
    };
  };
