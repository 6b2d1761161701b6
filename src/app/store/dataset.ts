import type { DemoDataset, FolderFile, ScannedDataset } from '../../worker/api.ts';
import { defaultDemo } from '../../worker/catalog.ts';
import type { SliceCreator } from './types.ts';

export interface DatasetSlice {
  dataset: ScannedDataset | null;
  datasetStatus: 'none' | 'scanning' | 'ready';
  demos: DemoDataset[];
  /** Fetches the demo list; with `loadDefault`, also scans the default demo so one click on Run works. */
  loadDemos(loadDefault: boolean): Promise<void>;
  loadDemo(name: string): Promise<void>;
  loadFolder(name: string, files: FolderFile[]): Promise<void>;
}

export const createDatasetSlice: SliceCreator<DatasetSlice> = (set, get, client) => {
  /** Scans may overlap (the default demo still loading when the user drops a folder): the latest one wins. */
  let latestScan = 0;
  async function scan(what: string, work: () => Promise<ScannedDataset>): Promise<void> {
    if (get().run.status === 'running') {
      get().reportError(new Error('Cancel the running evaluation before changing the dataset'));
      return;
    }
    const ticket = ++latestScan;
    const previous = get().dataset;
    set({ datasetStatus: 'scanning' });
    try {
      const dataset = await work();
      if (ticket === latestScan) set({ dataset, datasetStatus: 'ready' });
    } catch (error) {
      if (ticket === latestScan) set({ dataset: previous, datasetStatus: previous ? 'ready' : 'none' });
      get().reportError(error, `Could not read ${what}`);
    }
  }
  return {
    dataset: null,
    datasetStatus: 'none',
    demos: [],
    async loadDemos(loadDefault) {
      try {
        const demos = await client.listDemos();
        set({ demos });
        const first = defaultDemo(demos);
        if (loadDefault && first && !get().dataset) await get().loadDemo(first.name);
      } catch (error) {
        get().reportError(error, 'Could not list the demo datasets');
      }
    },
    loadDemo: (name) => scan(`the demo dataset '${name}'`, () => client.scanDemo(name)),
    loadFolder(name, files) {
      if (files.length === 0) {
        get().reportError(
          new Error(`The folder '${name}' is empty: drop a folder with one subfolder per class`),
        );
        return Promise.resolve();
      }
      return scan(`the folder '${name}'`, () => client.scanFolder(name, files));
    },
  };
};
