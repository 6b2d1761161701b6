import type { ResultRecord } from '../../core/record/types.ts';
import { appendUnique, parseRecordsJson } from './results-io.ts';
import type { SliceCreator } from './types.ts';

export interface ResultsSlice {
  /** Finished runs: this session's and imported ones; several records form a comparison. */
  records: ResultRecord[];
  addRecords(records: ResultRecord[]): void;
  importFiles(files: { name: string; text: string }[]): void;
  removeRecord(index: number): void;
  clearRecords(): void;
}

export const createResultsSlice: SliceCreator<ResultsSlice> = (set, get) => ({
  records: [],
  addRecords(records) {
    set({ records: appendUnique(get().records, records) });
  },
  importFiles(files) {
    for (const file of files) {
      try {
        get().addRecords(parseRecordsJson(file.text, file.name));
      } catch (error) {
        get().reportError(error);
      }
    }
  },
  removeRecord(index) {
    set({ records: get().records.filter((_, i) => i !== index) });
  },
  clearRecords() {
    set({ records: [], viewingShared: false });
  },
});
