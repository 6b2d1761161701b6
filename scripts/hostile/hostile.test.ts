// The hostile-input suite: every generated case runs through the `tlab` CLI as a child process, which must
// end within 5 s of CPU time and 1 GiB of resident memory (measured by /usr/bin/time on the child), with a
// typed error naming the file (and the member or key), or with the bad item skipped for its reason while
// every other item's row is written.
//
// CPU time, not wall time: the bound is a work budget of the readers, so a loaded machine (eight
// engineers on two cores) does not fail it; a generous wall-clock guard still catches a hang.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPathList } from '../../src/cli/commands/embed.ts';
import { generateHostileSuite } from './generate.ts';
import type { HostileCase } from './types.ts';

const CPU_LIMIT_S = 5;
const RSS_LIMIT_KB = 1024 * 1024;
const HANG_GUARD_MS = 120_000;
const TIME = '/usr/bin/time';
const TLAB = resolve(import.meta.dirname, '../../bin/tlab.js');
const DIR = resolve('.cache/hostile');

const hasTime = existsSync(TIME);
if (!hasTime)
  console.warn(
    `\n*** hostile suite SKIPPED: ${TIME} (Debian package 'time') is needed to measure the child ***\n`,
  );

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  cpuSeconds: number;
  maxRssKb: number;
}

function runTlab(argv: string[]): Promise<Run> {
  const stats = join(mkdtempSync(join(tmpdir(), 'tlab-hostile-')), 'time.txt');
  return new Promise((done, fail) => {
    const child = spawn(TIME, ['-f', '%M %U %S', '-o', stats, process.execPath, TLAB, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      if (stdout.length < 1e6) stdout += d;
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 1e6) stderr += d;
    });
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`tlab ${argv.join(' ')} still running after ${HANG_GUARD_MS} ms: a hang`));
    }, HANG_GUARD_MS);
    child.on('close', (code) => {
      clearTimeout(guard);
      const [rss, user, sys] = readFileSync(stats, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      done({ code, stdout, stderr, cpuSeconds: user + sys, maxRssKb: rss });
    });
  });
}

const generated = (() => {
  // Generated once per run, before the cases are declared (their ids name the tests).
  if (!hasTime) return [] as HostileCase[];
  return generateHostileSuite(DIR);
})();

describe.skipIf(!hasTime)('hostile inputs through the CLI', () => {
  it('covers every kind of input with at least 60 cases', () => {
    const kinds = new Set(generated.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(['archive', 'checkpoint', 'image', 'labels', 'model', 'permalink']);
    expect(generated.length).toBeGreaterThanOrEqual(60);
    expect(new Set(generated.map((c) => `${c.kind}/${c.id}`)).size).toBe(generated.length);
  });

  describe.concurrent.each(generated.map((c) => [`${c.kind} ${c.id}: ${c.what}`, c] as const))(
    '%s',
    (_, c) => {
      it(`ends within ${CPU_LIMIT_S} s CPU and 1 GiB with a ${c.outcome === 'error' ? 'typed error' : 'reported skip'}`, {
        timeout: HANG_GUARD_MS + 10_000,
      }, async () => {
        const run = await runTlab(c.argv);
        const where = `tlab ${c.argv.join(' ')}\n--- stderr ---\n${run.stderr.slice(0, 2000)}`;
        console.log(
          `${c.kind}/${c.id}: ${run.cpuSeconds.toFixed(2)} s CPU, ${(run.maxRssKb / 1024).toFixed(0)} MiB peak RSS`,
        );
        expect(run.cpuSeconds, where).toBeLessThan(CPU_LIMIT_S);
        expect(run.maxRssKb, where).toBeLessThan(RSS_LIMIT_KB);
        // Messages are printable and capped: no raw escape codes, no 20 MB names.
        expect(run.stderr.includes('\u001b'), where).toBe(false);
        expect(run.stdout.includes('\u001b'), where).toBe(false);
        expect(run.stderr.length, where).toBeLessThan(20_000);
        for (const text of c.mentions) expect(run.stderr, where).toContain(text);
        if (c.outcome === 'error') {
          expect(run.code, where).toBe(1);
          return;
        }
        expect(run.code, where).toBe(0);
        if (c.out && c.rows) {
          const rows = readPathList(readFileSync(`${c.out}.paths.jsonl`, 'utf8'));
          expect([...rows].sort(), where).toEqual([...c.rows].sort());
        }
      });
    },
  );
});
