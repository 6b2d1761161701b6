// A demo dataset served over HTTP from public/datasets/<name>/ with an index.json written by
// scripts/datasets/write-index.ts: { "files": [{ "path": "train/cat/1.png", "size": 1234 }, ...],
// optional "labelsCsv" / "splitList" texts }. Works in Node 20 (global fetch) and in browsers/Workers.

import { buildListing, type ListedFile, type ListingOptions } from '../core/dataset/listing.ts';
import type { DatasetSource } from '../core/types.ts';

export interface DatasetIndex {
  name?: string;
  files: ListedFile[];
  labelsCsv?: string;
  splitList?: string;
}

const encodePath = (key: string) => key.split('/').map(encodeURIComponent).join('/');

export function httpDatasetSource(baseUrl: string, opts: ListingOptions = {}): DatasetSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const name = decodeURIComponent(base.split('/').filter(Boolean).pop() ?? 'dataset');
  const fetchOk = async (url: string) => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res;
  };
  return {
    name,
    async list() {
      const index = (await (await fetchOk(`${base}index.json`)).json()) as DatasetIndex;
      return buildListing(index.name ?? name, index.files, {
        ...opts,
        labelsCsv: opts.labelsCsv ?? index.labelsCsv,
        splitList: opts.splitList ?? index.splitList,
      });
    },
    async read(key) {
      return new Uint8Array(await (await fetchOk(`${base}${encodePath(key)}`)).arrayBuffer());
    },
  };
}
