// Test helper: builds (once) and loads the PIL/torchvision reference corpus from scripts/fixtures/pixel_corpus.py.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RgbImage } from '../../core/types.ts';

export const CORPUS_DIR = resolve('.cache/fixtures/pixels');

interface Output {
  file: string;
  width: number;
  height: number;
}

export interface CorpusEntry {
  file: string;
  mode: string;
  width: number;
  height: number;
  decoded: Output;
  linear: Output;
  fewshot: Output;
}

/** Why the corpus cannot be built here, or null when Debian's python3 with PIL + torchvision is present. */
export function corpusUnavailableReason(): string | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision, PIL'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return 'SKIPPED: /usr/bin/python3 with torch, torchvision and PIL is missing (apt-get install python3-torchvision python3-pil)';
  }
  return null;
}

/** Runs the corpus builder (idempotent) and returns the manifest entries. */
export function loadCorpus(): CorpusEntry[] {
  const run = spawnSync('/usr/bin/python3', ['scripts/fixtures/pixel_corpus.py', CORPUS_DIR], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`pixel_corpus.py failed: ${run.stderr}`);
  const manifest = JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8'));
  return manifest.images as CorpusEntry[];
}

export function readCorpusFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR, name)));
}

export function readReference(out: Output): RgbImage {
  const path = join(CORPUS_DIR, out.file);
  if (!existsSync(path)) throw new Error(`missing reference ${path}`);
  return { data: readCorpusFile(out.file), width: out.width, height: out.height };
}

/** Max and mean absolute difference in 8-bit levels, per channel (R, G, B). */
export function channelDiff(a: Uint8Array, b: Uint8Array): { max: number[]; mean: number[] } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  const max = [0, 0, 0];
  const sum = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    const c = i % 3;
    if (d > max[c]) max[c] = d;
    sum[c] += d;
  }
  return { max, mean: sum.map((s) => s / (a.length / 3)) };
}
