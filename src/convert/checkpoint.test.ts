import { describe, expect, it } from 'vitest';
import { type ConvertReport, readCheckpoint, readRawTensors } from './checkpoint.ts';
import { CheckpointError, CorruptCheckpointError } from './errors.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import { pythonTorchUnavailable, readFixture } from './test-fixtures.ts';
import type { StateDict } from './types.ts';

const skip = pythonTorchUnavailable();
if (skip) console.warn(`SKIPPING checkpoint fixture tests (PyTorch needed to make them): ${skip}`);

function bitsOf(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Every reference tensor present with the same shape and the same float32 bits; nothing extra. */
function expectBitExact(stateDict: StateDict, reference: StateDict): void {
  expect([...stateDict.keys()]).toEqual([...reference.keys()]);
  for (const [key, ref] of reference) {
    const got = stateDict.get(key);
    expect(got?.shape, key).toEqual(ref.shape);
    expect(Buffer.compare(bitsOf(got?.data ?? new Float32Array()), bitsOf(ref.data)), key).toBe(0);
  }
}

function reference(model: string): StateDict {
  return readSafetensors(readFixture(`${model}.ref.safetensors`)).tensors;
}

interface Case {
  file: string;
  format: ConvertReport['format'];
  container: string;
  profile: string;
  dropped: number;
}

// Dropped counts: fc (2); MoCo: projection fc.0/fc.2 (4) + queue, queue_ptr (2) + the fixture's layer1.0
// momentum-encoder tensors (num_batches_tracked never listed); PyContrast: 3 heads; SwAV: 3; SimCLR-v2: fc;
// BYOL: projector (2) + the whole target network and its state.
const SMALL_CASES = (model: string, blockKeys: number, byolDropped: number): Case[] => [
  { file: `${model}-tv.zip.pth`, format: 'zip', container: '(top)', profile: 'torchvision', dropped: 2 },
  {
    file: `${model}-tv.legacy.pth`,
    format: 'legacy',
    container: '(top)',
    profile: 'torchvision',
    dropped: 2,
  },
  {
    file: `${model}-tv.safetensors`,
    format: 'safetensors',
    container: '(top)',
    profile: 'torchvision',
    dropped: 2,
  },
  {
    file: `${model}-moco.zip.pth`,
    format: 'zip',
    container: 'state_dict',
    profile: 'moco',
    dropped: 6 + blockKeys,
  },
  {
    file: `${model}-moco.legacy.pth`,
    format: 'legacy',
    container: 'state_dict',
    profile: 'moco',
    dropped: 6 + blockKeys,
  },
  {
    file: `${model}-pycontrast.zip.pth`,
    format: 'zip',
    container: 'model',
    profile: 'pycontrast',
    dropped: 3,
  },
  {
    file: `${model}-pycontrast.legacy.pth`,
    format: 'legacy',
    container: 'model',
    profile: 'pycontrast',
    dropped: 3,
  },
  { file: `${model}-swav.zip.pth`, format: 'zip', container: '(top)', profile: 'swav', dropped: 3 },
  { file: `${model}-swav.legacy.pth`, format: 'legacy', container: '(top)', profile: 'swav', dropped: 3 },
  { file: `${model}-simclrv2.zip.pth`, format: 'zip', container: 'resnet', profile: 'simclr-v2', dropped: 2 },
  {
    file: `${model}-simclrv2.legacy.pth`,
    format: 'legacy',
    container: 'resnet',
    profile: 'simclr-v2',
    dropped: 2,
  },
  {
    file: `${model}-byol.p2.pkl`,
    format: 'pickle',
    container: 'experiment_state',
    profile: 'byol',
    dropped: byolDropped,
  },
  {
    file: `${model}-byol.p4.pkl`,
    format: 'pickle',
    container: 'experiment_state',
    profile: 'byol',
    dropped: byolDropped,
  },
];

function checkCase(model: string, c: Case): void {
  const { stateDict, report } = readCheckpoint(readFixture(c.file));
  expect(report).toMatchObject({ format: c.format, container: c.container, profile: c.profile, missing: [] });
  expect(report.dropped).toHaveLength(c.dropped);
  expect(report.dropped.some((k) => k.includes('num_batches_tracked'))).toBe(false);
  if (c.profile === 'moco') {
    expect(report.dropped.every((k) => /^module\.(encoder_k\.|encoder_q\.fc\.[02]\.|queue)/.test(k))).toBe(
      true,
    );
  }
  expect(report.tensors).toBe(stateDict.size);
  expectBitExact(stateDict, reference(model));
}

describe.skipIf(skip !== null)('readCheckpoint on PyTorch-made fixtures (bit-exact)', () => {
  // layer1.0 tensors: basic 2 convs + 2 BNs (10), tiny adds a projection (5); bottleneck 3 + 3 + projection (20).
  it.each(SMALL_CASES('tiny', 15, 173))('tiny: $file', (c) => checkCase('tiny', c));
  it.each(SMALL_CASES('narrow50', 20, 264))('narrow50: $file', (c) => checkCase('narrow50', c));
  it.each(SMALL_CASES('resnet18', 10, 264))('resnet18: $file', (c) => checkCase('resnet18', c));
  it.each<Case>([
    { file: 'resnet50-tv.zip.pth', format: 'zip', container: '(top)', profile: 'torchvision', dropped: 2 },
    {
      file: 'resnet50-tv.legacy.pth',
      format: 'legacy',
      container: '(top)',
      profile: 'torchvision',
      dropped: 2,
    },
    {
      file: 'resnet50-tv.safetensors',
      format: 'safetensors',
      container: '(top)',
      profile: 'torchvision',
      dropped: 2,
    },
    {
      file: 'resnet50-moco.legacy.pth',
      format: 'legacy',
      container: 'state_dict',
      profile: 'moco',
      dropped: 6 + 20,
    },
    { file: 'resnet50-swav.zip.pth', format: 'zip', container: '(top)', profile: 'swav', dropped: 3 },
    {
      file: 'resnet50-byol.p4.pkl',
      format: 'pickle',
      container: 'experiment_state',
      profile: 'byol',
      dropped: 693,
    },
  ])('resnet50: $file', (c) => checkCase('resnet50', c));

  it('an explicit profile wins over auto, and a wrong one finds nothing', () => {
    const bytes = readFixture('tiny-moco.zip.pth');
    expect(readCheckpoint(bytes, { profile: 'moco-v2' }).report.profile).toBe('moco');
    expect(() => readCheckpoint(bytes, { profile: 'simclr-v2' })).toThrow(
      /recognised no ResNet backbone key/,
    );
    expect(() => readCheckpoint(bytes, { profile: 'nonsense' })).toThrow(CheckpointError);
  });

  it('checks tensors against a named architecture', () => {
    const bytes = readFixture('resnet18-tv.safetensors');
    expect(readCheckpoint(bytes, { arch: 'resnet18' }).report.missing).toEqual([]);
    // resnet34 wants 3/4/6/3 blocks: the extra ones are missing, shapes of the shared ones agree.
    const as34 = readCheckpoint(bytes, { arch: 'resnet34' }).report;
    expect(as34.missing).toHaveLength(80);
    expect(as34.missing).toContain('layer3.5.bn2.running_var');
    expect(() => readCheckpoint(bytes, { arch: 'resnet50' })).toThrow(CorruptCheckpointError);
  });

  it('lists expected keys that are absent', () => {
    const tensors = readSafetensors(readFixture('tiny.ref.safetensors')).tensors;
    tensors.delete('layer2.0.bn1.running_var');
    tensors.delete('layer4.0.downsample.0.weight');
    const { report, stateDict } = readCheckpoint(writeSafetensors(tensors));
    expect(report.missing).toEqual(['layer2.0.bn1.running_var', 'layer4.0.downsample.0.weight']);
    expect(stateDict.size).toBe(63);
  });

  it('decodes views, strides and every torch dtype like torch does (zip and legacy)', () => {
    const expected = JSON.parse(Buffer.from(readFixture('odd.expected.json')).toString('utf8')) as Record<
      string,
      { shape: number[]; values: number[] }
    >;
    for (const file of ['odd.zip.pth', 'odd.legacy.pth']) {
      const top = readRawTensors(readFixture(file)).tensors;
      for (const [name, want] of Object.entries(expected)) {
        const got = top.get(name);
        expect(got?.shape, `${file} ${name}`).toEqual(want.shape);
        expect([...(got?.data ?? [])], `${file} ${name}`).toEqual(want.values.map(Math.fround));
      }
    }
  });
});

describe('format detection', () => {
  it('refuses empty, tar-format and junk files with typed errors', () => {
    expect(() => readCheckpoint(new Uint8Array(0))).toThrow(/empty checkpoint/);
    const tar = new Uint8Array(1024);
    tar.set(new TextEncoder().encode('ustar'), 257);
    expect(() => readCheckpoint(tar)).toThrow(/tar-format/);
    expect(() => readCheckpoint(new TextEncoder().encode('<html>not a model</html>'))).toThrow(
      CheckpointError,
    );
  });
});
