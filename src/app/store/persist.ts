// Results that survive a reload: the records on screen are kept on a shelf (IndexedDB in the browser,
// src/app/persist/indexeddb-shelf.ts) until the user clears them. A shared view is not kept (its link
// already holds it, and it must not overwrite the user's own results).

import type { ResultRecord } from '../../core/record/types.ts';
import { validateRecord } from '../../core/record/validate.ts';
import { appendUnique } from './results-io.ts';
import type { LabStore } from './types.ts';

/** Where records are kept between visits. */
export interface RecordShelf {
  load(): Promise<unknown[]>;
  save(records: ResultRecord[]): Promise<void>;
}

/**
 * Puts the kept records on screen (unless a shared link is shown), then keeps every later change.
 * Stored records are checked like any file from outside; unreadable ones are dropped with a warning.
 */
export async function keepRecordsOnShelf(store: LabStore, shelf: RecordShelf): Promise<void> {
  if (!store.getState().viewingShared) {
    let kept: ResultRecord[] = [];
    try {
      kept = validRecords(await shelf.load());
    } catch (error) {
      console.warn('Saved results could not be read; starting without them.', error);
    }
    if (kept.length) store.setState({ records: appendUnique(kept, store.getState().records) });
  }
  store.subscribe((state, previous) => {
    if (state.records === previous.records || state.viewingShared || previous.viewingShared) return;
    shelf.save(state.records).catch((error) => console.warn('Could not save the results on screen.', error));
  });
}

function validRecords(raw: unknown[]): ResultRecord[] {
  const out: ResultRecord[] = [];
  for (const x of raw) {
    try {
      out.push(validateRecord(x));
    } catch (error) {
      console.warn('A saved result is damaged and was dropped.', error);
    }
  }
  return out;
}

/** An in-memory shelf (tests, and browsers without IndexedDB: results then last until the tab closes). */
export function memoryShelf(initial: unknown[] = []): RecordShelf & { saved: ResultRecord[][] } {
  let current = initial;
  const saved: ResultRecord[][] = [];
  return {
    saved,
    async load() {
      return current;
    },
    async save(records) {
      current = structuredClone(records);
      saved.push(records);
    },
  };
}
