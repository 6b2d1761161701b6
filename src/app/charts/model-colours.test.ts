import { describe, expect, it } from 'vitest';
import { smallRecord } from '../../core/record/fixtures.ts';
import { colourOf, modelColours, OKABE_ITO, recordColours } from './model-colours.ts';

const ZOO = ['zoo-supervised-r10n', 'zoo-simclr-r10n', 'zoo-byol-r10n', 'zoo-random-r10n'];

describe('modelColours', () => {
  it('gives every model of a palette-sized set its own Okabe–Ito colour', () => {
    const ids = [...ZOO, 'moco-v2', 'swav', 'dino', 'insdis'];
    const colours = modelColours(ids);
    expect(new Set(colours.values()).size).toBe(ids.length);
    for (const c of colours.values()) expect(OKABE_ITO).toContain(c);
  });

  it('depends on the set of ids only, never on their order', () => {
    const a = modelColours(ZOO);
    const b = modelColours([...ZOO].reverse());
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('gives each model its own hashed colour wherever ids do not hash alike', () => {
    const alone = (id: string) => modelColours([id]).get(id)!;
    // Ids whose hashed colours differ: together they keep exactly the colours they have alone.
    const distinct: string[] = [];
    for (const id of [...ZOO, 'moco-v2', 'swav', 'dino', 'insdis', 'simclr-v1', 'byol']) {
      if (!distinct.some((d) => alone(d) === alone(id))) distinct.push(id);
    }
    expect(distinct.length).toBeGreaterThanOrEqual(3);
    const together = modelColours(distinct);
    for (const id of distinct) expect(together.get(id)).toBe(alone(id));
  });

  it('repeats colours only past the palette size, and greys an unknown id', () => {
    const many = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const colours = modelColours(many);
    expect(new Set(colours.values()).size).toBe(OKABE_ITO.length);
    expect(colourOf(colours, 'not-there')).toBe('#7f7f7f');
  });

  it('colours the models of records, once per model across runs', () => {
    const colours = recordColours([smallRecord(), smallRecord()]);
    expect([...colours.keys()].sort()).toEqual(['sup', 'swav']);
  });
});
