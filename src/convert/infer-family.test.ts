import { describe, expect, it } from 'vitest';
import { inferFamily, type LayoutEvidence } from './infer-family.ts';

const plain: LayoutEvidence = {
  container: '(top)',
  prefix: '',
  naming: 'torchvision',
  profile: 'torchvision',
};
const custom = (container: string, prefix: string): LayoutEvidence => ({
  container,
  prefix,
  naming: 'torchvision',
  profile: 'auto',
});

describe('inferFamily', () => {
  it('reads the method from release file names, specific names first', () => {
    expect(inferFamily('moco_v2_800ep_pretrain.pth.tar', plain)).toEqual({
      family: 'moco-v2',
      from: 'file name',
    });
    expect(inferFamily('/tmp/dino_resnet50_pretrain.pth', plain).family).toBe('dino');
    expect(inferFamily('dinov2_vits14_pretrain.pth', plain).family).toBe('dinov2');
    expect(inferFamily('swav_800ep_pretrain.pth.tar', plain).family).toBe('swav');
    expect(inferFamily('r50_1x_sk0.pth', plain).family).toBe('simclr-v2');
    expect(inferFamily('mae_pretrain_vit_base.pth', plain).family).toBe('mae');
    // 'mae' only as a word: a name that merely contains the letters is not MAE.
    expect(inferFamily('gamaeleon.pth', custom('state_dict', 'backbone.')).family).toBe('unlabelled');
  });

  it('falls back to layouts only one family writes, saying so', () => {
    expect(inferFamily('checkpoint.pth', custom('teacher', 'backbone.'))).toEqual({
      family: 'dino',
      from: 'layout (teacher › backbone.)',
    });
    expect(
      inferFamily('x.pth', custom('classy_state_dict/base_model/model/trunk', '_feature_blocks.')).family,
    ).toBe('vissl');
    expect(inferFamily('x.pth', custom('state_dict', 'module.base_encoder.')).family).toBe('moco-v3');
    expect(inferFamily('x.pkl', { ...plain, naming: 'haiku', profile: 'byol' }).family).toBe('byol');
    expect(inferFamily('resnet50.pth', plain)).toEqual({
      family: 'torchvision',
      from: 'layout ((top) › (no prefix))',
    });
  });

  it('says when nothing names a method instead of inventing one', () => {
    const r = inferFamily('checkpoint-0099.pth', custom('state_dict', 'backbone.'));
    expect(r.family).toBe('unlabelled');
    expect(r.from).toMatch(/type the family/);
  });
});
