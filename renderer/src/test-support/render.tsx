// Renders a component inside a real store (the app's own slices) over a fake API; frames flush at
// once. Importing this module also unmounts after each test and adds jest-dom's matchers.
import '@testing-library/jest-dom/vitest';
import { cleanup, render } from '@testing-library/react';
import { afterEach } from 'vitest';
import type { Api } from '../api/api.ts';
import { createAppStore, StoreContext, type AppState } from '../store/store.ts';

afterEach(cleanup);

export function renderWithStore(ui: React.ReactElement, api: Api, state: Partial<AppState> = {}) {
  const store = createAppStore(api, (flush) => flush());
  store.setState(state);
  const view = render(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
  return { store, ...view };
}
