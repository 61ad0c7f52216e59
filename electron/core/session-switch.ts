/**
 * The switch protocol of target:select: open the requested target and re-attach to the stack
 * running there, then swap it in and dispose the old target's loops, informers and tunnels (its
 * stack keeps running: switching back re-attaches). Refused while a deploy or teardown runs (it
 * does not queue: the user would not see which target it ends on) or a load is starting. Any
 * failure leaves the session on its current target, with nothing changed.
 */
import type { CurrentTarget, TargetRequest, UiEvent } from './contract.ts';
import { ScaledeckError, toErrorData } from './errors.ts';
import { disposeParts, type TargetParts } from './session-parts.ts';
import { descriptorOf } from './targets/registry.ts';
import type { TargetChoice } from './targets/target.ts';

/** What the switch needs of its session. */
export interface SwitchHost {
  live(): TargetParts;
  isDisposed(): boolean;
  /** Why a switch cannot start now (a deploy, a teardown or a load start in flight), or null. */
  busyReason(from: CurrentTarget): string | null;
  /** The kubeconfig path list the session was opened with; switches read the same files. */
  readonly kubeconfig: string | undefined;
  createParts(choice: TargetChoice): TargetParts;
  attach(parts: TargetParts): Promise<void>;
  emit(event: UiEvent): void;
  /** Makes parts the live ones (a running load stops: it aims at the old stack) and returns the old. */
  swap(parts: TargetParts): Promise<TargetParts>;
}

export class TargetSwitch {
  private pending: CurrentTarget | null = null;

  private readonly host: SwitchHost;

  constructor(host: SwitchHost) {
    this.host = host;
  }

  /** The target a switch in flight is opening; commands are refused meanwhile. */
  get switching(): CurrentTarget | null {
    return this.pending;
  }

  async select(request: TargetRequest): Promise<CurrentTarget> {
    const host = this.host;
    const from = host.live().current;
    if (this.pending !== null)
      throw new ScaledeckError(
        'BUSY',
        `already switching to ${this.pending.label}; choose again once that switch has finished`,
      );
    const busy = host.busyReason(from);
    if (busy !== null) throw new ScaledeckError('BUSY', busy);
    const descriptor = descriptorOf(request.kind);
    const choice = descriptor.fromRequest(request, { kubeconfig: host.kubeconfig });
    const wanted = descriptor.requested(request);
    if (descriptor.isCurrent(request, from)) {
      await this.attachOrExplain(host.live(), from);
      return from;
    }
    let parts: TargetParts;
    try {
      parts = host.createParts(choice);
    } catch (error) {
      throw unavailable(wanted, from, error);
    }
    this.pending = wanted;
    host.emit({ type: 'target', at: Date.now(), status: 'switching', from, to: wanted });
    try {
      await this.attachOrExplain(parts, from);
      if (host.isDisposed()) throw new ScaledeckError('DISPOSED', 'the session has ended');
    } catch (error) {
      await disposeParts(parts);
      this.pending = null;
      if (!host.isDisposed())
        host.emit({
          type: 'target',
          at: Date.now(),
          status: 'failed',
          from,
          to: wanted,
          detail: toErrorData(error).message,
        });
      throw error;
    }
    const old = await host.swap(parts);
    this.pending = null;
    await disposeParts(old);
    host.emit({ type: 'target', at: Date.now(), status: 'switched', from, to: parts.current });
    return parts.current;
  }

  private async attachOrExplain(parts: TargetParts, from: CurrentTarget): Promise<void> {
    try {
      await this.host.attach(parts);
    } catch (error) {
      throw unavailable(parts.current, from, error);
    }
  }
}

/** Why a target cannot be opened and what to do, as targets:list says it; already a session error passes as is. */
function unavailable(wanted: CurrentTarget, from: CurrentTarget, error: unknown): ScaledeckError {
  if (error instanceof ScaledeckError && (error.code === 'VALIDATION' || error.code === 'DISPOSED'))
    return error;
  const descriptor = descriptorOf(wanted.kind);
  const reason = toErrorData(error).message;
  const stays = wanted.id === from.id ? '' : `; the session stays on ${from.label}`;
  return new ScaledeckError(
    'TARGET_UNAVAILABLE',
    `${wanted.label} is unavailable: ${reason}. Fix: ${descriptor.fix}${stays}`,
    descriptor.failureField,
    { cause: error },
  );
}
