import { describe, expect, it } from 'vitest';
import { runOverview } from './run-overview.ts';

describe('runOverview', () => {
  it('counts (model, probe) pairs and projects the time spent onto what is left', () => {
    // 4 models × 2 probes, 3 pairs done after 60 s, no phase running: 3/8 done, 5/8 left at 20 s a pair.
    const o = runOverview({ models: 4, probes: 2, pairsDone: 3, phase: null, elapsedSeconds: 60 });
    expect(o).toEqual({ pairsTotal: 8, pairsDone: 3, fraction: 3 / 8, etaSeconds: 100 });
  });

  it('adds at most half a pair for the phase in progress', () => {
    const o = runOverview({
      models: 2,
      probes: 1,
      pairsDone: 1,
      phase: { done: 50, total: 100 },
      elapsedSeconds: 10,
    });
    expect(o.fraction).toBeCloseTo((1 + 0.25) / 2, 12);
    const full = runOverview({
      models: 2,
      probes: 1,
      pairsDone: 1,
      phase: { done: 100, total: 100 },
      elapsedSeconds: 10,
    });
    expect(full.fraction).toBeLessThan(1);
  });

  it('gives no ETA before there is anything to go on, and 0 when finished', () => {
    expect(
      runOverview({ models: 3, probes: 3, pairsDone: 0, phase: null, elapsedSeconds: 5 }).etaSeconds,
    ).toBeNull();
    const done = runOverview({ models: 3, probes: 3, pairsDone: 12, phase: null, elapsedSeconds: 5 });
    expect(done).toMatchObject({ pairsDone: 9, fraction: 1, etaSeconds: 0 });
  });

  it('survives a phase with an unknown total and an empty plan', () => {
    const o = runOverview({
      models: 0,
      probes: 0,
      pairsDone: 0,
      phase: { done: 3, total: 0 },
      elapsedSeconds: 1,
    });
    expect(o).toEqual({ pairsTotal: 1, pairsDone: 0, fraction: 0, etaSeconds: null });
  });
});
