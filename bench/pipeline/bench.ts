// Whole-run timing of `tlab eval`, before and after a change of the extraction pipeline, in one table:
//   1. the default one-click run: the embedded zoo (4 models) on the default demo set (fashion-mnist-test,
//      1,000 images), probes linear + few-shot, as `npm run dev` offers it and `tlab eval` runs it;
//   2. a 4-model run on a 1,000-image folder of 640×480 colour photos (bench/pipeline/photo-folder.ts).
// "before" is `tlab eval` from a source tree of another commit (default bfaa404: one decode per preprocessing,
// batch 16), extracted with `git archive` under .cache/ and run with this checkout's node_modules; "after"
// is this checkout. Every run is a fresh process with --no-cache, so features are computed, timed with
// /usr/bin/time (wall, CPU of every thread, peak RSS). The records of before and after are compared
// (same scores bit for bit, createdAt aside): a speed-up that changed a number would be a bug.
//
// Run on a quiet machine (the numbers are the machine's, not the code's, under load):
//   npx tsx bench/pipeline/bench.ts [--before bfaa404] [--images 1000] [--runs 1]
//        [--photo-models zoo-supervised-r10n,zoo-simclr-r10n,nsfwjs-mobilenetv2,nsfwjs-mobilenetv2-mid]
//        [--only default|photos] [--skip-before]
// (nsfwjs-inceptionv3 is a fourth photo model too, at about 0.3 images/s per thread: about 2 h more per side.)

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeBenchPhotoFolder } from './photo-folder.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const WORK = join(ROOT, '.cache/bench-pipeline');

const { values } = parseArgs({
  options: {
    before: { type: 'string', default: 'bfaa404' },
    images: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '1' },
    'photo-models': {
      type: 'string',
      default: 'zoo-supervised-r10n,zoo-simclr-r10n,nsfwjs-mobilenetv2,nsfwjs-mobilenetv2-mid',
    },
    only: { type: 'string' },
    'skip-before': { type: 'boolean', default: false },
  },
});

/** The source tree of `rev` (git archive), with this checkout's node_modules; made once per commit. */
function treeOf(rev: string): string {
  const sha = execFileSync('git', ['rev-parse', '--short=12', rev], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = join(WORK, `tree-${sha}`);
  if (existsSync(join(dir, 'bin/tlab.js'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', '--format=tar', sha], { cwd: ROOT, maxBuffer: 2 ** 31 });
  if (archive.status !== 0) throw new Error(`git archive ${sha} failed: ${archive.stderr}`);
  execFileSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

interface Timed {
  wallS: number;
  cpuS: number;
  peakRssMiB: number;
  record: unknown;
}

/** One `tlab eval` in its own process, under /usr/bin/time. */
function timedEval(tree: string, data: string, models: string, tag: string): Timed {
  const out = join(WORK, `${tag}.json`);
  const args = ['-f', 'TIME %e %U %S %M', 'node', 'bin/tlab.js', 'eval', '--data', data];
  args.push('--models', models, '--probes', 'linear,fewshot', '--no-cache', '--out', out);
  const run = spawnSync('/usr/bin/time', args, { cwd: tree, encoding: 'utf8', maxBuffer: 2 ** 28 });
  const line = run.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (run.status !== 0 || !line) throw new Error(`tlab eval (${tag}) failed:\n${run.stderr.slice(-2000)}`);
  const [wall, user, sys, rssKb] = line.slice(5).split(' ').map(Number);
  const record = JSON.parse(readFileSync(out, 'utf8'));
  return { wallS: wall, cpuS: user + sys, peakRssMiB: rssKb / 1024, record };
}

/** The record without the moment it was written, for comparing two runs. */
function withoutTime(record: unknown): string {
  const { createdAt: _, ...rest } = record as { createdAt: string };
  return JSON.stringify(rest);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

interface Scenario {
  name: string;
  data: string;
  models: string;
  images: number;
}

function scenarios(): Scenario[] {
  const all: Scenario[] = [];
  if (values.only !== 'photos')
    all.push({
      name: 'default one-click: zoo × fashion-mnist-test',
      data: join(ROOT, 'public/datasets/fashion-mnist-test'),
      models: 'zoo-supervised-r10n,zoo-simclr-r10n,zoo-byol-r10n,zoo-random-r10n',
      images: 1000,
    });
  if (values.only !== 'default') {
    const n = Number(values.images);
    const data = makeBenchPhotoFolder(join(WORK, `photos-${n}`), n);
    const models = values['photo-models']!;
    all.push({ name: `${models.split(',').length} models × ${n} photos 640×480`, data, models, images: n });
  }
  return all;
}

function main(): void {
  mkdirSync(WORK, { recursive: true });
  const runs = Number(values.runs);
  const sides: [string, string][] = [['after (this checkout)', ROOT]];
  if (!values['skip-before']) sides.unshift([`before (${values.before})`, treeOf(values.before!)]);
  const rows: string[] = [];
  for (const s of scenarios()) {
    const records: string[] = [];
    for (const [side, tree] of sides) {
      const timed = Array.from({ length: runs }, (_, r) =>
        timedEval(
          tree,
          s.data,
          s.models,
          `${side.split(' ')[0]}-${s.name.split(':')[0].replace(/\W+/g, '-')}-${r}`,
        ),
      );
      records.push(withoutTime(timed[0].record));
      const wall = median(timed.map((t) => t.wallS));
      const cpu = median(timed.map((t) => t.cpuS));
      const rss = Math.max(...timed.map((t) => t.peakRssMiB));
      const models = s.models.split(',').length;
      rows.push(
        `| ${s.name} | ${side} | ${wall.toFixed(1)} | ${cpu.toFixed(1)} | ${((models * s.images) / wall).toFixed(1)} | ${rss.toFixed(0)} |`,
      );
      console.error(`done: ${s.name}, ${side}: ${wall.toFixed(1)} s`);
    }
    if (records.length === 2)
      rows.push(
        `| ${s.name} | records before = after | ${records[0] === records[1] ? 'yes' : '**NO**'} | | | |`,
      );
  }
  console.log(
    `\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString()}; load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${runs} run(s) per cell (median)\n`,
  );
  console.log('| run | code | wall s | CPU s (all threads) | model·images / s (wall) | peak RSS MiB |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

main();
