/**
 * What every part of the Docker target shares for one stack: the engine, the settings, the
 * stack's object names, its event listeners, and which replicas this process is draining.
 */
import type Dockerode from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import type { CoreEvent, CoreEventListener } from '../../contract.ts';
import type { Settings } from '../../settings.ts';
import { EventFanout } from '../kit/progress.ts';
import { containerName } from './containers.ts';
import { stackFilter, type Role } from './labels.ts';
import type { StackNames } from './names.ts';

export const DRAINING_SUFFIX = '-draining';
const ALIVE_STATES = new Set(['created', 'running', 'restarting', 'paused']);

export function isAlive(info: Pick<ContainerInfo, 'State'>): boolean {
  return ALIVE_STATES.has(info.State);
}

export class StackRuntime {
  private readonly listeners = new EventFanout();
  /**
   * Replicas being drained are excluded from the count. This process remembers its own; the
   * engine-side mark is a rename (labels are immutable), so other controllers see it too.
   */
  readonly draining = new Set<string>();
  disposed = false;

  readonly docker: Dockerode;
  readonly settings: Settings;
  readonly stack: string;
  readonly names: StackNames;
  /** Where published ports are reached from this process (the engine binds them on 127.0.0.1). */
  readonly publishedHost: string;

  constructor(
    docker: Dockerode,
    settings: Settings,
    stack: string,
    names: StackNames,
    publishedHost: string,
  ) {
    this.docker = docker;
    this.settings = settings;
    this.stack = stack;
    this.names = names;
    this.publishedHost = publishedHost;
  }

  observe(listener: CoreEventListener): () => void {
    return this.listeners.add(listener);
  }

  emit(event: CoreEvent): void {
    this.listeners.emit(event);
  }

  clearListeners(): void {
    this.listeners.clear();
  }

  list(role?: Role): Promise<ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: stackFilter(this.stack, role) });
  }

  isDraining(info: ContainerInfo): boolean {
    return this.draining.has(info.Id) || containerName(info).endsWith(DRAINING_SUFFIX);
  }

  /** Alive and not on its way out: the replicas that count towards the desired number. */
  isActive(info: ContainerInfo): boolean {
    return isAlive(info) && !this.isDraining(info);
  }
}
