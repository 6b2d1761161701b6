// Scanned datasets kept alive in the worker by handle, so a run uses exactly the dataset the user saw.

import { planSplits } from '../core/eval-plan.ts';
import type { DatasetListing, DatasetSource } from '../core/types.ts';
import { type DatasetSummary, summariseListing } from './summary.ts';

export interface LoadedDataset {
  source: DatasetSource;
  listing: DatasetListing;
}

/** A scanned dataset: its summary plus the handle that names it in run requests. */
export type ScannedDataset = DatasetSummary & { handle: string };

/** Scanned datasets kept alive (their Files / URLs), newest last; older ones are released. */
const KEPT_DATASETS = 4;

export function createDatasetStore() {
  const datasets = new Map<string, LoadedDataset>();
  let scans = 0;
  return {
    async add(source: DatasetSource): Promise<ScannedDataset> {
      const listing = await source.list();
      scans += 1;
      const handle = `dataset-${scans}`;
      datasets.set(handle, { source, listing });
      for (const old of [...datasets.keys()].slice(0, -KEPT_DATASETS)) datasets.delete(old);
      return { ...summariseListing(listing), handle };
    },
    get(handle: string): LoadedDataset {
      const dataset = datasets.get(handle);
      if (!dataset) throw new Error('Choose a dataset first: drop a folder or pick a demo set');
      return dataset;
    },
  };
}

/** The image inverted when none is named: the first test image of the protocol's split. */
export function firstTestKey(listing: DatasetListing): string {
  const plan = planSplits(listing.items, 0);
  const first = plan.test[0] ?? plan.train[0];
  if (first === undefined) throw new Error(`The dataset '${listing.name}' has no images to invert`);
  return listing.items[first].key;
}
