import type { StateCreator } from 'zustand';
import type { Api } from '../api/api.ts';
import type { LoadSlice } from './slices/load-slice.ts';
import type { MetricsSlice } from './slices/metrics-slice.ts';
import type { OfflineSlice } from './slices/offline-slice.ts';
import type { ScenarioSlice } from './slices/scenario-slice.ts';
import type { ShareSlice } from './slices/share-slice.ts';
import type { StackSlice } from './slices/stack-slice.ts';
import type { TimelineSlice } from './slices/timeline-slice.ts';
import type { UiSlice } from './slices/ui-slice.ts';
import type { WhatIfSlice } from './slices/whatif-slice.ts';

export type AppState = StackSlice &
  MetricsSlice &
  TimelineSlice &
  LoadSlice &
  UiSlice &
  ShareSlice &
  ScenarioSlice &
  OfflineSlice &
  WhatIfSlice;

/** What slices get besides zustand's set/get: the API and a frame scheduler (rAF in the page). */
export interface SliceDeps {
  api: Api;
  scheduleFrame: (flush: () => void) => void;
}

export type Slice<T> = (deps: SliceDeps) => StateCreator<AppState, [], [], T>;
