import { describe, expect, it } from 'vitest';
import type { ResNetConfig } from '../resnet/config.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import { FEATURE_LAYER, IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from './card.ts';
import { readLabModel } from './read.ts';
import { streamLabModel } from './stream.ts';
import type { CardInput } from './types.ts';
import { writeLabModel } from './write.ts';

const CONFIG: ResNetConfig = {
  block: 'basic',
  layers: [1, 1, 1, 1],
  stemWidth: 4,
  widths: [4, 8, 8, 16],
  expansion: 1,
};
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

const reader = (files: Map<string, Uint8Array>) => async (path: string) => {
  const f = files.get(path);
  if (!f) throw new Error(`no such file ${path}`);
  return f;
};

describe('streamLabModel', () => {
  it('hands on the same weights as readLabModel, weight by weight, across shard boundaries', async () => {
    for (const float16 of [false, true]) {
      // 1000-byte shards: every weight but the bias spans two or more shards.
      const { files, card } = await writeLabModel(tensors(), CONFIG, CARD, { shardBytes: 1000, float16 });
      const whole = await readLabModel(reader(files));
      const seen: NamedTensor[] = [];
      const { weightsHash } = await streamLabModel(reader(files), {
        expectedHash: card.weightsHash,
        onWeight: (w) => seen.push(w),
      });
      expect(weightsHash).toBe(card.weightsHash);
      expect(seen.map((w) => w.name)).toEqual([...whole.tensors.keys()]);
      for (const w of seen)
        expect(Array.from(w.data)).toEqual(Array.from(whole.tensors.get(w.name)?.data ?? []));
    }
  });

  it('refuses a tampered, a truncated and an overlong shard', async () => {
    const { files, card } = await writeLabModel(tensors(), CONFIG, CARD, { shardBytes: 1000 });
    const last = 'group1-shard3of3.bin';
    const shard = files.get(last) as Uint8Array;
    const onWeight = () => {};
    const tampered = new Map(files).set(
      last,
      shard.map((b, i) => (i === 3 ? b ^ 1 : b)),
    );
    await expect(
      streamLabModel(reader(tampered), { expectedHash: card.weightsHash, onWeight }),
    ).rejects.toThrow(/weights hash mismatch/);
    const short = new Map(files).set(last, shard.subarray(0, shard.byteLength - 4));
    await expect(streamLabModel(reader(short), { onWeight })).rejects.toThrow(
      /truncated: layer1\.0\.conv1\.kernel/,
    );
    const long = new Map(files).set(last, new Uint8Array([...shard, 1, 2, 3, 4]));
    await expect(streamLabModel(reader(long), { onWeight })).rejects.toThrow(
      /4 bytes more than the manifest/,
    );
  });
});
