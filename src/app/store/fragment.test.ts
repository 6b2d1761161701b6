import { describe, expect, it } from 'vitest';
import { twoModelRecord } from '../test/records.ts';
import { readFragment, shareUrl } from './fragment.ts';

describe('permalink fragment', () => {
  it('round-trips a record through a share URL with the same numbers', () => {
    const record = twoModelRecord();
    const url = shareUrl('https://lab.example/app/?x=1#old', [record]);
    expect(url.startsWith('https://lab.example/app/?x=1#')).toBe(true);
    const read = readFragment(new URL(url).hash);
    if (read.kind !== 'records') throw new Error(`expected records, got ${JSON.stringify(read)}`);
    expect(read.records).toHaveLength(1);
    expect(read.records[0].scores.map((s) => [s.model, s.probe, s.value, s.ci95])).toEqual(
      record.scores.map((s) => [s.model, s.probe, s.value, s.ci95]),
    );
  });

  it('carries every run on screen in one link', () => {
    const runs = [twoModelRecord('2026-11-26T08:00:00.000Z'), twoModelRecord('2026-11-26T09:00:00.000Z')];
    const read = readFragment(new URL(shareUrl('https://lab.example/', runs)).hash);
    if (read.kind !== 'records') throw new Error(`expected records, got ${JSON.stringify(read)}`);
    expect(read.records.map((r) => r.createdAt)).toEqual(runs.map((r) => r.createdAt));
  });

  it('treats an empty fragment as no permalink', () => {
    expect(readFragment('')).toEqual({ kind: 'none' });
    expect(readFragment('#')).toEqual({ kind: 'none' });
  });

  it('gives a clear message for a tampered or foreign fragment', () => {
    const hash = new URL(shareUrl('https://lab.example/', [twoModelRecord()])).hash;
    const tampered = `${hash.slice(0, 20)}${hash[20] === 'A' ? 'B' : 'A'}${hash.slice(21, -4)}`;
    for (const fragment of [tampered, '#section-2', '#r1.!!!!']) {
      const read = readFragment(fragment);
      expect(read.kind).toBe('error');
      if (read.kind === 'error')
        expect(read.message).toMatch(/^This link does not hold a readable Transfer Lab result \(.+\)\./);
    }
  });
});
