// One colour per model, the same in every chart and in the table's swatch. Colours come from the
// Okabe–Ito palette (distinguishable with the common colour-vision deficiencies) and are chosen from the
// model id, not from its position: a model has the same colour in every view, whatever the order of the
// models, unless two ids of one view hash to the same slot (then a fixed order settles who moves over).

import type { ResultRecord } from '../../core/record/types.ts';

/** Okabe & Ito (2008), ordered so the first picks contrast most on a white background. */
export const OKABE_ITO: readonly string[] = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#D55E00', // vermillion
  '#56B4E9', // sky blue
  '#000000', // black
  '#F0E442', // yellow (last: weakest on white)
];

/** FNV-1a: a small, well-spread hash; the same id always lands on the same preferred colour. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export type ModelColours = ReadonlyMap<string, string>;

/**
 * Colours for a set of model ids: each id takes its hashed palette slot, or the next free one when two ids
 * hash alike. Ids are settled in a fixed order (by preferred slot, then id), so the answer depends only on
 * the set, never on the order the ids were given. Beyond the palette's size colours repeat (then charts
 * still name every model in the legend and hover).
 */
export function modelColours(ids: Iterable<string>, palette: readonly string[] = OKABE_ITO): ModelColours {
  const unique = [...new Set(ids)];
  const preferred = new Map(unique.map((id) => [id, fnv1a(id) % palette.length]));
  unique.sort((a, b) => preferred.get(a)! - preferred.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  const taken = new Set<number>();
  const colours = new Map<string, string>();
  for (const id of unique) {
    let slot = preferred.get(id)!;
    if (taken.size < palette.length) {
      while (taken.has(slot)) slot = (slot + 1) % palette.length;
      taken.add(slot);
    }
    colours.set(id, palette[slot]);
  }
  return colours;
}

/** Every model of these records (comparing runs of one model gives it one colour). */
export function recordColours(records: readonly ResultRecord[]): ModelColours {
  return modelColours(records.flatMap((r) => r.models.map((m) => m.id)));
}

/** The colour of a model in a map, grey for a model the map does not know (never thrown on). */
export function colourOf(colours: ModelColours, id: string): string {
  return colours.get(id) ?? '#7f7f7f';
}
