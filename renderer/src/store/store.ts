// One zustand store made of slices; actions live beside their state. Components read it with
// useApp(selector); only the store calls the API.
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { Api } from '../api/api.ts';
import { createLoadSlice } from './slices/load-slice.ts';
import { createMetricsSlice } from './slices/metrics-slice.ts';
import { createOfflineSlice } from './slices/offline-slice.ts';
import { createScenarioSlice } from './slices/scenario-slice.ts';
import { createShareSlice } from './slices/share-slice.ts';
import { createStackSlice } from './slices/stack-slice.ts';
import { createTimelineSlice } from './slices/timeline-slice.ts';
import { createUiSlice } from './slices/ui-slice.ts';
import { createWhatIfSlice } from './slices/whatif-slice.ts';
import type { AppState, SliceDeps } from './types.ts';

export type { AppState };
export type AppStore = StoreApi<AppState>;

export function createAppStore(
  api: Api,
  scheduleFrame: SliceDeps['scheduleFrame'] = (f) => requestAnimationFrame(() => f()),
): AppStore {
  const deps: SliceDeps = { api, scheduleFrame };
  return createStore<AppState>()((...a) => ({
    ...createUiSlice(deps)(...a),
    ...createStackSlice(deps)(...a),
    ...createMetricsSlice(deps)(...a),
    ...createTimelineSlice(deps)(...a),
    ...createLoadSlice(deps)(...a),
    ...createShareSlice(deps)(...a),
    ...createScenarioSlice(deps)(...a),
    ...createOfflineSlice(deps)(...a),
    ...createWhatIfSlice(deps)(...a),
  }));
}

/** Loads everything once, then follows the event stream; returns a stop function. */
export function connectStore(store: AppStore, api: Api): () => void {
  const s = store.getState();
  const stop = api.subscribe(
    (event) => store.getState().applyEvent(event),
    (state) => {
      store.getState().setConnection(state);
    },
  );
  void Promise.all([
    // targets:list needs the token on a shared dashboard: a viewer is not asked to fail it.
    s.loadShare().then(() => (store.getState().share?.canCommand === false ? undefined : s.loadTargets())),
    s.loadCurrentTarget(),
    s.refreshStatus(),
    s.refreshLoad(),
    s.loadTimeline(),
    s.loadScenarios(),
    s.refreshScenario(),
  ]);
  void s.loadCharts().then(() => store.getState().backfill());
  // Replica health and CPU move without events; a slow poll keeps the table honest.
  const poll = setInterval(() => void store.getState().refreshStatus(), 2000);
  return () => {
    clearInterval(poll);
    stop();
  };
}

export const StoreContext = createContext<AppStore | null>(null);

export function useApp<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside <StoreContext.Provider>');
  return useStore(store, selector);
}

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside <StoreContext.Provider>');
  return store;
}
