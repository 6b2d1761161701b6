import { describe, expect, it } from 'vitest';
import { hashMatches, parseCatalog } from './catalog.ts';

const ok = {
  id: 'supervised',
  name: 'Supervised',
  family: 'supervised',
  arch: 'resnet50',
  url: 'https://download.pytorch.org/models/resnet50-0676ba61.pth',
  sha256: null,
  sha256Prefix: '0676ba61',
  container: null,
  prefix: null,
  profile: 'torchvision',
  normalisation: 'imagenet',
  imagenetTop1: 77.2,
  licence: 'BSD-3-Clause',
};

const catalog = (models: unknown[]) => ({ formatVersion: 1, embedded: [], models });

describe('parseCatalog', () => {
  it('accepts a well-formed catalog', () => {
    expect(parseCatalog(catalog([ok])).models[0].id).toBe('supervised');
  });

  it('names the entry and the field that is wrong', () => {
    expect(() => parseCatalog(catalog([ok, ok]))).toThrow(/duplicate id 'supervised'/);
    expect(() => parseCatalog(catalog([{ ...ok, url: 'file:///etc/passwd' }]))).toThrow(
      /models\[0\] \(supervised\): url must be http\(s\) or null/,
    );
    expect(() => parseCatalog(catalog([{ ...ok, id: '../x' }]))).toThrow(/id must be/);
    expect(() => parseCatalog(catalog([{ ...ok, normalisation: 'mnist' }]))).toThrow(/normalisation/);
    expect(() => parseCatalog({ formatVersion: 2, embedded: [], models: [] })).toThrow(/formatVersion 2/);
  });
});

describe('hashMatches', () => {
  const entry = parseCatalog(catalog([ok])).models[0];
  it('checks a full sha256, else a prefix, else accepts', () => {
    expect(hashMatches(entry, `0676ba61${'0'.repeat(56)}`)).toBe(true);
    expect(hashMatches(entry, `0676ba62${'0'.repeat(56)}`)).toBe(false);
    expect(hashMatches({ ...entry, sha256: 'a'.repeat(64) }, `0676ba61${'0'.repeat(56)}`)).toBe(false);
    expect(hashMatches({ ...entry, sha256Prefix: undefined }, 'f'.repeat(64))).toBe(true);
  });
});
