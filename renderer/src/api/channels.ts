// The API surface the dashboard calls: names, inputs and values come from the core's contract,
// so a change there breaks the renderer's build instead of its runtime. Types only: the renderer
// bundle carries no schema code.
export type {
  Channel,
  ChaosTarget,
  ChartInfo,
  CoreEvent,
  CurrentTarget,
  EnabledAutoscaler,
  ExpectationResult,
  ExpectationState,
  InputOf,
  MetricPoint,
  NodeSummary,
  ReplicaStatus,
  Result,
  RecordingSnapshot,
  ScenarioCalibration,
  ScenarioEventStatus,
  ScenarioState,
  ScenarioStatus,
  ScenarioStepInfo,
  ScenarioSummary,
  SequencedEvent,
  StackStatus,
  TargetInfo,
  TargetRequest,
  TimelineEvent,
  UiEvent,
  ValueOf,
} from '../../../electron/core/contract.ts';
export type { ErrorData } from '../../../electron/core/errors.ts';
export type { ShareSession } from '../../../electron/core/web/share-access.ts';
export type { ScaleDecision } from '../../../electron/core/autoscaler.ts';
export type { WhatIfResult } from '../../../electron/core/decisions/whatif.ts';
export type { Recording } from '../../../electron/core/decisions/recording.ts';
export type { LoadReport, OperationMix } from '../../../electron/core/loadgen.ts';
export type { SeriesSnapshot } from '../../../electron/core/metrics/feed.ts';
import type { InputOf } from '../../../electron/core/contract.ts';

export type AutoscalerRequest = InputOf<'autoscaler:set'>;
export type ScenarioPlayRequest = InputOf<'scenario:play'>;
export type WhatIfRequest = InputOf<'decisions:whatif'>;
