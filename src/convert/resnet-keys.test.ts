import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expectedResNetKeys,
  featureSize,
  inferResNetConfig,
  NAMED_RESNETS,
  type ResNetConfig,
  ResNetConfigError,
  resnetConfigForArch,
} from './resnet-keys.ts';
import { ensureCheckpointFixtures, pythonTorchUnavailable } from './test-fixtures.ts';
import type { StateDict } from './types.ts';

/** A state dict with every expected key, zero-filled, as a converter would produce it. */
function syntheticStateDict(config: ResNetConfig): StateDict {
  const sd: StateDict = new Map();
  for (const [key, shape] of expectedResNetKeys(config)) {
    sd.set(key, { shape, data: new Float32Array(0), dtype: 'float32' });
  }
  return sd;
}

function parameterCount(config: ResNetConfig): number {
  let n = 0;
  for (const shape of expectedResNetKeys(config).values()) n += shape.reduce((a, d) => a * d, 1);
  return n;
}

describe('expectedResNetKeys', () => {
  // Key and element counts of torchvision's state_dict() without fc and num_batches_tracked (torchvision 0.14).
  it.each([
    ['resnet18', 100, 11_186_112, 512],
    ['resnet34', 180, 21_301_696, 512],
    ['resnet50', 265, 23_561_152, 2048],
    ['resnet101', 520, 42_605_504, 2048],
    ['resnet152', 775, 58_295_232, 2048],
    ['wide_resnet50_2', 265, 66_902_464, 2048],
  ])('%s has %i keys holding %i values, %i features', (arch, keys, values, features) => {
    const config = resnetConfigForArch(arch);
    expect(expectedResNetKeys(config).size).toBe(keys);
    expect(parameterCount(config)).toBe(values);
    expect(featureSize(config)).toBe(features);
  });

  const skip = pythonTorchUnavailable();
  if (skip) console.warn(`SKIPPING torchvision key-set comparison: ${skip}`);
  it.skipIf(skip !== null)('matches torchvision key by key, shape by shape, in order', () => {
    const dir = ensureCheckpointFixtures();
    const reference = JSON.parse(readFileSync(join(dir, 'torchvision-keys.json'), 'utf8')) as Record<
      string,
      Array<[string, number[]]>
    >;
    for (const [arch, entries] of Object.entries(reference)) {
      expect([...expectedResNetKeys(resnetConfigForArch(arch))], arch).toEqual(entries);
    }
  });

  it('refuses unknown architecture names', () => {
    expect(() => resnetConfigForArch('vgg16')).toThrow(ResNetConfigError);
  });
});

describe('inferResNetConfig', () => {
  it.each(Object.keys(NAMED_RESNETS))('recovers %s from its own key set', (arch) => {
    const config = resnetConfigForArch(arch);
    expect(inferResNetConfig(syntheticStateDict(config))).toEqual(config);
  });

  it('recovers narrow custom ResNets (basic and bottleneck)', () => {
    const narrowBasic: ResNetConfig = {
      block: 'basic',
      layers: [1, 1, 1, 1],
      stemWidth: 4,
      widths: [2, 4, 4, 8],
      expansion: 1,
    };
    const narrowBottleneck: ResNetConfig = {
      block: 'bottleneck',
      layers: [1, 2, 1, 1],
      stemWidth: 8,
      widths: [4, 8, 8, 16],
      expansion: 4,
    };
    expect(inferResNetConfig(syntheticStateDict(narrowBasic))).toEqual(narrowBasic);
    expect(inferResNetConfig(syntheticStateDict(narrowBottleneck))).toEqual(narrowBottleneck);
    // The narrow basic net changes width in layer1 (4 → 2), so even block 0 of layer1 needs a projection.
    expect(expectedResNetKeys(narrowBasic).has('layer1.0.downsample.0.weight')).toBe(true);
    expect(expectedResNetKeys(resnetConfigForArch('resnet18')).has('layer1.0.downsample.0.weight')).toBe(
      false,
    );
  });

  it('names the missing key when the dict is not a ResNet', () => {
    const sd: StateDict = new Map([
      ['features.0.weight', { shape: [1], data: new Float32Array(1), dtype: 'float32' }],
    ]);
    expect(() => inferResNetConfig(sd)).toThrow(/conv1\.weight/);
  });
});
