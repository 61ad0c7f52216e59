/**
 * The session's one scenario at a time: plays a built-in or a file's scenario through the
 * session's own channels (so every step is validated and lands on the timeline like a click),
 * pauses, resumes and stops it. Stopping stops the scenario's load and leaves the stack as it is.
 * The last scenario's status stays readable after it ends (its expectations, met or missed).
 */
import type { ParsedInputOf, ScenarioStatus, ScenarioSummary, UiEvent } from './contract.ts';
import { ScaledeckError, ValidationError } from './errors.ts';
import { BUILTIN_NAMES, BUILTIN_SCENARIOS } from './scenario/builtins/index.ts';
import { summarize } from './scenario/describe.ts';
import { parseScenario } from './scenario/parse.ts';
import {
  ScenarioPlayer,
  type PlayerHost,
  type PlayerOptions,
  type ScenarioEvent,
} from './scenario/player.ts';
import type { ScenarioFile, ScenarioLimits } from './scenario/schema.ts';

export interface SessionScenarioHost {
  invoke: PlayerHost['invoke'];
  emit(event: ScenarioEvent): void;
  /** Every event the session pushes; returns cancel(). */
  subscribe(listener: (event: UiEvent) => void): () => void;
  readonly limits: ScenarioLimits;
  readonly replicaCpus: number;
  /** Player timing (tests); defaults otherwise. */
  readonly playerOptions?: Omit<PlayerOptions, 'deploy'>;
}

export class SessionScenario {
  private readonly host: SessionScenarioHost;
  private player: ScenarioPlayer | null = null;

  constructor(host: SessionScenarioHost) {
    this.host = host;
  }

  list(): ScenarioSummary[] {
    return BUILTIN_NAMES.map((name) => summarize(this.builtin(name)));
  }

  status(): ScenarioStatus | null {
    return this.player?.status() ?? null;
  }

  async play(input: ParsedInputOf<'scenario:play'>): Promise<ScenarioStatus> {
    const current = this.player;
    if (current !== null && !current.ended)
      throw new ScaledeckError(
        'BUSY',
        `scenario "${current.file.name}" is ${current.status().state}; stop it before playing another (one scenario at a time)`,
      );
    const file =
      input.name !== undefined
        ? this.builtin(input.name)
        : parseScenario(input.source ?? '', this.host.limits);
    const player = new ScenarioPlayer(file, this.playerHost(), {
      ...this.host.playerOptions,
      deploy: input.deploy ?? false,
    });
    // Taken before the first await, so a second play meanwhile is refused.
    this.player = player;
    try {
      return await player.start();
    } catch (error) {
      this.player = current;
      throw error;
    }
  }

  pause(): ScenarioStatus {
    return this.active().pause();
  }

  resume(): ScenarioStatus {
    return this.active().resume();
  }

  stop(): Promise<ScenarioStatus> {
    return this.active().stop();
  }

  /** Teardown, a target switch, dispose: the scenario ends at once, without calling the session. */
  async halt(detail = 'the session ended'): Promise<void> {
    this.player?.halt(detail);
  }

  private builtin(name: string): ScenarioFile {
    const text = BUILTIN_SCENARIOS[name];
    if (text === undefined)
      throw new ValidationError(
        'name',
        `no built-in scenario named "${name}"; the built-ins are ${BUILTIN_NAMES.join(', ')}`,
      );
    return parseScenario(text, this.host.limits);
  }

  private active(): ScenarioPlayer {
    const player = this.player;
    if (player === null || player.ended)
      throw new ScaledeckError('NO_SCENARIO', 'no scenario is playing; start one with scenario:play');
    return player;
  }

  private playerHost(): PlayerHost {
    const host = this.host;
    return {
      invoke: (channel, input) => host.invoke(channel, input),
      emit: (event) => host.emit(event),
      observe: (listener) => host.subscribe(listener),
      now: () => Date.now(),
      setTimer: (callback, ms) => {
        const timer = setTimeout(callback, ms);
        return () => clearTimeout(timer);
      },
      maxLoadRps: host.limits.maxLoadRps,
      replicaCpus: host.replicaCpus,
    };
  }
}
