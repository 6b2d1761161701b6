import { describe, expect, it } from 'vitest';
import { formatScore, probeLabel, resultGrid } from './results-grid.ts';
import { twoModelRecord } from './test/records.ts';

describe('resultGrid', () => {
  it('pivots models × probes with the metric named, CIs and the best per column', () => {
    const { columns, rows } = resultGrid([twoModelRecord()]);
    expect(columns.map((c) => c.label)).toEqual(['linear · top-1 %', '5-way 5-shot · top-1 %']);
    expect(
      rows.map((r) => [r.model, r.run, ...r.cells.map((c) => c && `${c.text}${c.best ? '*' : ''}`)]),
    ).toEqual([
      ['Zoo SimCLR', '', '91.2*', '86.1 ± 0.7*'],
      ['Zoo random init', '', '45.2', '39.1 ± 0.9'],
    ]);
  });

  it('keeps runs apart when comparing, labelled by date and backend', () => {
    const a = twoModelRecord('2026-11-26T08:00:00.000Z');
    const b = twoModelRecord('2026-11-27T10:30:00.000Z');
    b.backend = 'webgpu';
    b.scores = b.scores.filter((s) => s.probe === 'linear');
    const { columns, rows } = resultGrid([a, b]);
    expect(columns).toHaveLength(2);
    expect(rows.map((r) => r.run)).toEqual([
      '2026-11-26 08:00 · wasm',
      '2026-11-26 08:00 · wasm',
      '2026-11-27 10:30 · webgpu',
      '2026-11-27 10:30 · webgpu',
    ]);
    expect(rows[2].cells[1]).toBeNull();
  });

  it('formats raw metrics and lower-is-better metrics', () => {
    expect(formatScore({ metric: 'nll', value: 0.41234 })).toBe('0.412');
    expect(formatScore({ metric: 'ece', value: 0.1035, ci95: 0.002 })).toBe('10.3 ± 0.2');
    expect(probeLabel('ece-scaled')).toBe('ece-scaled');
    const r = twoModelRecord();
    r.scores = [
      { model: 'zoo-simclr', dataset: 'digits', probe: 'ece', metric: 'ece', value: 0.08 },
      { model: 'zoo-random', dataset: 'digits', probe: 'ece', metric: 'ece', value: 0.03 },
    ];
    expect(resultGrid([r]).rows.map((row) => row.cells[0]?.best)).toEqual([false, true]);
  });
});
