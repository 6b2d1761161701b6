import { describe, expect, it } from 'vitest';
import {
  bytesPerImage,
  chooseBatchSize,
  defaultMemoryBudget,
  forwardBytesPerPixel,
  MAX_BATCH,
} from './batch-size.ts';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const r50 = { architecture: 'resnet50', inputSize: 224, crops: [224, 224] };
const zoo = { architecture: 'resnet10-narrow', inputSize: 32, crops: [32, 32] };
const vitL = { architecture: 'vit-large-patch14', inputSize: 224, crops: [224, 224] };

describe('batch size within a memory budget', () => {
  it('counts the forward pass per input pixel plus two batches of both preprocessings’ pixels', () => {
    // ResNet-50: 1,818 B per input pixel (measured), and 2 × 2 crops of 224² × 3 float32.
    expect(bytesPerImage(r50)).toBe(1818 * 224 * 224 + 2 * 2 * 224 * 224 * 12);
    expect(bytesPerImage(zoo)).toBe(90 * 32 * 32 + 2 * 2 * 32 * 32 * 12);
  });

  it('gives a ResNet-50 at 224 the batch its activations fit, a 32-px model the cap', () => {
    const perR50 = bytesPerImage(r50); // about 89.6 MiB
    expect(chooseBatchSize(r50, GIB)).toBe(Math.floor(GIB / perR50));
    expect(chooseBatchSize(r50, GIB)).toBe(11);
    expect(chooseBatchSize(r50, 2 * GIB)).toBe(22);
    expect(chooseBatchSize(zoo, 256 * MIB)).toBe(MAX_BATCH);
    // Peak stays under the budget: the chosen batch fits, one more image would not.
    for (const budget of [300 * MIB, GIB, 2 * GIB]) {
      const b = chooseBatchSize(r50, budget);
      expect(b * perR50).toBeLessThanOrEqual(budget);
      expect((b + 1) * perR50).toBeGreaterThan(budget);
    }
  });

  it('scales ViT-B/16’s measured figure by width × depth and tokens per pixel; an unknown family gets the largest', () => {
    expect(forwardBytesPerPixel('vit_b_16')).toBe(1013);
    expect(forwardBytesPerPixel('vit-base-patch16')).toBe(1013);
    expect(forwardBytesPerPixel('vit-w768-d12-p16')).toBe(1013);
    // ViT-L/14: (1024 · 24) / (768 · 12) = 8/3 the activations per token, (16/14)² the tokens per pixel.
    expect(forwardBytesPerPixel('vit-large-patch14')).toBe(Math.ceil(1013 * (8 / 3) * (16 / 14) ** 2));
    expect(forwardBytesPerPixel('vit_s_16')).toBe(Math.ceil(1013 / 2));
    expect(chooseBatchSize(vitL, GIB)).toBeLessThan(
      chooseBatchSize({ ...vitL, architecture: 'vit_b_16' }, GIB),
    );
    const unknown = { architecture: 'convnext_tiny', inputSize: 224, crops: [224, 224] };
    expect(bytesPerImage(unknown)).toBe(bytesPerImage(r50)); // the largest measured figure: safe side
  });

  it('runs one image at a time when even one does not fit, and refuses a budget that is not positive', () => {
    expect(chooseBatchSize(r50, 10 * MIB)).toBe(1);
    expect(() => chooseBatchSize(r50, 0)).toThrow(RangeError);
    expect(() => chooseBatchSize(r50, Number.NaN)).toThrow(RangeError);
  });

  it('defaults to a quarter of the memory, within 256 MiB..2 GiB, 1 GiB when the memory is unknown', () => {
    expect(defaultMemoryBudget(8 * GIB)).toBe(2 * GIB);
    expect(defaultMemoryBudget(64 * GIB)).toBe(2 * GIB);
    expect(defaultMemoryBudget(2 * GIB)).toBe(512 * MIB);
    expect(defaultMemoryBudget(512 * MIB)).toBe(256 * MIB);
    expect(defaultMemoryBudget(undefined)).toBe(GIB);
  });
});
