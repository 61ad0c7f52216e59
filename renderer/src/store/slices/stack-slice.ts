import type {
  AutoscalerRequest,
  ChaosTarget,
  CurrentTarget,
  ErrorData,
  StackStatus,
  TargetInfo,
  TargetRequest,
  TimelineEvent,
} from '../../api/channels.ts';
import type { Slice } from '../types.ts';
import { toErrorData } from './ui-slice.ts';

export type Operation = 'deploy' | 'teardown';

export interface Progress {
  operation: Operation | null;
  step: string;
  percent: number;
  /** The build/deploy log, newest last, bounded. */
  log: string[];
  error: ErrorData | null;
  done: boolean;
}

export interface StackSlice {
  targets: TargetInfo[];
  /** The session's target, from target:current and the 'target' events; never a local choice. */
  currentTarget: CurrentTarget | null;
  /** currentTarget's id, as targets:list names it. */
  targetId: string | null;
  /** A switch in flight (from this page or any other client): the picker shows it and disables. */
  switching: { id: string; label: string } | null;
  /** Why the last switch from this page failed; the picker shows it under the real target. */
  switchError: ErrorData | null;
  status: StackStatus | null;
  progress: Progress;
  /** A scale the user asked for that the status does not show yet. */
  pendingReplicas: number | null;
  loadTargets(): Promise<void>;
  loadCurrentTarget(): Promise<void>;
  /** Asks the session to switch to a target of targets:list; it answers with the target it is on. */
  selectTarget(id: string): Promise<void>;
  applyTargetEvent(event: Extract<TimelineEvent, { type: 'target' }>): void;
  /** Takes the session's target; when it changed, drops the old target's status, series and load. */
  enterTarget(target: CurrentTarget): void;
  refreshStatus(): Promise<void>;
  deploy(replicas?: number): Promise<void>;
  teardown(deleteVolumes?: boolean): Promise<void>;
  scale(replicas: number): Promise<void>;
  /**
   * Resolves to the core's validation error when it names a field (the form shows it there);
   * other failures become a toast. Null when applied.
   */
  setAutoscaler(request: AutoscalerRequest): Promise<ErrorData | null>;
  kill(what: ChaosTarget, replica?: string): Promise<void>;
  /** Node chaos (Kubernetes): cordon + evict the stack's pods, or uncordon. */
  nodeChaos(action: 'drain' | 'uncordon', node: string): Promise<void>;
  restore(what: 'redis' | 'postgres'): Promise<void>;
  applyProgress(step: string, percent: number, log?: string): void;
  /** Deploys started elsewhere (CLI, another window) show their progress here too. */
  applyDeployEvent(status: 'started' | 'step' | 'done' | 'failed', step: string): void;
}

const LOG_LINES = 400;

/** targets:list ids: 'docker', 'kubernetes:<context>'; the bare 'kubernetes' entry (no kubeconfig) has none. */
function requestFor(info: TargetInfo): TargetRequest | null {
  if (info.kind === 'docker') return { kind: 'docker' };
  const prefix = 'kubernetes:';
  return info.id.startsWith(prefix) ? { kind: 'kubernetes', context: info.id.slice(prefix.length) } : null;
}
const idle: Progress = { operation: null, step: '', percent: 0, log: [], error: null, done: false };

export const createStackSlice: Slice<StackSlice> =
  ({ api }) =>
  (set, get) => {
    const run = async (operation: Operation, work: () => Promise<StackStatus | null>) => {
      set({ progress: { ...idle, operation, step: operation === 'deploy' ? 'Starting' : 'Tearing down' } });
      try {
        const status = await work();
        set((s) => ({
          progress: { ...s.progress, percent: 100, done: true },
          ...(status ? { status } : {}),
        }));
        await get().refreshStatus();
      } catch (error) {
        set((s) => ({ progress: { ...s.progress, error: toErrorData(error), done: true } }));
        get().reportError(operation === 'deploy' ? 'Deploy' : 'Tear down', error);
      }
    };
    return {
      targets: [],
      currentTarget: null,
      targetId: null,
      switching: null,
      switchError: null,
      status: null,
      progress: idle,
      pendingReplicas: null,
      async loadTargets() {
        try {
          set({ targets: await api.invoke('targets:list', {}) });
        } catch (error) {
          get().reportError('List targets', error);
        }
      },
      async loadCurrentTarget() {
        try {
          get().enterTarget(await api.invoke('target:current', {}));
        } catch (error) {
          get().reportError('Target', error);
        }
      },
      async selectTarget(id) {
        const info = get().targets.find((t) => t.id === id);
        if (info === undefined || get().switching !== null || id === get().targetId) return;
        const request = requestFor(info);
        if (request === null) {
          // Nothing the session could open (no kubeconfig): say why, as targets:list did.
          set({
            switchError: {
              code: 'TARGET_UNAVAILABLE',
              message: `${info.label} is unavailable: ${info.reason ?? 'no kube context'}${info.fix ? `. Fix: ${info.fix}` : ''}`,
            },
          });
          return;
        }
        set({ switching: { id, label: info.label }, switchError: null });
        try {
          get().enterTarget(await api.invoke('target:select', request));
          // Choosing a target is choosing to go live on it: a saved export on screen closes (it
          // is still on disk; nothing is lost). A refused switch leaves it open, and so does a
          // switch made by another client: the file belongs to no target.
          get().closeOffline();
        } catch (error) {
          set({ switchError: toErrorData(error) });
          // Reachability may have changed since the list was read: the picker shows it as it is now.
          void get().loadTargets();
        } finally {
          set({ switching: null });
        }
      },
      applyTargetEvent(event) {
        if (event.status === 'switching') set({ switching: { id: event.to.id, label: event.to.label } });
        else {
          set({ switching: null });
          if (event.status === 'switched') get().enterTarget(event.to);
        }
      },
      enterTarget(target) {
        const before = get().currentTarget;
        set({ currentTarget: target, targetId: target.id });
        if (before === null || (before.id === target.id && before.namespace === target.namespace)) return;
        // Status, series, replicas and load were the old target's; the timeline stays, with the switch marked.
        set({ status: null, pendingReplicas: null, progress: idle, loadReport: null, lastDecision: null });
        get().resetSeries();
        // The live what-if replayed the old target's controller; the file's (if one is open) stays.
        if (get().offline === null) get().resetWhatIf();
        void get().refreshStatus();
        void get().refreshLoad();
      },
      async refreshStatus() {
        try {
          const status = await api.invoke('stack:status', {});
          const pending = get().pendingReplicas;
          set({ status, pendingReplicas: pending === status.desiredReplicas ? null : pending });
        } catch (error) {
          if (get().status !== null) get().reportError('Status', error);
        }
      },
      deploy: (replicas) =>
        run('deploy', () => api.invoke('stack:deploy', replicas === undefined ? {} : { replicas })),
      teardown: (deleteVolumes = false) =>
        run('teardown', async () => {
          await api.invoke('stack:teardown', { deleteVolumes });
          return null;
        }),
      async scale(replicas) {
        set({ pendingReplicas: replicas });
        try {
          set({ status: await api.invoke('stack:scale', { replicas }) });
        } catch (error) {
          set({ pendingReplicas: null });
          get().reportError('Scale', error);
        }
      },
      async setAutoscaler(request) {
        try {
          const autoscaler = await api.invoke('autoscaler:set', request);
          set((s) => ({ status: s.status ? { ...s.status, autoscaler } : s.status }));
          return null;
        } catch (error) {
          const data = toErrorData(error);
          if (data.code === 'VALIDATION' && data.field !== undefined) return data;
          get().reportError('Autoscaler', error);
          return null;
        }
      },
      async kill(what, replica) {
        try {
          await api.invoke('chaos:kill', replica === undefined ? { what } : { what, replica });
          await get().refreshStatus();
        } catch (error) {
          get().reportError(`Kill ${what}`, error);
        }
      },
      async nodeChaos(action, node) {
        try {
          await api.invoke(action === 'drain' ? 'chaos:drainNode' : 'chaos:uncordonNode', { node });
        } catch (error) {
          get().reportError(action === 'drain' ? `Drain ${node}` : `Uncordon ${node}`, error);
        } finally {
          await get().refreshStatus();
        }
      },
      async restore(what) {
        try {
          await api.invoke('chaos:restore', { what });
          await get().refreshStatus();
        } catch (error) {
          get().reportError(`Restore ${what}`, error);
        }
      },
      applyDeployEvent(status, step) {
        const operation: Operation = step === 'teardown' ? 'teardown' : 'deploy';
        if (status === 'started' && (get().progress.operation === null || get().progress.done))
          set({
            progress: { ...idle, operation, step: operation === 'deploy' ? 'Starting' : 'Tearing down' },
          });
        else if (status === 'done') set((s) => ({ progress: { ...s.progress, percent: 100, done: true } }));
      },
      applyProgress: (step, percent, log) =>
        set((s) => ({
          progress: {
            ...s.progress,
            operation: s.progress.operation ?? 'deploy',
            step,
            percent: Math.max(0, Math.min(100, percent)),
            log: log === undefined ? s.progress.log : [...s.progress.log, log].slice(-LOG_LINES),
          },
        })),
    };
  };
