import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAPER_CSV, type PaperTableName } from './data/tables.ts';
import { paperDatasetKey } from './datasets.ts';
import { paperModelMetric, paperModels, paperScore, paperScoresFor, paperTables } from './paper.ts';

describe('embedded paper tables', () => {
  it('are verbatim copies of the CSV files in data/', () => {
    for (const name of Object.keys(PAPER_CSV) as PaperTableName[]) {
      const file = readFileSync(new URL(`./data/${name}.csv`, import.meta.url), 'utf8');
      expect(`${PAPER_CSV[name].join('\n')}\n`, `${name}.csv differs from data/tables.ts`).toBe(file);
    }
  });

  it('parse into 14 model rows each, with numbers in every cell', () => {
    for (const table of paperTables().values()) {
      const modelRows = table.rows.filter((r) => r.modelKey !== null);
      expect(modelRows.length, table.name).toBe(14);
      for (const row of table.rows) expect(row.values).toHaveLength(table.columns.length);
    }
  });
});

describe('paperScore', () => {
  it('reads many-shot linear and fine-tune accuracies in %', () => {
    expect(paperScore('supervised', 'Pets', 'linear')).toEqual({ value: 91.45, unit: '%' });
    expect(paperScore('swav', 'avg', 'linear')).toEqual({ value: 77.97, unit: '%' });
    expect(paperScore('byol', 'VOC2007', 'finetune')).toEqual({ value: 82.7, unit: '%' });
  });

  it('pairs few-shot values with their ci95, across Kornblith and cross-domain tables', () => {
    expect(paperScore('simclr-v2', 'CIFAR-10', 'fewshot-5way-5shot')).toEqual({
      value: 71.9,
      ci95: 0.61,
      unit: '%',
    });
    expect(paperScore('deepcluster-v2', 'EuroSAT', 'fewshot-5way-20shot')).toEqual({
      value: 92.02,
      ci95: 0.37,
      unit: '%',
    });
    expect(paperScore('insdis', 'CropDiseases', 'fewshot-5way-50shot')).toEqual({
      value: 92.7,
      ci95: 0.43,
      unit: '%',
    });
    expect(paperScore('pirl', 'ChestX', 'fewshot-5way-5shot')).toEqual({
      value: 25.6,
      ci95: 0.41,
      unit: '%',
    });
  });

  it('reads the chosen log10 C (keys with a --no-norm note) and the averaged ECE', () => {
    expect(paperScore('simclr-v1', 'flowers', 'best-log10C')).toEqual({ value: 3.25, unit: 'log10C' });
    expect(paperScore('supervised', 'avg', 'ece')).toEqual({ value: 10.35, unit: '%' });
    expect(paperScore('supervised', 'avg', 'ece-scaled')).toEqual({ value: 2.22, unit: '%' });
  });

  it('accepts common dataset spellings and returns null for what the paper lacks', () => {
    expect(paperScore('supervised', 'Food-101', 'linear')?.value).toBe(69.49);
    expect(paperScore('supervised', 'oxford_iiit_pet', 'linear')?.value).toBe(91.45);
    expect(paperScore('supervised', 'Caltech101', 'fewshot-5way-50shot')).toBeNull();
    expect(paperScore('supervised', 'my-cats', 'linear')).toBeNull();
    expect(paperScore('dino', 'Pets', 'linear')).toBeNull();
    expect(paperScore('supervised', 'EuroSAT', 'linear')).toBeNull();
    expect(paperDatasetKey('constructor')).toBeNull();
  });
});

describe('paper lookups by setting and dataset name', () => {
  it('maps every display name of the paper-scale fixture to a paper dataset', () => {
    const names = [
      'FGVC-Aircraft',
      'Caltech-101',
      'Stanford Cars',
      'CIFAR-10',
      'CIFAR-100',
      'Describable Textures (DTD)',
    ];
    const more = ['Oxford Flowers-102', 'Food-101', 'Oxford-IIIT Pets', 'SUN397', 'PASCAL VOC 2007'];
    expect([...names, ...more].map(paperDatasetKey)).toEqual([
      'aircraft',
      'caltech101',
      'cars',
      'cifar10',
      'cifar100',
      'dtd',
      'flowers',
      'food',
      'pets',
      'sun397',
      'voc2007',
    ]);
  });

  it('lists every number of a setting', () => {
    const linear = paperScoresFor('linear');
    expect(linear).toHaveLength(14 * 12); // 11 datasets + the average
    const fewshot20 = paperScoresFor('fewshot-5way-20shot');
    expect(fewshot20).toHaveLength(14 * (10 + 4));
    expect(fewshot20.every((e) => e.score.ci95 !== undefined)).toBe(true);
    expect(paperScoresFor('fewshot-5way-50shot')).toHaveLength(14 * (7 + 4));
    expect(paperScoresFor('fewshot-5way-5shot')).toHaveLength(14 * (10 + 4));
  });
});

describe('paper models and per-model metrics', () => {
  it('lists the 14 models with their ImageNet top-1 in table order', () => {
    const models = paperModels();
    expect(models).toHaveLength(14);
    expect(models[0]).toEqual({ key: 'insdis', name: 'InsDis', imagenetTop1: 59.5 });
    expect(models[13]).toEqual({ key: 'supervised', name: 'Supervised', imagenetTop1: 77.2 });
  });

  it('reads colour, attention, dense and detection columns by name', () => {
    expect(paperModelMetric('swav', 'calibration_reconstruction_attention', 'Attn diffusion')).toBe(49.47);
    expect(paperModelMetric('supervised', 'calibration_reconstruction_attention', 'Red MSE')).toBe(2788);
    expect(paperModelMetric('byol', 'dense', 'Seg mIoU')).toBe(0.294);
    expect(paperModelMetric('byol', 'detection_voc', 'Frozen AP50')).toBe(82.01);
    expect(paperModelMetric('byol', 'dense', 'no such column')).toBeNull();
  });
});
