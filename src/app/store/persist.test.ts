// Results that survive a reload: kept on a shelf, shown again at start-up, cleared on request; a shared
// view neither loads nor overwrites them.

import { describe, expect, it } from 'vitest';
import { twoModelRecord } from '../test/records.ts';
import { scriptedClient } from '../test/scripted-client.ts';
import { shareUrl } from './fragment.ts';
import { createLabStore } from './index.ts';
import { keepRecordsOnShelf, memoryShelf } from './persist.ts';

const a = twoModelRecord('2026-11-26T08:00:00.000Z');
const b = twoModelRecord('2026-11-26T09:00:00.000Z');
const newStore = () => createLabStore(scriptedClient().client);

describe('keepRecordsOnShelf', () => {
  it('saves what is on screen, and a new page (a reload) shows it again', async () => {
    const shelf = memoryShelf();
    const first = newStore();
    await keepRecordsOnShelf(first, shelf);
    first.getState().addRecords([a]);
    first.getState().addRecords([b]);
    await Promise.resolve();
    const reloaded = newStore();
    await keepRecordsOnShelf(reloaded, shelf);
    expect(reloaded.getState().records).toEqual([a, b]);
  });

  it('Clear empties the shelf too', async () => {
    const shelf = memoryShelf([a, b]);
    const store = newStore();
    await keepRecordsOnShelf(store, shelf);
    store.getState().clearRecords();
    await Promise.resolve();
    expect(await shelf.load()).toEqual([]);
  });

  it('drops damaged saved records and keeps the good ones', async () => {
    const store = newStore();
    await keepRecordsOnShelf(store, memoryShelf([{ ...a, scores: 'lost' }, b]));
    expect(store.getState().records).toEqual([b]);
  });

  it('a shared link is shown alone and never overwrites the saved results', async () => {
    const shelf = memoryShelf([a]);
    const store = newStore();
    expect(store.getState().openFragment(new URL(shareUrl('https://lab.example/', [b])).hash)).toBe(true);
    await keepRecordsOnShelf(store, shelf);
    expect(store.getState().records.map((r) => r.createdAt)).toEqual([b.createdAt]);
    store.getState().clearRecords();
    await Promise.resolve();
    expect(shelf.saved).toEqual([]);
    expect(await shelf.load()).toEqual([a]);
  });
});
