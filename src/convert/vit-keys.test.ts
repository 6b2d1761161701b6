import { describe, expect, it } from 'vitest';
import { expectedResNetKeys, NAMED_RESNETS } from './resnet-keys.ts';
import { type KeyShapes, matchVit, VIT_LAYOUTS, type VitConfig, vitParamNames } from './vit-keys.ts';

/** Key → shape maps as each layout saves a ViT (no data: the matcher reads shapes only). */
function timmKeys(o: { D: number; depth: number; p: number; grid: number; regs?: number; dinov2?: boolean }) {
  const { D, depth, p, grid } = o;
  const regs = o.regs ?? 0;
  const k = new Map<string, number[]>([
    ['patch_embed.proj.weight', [D, 3, p, p]],
    ['patch_embed.proj.bias', [D]],
    ['cls_token', [1, 1, D]],
    ['pos_embed', [1, (o.dinov2 || !regs ? 1 : 0) + grid * grid, D]],
    ['norm.weight', [D]],
    ['norm.bias', [D]],
    ['head.weight', [1000, D]],
    ['head.bias', [1000]],
  ]);
  if (regs) k.set(o.dinov2 ? 'register_tokens' : 'reg_token', [1, regs, D]);
  if (o.dinov2) k.set('mask_token', [1, D]);
  for (let i = 0; i < depth; i++) {
    const b = `blocks.${i}`;
    for (const n of ['norm1', 'norm2']) for (const w of ['weight', 'bias']) k.set(`${b}.${n}.${w}`, [D]);
    k.set(`${b}.attn.qkv.weight`, [3 * D, D]).set(`${b}.attn.qkv.bias`, [3 * D]);
    k.set(`${b}.attn.proj.weight`, [D, D]).set(`${b}.attn.proj.bias`, [D]);
    k.set(`${b}.mlp.fc1.weight`, [4 * D, D]).set(`${b}.mlp.fc1.bias`, [4 * D]);
    k.set(`${b}.mlp.fc2.weight`, [D, 4 * D]).set(`${b}.mlp.fc2.bias`, [D]);
    if (regs) k.set(`${b}.ls1.gamma`, [D]).set(`${b}.ls2.gamma`, [D]);
  }
  return k;
}

function mhaBlock(k: Map<string, number[]>, b: string, att: string, fc1: string, fc2: string, D: number) {
  for (const n of ['ln_1', 'ln_2']) for (const w of ['weight', 'bias']) k.set(`${b}.${n}.${w}`, [D]);
  k.set(`${b}.${att}.in_proj_weight`, [3 * D, D]).set(`${b}.${att}.in_proj_bias`, [3 * D]);
  k.set(`${b}.${att}.out_proj.weight`, [D, D]).set(`${b}.${att}.out_proj.bias`, [D]);
  k.set(`${b}.${fc1}.weight`, [4 * D, D]).set(`${b}.${fc1}.bias`, [4 * D]);
  k.set(`${b}.${fc2}.weight`, [D, 4 * D]).set(`${b}.${fc2}.bias`, [D]);
}

function torchvisionKeys(D: number, depth: number, p: number, grid: number, legacyMlp = false) {
  const k = new Map<string, number[]>([
    ['conv_proj.weight', [D, 3, p, p]],
    ['conv_proj.bias', [D]],
    ['class_token', [1, 1, D]],
    ['encoder.pos_embedding', [1, 1 + grid * grid, D]],
    ['encoder.ln.weight', [D]],
    ['encoder.ln.bias', [D]],
    ['heads.head.weight', [1000, D]],
    ['heads.head.bias', [1000]],
  ]);
  for (let i = 0; i < depth; i++) {
    const [a, b] = legacyMlp ? ['mlp.linear_1', 'mlp.linear_2'] : ['mlp.0', 'mlp.3'];
    mhaBlock(k, `encoder.layers.encoder_layer_${i}`, 'self_attention', a, b, D);
  }
  return k;
}

function clipKeys(D: number, depth: number, p: number, grid: number, E: number, prefix = 'visual.') {
  const k = new Map<string, number[]>([
    [`${prefix}conv1.weight`, [D, 3, p, p]],
    [`${prefix}class_embedding`, [D]],
    [`${prefix}positional_embedding`, [1 + grid * grid, D]],
    [`${prefix}ln_pre.weight`, [D]],
    [`${prefix}ln_pre.bias`, [D]],
    [`${prefix}ln_post.weight`, [D]],
    [`${prefix}ln_post.bias`, [D]],
    [`${prefix}proj`, [D, E]],
    // The text tower of a full CLIP state dict (its blocks share the visual tower's names, without visual.).
    ['token_embedding.weight', [49408, 512]],
    ['transformer.resblocks.0.attn.in_proj_weight', [1536, 512]],
    ['logit_scale', []],
  ]);
  for (let i = 0; i < depth; i++)
    mhaBlock(k, `${prefix}transformer.resblocks.${i}`, 'attn', 'mlp.c_fc', 'mlp.c_proj', D);
  return k;
}

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
