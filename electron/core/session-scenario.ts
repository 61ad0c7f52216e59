/**
 * The session's one scenario at a time: plays a built-in or a file's scenario through the
 * session's own channels (so every step is validated and lands on the timeline like a click),
 * pauses, resumes and stops it. Stopping stops the scenario's load and leaves the stack as it is.
 */
import type { ParsedInputOf, ScenarioStatus, ScenarioSummary } from './contract.ts';
import { ScaledeckError } from './errors.ts';

export class SessionScenario {
  list(): ScenarioSummary[] {
    return [];
  }

  status(): ScenarioStatus | null {
    return null;
  }

  play(_input: ParsedInputOf<'scenario:play'>): Promise<ScenarioStatus> {
    return Promise.reject(new ScaledeckError('NOT_IMPLEMENTED', 'scenarios are not there yet'));
  }

  pause(): ScenarioStatus {
    throw new ScaledeckError('NO_SCENARIO', 'no scenario is playing');
  }

  resume(): ScenarioStatus {
    throw new ScaledeckError('NO_SCENARIO', 'no scenario is playing');
  }

  stop(): Promise<ScenarioStatus> {
    return Promise.reject(new ScaledeckError('NO_SCENARIO', 'no scenario is playing'));
  }

  async halt(): Promise<void> {}
}
