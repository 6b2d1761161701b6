// `tlab diffusion` on a small folder with an embedded zoo model: the JSON states the setting, has one map per
// decodable image and the per-model summary of those; a broken file is reported, not fatal; bad settings
// are usage errors.

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meanWithInterval } from '../../core/diffusion/interval.ts';
import { main } from '../main.ts';

const MODEL = 'zoo-supervised-r10n';

function smallFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'tlab-diffusion-'));
  const from = 'public/datasets/fashion-mnist-test/test';
  for (const cls of readdirSync(from).slice(0, 2)) {
    mkdirSync(join(root, cls));
    for (const f of readdirSync(join(from, cls)).slice(0, 2))
      copyFileSync(join(from, cls, f), join(root, cls, f));
  }
  writeFileSync(join(root, readdirSync(root)[0], 'broken.png'), 'not a png');
  return root;
}

describe('tlab diffusion', () => {
  it('writes per-image maps and values, the mean with its interval, and the setting', async () => {
    const data = smallFolder();
    const out = join(data, 'r.json');
    const code = await main(['diffusion', '--model', MODEL, '--data', data, '--stride', '10', '--out', out]);
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.sampledKeys).toHaveLength(5);
    expect(r.issues.map((i: { key: string }) => i.key)).toEqual([expect.stringMatching(/broken\.png$/)]);
    const m = r.models[0];
    expect(m.id).toBe(MODEL);
    expect(m.perImage).toHaveLength(4);
    for (const p of m.perImage) {
      expect(p.map).toHaveLength(32 * 32);
      expect(p.diffusion).toBeGreaterThan(0);
      expect(p.diffusion).toBeLessThan(100);
    }
    const summary = meanWithInterval(m.perImage.map((p: { diffusion: number }) => p.diffusion));
    expect(m.mean).toBe(summary.mean);
    expect(m.ci95).toBe(summary.ci95);
    expect(m.settings).toMatchObject({
      stride: 10,
      occluder: 10,
      fill: 'normalised-zero',
      crop: 32,
      side: 50,
      positionsPerImage: 25,
      isPaperSetting: false,
      paper: { occluder: 10, stride: 1 },
    });
  });

  it('refuses a stride above the occluder, a bad fill and missing arguments with the usage', async () => {
    const base = ['diffusion', '--model', MODEL, '--data', 'x', '--out', 'y'];
    expect(await main([...base, '--stride', '11'])).toBe(2);
    expect(await main([...base, '--fill', 'grey'])).toBe(2);
    expect(await main([...base, '--images', 'many'])).toBe(2);
    expect(await main(['diffusion', '--model', MODEL])).toBe(2);
  });
});
