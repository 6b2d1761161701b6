import { describe, expect, it } from 'vitest';
import { catalogTop1Map, knownTop1 } from './top1-defaults.ts';

const catalog = [
  { id: 'moco-v2', name: 'MoCo-v2', imagenetTop1: 71.1 },
  { id: 'insdis', name: 'InsDis', imagenetTop1: 59.5 },
  { id: 'mystery', name: 'Mystery', imagenetTop1: null },
];

describe('knownTop1', () => {
  it('prefers what the user typed, then the card, then the catalog by id, then by name', () => {
    const card = { id: 'moco-v2', name: 'MoCo-v2', imagenetTop1: 70.0 };
    expect(knownTop1(card, catalog, 65)).toEqual({ value: 65, source: 'typed' });
    expect(knownTop1(card, catalog)).toEqual({ value: 70, source: 'card' });
    expect(knownTop1({ ...card, imagenetTop1: null }, catalog)).toEqual({ value: 71.1, source: 'catalog' });
    expect(knownTop1({ id: 'my-insdis', name: 'InsDis', imagenetTop1: null }, catalog)).toEqual({
      value: 59.5,
      source: 'catalog',
    });
  });

  it('leaves a model the card and catalog do not know as unknown', () => {
    expect(knownTop1({ id: 'zoo-byol-r10n', name: 'BYOL R10n', imagenetTop1: null }, catalog)).toEqual({
      value: null,
      source: 'unknown',
    });
    expect(knownTop1({ id: 'mystery', name: 'Mystery', imagenetTop1: null }, catalog).source).toBe('unknown');
  });
});

describe('catalogTop1Map', () => {
  it('holds only the values that came from the catalog', () => {
    const models = [
      { id: 'moco-v2', name: 'MoCo-v2', imagenetTop1: null },
      { id: 'insdis', name: 'InsDis', imagenetTop1: 60 },
      { id: 'zoo', name: 'Zoo', imagenetTop1: null },
    ];
    expect(catalogTop1Map(models, catalog)).toEqual({ 'moco-v2': 71.1 });
  });
});
