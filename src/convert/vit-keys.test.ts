import { describe, expect, it } from 'vitest';
import { expectedResNetKeys, NAMED_RESNETS } from './resnet-keys.ts';
import { type KeyShapes, matchVit, VIT_LAYOUTS, type VitConfig, vitParamNames } from './vit-keys.ts';
import { clipKeys, timmKeys, torchvisionKeys } from './vit-test-keys.ts';

function expectComplete(keys: KeyShapes, config: Partial<VitConfig>, dropped: string[]) {
  const m = matchVit(keys);
  expect(m).not.toBeNull();
  if (!m) return;
  expect(m.config).toMatchObject(config);
  expect(m.missing).toEqual([]);
  expect(m.dropped.sort()).toEqual(dropped.sort());
  expect(m.params.map((p) => p.target)).toEqual(vitParamNames(m.config));
  // Every key is either used once or dropped.
  expect(m.params.length + m.dropped.length).toBe(keys.size);
}

describe('matchVit', () => {
  it('reads a timm ViT-L/16 (DeiT, MAE names) and drops its head', () => {
    expectComplete(
      timmKeys({ D: 1024, depth: 24, p: 16, grid: 14 }),
      {
        layout: 'timm',
        width: 1024,
        depth: 24,
        heads: 16,
        patchSize: 16,
        posGrid: 14,
        posPrefix: 1,
        registers: 0,
      },
      ['head.weight', 'head.bias'],
    );
  });

  it("reads DINOv2's own names: registers, LayerScale, mask token dropped, DINOv2 resampling", () => {
    expectComplete(
      timmKeys({ D: 384, depth: 12, p: 14, grid: 37, regs: 4, dinov2: true }),
      {
        registers: 4,
        posPrefix: 1,
        layerScale: true,
        posGrid: 37,
        posEmbedResample: 'dinov2',
        patchSize: 14,
      },
      ['head.weight', 'head.bias', 'mask_token'],
    );
  });

  it("reads timm's DINOv2-reg names: reg_token and a table without the class row (no_embed_class)", () => {
    expectComplete(
      timmKeys({ D: 768, depth: 12, p: 14, grid: 16, regs: 4 }),
      { registers: 4, posPrefix: 0, posGrid: 16, posEmbedResample: 'timm', heads: 12 },
      ['head.weight', 'head.bias'],
    );
  });

  it("reads torchvision's vit_b_16, old and new MLP names", () => {
    for (const legacy of [false, true]) {
      expectComplete(
        torchvisionKeys(768, 12, 16, 14, legacy),
        { layout: 'torchvision', width: 768, depth: 12, posEmbedResample: 'torchvision', layerNormEps: 1e-6 },
        ['heads.head.weight', 'heads.head.bias'],
      );
    }
  });

  it("reads CLIP's visual tower inside a full CLIP state dict, with or without the visual. prefix", () => {
    const config = {
      layout: 'clip',
      activation: 'quick-gelu',
      layerNormEps: 1e-5,
      preNorm: true,
      projection: 512,
      patchBias: false,
    };
    const text = ['token_embedding.weight', 'transformer.resblocks.0.attn.in_proj_weight', 'logit_scale'];
    expectComplete(clipKeys(768, 12, 16, 14, 512), config as Partial<VitConfig>, text);
    const bare = VIT_LAYOUTS.find((l) => l.layout === 'clip')?.match(clipKeys(768, 2, 16, 14, 512, ''));
    expect(bare?.config.depth).toBe(2);
  });

  it('reports a missing or mis-shaped tensor by its lab name and source key', () => {
    const keys = timmKeys({ D: 384, depth: 2, p: 16, grid: 14 });
    keys.delete('blocks.1.mlp.fc2.bias');
    keys.set('blocks.0.attn.proj.weight', [384, 383]);
    const m = matchVit(keys);
    expect(m?.missing).toEqual([
      'blocks.0.proj.weight (blocks.0.attn.proj.weight is [384, 383], expected [384, 384])',
      'blocks.1.fc2.bias',
    ]);
  });

  it('finds no ViT among ResNet keys, and restricts the search to one layout when asked', () => {
    expect(matchVit(expectedResNetKeys(NAMED_RESNETS.resnet50))).toBeNull();
    expect(matchVit(torchvisionKeys(384, 2, 16, 14), 'timm')).toBeNull();
    expect(matchVit(torchvisionKeys(384, 2, 16, 14), 'torchvision')?.config.layout).toBe('torchvision');
  });
});
