import { describe, expect, it } from 'vitest';
import { NAMED_RESNETS } from '../../convert/resnet-keys.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { ResNetConfig } from '../resnet/config.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import { FEATURE_LAYER, IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from './card.ts';
import { describeCustom, namedArchOf } from './convert-checkpoint.ts';
import { decodeFloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits } from './float16.ts';
import { readCard, readLabModel } from './read.ts';
import type { CardInput } from './types.ts';
import { writeLabModel } from './write.ts';

describe('float16', () => {
  it('encodes exactly representable values and the limits of the format', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest finite half
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [70000, 0x7c00], // overflow → +Inf
      [Number.NEGATIVE_INFINITY, 0xfc00],
      [2 ** -26, 0x0000], // underflow → 0
    ];
    for (const [value, bits] of cases) expect(float32ToFloat16Bits(value), String(value)).toBe(bits);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(Number.NaN)))).toBe(true);
  });

  it('rounds to nearest, ties to even (like numpy astype(float16))', () => {
    // Between 1 (0x3c00) and 1+2^-10 (0x3c01): the midpoint goes to the even 0x3c00, just above goes up.
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    // 0.1 → 0x2e66 (numpy: np.float16(0.1).view(np.uint16) == 11878)
    expect(float32ToFloat16Bits(0.1)).toBe(11878);
  });

  it('round-trips within half a unit in the last place', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));
    const back = decodeFloat16(encodeFloat16(values));
    for (let i = 0; i < values.length; i++) {
      expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(
        Math.max(Math.abs(values[i]) * 2 ** -11, 2 ** -25),
      );
    }
  });
});

const CONFIG: ResNetConfig = {
  block: 'basic',
  layers: [1, 1, 1, 1],
  stemWidth: 4,
  widths: [4, 8, 8, 16],
  expansion: 1,
};

function tensors(): NamedTensor[] {
  const t = (name: string, shape: number[], offset: number): NamedTensor => ({
    name,
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(i + offset)),
  });
  return [
    t('conv1.kernel', [7, 7, 3, 4], 0),
    t('conv1.bias', [4], 1),
    t('layer1.0.conv1.kernel', [3, 3, 4, 4], 2),
  ];
}

const CARD: CardInput = {
  id: 'tiny',
  name: 'Tiny',
  architecture: 'resnet-tiny',
  family: 'random',
  inputSize: 64,
  preprocessing: protocolPreprocessing(64),
  mean: IMAGENET_MEAN,
  std: IMAGENET_STD,
  featureLayer: FEATURE_LAYER,
  source: 'test',
  licence: 'MIT',
  imagenetTop1: null,
  checkpointSha256: null,
};

function reader(files: Map<string, Uint8Array>) {
  return async (path: string) => {
    const f = files.get(path);
    if (!f) throw new Error(`no such file ${path}`);
    return f;
  };
}

describe('lab model format', () => {
  it('writes a tfjs-style manifest with shards of at most the given size, and reads the weights back', async () => {
    const { files, card } = await writeLabModel(tensors(), CONFIG, CARD, { shardBytes: 1000 });
    // 588 + 4 + 144 floats = 2944 bytes → 3 shards; weights span shard boundaries.
    expect([...files.keys()]).toEqual([
      'model.json',
      'group1-shard1of3.bin',
      'group1-shard2of3.bin',
      'group1-shard3of3.bin',
      'card.json',
    ]);
    expect(files.get('group1-shard3of3.bin')?.byteLength).toBe(944);
    const json = JSON.parse(new TextDecoder().decode(files.get('model.json')));
    expect(json.format).toBe('lab-resnet');
    expect(json.weightsManifest[0].weights[1]).toEqual({ name: 'conv1.bias', shape: [4], dtype: 'float32' });
    expect(card.featureSize).toBe(16);
    expect(card.format).toBe('lab-resnet');

    const model = await readLabModel(reader(files), { expectedHash: card.weightsHash });
    for (const t of tensors()) {
      expect(model.tensors.get(t.name)?.shape).toEqual(t.shape);
      expect(Array.from(model.tensors.get(t.name)?.data ?? [])).toEqual(Array.from(t.data));
    }
    expect(model.json.config).toEqual(CONFIG);
    expect((await readCard(reader(files))).weightsHash).toBe(card.weightsHash);
  });

  it('weightsHash is sha256 over the shard bytes in order', async () => {
    const { files, card } = await writeLabModel(tensors(), CONFIG, CARD, { shardBytes: 1000 });
    const parts = ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'].map(
      (p) => files.get(p)!,
    );
    const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.byteLength;
    }
    expect(card.weightsHash).toBe(await sha256Hex(all));
  });

  it('float16 storage halves the bytes and stays within float16 precision', async () => {
    const { files } = await writeLabModel(tensors(), CONFIG, CARD, { float16: true });
    expect(files.get('group1-shard1of1.bin')?.byteLength).toBe(2944 / 2);
    const model = await readLabModel(reader(files));
    const w = model.tensors.get('layer1.0.conv1.kernel')!;
    const orig = tensors()[2].data;
    const worst = w.data.reduce((m, v, i) => Math.max(m, Math.abs(v - orig[i])), 0);
    expect(worst).toBeLessThanOrEqual(2 ** -11);
    expect(worst).toBeGreaterThan(0); // really stored as float16
  });

  it('refuses a truncated shard, a tampered shard and a shard path outside the folder', async () => {
    const { files, card } = await writeLabModel(tensors(), CONFIG, CARD);
    const shard = files.get('group1-shard1of1.bin')!;
    const truncated = new Map(files).set('group1-shard1of1.bin', shard.subarray(0, shard.byteLength - 4));
    await expect(readLabModel(reader(truncated))).rejects.toThrow(/truncated: layer1\.0\.conv1\.kernel/);

    const tampered = new Map(files).set(
      'group1-shard1of1.bin',
      shard.map((b, i) => (i === 10 ? b ^ 1 : b)),
    );
    await expect(readLabModel(reader(tampered), { expectedHash: card.weightsHash })).rejects.toThrow(
      /weights hash mismatch/,
    );

    const json = JSON.parse(new TextDecoder().decode(files.get('model.json')));
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    const evil = new Map(files).set('model.json', new TextEncoder().encode(JSON.stringify(json)));
    await expect(readLabModel(reader(evil))).rejects.toThrow(/refused shard path/);
  });

  it('refuses duplicate names and data that does not fit its shape', async () => {
    const t = tensors();
    await expect(writeLabModel([t[0], t[0]], CONFIG, CARD)).rejects.toThrow(
      /duplicate weight name 'conv1.kernel'/,
    );
    await expect(writeLabModel([{ ...t[1], shape: [5] }], CONFIG, CARD)).rejects.toThrow(
      /needs 5 values, has 4/,
    );
  });
});

describe('architecture names', () => {
  it("uses torchvision's names where the weights match one, and describes other layouts", () => {
    expect(namedArchOf(NAMED_RESNETS.resnet18)).toBe('resnet18');
    expect(namedArchOf(NAMED_RESNETS.wide_resnet50_2)).toBe('wide_resnet50_2');
    const zoo: ResNetConfig = {
      block: 'basic',
      layers: [1, 1, 1, 1],
      stemWidth: 16,
      widths: [16, 32, 64, 128],
      expansion: 1,
    };
    expect(namedArchOf(zoo)).toBeNull();
    expect(describeCustom(zoo)).toBe('resnet-basic-1111-w16');
  });
});
