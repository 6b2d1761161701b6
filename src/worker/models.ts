// The models the worker knows: the embedded zoo's cards (fetched from the site) and checkpoints converted in
// this session (kept in memory), each with a reader of its files.

import type { ConvertReport } from '../convert/checkpoint.ts';
import type { ModelCard, Progress } from '../core/types.ts';
import type { ModelFileReader } from '../engine/types.ts';
import { type Catalog, parseCatalog } from './catalog.ts';
import { type ConvertOptions, convertDroppedCheckpoint } from './convert-dropped.ts';
import { fetchBytes, fetchJson } from './fetching.ts';

export interface ModelEntry {
  card: ModelCard;
  origin: 'embedded' | 'dropped';
}

export function createModelStore(url: (relative: string) => string) {
  const cards = new Map<string, ModelEntry>();
  /** Models converted from a dropped checkpoint: their files, kept in memory for the session. */
  const droppedFiles = new Map<string, Map<string, Uint8Array>>();

  function readerFor(id: string): ModelFileReader {
    const files = droppedFiles.get(id);
    if (files) {
      return async (name) => {
        const bytes = files.get(name);
        if (!bytes) throw new Error(`Model ${id} has no file ${name}`);
        return bytes;
      };
    }
    return (name) => fetchBytes(url(`models/${encodeURIComponent(id)}/${name}`));
  }

  function entry(id: string): ModelEntry {
    const found = cards.get(id);
    if (!found)
      throw new Error(`Unknown model '${id}': it is neither in the embedded zoo nor converted here`);
    return found;
  }

  return {
    readerFor,
    entry,
    /** A model ready for the pipeline: its card and file reader. */
    ref: (id: string) => ({ card: entry(id).card, read: readerFor(id) }),
    async list(): Promise<{ catalog: Catalog; models: ModelEntry[] }> {
      const catalog = parseCatalog(await fetchJson(url('models/catalog.json')));
      for (const id of [...catalog.embedded, ...(catalog.imported ?? [])]) {
        if (cards.has(id)) continue;
        const card = (await fetchJson(url(`models/${encodeURIComponent(id)}/card.json`))) as ModelCard;
        cards.set(id, { card, origin: 'embedded' });
      }
      return { catalog, models: [...cards.values()] };
    },
    async convert(
      file: File,
      opts: ConvertOptions,
      onProgress: (p: Progress) => void,
    ): Promise<{ model: ModelEntry; report: ConvertReport; familyFrom: string }> {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const converted = await convertDroppedCheckpoint(file.name, bytes, opts, onProgress);
      droppedFiles.set(converted.card.id, converted.files);
      const model: ModelEntry = { card: converted.card, origin: 'dropped' };
      cards.set(converted.card.id, model);
      return { model, report: converted.report, familyFrom: converted.familyFrom };
    },
  };
}

export type ModelStore = ReturnType<typeof createModelStore>;
