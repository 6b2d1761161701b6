// The reference side of the linear-probe benchmark (Node only): scripts/fixtures/sklearn_reference.py
// (scikit-learn 0.22 semantics, scipy L-BFGS-B, numpy float64) on the same .npy folder, via /usr/bin/python3.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './data.ts';
import type { SideResult } from './sweep.ts';

/** Runs the reference's paper-mode sweep on `dir` (relative to the root); `seconds` is its own timing. */
export function reference(dir: string, fits: number, start: number): SideResult {
  const abs = join(ROOT, dir);
  const out = join(abs, `ref-paper-start${start}-fits${fits}.json`);
  const r = spawnSync(
    '/usr/bin/python3',
    [
      join(ROOT, 'scripts/fixtures/sklearn_reference.py'),
      abs,
      '--mode',
      'paper',
      '--max-fits',
      String(fits),
      '--start',
      String(start),
      '--out',
      out,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`sklearn_reference.py failed:\n${r.stderr}`);
  const j = JSON.parse(readFileSync(out, 'utf8')) as {
    seconds: number;
    fits: { val: number; iterations: number }[];
    testScore?: number;
  };
  return {
    seconds: j.seconds,
    valScores: j.fits.map((f) => f.val),
    testScore: j.testScore ?? null,
    iterations: j.fits.map((f) => f.iterations),
    matMul: 'numpy float64 (OpenBLAS)',
  };
}
