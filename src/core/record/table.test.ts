import { describe, expect, it } from 'vitest';
import { paperScaleRecord, smallRecord } from './fixtures.ts';
import { mergeRecords } from './merge.ts';
import { formatScore, probeName, resultTable } from './table.ts';

describe('formatScore', () => {
  it('shows fractions in % with one decimal and raw metrics with three', () => {
    expect(formatScore({ metric: 'top1', value: 0.8734, ci95: 0.0121 })).toBe('87.3 ± 1.2');
    expect(formatScore({ metric: 'map11', value: 0.836 })).toBe('83.6');
    expect(formatScore({ metric: 'ece', value: 0.1035 })).toBe('10.3');
    expect(formatScore({ metric: 'nll', value: 0.41234, ci95: 0.0133 })).toBe('0.412 ± 0.013');
    expect(formatScore({ metric: 'r2', value: -0.5 })).toBe('-0.500');
  });
});

describe('resultTable', () => {
  it('makes rows of models and (dataset, probe) columns with the metric named', () => {
    const table = resultTable([smallRecord()]);
    expect(table.columns.map((c) => [c.dataset, c.label])).toEqual([
      ['flowers', 'linear · mean per-class %'],
      ['pets', 'linear · top-1 %'],
      ['pets', '2-way 5-shot · top-1 %'],
      ['pets', '2-way 20-shot · top-1 %'],
    ]);
    expect(table.rows.map((r) => r.label)).toEqual(['Supervised', 'SwAV']);
    expect(table.rows.map((r) => r.cells.map((c) => (c === null ? null : [c.text, c.best])))).toEqual([
      [
        ['87.3 ± 1.2', false],
        ['91.5', true],
        ['80.0 ± 2.0', false],
        ['90.0 ± 1.0', false],
      ],
      [['91.1 ± 1.0', true], ['87.6', false], null, null],
    ]);
    expect(table.warnings).toEqual([]);
  });

  it('flags the lowest ECE as best and every tied best', () => {
    const r = smallRecord();
    r.scores = [
      { model: 'sup', dataset: 'pets', probe: 'ece', metric: 'ece', value: 0.1 },
      { model: 'swav', dataset: 'pets', probe: 'ece', metric: 'ece', value: 0.05 },
      { model: 'sup', dataset: 'flowers', probe: 'linear', metric: 'top1', value: 0.9 },
      { model: 'swav', dataset: 'flowers', probe: 'linear', metric: 'top1', value: 0.9 },
    ];
    const table = resultTable([r]);
    expect(table.rows.map((row) => row.cells.map((c) => c?.best))).toEqual([
      [false, true],
      [true, true],
    ]);
    expect(table.columns.map((c) => c.higherIsBetter)).toEqual([false, true]);
  });

  it('puts the best paper-scale linear score on the expected model', () => {
    const table = resultTable([paperScaleRecord()]);
    expect(table.columns).toHaveLength(33);
    expect(table.rows).toHaveLength(14);
    const pets = table.columns.findIndex((c) => c.dataset === 'Oxford-IIIT Pets' && c.probe === 'linear');
    expect(table.rows.filter((r) => r.cells[pets]?.best).map((r) => r.modelId)).toEqual(['supervised']);
    const aircraft = table.columns.findIndex(
      (c) => c.dataset === 'FGVC-Aircraft' && c.probe === 'fewshot-5way-20shot',
    );
    const best = table.rows.find((r) => r.cells[aircraft]?.best)!;
    expect([best.modelId, best.cells[aircraft]!.text]).toEqual(['supervised', '68.9 ± 0.9']);
  });
});

describe('comparing runs', () => {
  it('keeps the same model from two runs apart, labelled by run, side by side', () => {
    const a = smallRecord();
    const b = { ...smallRecord(), createdAt: '2026-11-27T09:30:59.000Z', backend: 'webgpu' };
    b.scores = b.scores.map((s) => ({ ...s, value: s.value - 0.01 }));
    const view = mergeRecords([a, b]);
    expect(view.runs.map((r) => [r.id, r.label])).toEqual([
      ['run1', '2026-11-26 08:00 · wasm'],
      ['run2', '2026-11-27 09:30 · webgpu'],
    ]);
    const table = resultTable([a, b]);
    expect(table.rows.map((r) => r.label)).toEqual([
      'Supervised (2026-11-26 08:00 · wasm)',
      'Supervised (2026-11-27 09:30 · webgpu)',
      'SwAV (2026-11-26 08:00 · wasm)',
      'SwAV (2026-11-27 09:30 · webgpu)',
    ]);
    expect(table.rows.map((r) => r.cells[1]?.text)).toEqual(['91.5', '90.5', '87.6', '86.6']);
  });

  it('labels identical runs apart and warns when data or weights differ under one name', () => {
    const a = smallRecord();
    const b = smallRecord();
    b.datasets[1].fingerprint = 'other';
    b.models[0].weightsHash = 'other';
    const view = mergeRecords([a, b]);
    expect(view.runs.map((r) => r.label)).toEqual(['2026-11-26 08:00 · wasm', '2026-11-26 08:00 · wasm #2']);
    expect(view.warnings).toEqual([
      "'pets' holds different images in different runs; its numbers are not comparable.",
      "'sup' has different weights in different runs; its numbers are not comparable.",
    ]);
  });
});

describe('probeName', () => {
  it('spells few-shot settings and the pipeline probes out, and leaves unknown probes alone', () => {
    expect(probeName('fewshot-5way-20shot')).toBe('5-way 20-shot');
    expect(probeName('linear')).toBe('linear');
    expect(probeName('ece-scaled')).toBe('ECE after temperature scaling');
    expect(probeName('fewshot-5way-xshot')).toBe('fewshot-5way-xshot');
  });
});
