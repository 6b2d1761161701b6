// Links made by the stats branch before the registry (wire format r1 plus comparisons as an 11th element, and
// "#rs1." for several runs) still open, comparisons and all; links made now (r2, rs2) carry comparisons too.
// The stats-format links are built from a frozen r1 fixture link (permalinks-r1.json) by the stats branch's
// rule (append the comparisons, metrics by their V1_METRIC_ORDER index), so they are the bytes it made.

import { deflateSync, inflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { V1_METRIC_ORDER } from '../probes/metrics.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import links from './fixtures/permalinks-r1.json' with { type: 'json' };
import { decodePermalink, encodePermalink } from './permalink.ts';
import { decodePermalinkSet, encodePermalinkSet } from './permalink-set.ts';
import type { Comparison } from './types.ts';

const pack = (json: unknown) => toBase64Url(deflateSync(new TextEncoder().encode(JSON.stringify(json))));
const unpack = (payload: string): unknown[] =>
  JSON.parse(new TextDecoder().decode(inflateSync(fromBase64Url(payload.replace(/^r\d+\./, ''))!)));

/** The first two-model fixture link, and a comparison between its two models as the stats branch wrote it. */
function statsFormat(): { compact: unknown[]; comparison: Comparison } {
  const fixture = (links as { name: string; link: string }[]).find((l) => l.name.includes('2models'))!;
  const compact = unpack(fixture.link);
  const record = decodePermalink(fixture.link);
  const [a, b] = record.models.map((m) => m.id);
  const comparison: Comparison = {
    dataset: record.datasets[0].name,
    probe: 'linear',
    metric: 'top1',
    models: [a, b],
    test: 'mcnemar-exact',
    n: 40,
    difference: 0.05,
    statistic: 2,
    pValue: 0.0498765432109876,
    pHolm: 0.0498765432109876,
  };
  // [modelA, modelB, dataset, probe, metric (V1 index), test (index), n, difference, statistic, p, pHolm]
  compact.push([
    [0, 1, 0, 'linear', V1_METRIC_ORDER.indexOf('top1'), 0, 40, 0.05, 2, comparison.pValue, comparison.pHolm],
  ]);
  return { compact, comparison };
}

describe('stats-branch link formats', () => {
  it('an r1 link with comparisons as its 11th element opens with them, p-values exact', () => {
    const { compact, comparison } = statsFormat();
    const record = decodePermalink(`r1.${pack(compact)}`);
    expect(record.schema).toBe(1);
    expect(record.comparisons).toEqual([comparison]);
  });

  it('an rs1 link of several such runs opens every run', () => {
    const { compact, comparison } = statsFormat();
    const runs = decodePermalinkSet(`#rs1.${pack([compact, compact.slice(0, 10)])}`);
    expect(runs).toHaveLength(2);
    expect(runs[0].comparisons).toEqual([comparison]);
    expect(runs[1].comparisons).toBeUndefined();
  });

  it('links made now (r2 / rs2) carry comparisons and several runs, and open to the same records', () => {
    const { compact } = statsFormat();
    const old = decodePermalink(`r1.${pack(compact)}`);
    const now = { ...old, schema: 2 };
    const single = encodePermalink(now);
    expect(single.startsWith('r2.')).toBe(true);
    expect(unpack(single)).toHaveLength(13);
    expect(decodePermalink(single).comparisons).toEqual(old.comparisons);
    const set = encodePermalinkSet([now, { ...now, createdAt: '2026-12-01T00:00:00.000Z' }]);
    expect(set.startsWith('rs2.')).toBe(true);
    const runs = decodePermalinkSet(set);
    expect(runs.map((r) => r.comparisons)).toEqual([old.comparisons, old.comparisons]);
  });

  it('refuses a comparison naming a model or metric the link does not have', () => {
    const { compact } = statsFormat();
    const bad = structuredClone(compact);
    (bad[10] as unknown[][])[0][1] = 7;
    expect(() => decodePermalink(`r1.${pack(bad)}`)).toThrow(/damaged/);
    const badMetric = structuredClone(compact);
    (badMetric[10] as unknown[][])[0][4] = 99;
    expect(() => decodePermalink(`r1.${pack(badMetric)}`)).toThrow(/damaged/);
  });
});
