import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { registerIsolationWorker } from './app/isolation.ts';
import { indexedDbShelf } from './app/persist/indexeddb-shelf.ts';
import { bootLab, createLabStore } from './app/store/index.ts';
import { LabStoreContext } from './app/store/react.ts';
import { startLabWorker } from './app/worker-client.ts';
import './app/styles.css';

registerIsolationWorker();

const worker = startLabWorker();
const store = createLabStore(worker);
// Debug handle for e2e parity tests (embedPixels / preprocess run in the worker); harmless for users.
Object.assign(window, { __lab: { remote: worker.remote, store } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LabStoreContext.Provider value={store}>
      <App />
    </LabStoreContext.Provider>
  </StrictMode>,
);

void bootLab(store, location.hash, indexedDbShelf());
// A share link pasted into this tab changes only the fragment: show it without a reload.
window.addEventListener('hashchange', () => store.getState().openFragment(location.hash));
