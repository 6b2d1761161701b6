// `tlab convert` and `tlab embed` for ViTs, end to end on a small synthetic CLIP checkpoint (no Python):
// options reach the card, bad options are usage errors, and the converted folder embeds images.

import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipKeys, vitSafetensors } from '../../convert/vit-test-keys.ts';
import type { ModelCard } from '../../core/types.ts';
import { main } from '../main.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('tlab convert / embed with a ViT', () => {
  let dir = '';
  const quiet = { log: console.log, error: console.error };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlab-vit-'));
    // patch 14, width 64, one block, position table for a 4×4 grid, projection to 32.
    writeFileSync(join(dir, 'clip.safetensors'), vitSafetensors(clipKeys(64, 1, 14, 4, 32)));
    console.log = () => {};
    console.error = () => {};
  });
  afterAll(() => {
    console.log = quiet.log;
    console.error = quiet.error;
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the card the options ask for, and embeds a folder of images with it', async () => {
    const model = join(dir, 'clip-tiny');
    const args = ['convert', join(dir, 'clip.safetensors'), '--id', 'clip-tiny', '--out', model];
    expect(await main([...args, '--feature', 'proj', '--preprocessing', 'family', '--float16'])).toBe(0);
    const card = JSON.parse(readFileSync(join(model, 'card.json'), 'utf8')) as ModelCard;
    expect(card).toMatchObject({ format: 'lab-vit', featureLayer: 'proj', featureSize: 32, family: 'clip' });
    expect(card.mean).toEqual(card.familyProtocol?.mean);
    expect(card.sizes?.downloadBytes).toBe(2 * (card.sizes?.parameters ?? 0));

    const data = join(dir, 'data');
    for (const cls of ['digit-0', 'digit-1']) {
      const from = join(ROOT, 'public/datasets/digits/train', cls);
      mkdirSync(join(data, cls), { recursive: true });
      for (const f of readdirSync(from).slice(0, 2)) cpSync(join(from, f), join(data, cls, f));
    }
    const out = join(dir, 'feats.npy');
    expect(await main(['embed', '--model', model, '--data', data, '--out', out, '--no-cache'])).toBe(0);
    const npy = readFileSync(out);
    // NPY v1: magic, version, header length, header text; then 4 × 32 float32.
    const header = npy.subarray(10, 10 + npy.readUInt16LE(8)).toString();
    expect(header).toContain("'shape': (4, 32)");
    const body = npy.subarray(10 + npy.readUInt16LE(8));
    const values = new Float32Array(new Uint8Array(body).buffer);
    expect(values.length).toBe(128);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('refuses an unknown feature or preprocessing, and a named architecture the weights contradict', async () => {
    const file = join(dir, 'clip.safetensors');
    expect(await main(['convert', file, '--out', join(dir, 'x'), '--feature', 'mean'])).toBe(2);
    expect(await main(['convert', file, '--out', join(dir, 'x'), '--preprocessing', 'clip'])).toBe(2);
    expect(await main(['convert', file, '--out', join(dir, 'x'), '--arch', 'vit_b_16'])).toBe(1);
  });
});
