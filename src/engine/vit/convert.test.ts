// tlab convert's ViT path on small synthetic checkpoints (safetensors written here, no Python): the layout is
// found automatically, the report and card say what was done, and wrong requests are refused with reasons.

import { describe, expect, it } from 'vitest';
import {
  clipKeys,
  vitSafetensors as safetensors,
  timmKeys,
  torchvisionKeys,
} from '../../convert/vit-test-keys.ts';
import { convertCheckpoint } from '../model-format/convert-checkpoint.ts';
import { readLabModel } from '../model-format/read.ts';
import { CLIP_MEAN } from './card.ts';

const D = 64;

describe('convertCheckpoint for ViTs', () => {
  it('finds each layout with --profile auto and writes a lab-vit model with sizes and the family protocol', async () => {
    const cases = [
      {
        keys: timmKeys({ D, depth: 2, p: 16, grid: 4, regs: 4, dinov2: true }),
        profile: 'vit-timm',
        dropped: 3,
      },
      { keys: torchvisionKeys(D, 2, 16, 4), profile: 'vit-torchvision', dropped: 2 },
      { keys: clipKeys(D, 2, 14, 4, 32), profile: 'vit-clip', dropped: 3 },
    ];
    for (const c of cases) {
      const { card, report, files } = await convertCheckpoint(safetensors(c.keys), {
        id: 'v',
        float16: true,
      });
      expect(report.profile).toBe(c.profile);
      expect(report.dropped).toHaveLength(c.dropped);
      expect(card.format).toBe('lab-vit');
      expect(card.featureLayer).toBe('cls');
      expect(card.featureSize).toBe(D);
      expect(card.preprocessing.linear).toEqual({
        mode: 'shorter-side',
        resize: 224,
        crop: 224,
        interpolation: 'bicubic',
      });
      expect(card.familyProtocol?.source).toBeTruthy();
      const params = [...c.keys]
        .filter(([k]) => !report.dropped.includes(k))
        .reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
      expect(card.sizes).toEqual({ parameters: params, downloadBytes: 2 * params, memoryBytes: 4 * params });
      const model = await readLabModel(async (p) => files.get(p) ?? new Uint8Array(0), {
        expectedHash: card.weightsHash,
      });
      expect(model.json.format).toBe('lab-vit');
      expect(model.tensors.get('blocks.0.fc1.kernel')?.shape).toEqual([D, 4 * D]);
    }
  });

  it("CLIP: --feature proj gives the projection's width; --preprocessing family takes CLIP's own mean/std", async () => {
    const { card } = await convertCheckpoint(safetensors(clipKeys(D, 1, 16, 2, 32)), {
      id: 'c',
      feature: 'proj',
      preprocessing: 'family',
    });
    expect(card.featureSize).toBe(32);
    expect(card.mean).toEqual(CLIP_MEAN);
    expect(card.family).toBe('clip');
  });

  it('checks a named --arch against the weights and sets its head count', async () => {
    const bytes = safetensors(torchvisionKeys(D, 2, 16, 4));
    await expect(convertCheckpoint(bytes, { id: 'x', arch: 'vit_b_16' })).rejects.toThrow(
      /--arch vit_b_16 does not match the checkpoint: width 64, depth 2, patch 16/,
    );
  });

  it('refuses an incomplete ViT by naming what it lacks, and a file that is neither ViT nor ResNet', async () => {
    const keys = timmKeys({ D, depth: 2, p: 16, grid: 4 });
    keys.delete('blocks.1.attn.qkv.bias');
    await expect(convertCheckpoint(safetensors(keys), { id: 'x', profile: 'vit' })).rejects.toThrow(
      /the timm-layout ViT lacks 1 tensors \(blocks\.1\.qkv\.bias\)/,
    );
    const junk = safetensors(new Map([['something.weight', [4, 4]]]));
    await expect(convertCheckpoint(junk, { id: 'x', profile: 'clip' })).rejects.toThrow(
      /no Vision Transformer in the clip layout among these keys \(something\.weight\)/,
    );
    await expect(convertCheckpoint(junk, { id: 'x' })).rejects.toThrow(/ResNet/);
  });
});
