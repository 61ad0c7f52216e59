// Renders a component inside a real store (the app's own slices) over a fake API; frames flush at
// once. Importing it also brings dom.ts (jest-dom's matchers, unmount after each test).
import './dom.ts';
import { render } from '@testing-library/react';
import type { Api } from '../api/api.ts';
import { createAppStore, StoreContext, type AppState } from '../store/store.ts';

export function renderWithStore(ui: React.ReactElement, api: Api, state: Partial<AppState> = {}) {
  const store = createAppStore(api, (flush) => flush());
  store.setState(state);
  const view = render(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
  return { store, ...view };
}
