// `tlab eval` on degenerate data: "not computed" with the reason in its output and record, exit code 1 when
// nothing at all could be computed; the flags come from the probe registry.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROBE_KINDS } from '../../core/probes/registry.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { UsageError } from '../command.ts';
import { evalCommand, memoryBudget, pixelPoolPays } from './eval.ts';

/** One class folder of six grey PNGs. */
function oneClassFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'tlab-eval-one-class-'));
  mkdirSync(join(root, 'cats'));
  for (let i = 0; i < 6; i++) {
    const data = new Uint8Array(28 * 28 * 3).fill(40 * i);
    writeFileSync(
      join(root, 'cats', `${i}.png`),
      encode({ width: 28, height: 28, data, channels: 3, depth: 8 }),
    );
  }
  return root;
}

describe('tlab eval', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 1 with "not computed" and the reason when a folder has one class', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a) => void printed.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = oneClassFolder();
    const out = join(dir, 'r.json');
    const code = await evalCommand.run([
      '--data',
      dir,
      '--models',
      'zoo-random-r10n',
      '--probes',
      'linear,knn',
      '--no-cache',
      '--out',
      out,
    ]);
    expect(code).toBe(1);
    const record = JSON.parse(readFileSync(out, 'utf8')) as ResultRecord;
    expect(record.scores).toEqual([]);
    expect(record.notComputed?.map((n) => n.probe)).toEqual(['linear', 'knn']);
    const text = printed.join('\n');
    expect(text).toMatch(/not computed +not computed/);
    expect(text).toContain(
      'zoo-random-r10n / ' +
        record.datasets[0].name +
        " / knn: it needs images of two or more classes in train; train has 1 (only 'cats')",
    );
  });

  it('reads probe names and settings flags from the registry, and refuses bad ones', async () => {
    await expect(evalCommand.run(['--data', '.', '--probes', 'linear,nope'])).rejects.toThrow(
      new UsageError(`unknown probe 'nope' (known: ${PROBE_KINDS.join(', ')})`),
    );
    await expect(evalCommand.run(['--data', '.', '--probes', 'knn', '--k', '10,x'])).rejects.toThrow(
      /--k must be a positive integer, not 'x'/,
    );
    await expect(evalCommand.run(['--data', '.', '--probes', 'knn', '--temperature', '0'])).rejects.toThrow(
      /--temperature must be a positive number/,
    );
    expect(evalCommand.usage).toMatch(/--k <v> +kNN neighbour counts/);
  });
});

describe('tlab eval: pixel workers and the memory budget', () => {
  it('starts decode workers only where a core is free of the backbone', () => {
    expect(pixelPoolPays(2, 1)).toBe(true); // Node's one-thread tfjs-wasm on 2 cores
    expect(pixelPoolPays(2, 2)).toBe(false);
    expect(pixelPoolPays(1, 1)).toBe(false);
    expect(pixelPoolPays(8, 8)).toBe(true); // 4+ cores: half of them decode (bench/pixels/RESULTS.md)
  });

  it('reads --memory-budget in MiB and refuses anything but a positive integer', () => {
    expect(memoryBudget('512')).toBe(512 * 2 ** 20);
    expect(() => memoryBudget('0')).toThrow(UsageError);
    expect(() => memoryBudget('1.5')).toThrow(UsageError);
    expect(memoryBudget(undefined)).toBeGreaterThanOrEqual(256 * 2 ** 20);
    expect(memoryBudget(undefined)).toBeLessThanOrEqual(2 * 2 ** 30);
  });
});
