import type { LoadReport, OperationMix } from '../../api/channels.ts';
import type { ClientModel } from '../../../../electron/core/loadgen/client-model.ts';
import type { Slice } from '../types.ts';

export interface LoadForm {
  rps: number;
  /** Share of reads (GET /users/:id and the list) in percent; the rest are sign-ups and logins. */
  readPercent: number;
  /** Zipf exponent of the keys read: 0 uniform, higher = a few hot users. */
  keySkew: number;
  durationSeconds: number;
  /** Who the traffic looks like to the load balancer: many short-lived or few long-lived clients. */
  clients: ClientModel;
}

export interface LoadSlice {
  loadReport: LoadReport | null;
  loadForm: LoadForm;
  /**
   * The user moved a control since the form last matched the generator. Only then does a running
   * generator follow the form; otherwise the form follows the generator, so a rate set elsewhere
   * (a scenario's ramp, the CLI, another window) shows here instead of being sent back.
   */
  loadFormEdited: boolean;
  setLoadForm(change: Partial<LoadForm>): void;
  refreshLoad(): Promise<void>;
  startLoad(): Promise<void>;
  /** Sends the form to a running generator. */
  updateLoad(): Promise<void>;
  stopLoad(): Promise<void>;
  /** A report from elsewhere (an event, load:status): the form shows it unless the user is editing. */
  setLoadReport(report: LoadReport | null): void;
}

/** The read/write share as the generator's weights, keeping the default proportions inside each side. */
export function mixFromReadPercent(readPercent: number): OperationMix {
  const reads = Math.max(0, Math.min(100, readPercent));
  const writes = 100 - reads;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    getUser: round((reads * 85) / 95),
    listUsers: round((reads * 10) / 95),
    signUp: round((writes * 2) / 5),
    token: round((writes * 3) / 5),
  };
}

/** The inverse of mixFromReadPercent, rounded to whole percent. */
export function readPercentOf(mix: OperationMix): number {
  const total = mix.getUser + mix.listUsers + mix.signUp + mix.token;
  return total === 0 ? 0 : Math.round(((mix.getUser + mix.listUsers) * 100) / total);
}

export const isLoadActive = (report: LoadReport | null) =>
  report !== null && (report.state === 'starting' || report.state === 'running');

export const createLoadSlice: Slice<LoadSlice> =
  ({ api }) =>
  (set, get) => ({
    loadReport: null,
    // Sized so Deploy → Autoscaler on → Start load scales out on a 2-core laptop: the 15 % writes
    // (scrypt, ~37 ms of CPU each, reads ~1 ms) need ~0.64 CPU, about 2.6 replicas at the 50 % target;
    // 50 req/s at 95 % reads left one replica at 20-40 % and the autoscaler scaled in.
    loadForm: { rps: 100, readPercent: 85, keySkew: 1.1, durationSeconds: 600, clients: 'many' },
    loadFormEdited: false,
    setLoadForm: (change) => set((s) => ({ loadForm: { ...s.loadForm, ...change }, loadFormEdited: true })),
    async refreshLoad() {
      try {
        get().setLoadReport(await api.invoke('load:status', {}));
      } catch (error) {
        get().reportError('Load status', error);
      }
    },
    async startLoad() {
      const f = get().loadForm;
      set({ loadFormEdited: false });
      try {
        set({
          loadReport: await api.invoke('load:start', {
            rps: f.rps,
            durationSeconds: f.durationSeconds,
            mix: mixFromReadPercent(f.readPercent),
            zipfExponent: f.keySkew,
            clients: f.clients,
          }),
        });
      } catch (error) {
        get().reportError('Start load', error);
      }
    },
    async updateLoad() {
      if (!isLoadActive(get().loadReport)) return;
      const f = get().loadForm;
      // Edits made while this is in flight mark the form again and are sent next.
      set({ loadFormEdited: false });
      try {
        set({
          loadReport: await api.invoke('load:update', {
            rps: f.rps,
            mix: mixFromReadPercent(f.readPercent),
            zipfExponent: f.keySkew,
          }),
        });
      } catch (error) {
        get().reportError('Change load', error);
      }
    },
    async stopLoad() {
      try {
        set({ loadReport: await api.invoke('load:stop', {}) });
      } catch (error) {
        get().reportError('Stop load', error);
      }
    },
    setLoadReport: (loadReport) =>
      set((s) =>
        loadReport === null || !isLoadActive(loadReport) || s.loadFormEdited
          ? { loadReport }
          : {
              loadReport,
              loadForm: {
                ...s.loadForm,
                rps: loadReport.rate,
                readPercent: readPercentOf(loadReport.mix),
                keySkew: loadReport.zipfExponent,
              },
            },
      ),
  });
