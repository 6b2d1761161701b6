// Import and export of ResultRecords as files (pure: text in, records out).

import type { ResultRecord } from '../../core/record/types.ts';
import { validateRecord } from '../../core/record/validate.ts';
import { errorMessage } from './errors.ts';

/** Parses an exported JSON file: one record or an array of records. Errors name the file and the fix. */
export function parseRecordsJson(text: string, fileName: string): ResultRecord[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${fileName} is not a JSON file: import a file made with "Export JSON"`);
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new Error(`${fileName} holds no results`);
  return list.map((x, i) => {
    try {
      return validateRecord(x);
    } catch (error) {
      const where = list.length > 1 ? `${fileName} (record ${i + 1})` : fileName;
      throw new Error(`${where} is not a Transfer Lab result: ${errorMessage(error)}`);
    }
  });
}

export function recordsToJson(records: ResultRecord[]): string {
  return JSON.stringify(records.length === 1 ? records[0] : records, null, 2);
}

/** Identity of a run, so importing the same file twice does not duplicate it in the comparison. */
export function recordIdentity(r: ResultRecord): string {
  return [
    r.createdAt,
    r.backend,
    r.seed,
    r.models.map((m) => m.id).join(','),
    r.datasets.map((d) => d.fingerprint),
  ].join('|');
}

export function appendUnique(existing: ResultRecord[], added: ResultRecord[]): ResultRecord[] {
  const seen = new Set(existing.map(recordIdentity));
  const out = [...existing];
  for (const r of added) {
    const id = recordIdentity(r);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(r);
    }
  }
  return out;
}

/** A file name for downloads: date and the dataset names, with anything unsafe for file systems removed. */
export function exportFileName(records: ResultRecord[], extension: 'json' | 'csv'): string {
  const datasets = [...new Set(records.flatMap((r) => r.datasets.map((d) => d.name)))].join('-');
  const safe = datasets.replace(/[^\p{L}\p{N}_.-]+/gu, '_').slice(0, 60) || 'results';
  const date = (records[0]?.createdAt ?? '').slice(0, 10);
  return `transfer-lab-${safe}${date ? `-${date}` : ''}.${extension}`;
}
