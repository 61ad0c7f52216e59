import type {
  AutoscalerRequest,
  ChaosTarget,
  ErrorData,
  StackStatus,
  TargetInfo,
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
  targetId: string | null;
  status: StackStatus | null;
  progress: Progress;
  /** A scale the user asked for that the status does not show yet. */
  pendingReplicas: number | null;
  loadTargets(): Promise<void>;
  selectTarget(id: string): void;
  refreshStatus(): Promise<void>;
  deploy(replicas?: number): Promise<void>;
  teardown(deleteVolumes?: boolean): Promise<void>;
  scale(replicas: number): Promise<void>;
  setAutoscaler(request: AutoscalerRequest): Promise<void>;
  kill(what: ChaosTarget, replica?: string): Promise<void>;
  restore(what: 'redis' | 'postgres'): Promise<void>;
  applyProgress(step: string, percent: number, log?: string): void;
  /** Deploys started elsewhere (CLI, another window) show their progress here too. */
  applyDeployEvent(status: 'started' | 'step' | 'done' | 'failed', step: string): void;
}

const LOG_LINES = 400;
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
      targetId: null,
      status: null,
      progress: idle,
      pendingReplicas: null,
      async loadTargets() {
        try {
          const targets = await api.invoke('targets:list', {});
          const current = get().targetId;
          const keep = targets.find((t) => t.id === current);
          set({
            targets,
            targetId: keep?.id ?? targets.find((t) => t.available)?.id ?? targets[0]?.id ?? null,
          });
        } catch (error) {
          get().reportError('List targets', error);
        }
      },
      selectTarget: (targetId) => set({ targetId }),
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
        } catch (error) {
          get().reportError('Autoscaler', error);
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
