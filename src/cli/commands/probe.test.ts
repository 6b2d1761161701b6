// The probe commands end to end on small seeded .npy files: arguments → JSON written → numbers consistent.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../core/npy.ts';
import { createRng } from '../../core/rng.ts';
import { UsageError } from '../command.ts';
import { probeCalibrationCommand, probeFewshotCommand, probeLinearCommand } from './probe.ts';

const DIR = resolve(import.meta.dirname, '../../../.cache/probe-cli-test');

/** Three separable-ish classes in 4-D, written as X.npy plus labels as .npy and as a text file of names. */
function writeSet(name: string, n: number, seed: number): void {
  const rng = createRng(seed);
  const X = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) X[i * 4 + j] = (j === y[i] ? 3 : 0) + rng.nextFloat() - 0.5;
  }
  writeFileSync(join(DIR, `${name}_X.npy`), writeNpy(X, [n, 4]));
  writeFileSync(join(DIR, `${name}_y.npy`), writeNpy(y, [n]));
  writeFileSync(join(DIR, `${name}_y.txt`), `${Array.from(y, (v) => ['cat', 'dog', 'emu'][v]).join('\n')}\n`);
}

describe('tlab probe commands', () => {
  mkdirSync(DIR, { recursive: true });
  writeSet('train', 90, 1);
  writeSet('test', 60, 2);
  const f = (name: string, ext = 'npy') => [join(DIR, `${name}_X.npy`), join(DIR, `${name}_y.${ext}`)];

  it('probe linear writes the chosen C, validation scores per C and the test score', async () => {
    const out = join(DIR, 'linear.json');
    const code = await probeLinearCommand.run([
      '--train',
      ...f('train'),
      '--test',
      ...f('test'),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.valScores).toHaveLength(45);
    expect(r.testScore).toBe(1);
    expect(r.settings.validation).toEqual({ kind: 'random', fraction: 0.2, seed: 0 });
  });

  it('accepts text labels (class names) and maps them consistently across files', async () => {
    const out = join(DIR, 'linear-names.json');
    await probeLinearCommand.run([
      '--train',
      ...f('train', 'txt'),
      '--test',
      ...f('test', 'txt'),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.classNames).toEqual(['cat', 'dog', 'emu']);
    expect(r.testScore).toBe(1);
  });

  it('probe fewshot and probe calibration run and write their JSON', async () => {
    const fs = join(DIR, 'fewshot.json');
    await probeFewshotCommand.run([
      '--features',
      ...f('train'),
      '--ways',
      '3',
      '--shots',
      '1,5',
      '--episodes',
      '20',
      '--backend',
      'cpu',
      '--out',
      fs,
    ]);
    const r = JSON.parse(readFileSync(fs, 'utf8'));
    expect(r.results.map((x: { shots: number }) => x.shots)).toEqual([1, 5]);
    expect(r.results[1].mean).toBe(1);
    const cal = join(DIR, 'calibration.json');
    await probeCalibrationCommand.run([
      '--train',
      ...f('train'),
      '--test',
      ...f('test'),
      '--backend',
      'cpu',
      '--out',
      cal,
    ]);
    const c = JSON.parse(readFileSync(cal, 'utf8'));
    expect(c.calibration.before.bins).toHaveLength(15);
    expect(c.calibration.temperature).toBeGreaterThan(0);
  });

  it('rejects wrong arguments with a UsageError', async () => {
    await expect(probeLinearCommand.run(['--train', 'a.npy'])).rejects.toThrow(UsageError);
    await expect(probeLinearCommand.run(['--bogus'])).rejects.toThrow(/unknown argument/);
    await expect(probeFewshotCommand.run(['--shots', '0', '--features', 'a', 'b'])).rejects.toThrow(
      UsageError,
    );
  });
});
