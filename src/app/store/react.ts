// React bindings at the edge: components read the vanilla store through this hook and context.

import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { LabState, LabStore } from './types.ts';

export const LabStoreContext = createContext<LabStore | null>(null);

export function useLab<T>(selector: (state: LabState) => T): T {
  const store = useContext(LabStoreContext);
  if (!store) throw new Error('useLab must be used inside <LabStoreContext.Provider>');
  return useStore(store, selector);
}
