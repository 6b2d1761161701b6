// The probe commands end to end on small seeded .npy files: arguments → JSON written → numbers consistent.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../core/npy.ts';
import { ProbeInputError } from '../../core/probe-input.ts';
import { createRng } from '../../core/rng.ts';
import { UsageError } from '../command.ts';
import { main } from '../main.ts';
import { probeCalibrationCommand, probeFewshotCommand, probeLinearCommand } from './probe.ts';

const DIR = resolve(import.meta.dirname, '../../../.cache/probe-cli-test');

/**
 * Three classes in 4-D, written as X.npy plus labels as .npy and as a text file of names. `spread` 1: nearly
 * separable; larger: overlapping classes, so that the validation score and the chosen C depend on the fit.
 */
function writeSet(name: string, n: number, seed: number, spread = 1): { X: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const X = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) X[i * 4 + j] = (j === y[i] ? 3 : 0) + spread * (rng.nextFloat() - 0.5);
  }
  writeFileSync(join(DIR, `${name}_X.npy`), writeNpy(X, [n, 4]));
  writeFileSync(join(DIR, `${name}_y.npy`), writeNpy(y, [n]));
  writeFileSync(join(DIR, `${name}_y.txt`), `${Array.from(y, (v) => ['cat', 'dog', 'emu'][v]).join('\n')}\n`);
  return { X, y };
}

/** Writes `name`_X.npy / _y.npy from arrays (for the degenerate inputs). */
function writeRaw(name: string, X: Float32Array, y: Int32Array, d = 4): string[] {
  writeFileSync(join(DIR, `${name}_X.npy`), writeNpy(X, [y.length, d]));
  writeFileSync(join(DIR, `${name}_y.npy`), writeNpy(y, [y.length]));
  return [join(DIR, `${name}_X.npy`), join(DIR, `${name}_y.npy`)];
}

/** Runs `tlab probe linear` through main (as the shell would) and returns its exit code. */
async function exitCode(train: string[], test: string[]): Promise<number> {
  return main(['probe', 'linear', '--train', ...train, '--test', ...test, '--backend', 'cpu']);
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

  it('fits sparse labels (5, 17, 900) exactly as dense ones (0, 1, 2), and says which label is which class', async () => {
    const hardTrain = writeSet('hard_train', 150, 3, 7);
    const hardTest = writeSet('hard_test', 90, 4, 7);
    const sparse = (y: Int32Array) => Int32Array.from(y, (v) => [5, 17, 900][v]);
    const dense = [
      writeRaw('dense_train', hardTrain.X, hardTrain.y),
      writeRaw('dense_test', hardTest.X, hardTest.y),
    ];
    const spread = [
      writeRaw('sparse_train', hardTrain.X, sparse(hardTrain.y)),
      writeRaw('sparse_test', hardTest.X, sparse(hardTest.y)),
    ];
    const results = [];
    for (const [train, test] of [dense, spread]) {
      const out = join(DIR, `remap-${results.length}.json`);
      await probeLinearCommand.run([
        '--train',
        ...train,
        '--test',
        ...test,
        '--backend',
        'cpu',
        '--out',
        out,
      ]);
      results.push(JSON.parse(readFileSync(out, 'utf8')));
    }
    const [a, b] = results;
    expect(a.labels).toEqual([0, 1, 2]);
    expect(b.labels).toEqual([5, 17, 900]);
    expect(b.nClasses).toBe(3);
    // Overlapping classes: the score is a real one, and the sweep's choice depends on the fit.
    expect(a.testScore).toBeGreaterThan(0.5);
    expect(a.testScore).toBeLessThan(1);
    expect(new Set(a.valScores).size).toBeGreaterThan(1);
    for (const key of ['testScore', 'chosenLog10C', 'valScores', 'objective', 'iterations', 'confusion'])
      expect(b[key], key).toEqual(a[key]);
  });

  it('refuses NaN and infinite features, naming the rows, with exit code 1 and no score', async () => {
    const { X, y } = writeSet('nan_train', 30, 5);
    X[3 * 4 + 1] = Number.NaN;
    X[7 * 4] = Number.POSITIVE_INFINITY;
    const train = writeRaw('nan_train', X, y);
    const test = writeRaw(
      'ok_test',
      ...(Object.values(writeSet('ok_test', 30, 6)) as [Float32Array, Int32Array]),
    );
    const run = probeLinearCommand.run(['--train', ...train, '--test', ...test, '--backend', 'cpu']);
    await expect(run).rejects.toThrow(ProbeInputError);
    await expect(probeLinearCommand.run(['--train', ...train, '--test', ...test])).rejects.toThrow(
      /train \(.*nan_train_X\.npy\): 2 of 30 rows hold NaN or infinite features: rows 3 and 7 \(0-based\)/,
    );
    expect(await exitCode(train, test)).toBe(1);
    await expect(
      probeFewshotCommand.run(['--features', ...train, '--ways', '3', '--shots', '1', '--backend', 'cpu']),
    ).rejects.toThrow(/rows 3 and 7/);
  });

  it('refuses zero rows and a single class with the reason, exit code 1', async () => {
    const ok = writeSet('ok_train', 30, 7);
    const okTrain = writeRaw('ok_train', ok.X, ok.y);
    const empty = writeRaw('empty_test', new Float32Array(0), new Int32Array(0));
    await expect(probeLinearCommand.run(['--train', ...okTrain, '--test', ...empty])).rejects.toThrow(
      /test \(.*empty_test_X\.npy\): zero rows, so there is nothing to fit or score/,
    );
    expect(await exitCode(okTrain, empty)).toBe(1);
    const one = writeRaw('one_train', ok.X, new Int32Array(30).fill(4));
    await expect(probeLinearCommand.run(['--train', ...one, '--test', ...okTrain])).rejects.toThrow(
      /train \(.*one_train_X\.npy\): every row has the same class \(label 4\); a classifier needs at least two/,
    );
    expect(await exitCode(one, okTrain)).toBe(1);
    const oneTest = writeRaw('one_test', ok.X, new Int32Array(30).fill(1));
    expect(await exitCode(okTrain, oneTest)).toBe(1);
  });
});
