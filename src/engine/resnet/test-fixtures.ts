// Test-only helpers: PyTorch reference models and features made on demand by
// scripts/fixtures/torch_features.py into .cache/fixtures/parity/ (gitignored), plus a minimal
// safetensors reader for them (the real converter lives in src/convert/).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StateDict } from '../../convert/types.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts/fixtures/torch_features.py');
export const PARITY_DIR = join(ROOT, '.cache/fixtures/parity');
const PYTHON = '/usr/bin/python3';

/** Why PyTorch parity tests cannot run here, or null when they can. */
export function torchMissingReason(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  return r.status === 0
    ? null
    : `PyTorch parity tests SKIPPED: ${PYTHON} cannot import torch/torchvision (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
}

function runPython(args: string[]): void {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`torch_features.py ${args.join(' ')} failed:\n${r.stderr}`);
}

/** Seeded random torchvision model with randomised BatchNorm; returns its folder (weights + .pth files). */
export function ensureParityModel(arch: string, seed = 0): string {
  const dir = join(PARITY_DIR, `${arch}-s${seed}`);
  if (!existsSync(join(dir, 'checkpoint-legacy.pth'))) {
    mkdirSync(dir, { recursive: true });
    runPython(['make-model', '--arch', arch, '--seed', String(seed), '--out', dir]);
  }
  return dir;
}

export interface FeatureCase {
  n: number;
  size: number;
  norm: 'imagenet' | 'none';
  pixelSeed?: number;
}

export interface TorchFeatures {
  pixels: Float32Array;
  features: Float32Array;
  map: Float32Array;
  mapShape: number[];
}

/** PyTorch eval-mode features of `weights` on seeded random pixels (cached per case). */
export function torchFeatures(arch: string, weights: string, c: FeatureCase): TorchFeatures {
  const seed = c.pixelSeed ?? 0;
  const out = `${weights}.features-n${c.n}-s${c.size}-${c.norm}-p${seed}.safetensors`;
  if (!existsSync(out)) {
    const args = [
      '--arch',
      arch,
      '--weights',
      weights,
      '--out',
      out,
      '--n',
      String(c.n),
      '--size',
      String(c.size),
    ];
    runPython(['features', ...args, '--norm', c.norm, '--pixel-seed', String(seed)]);
  }
  const sd = readSafetensorsF32(readFileSync(out));
  const get = (k: string) => {
    const e = sd.get(k);
    if (!e) throw new Error(`${out} lacks ${k}`);
    return e;
  };
  return {
    pixels: get('pixels').data,
    features: get('features').data,
    map: get('map').data,
    mapShape: get('map').shape,
  };
}

/** safetensors with F32 tensors only (what torch_features.py writes): u64 header length, JSON, data. */
export function readSafetensorsF32(bytes: Uint8Array): StateDict {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const sd: StateDict = new Map();
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (h.dtype !== 'F32') throw new Error(`${name}: test reader handles F32 only, got ${h.dtype}`);
    // Copy (Node's Buffer.slice would share memory and keep the file's offset).
    const raw = new Uint8Array(
      bytes.subarray(8 + headerLen + h.data_offsets[0], 8 + headerLen + h.data_offsets[1]),
    );
    sd.set(name, { shape: h.shape, data: new Float32Array(raw.buffer), dtype: 'float32' });
  }
  return sd;
}

/** max|a−b| and max|b|, for tolerance checks relative to the reference's scale. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { diff, scale };
}
