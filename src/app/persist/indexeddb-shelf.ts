// The browser's RecordShelf: one IndexedDB entry holding the records on screen as JSON text (plain text
// keeps what is stored exactly what "Export JSON" would write, and is validated again when read back).

import type { RecordShelf } from '../store/persist.ts';
import { memoryShelf } from '../store/persist.ts';

const DB_NAME = 'transfer-lab-results';
const STORE = 'shelf';
const KEY = 'records-on-screen';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

export function indexedDbShelf(): RecordShelf {
  if (typeof indexedDB === 'undefined') return memoryShelf();
  let db: Promise<IDBDatabase> | undefined;
  const store = async (mode: IDBTransactionMode) =>
    (await (db ??= openDb())).transaction(STORE, mode).objectStore(STORE);
  return {
    async load() {
      const text = await request((await store('readonly')).get(KEY));
      if (typeof text !== 'string') return [];
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? parsed : [];
    },
    async save(records) {
      const shelf = await store('readwrite');
      if (records.length) await request(shelf.put(JSON.stringify(records), KEY));
      else await request(shelf.delete(KEY));
    },
  };
}
