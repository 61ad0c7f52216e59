import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/api.ts';
import { App } from './App.tsx';
import { StoreContext, connectStore, createAppStore } from './store/store.ts';
import './styles.css';

const api = createApi();
const store = createAppStore(api);
// Projector rooms are often bright; a light OS theme starts the dashboard light.
if (window.matchMedia?.('(prefers-color-scheme: light)').matches) store.getState().setTheme('light');
connectStore(store, api);
// The UI benchmark (scripts/bench/ui.ts) drives the store directly; only with ?bench in the URL.
if (new URLSearchParams(window.location.search).has('bench'))
  Object.assign(window, { __scaledeckStore: store });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App api={api} />
    </StoreContext.Provider>
  </StrictMode>,
);
