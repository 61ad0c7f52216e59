import type {
  ErrorData,
  ScenarioPlayRequest,
  ScenarioState,
  ScenarioStatus,
  ScenarioSummary,
  TimelineEvent,
} from '../../api/channels.ts';
import type { Slice } from '../types.ts';
import { toErrorData } from './ui-slice.ts';

export interface ScenarioSlice {
  /** The built-in scenarios (scenarios:list), empty until read. */
  scenarios: ScenarioSummary[];
  /** Why the list could not be read, shown in the panel instead of an empty list. */
  scenariosError: ErrorData | null;
  /** The scenario playing, paused or last played (scenario:status); null when none ran yet. */
  scenario: ScenarioStatus | null;
  /**
   * This page's clock when `scenario` arrived: the countdown runs from remainingMs and this, so a
   * viewer whose clock differs from the server's (a shared dashboard on the LAN) still counts right.
   */
  scenarioReceivedAt: number;
  /** A play/pause/resume/stop in flight from this page: the buttons wait for its answer. */
  scenarioBusy: boolean;
  loadScenarios(): Promise<void>;
  refreshScenario(): Promise<void>;
  playScenario(request: ScenarioPlayRequest): Promise<void>;
  pauseScenario(): Promise<void>;
  resumeScenario(): Promise<void>;
  stopScenario(): Promise<void>;
  setScenario(status: ScenarioStatus | null): void;
  applyScenarioEvent(event: Extract<TimelineEvent, { type: 'scenario' }>): void;
}

const ACTIVE: ReadonlySet<ScenarioState> = new Set(['deploying', 'calibrating', 'playing', 'paused']);

/** Deploying, calibrating, playing or paused: the scenario still owns the load. */
export const isScenarioActive = (status: ScenarioStatus | null): boolean =>
  status !== null && ACTIVE.has(status.state);

export const createScenarioSlice: Slice<ScenarioSlice> =
  ({ api }) =>
  (set, get) => {
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    // A step often comes with an expectation and a load change at once: one status read per burst.
    const refreshSoon = () => {
      if (refreshTimer !== undefined) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        void get().refreshScenario();
      }, 150);
    };
    const command = async (action: string, call: () => Promise<ScenarioStatus>) => {
      set({ scenarioBusy: true });
      try {
        get().setScenario(await call());
      } catch (error) {
        get().reportError(action, error);
      } finally {
        set({ scenarioBusy: false });
      }
    };
    return {
      scenarios: [],
      scenariosError: null,
      scenario: null,
      scenarioReceivedAt: 0,
      scenarioBusy: false,
      async loadScenarios() {
        try {
          set({ scenarios: await api.invoke('scenarios:list', {}), scenariosError: null });
        } catch (error) {
          set({ scenariosError: toErrorData(error) });
        }
      },
      async refreshScenario() {
        try {
          get().setScenario(await api.invoke('scenario:status', {}));
        } catch (error) {
          // Only news when a scenario was showing: a dashboard that never played one stays quiet.
          if (get().scenario !== null) get().reportError('Scenario status', error);
        }
      },
      playScenario: (request) =>
        command(request.source !== undefined ? 'Play scenario file' : 'Play scenario', () =>
          api.invoke('scenario:play', request),
        ),
      pauseScenario: () => command('Pause scenario', () => api.invoke('scenario:pause', {})),
      resumeScenario: () => command('Resume scenario', () => api.invoke('scenario:resume', {})),
      stopScenario: () => command('Stop scenario', () => api.invoke('scenario:stop', {})),
      setScenario: (scenario) => set({ scenario, scenarioReceivedAt: Date.now() }),
      applyScenarioEvent(event) {
        // The event says what happened; the status has everything the panel shows (steps, expectations).
        const current = get().scenario;
        if (current !== null && current.name === event.name && event.expectation !== undefined) {
          const seen = event.expectation;
          set({
            scenario: {
              ...current,
              expectations: current.expectations.map((e) =>
                e.step === seen.step && e.text === seen.text ? seen : e,
              ),
            },
          });
        }
        refreshSoon();
      },
    };
  };
