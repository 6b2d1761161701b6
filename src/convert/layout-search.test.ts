// `--profile auto` on checkpoints written by PyTorch in the layouts of today's self-supervised releases
// (DINO, VICReg, VISSL, MoCo v3, mmselfsup, solo-learn, …; see LAYOUT_WRAPS in make_checkpoints.py): the
// search must report the right container, prefix and architecture and return the evaluated network's
// weights bit for bit, never its student or momentum copy (those carry weights + 1 in the fixtures).
// The refusals must say where the tensors are and what command would work.

import { describe, expect, it } from 'vitest';
import { readCheckpoint } from './checkpoint.ts';
import { keyGroups } from './key-groups.ts';
import { containersOf, findLayout, LayoutNotFoundError } from './layout-search.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import { pythonTorchUnavailable, readFixture } from './test-fixtures.ts';
import type { StateDict } from './types.ts';

const skip = pythonTorchUnavailable();
if (skip) console.warn(`SKIPPING layout-search fixture tests (PyTorch needed to make them): ${skip}`);

interface LayoutCase {
  model: 'tiny' | 'narrow50';
  container: string;
  prefix: string;
  format: 'zip' | 'legacy';
}

const ARCHITECTURE = { tiny: 'resnet-basic-1111-w2', narrow50: 'resnet-bottleneck-1211-w4' };

function layoutCases(): Array<[string, LayoutCase]> {
  if (skip) return [];
  const text = Buffer.from(readFixture('layouts.json')).toString('utf8');
  return Object.entries(JSON.parse(text) as Record<string, LayoutCase>);
}

function expectBitExact(got: StateDict, want: StateDict): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [key, ref] of want) {
    const entry = got.get(key);
    expect(entry?.shape, key).toEqual(ref.shape);
    expect(
      Buffer.from(entry?.data.buffer ?? new ArrayBuffer(0)).equals(Buffer.from(ref.data.buffer)),
      key,
    ).toBe(true);
  }
}

function tensorsAsSafetensors(names: Array<[string, number[]]>): Uint8Array {
  const sd: StateDict = new Map();
  for (const [name, shape] of names) {
    const n = shape.reduce((a, d) => a * d, 1);
    sd.set(name, { shape, data: new Float32Array(n).fill(0.5), dtype: 'float32' });
  }
  return writeSafetensors(sd);
}

describe.skipIf(skip !== null)('auto finds the backbone in every container and prefix', () => {
  const cases = layoutCases();

  it('covers at least eight distinct containers/prefixes', () => {
    const distinct = new Set(cases.map(([, c]) => `${c.container}|${c.prefix}`));
    expect(distinct.size).toBeGreaterThanOrEqual(8);
  });

  it.each(cases)('%s', (file, c) => {
    const { stateDict, report } = readCheckpoint(readFixture(file));
    expect(report).toMatchObject({
      format: c.format,
      container: c.container,
      prefix: c.prefix,
      kind: 'resnet',
      naming: 'torchvision',
      architecture: ARCHITECTURE[c.model],
      missing: [],
    });
    // Heads and copies are dropped (inside the container) or ignored (outside it, e.g. VISSL's heads).
    expect(report.dropped.length + report.outside).toBeGreaterThan(0);
    expect(report.dropped.some((k) => k.startsWith(c.prefix) && !/\.fc\./.test(k))).toBe(false);
    expectBitExact(stateDict, readSafetensors(readFixture(`${c.model}.ref.safetensors`)).tensors);
  });

  it('prefers the evaluated copy and names the other as an alternative', () => {
    const dino = readCheckpoint(readFixture('tiny-layout-dino.pth')).report;
    expect(dino.alternatives).toEqual([
      expect.objectContaining({ container: 'student', prefix: 'module.backbone.' }),
    ]);
    const mocoV3 = readCheckpoint(readFixture('tiny-layout-moco-v3.pth')).report;
    expect(mocoV3.alternatives[0]).toMatchObject({
      container: 'state_dict',
      prefix: 'module.momentum_encoder.',
    });
    expect(mocoV3.dropped.filter((k) => k.startsWith('module.momentum_encoder.')).length).toBeGreaterThan(0);
  });

  it('--container and --prefix override the choice', () => {
    const bytes = readFixture('tiny-layout-dino.pth');
    const ref = readSafetensors(readFixture('tiny.ref.safetensors')).tensors;
    const { stateDict, report } = readCheckpoint(bytes, { container: 'student' });
    expect(report).toMatchObject({ container: 'student', prefix: 'module.backbone.' });
    const conv = stateDict.get('conv1.weight')?.data ?? new Float32Array();
    const refConv = ref.get('conv1.weight')?.data ?? new Float32Array();
    expect(conv[0]).toBe(Math.fround(refConv[0] + 1)); // the student's copy: + 1 in the fixture
    const solo = readCheckpoint(readFixture('tiny-layout-solo-learn.pth'), { prefix: 'momentum_backbone.' });
    expect(solo.report).toMatchObject({ container: 'state_dict', prefix: 'momentum_backbone.' });
    // What the override replaced is named among the alternatives.
    expect(report.alternatives[0]).toMatchObject({ container: 'teacher', prefix: 'backbone.' });
    expect(solo.report.alternatives[0]).toMatchObject({ container: 'state_dict', prefix: 'backbone.' });
  });

  it('named profiles stay aliases: moco-v2 on a MoCo file, swav on a SwAV file', () => {
    expect(readCheckpoint(readFixture('tiny-moco.zip.pth'), { profile: 'moco-v2' }).report).toMatchObject({
      profile: 'moco',
      container: 'state_dict',
      prefix: 'module.encoder_q.',
    });
    expect(readCheckpoint(readFixture('tiny-swav.zip.pth'), { profile: 'swav' }).report.prefix).toBe(
      'module.',
    );
  });

  it('a wrong prefix is refused with the key groups and the command that works', () => {
    let message = '';
    try {
      readCheckpoint(readFixture('tiny-layout-vissl.pth'), { prefix: 'trunk.' });
    } catch (err) {
      expect(err).toBeInstanceOf(LayoutNotFoundError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/no known backbone found in this checkpoint \(searched with prefix 'trunk\.'/);
    expect(message).toMatch(/classy_state_dict\/base_model\/model\/trunk › _feature_blocks\.\*: \d+ tensors/);
    expect(message).toContain(
      'npx tlab convert <checkpoint> --container classy_state_dict/base_model/model/trunk --prefix _feature_blocks.',
    );
  });
});

describe('refusal when no known architecture is present', () => {
  it('lists the largest key groups with counts and says no command would work as is', () => {
    const names: Array<[string, number[]]> = [
      ['module.encoder.cls_token', [1, 1, 8]],
      ['module.encoder.pos_embed', [1, 5, 8]],
      ['module.encoder.patch_embed.proj.weight', [8, 3, 4, 4]],
      ...[0, 1, 2].flatMap(
        (b): Array<[string, number[]]> => [
          [`module.encoder.blocks.${b}.attn.qkv.weight`, [24, 8]],
          [`module.encoder.blocks.${b}.mlp.fc1.weight`, [32, 8]],
        ],
      ),
      ['module.head.weight', [10, 8]],
    ];
    let message = '';
    try {
      readCheckpoint(tensorsAsSafetensors(names));
    } catch (err) {
      expect(err).toBeInstanceOf(LayoutNotFoundError);
      message = (err as Error).message;
    }
    expect(message).toMatch(
      /^no known backbone found in this checkpoint \(searched with auto; known layouts: resnet/,
    );
    expect(message).toContain('(top) › module.encoder.blocks.*: 6 tensors');
    expect(message).toContain('(top) › module.head.*: 1 tensor');
    expect(message).toMatch(/none of these groups has the key names of a known architecture/);
  });

  it('an unknown profile is a typed error naming the known ones', () => {
    expect(() => findLayout(new Map([['conv1.weight', [4, 3, 7, 7]]]), { profile: 'nonsense' })).toThrow(
      /unknown profile 'nonsense' \(known: auto, torchvision/,
    );
  });
});

describe('hostile key sets end in a typed answer', () => {
  it('megabyte-long keys full of dots are skipped, not split at every dot', () => {
    const long = `${'a.'.repeat(300_000)}conv1.weight`;
    const shapes = new Map<string, number[]>([
      [long, [4, 3, 7, 7]],
      [`x/${long}`, [4, 3, 7, 7]],
    ]);
    expect(() => findLayout(shapes)).toThrow(LayoutNotFoundError);
    // The refusal stays readable: names in it are shortened.
    expect(() => findLayout(new Map([[`${'d/'.repeat(50_000)}x`, [1]]]))).toThrow(/^[\s\S]{0,2000}$/);
  });

  it('a key of a hundred thousand slashes stays one key, not a hundred thousand containers', () => {
    const slashes = `${'d/'.repeat(100_000)}conv1.weight`;
    expect(containersOf(new Map([[slashes, [1]]])).size).toBe(1);
    const deep = `${'d/'.repeat(30)}w`;
    expect(containersOf(new Map([[deep, [1]]])).size).toBe(25); // top + 24 levels
  });

  it('more tensors than any checkpoint holds is refused before the search', () => {
    const shapes = new Map<string, number[]>();
    for (let i = 0; i <= 200_000; i++) shapes.set(`t${i}`, [1]);
    expect(() => findLayout(shapes)).toThrow(/200001 tensors: more than the 200000/);
  });
});

describe('containers and key groups', () => {
  it('every dict on the path is a container, with keys relative to it', () => {
    const c = containersOf(
      new Map<string, number[]>([
        ['a/b/x.weight', [1]],
        ['a/y', [2]],
        ['z', [3]],
        ['a/b/bn.num_batches_tracked', []],
      ]),
    );
    expect([...c.keys()]).toEqual(['', 'a', 'a/b']);
    expect([...(c.get('a')?.keys() ?? [])]).toEqual(['b/x.weight', 'y']);
    expect([...(c.get('a/b')?.keys() ?? [])]).toEqual(['x.weight']);
  });

  it('looks through wrappers (module.) but not through a network (a ResNet has 7 children)', () => {
    const keys = [
      ...['conv1.weight', 'bn1.weight', 'layer1.0.conv1.weight', 'layer2.0.conv1.weight'].map(
        (k) => `module.encoder_q.${k}`,
      ),
      'module.encoder_k.conv1.weight',
      'module.queue',
    ].map((k) => `state_dict/${k}`);
    expect(keyGroups(keys)).toEqual([
      { container: 'state_dict', prefix: 'module.encoder_q.', count: 4 },
      { container: 'state_dict', prefix: 'module.encoder_k.', count: 1 },
      { container: 'state_dict', prefix: 'module.queue', count: 1 },
    ]);
  });
});
