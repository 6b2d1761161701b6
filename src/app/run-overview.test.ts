import { describe, expect, it } from 'vitest';
import { runOverview, runPlanText } from './run-overview.ts';

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

describe('runPlanText', () => {
  it('states the work and flags models with large inputs by their pixel ratio', () => {
    const lines = runPlanText(
      [
        { name: 'Zoo A', inputSize: 32 },
        { name: 'Zoo B', inputSize: 32 },
        { name: 'MobileNetV2', inputSize: 224 },
      ],
      2,
      1000,
    );
    expect(lines).toEqual([
      'Run evaluates 3 models × 2 probes on 1,000 images.',
      'MobileNetV2 reads 224-px images: about 49× the work per image of a 32-px model here; its features take longest.',
    ]);
  });

  it('says nothing extra when every model is small, and nothing at all without work', () => {
    expect(runPlanText([{ name: 'A', inputSize: 32 }], 1, 10)).toEqual([
      'Run evaluates 1 model × 1 probe on 10 images.',
    ]);
    expect(runPlanText([], 2, 10)).toEqual([]);
    expect(runPlanText([{ name: 'A', inputSize: 224 }], 1, 0)).toEqual([]);
  });
});
