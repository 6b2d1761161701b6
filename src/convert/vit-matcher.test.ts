// The automatic layout search finds Vision Transformers too: the same ViT saved under the prefixes of today's
// releases (DINO's teacher/student, `module.backbone.`, an encoder wrapper, CLIP inside a larger model)
// converts to exactly the weights of the plain file (same weights hash), with the report saying where it was.

import { describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../engine/model-format/convert-checkpoint.ts';
import { readCheckpoint } from './checkpoint.ts';
import { clipKeys, timmKeys, torchvisionKeys, vitSafetensors } from './vit-test-keys.ts';

type Shapes = Map<string, number[]>;

const prefixed = (keys: Shapes, prefix: string): Shapes =>
  new Map([...keys].map(([k, s]) => [prefix + k, s] as [string, number[]]));

const convert = (bytes: Uint8Array, id: string) =>
  convertCheckpoint(bytes, { id, fileName: `${id}.safetensors` });

const LAYOUTS: { name: string; keys: Shapes; naming: string }[] = [
  { name: 'timm (DINO)', keys: timmKeys({ D: 64, depth: 1, p: 16, grid: 2 }), naming: 'timm' },
  { name: 'torchvision', keys: torchvisionKeys(64, 1, 16, 2), naming: 'torchvision' },
  { name: 'CLIP', keys: clipKeys(64, 1, 16, 2, 32), naming: 'clip' },
];

describe('layout search: Vision Transformers under any prefix', () => {
  for (const layout of LAYOUTS) {
    it(`${layout.name}: found under module.backbone. with the plain file's weights`, async () => {
      const plain = await convert(vitSafetensors(layout.keys), 'plain');
      const wrapped = vitSafetensors(prefixed(layout.keys, 'module.backbone.'));
      const found = readCheckpoint(wrapped).report;
      expect(found).toMatchObject({ kind: 'vit', prefix: 'module.backbone.', naming: layout.naming });
      const converted = await convert(wrapped, 'wrapped');
      expect(converted.card.weightsHash).toBe(plain.card.weightsHash);
      expect(converted.report).toMatchObject({ kind: 'vit', prefix: 'module.backbone.' });
    });
  }

  it('DINO teacher and student of the same size: the teacher is picked, the student named as the alternative', async () => {
    const keys = timmKeys({ D: 64, depth: 1, p: 16, grid: 2 });
    const both = new Map([...prefixed(keys, 'student.backbone.'), ...prefixed(keys, 'teacher.backbone.')]);
    const { report } = readCheckpoint(vitSafetensors(both));
    expect(report).toMatchObject({ kind: 'vit', prefix: 'teacher.backbone.' });
    expect(report.alternatives.map((a) => a.prefix)).toContain('student.backbone.');
  });

  it('a ResNet request (--arch resnet50) does not take a ViT, and --prefix pins the backbone', () => {
    const keys = timmKeys({ D: 64, depth: 1, p: 16, grid: 2 });
    const both = vitSafetensors(new Map([...prefixed(keys, 'student.'), ...prefixed(keys, 'teacher.')]));
    expect(readCheckpoint(both, { prefix: 'student.' }).report.prefix).toBe('student.');
    expect(() => readCheckpoint(both, { arch: 'resnet50' })).toThrow();
  });
});
