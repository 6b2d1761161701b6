// Test-only helpers: seeded random ViTs in each checkpoint layout with their PyTorch features, made on demand
// by scripts/fixtures/vit_features.py into .cache/fixtures/vit/ (gitignored).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSafetensorsF32 } from '../resnet/test-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts/fixtures/vit_features.py');
export const VIT_FIXTURE_DIR = join(ROOT, '.cache/fixtures/vit');

/** The script's layouts: 'dinov2' is the timm layout with DINOv2's own names (register_tokens, mask_token). */
export type FixtureLayout = 'timm' | 'dinov2' | 'torchvision' | 'clip';
export type FixtureVariant = 's16' | 'b16' | 's14reg';

export interface VitCase {
  layout: FixtureLayout;
  variant: FixtureVariant;
  n: number;
  size: number;
}

export interface VitReference {
  checkpoint: string;
  pixels: Float32Array;
  cls: Float32Array;
  mean: Float32Array;
  proj: Float32Array | null;
}

export function vitFixtureFolder(layout: FixtureLayout, variant: FixtureVariant): string {
  return join(VIT_FIXTURE_DIR, `${layout}-${variant}-s0`);
}

function featuresFile(c: VitCase): string {
  return join(vitFixtureFolder(c.layout, c.variant), `features-n${c.n}-s${c.size}-p0.safetensors`);
}

/**
 * Makes (once) the checkpoints and reference features of all `cases`: one script call per model folder
 * for all its missing cases, since building and randomising the model (seconds for ViT-B) is the costly part.
 */
export function ensureVitFixtures(cases: VitCase[]): void {
  const missing = new Map<string, VitCase[]>();
  for (const c of cases) {
    if (existsSync(featuresFile(c))) continue;
    const dir = vitFixtureFolder(c.layout, c.variant);
    const list = missing.get(dir) ?? [];
    if (!list.some((m) => m.n === c.n && m.size === c.size)) list.push(c);
    missing.set(dir, list);
  }
  for (const [dir, list] of missing) {
    const { layout, variant } = list[0];
    const args = ['--layout', layout, '--variant', variant, '--out', dir];
    for (const c of list) args.push('--case', `${c.n}x${c.size}`);
    const r = spawnSync('/usr/bin/python3', [SCRIPT, ...args], { encoding: 'utf8', cwd: ROOT });
    if (r.status !== 0) throw new Error(`vit_features.py ${args.join(' ')} failed:\n${r.stderr}`);
  }
}

/** The checkpoint and the reference features of one case (made first if missing). */
export function vitReference(c: VitCase): VitReference {
  ensureVitFixtures([c]);
  const features = featuresFile(c);
  const sd = readSafetensorsF32(readFileSync(features));
  const get = (k: string) => {
    const e = sd.get(k);
    if (!e) throw new Error(`${features} lacks ${k}`);
    return e.data;
  };
  return {
    checkpoint: join(vitFixtureFolder(c.layout, c.variant), 'checkpoint.pth'),
    pixels: get('pixels'),
    cls: get('cls'),
    mean: get('mean'),
    proj: sd.get('proj')?.data ?? null,
  };
}
