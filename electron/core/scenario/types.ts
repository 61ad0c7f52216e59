/**
 * What the contract says about scenarios: a prepared, timed demo (load stages, autoscaler
 * settings, manual scale, chaos, captions, expectations) played against the live stack. Types
 * only, so the renderer can import them without the schema code.
 */

/** calibrating: measuring the rate one replica holds at the autoscaler's target, before step 1. */
export type ScenarioState =
  'deploying' | 'calibrating' | 'playing' | 'paused' | 'finished' | 'stopped' | 'failed';

/** One step as the dashboard and the CLI list it. */
export interface ScenarioStepInfo {
  index: number;
  /** Shown large on the dashboard (presentation mode) and on the timeline; null: no caption. */
  caption: string | null;
  /** How long the step lasts before the next one starts. */
  seconds: number;
  /** One line per action, in the words a user reads, e.g. "load ramps to 3× (84 req/s) over 20 s". */
  actions: string[];
  /** One line per expectation, e.g. "scales out within 60 s". */
  expects: string[];
}

export type ExpectationState = 'pending' | 'met' | 'missed';

export interface ExpectationResult {
  /** The step that declared it. */
  step: number;
  text: string;
  state: ExpectationState;
  /** What was seen: "2 → 4 at 0:41", or why it was missed. */
  detail?: string;
  /** When it was met or missed (epoch ms). */
  at?: number;
}

/** How the scenario's relative rates ("2×") became req/s on this machine's stack. */
export interface ScenarioCalibration {
  /** Requests per second one replica serves at the autoscaler's CPU target. */
  perReplicaRps: number;
  /** How it was reckoned, in one sentence (measured, or estimated and from what). */
  basis: string;
}

export interface ScenarioStatus {
  name: string;
  title: string;
  description: string;
  state: ScenarioState;
  startedAt: number;
  /** Index of the current step; -1 before the first (deploying, calibrating). */
  step: number;
  stepStartedAt: number | null;
  /** When the next step starts (epoch ms); null when paused or ended. */
  nextStepAt: number | null;
  /** Time left in the current step; frozen while paused, null when ended. */
  remainingMs: number | null;
  steps: ScenarioStepInfo[];
  expectations: ExpectationResult[];
  calibration: ScenarioCalibration | null;
  /** Why it failed or was stopped. */
  detail?: string;
}

/** A scenario scenarios:list offers (the built-in ones). */
export interface ScenarioSummary {
  name: string;
  title: string;
  description: string;
  /** Total of its steps' durations (calibration not included). */
  seconds: number;
  steps: number;
}

export type ScenarioEventStatus =
  'started' | 'step' | 'paused' | 'resumed' | 'expectation' | 'finished' | 'stopped' | 'failed';
