import type { BackendName } from '../../core/types.ts';
import type { BackendInfo } from '../../worker/api.ts';
import type { SliceCreator } from './types.ts';

export type BackendPref = BackendName | 'auto';

export interface BackendSlice {
  backend: BackendInfo | null;
  backendPref: BackendPref;
  backendBusy: boolean;
  initBackend(): Promise<void>;
  chooseBackend(pref: BackendPref): Promise<void>;
}

export const createBackendSlice: SliceCreator<BackendSlice> = (set, get, client) => {
  async function apply(pref: BackendPref, first: boolean): Promise<void> {
    set({ backendBusy: true, backendPref: pref });
    try {
      const backend = first ? await client.init(pref) : await client.setBackend(pref);
      set({ backend });
    } catch (error) {
      get().reportError(error, `Could not start the ${pref === 'auto' ? 'compute' : pref} backend`);
    } finally {
      set({ backendBusy: false });
    }
  }
  return {
    backend: null,
    backendPref: 'auto',
    backendBusy: false,
    initBackend: () => apply(get().backendPref, true),
    async chooseBackend(pref) {
      // Switching tfjs backends under a running extraction would mix numbers from two backends.
      if (get().run.status === 'running') return;
      await apply(pref, false);
    },
  };
};
