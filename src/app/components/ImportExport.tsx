import { recordToCsv } from '../../core/record/csv.ts';
import { useLab } from '../store/react.ts';
import { exportFileName, recordsToJson } from '../store/results-io.ts';

function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Export the shown results as JSON or CSV; import JSON files (several at once to compare machines). */
export function ImportExport() {
  const records = useLab((s) => s.records);
  const importFiles = useLab((s) => s.importFiles);
  const clearRecords = useLab((s) => s.clearRecords);
  const empty = records.length === 0;
  return (
    <div className="import-export">
      <button
        type="button"
        data-testid="export-json"
        disabled={empty}
        onClick={() => download(recordsToJson(records), exportFileName(records, 'json'), 'application/json')}
      >
        Export JSON
      </button>
      <button
        type="button"
        data-testid="export-csv"
        disabled={empty}
        onClick={() => download(recordToCsv(records), exportFileName(records, 'csv'), 'text/csv')}
      >
        Export CSV
      </button>
      <label className="file-button">
        Import JSON…
        <input
          type="file"
          accept=".json,application/json"
          multiple
          data-testid="import-json"
          onChange={async (e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            importFiles(await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))));
          }}
        />
      </label>
      <button type="button" disabled={empty} onClick={clearRecords} data-testid="clear-results">
        Clear results
      </button>
    </div>
  );
}
