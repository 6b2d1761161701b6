import { describe, expect, it } from 'vitest';
import { twoModelRecord } from '../test/records.ts';
import { appendUnique, exportFileName, parseRecordsJson, recordsToJson } from './results-io.ts';

describe('result files', () => {
  it('round-trips one record and several records through JSON', () => {
    const a = twoModelRecord('2026-11-26T08:00:00.000Z');
    const b = twoModelRecord('2026-11-26T09:00:00.000Z');
    expect(parseRecordsJson(recordsToJson([a]), 'a.json')).toEqual([a]);
    const both = parseRecordsJson(recordsToJson([a, b]), 'ab.json');
    expect(both.map((r) => r.scores[0].value)).toEqual([0.9123, 0.9123]);
    expect(both.map((r) => r.createdAt)).toEqual([a.createdAt, b.createdAt]);
  });

  it('names the file and the problem when a file is not a result', () => {
    expect(() => parseRecordsJson('{oops', 'notes.json')).toThrow(/notes\.json is not a JSON file/);
    expect(() => parseRecordsJson('[]', 'empty.json')).toThrow(/empty\.json holds no results/);
    const broken = { ...twoModelRecord(), scores: 'none' };
    expect(() => parseRecordsJson(JSON.stringify(broken), 'run.json')).toThrow(
      /^run\.json is not a Transfer Lab result: /,
    );
  });

  it('does not duplicate a run imported twice', () => {
    const a = twoModelRecord('2026-11-26T08:00:00.000Z');
    const b = twoModelRecord('2026-11-26T09:00:00.000Z');
    expect(appendUnique([a], [structuredClone(a), b])).toEqual([a, b]);
  });

  it('makes a file name safe for any file system from user dataset names', () => {
    const r = twoModelRecord();
    r.datasets[0].name = '<img src=x> chats/été';
    expect(exportFileName([r], 'csv')).toBe('transfer-lab-_img_src_x_chats_été-2026-11-26.csv');
  });
});
