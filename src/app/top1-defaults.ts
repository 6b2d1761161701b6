// Where the correlation view's ImageNet top-1 comes from before the user types anything: the model's card,
// else the catalog entry of the same id (a converted upstream checkpoint keeps its catalog id), else the
// catalog entry of the same name. Unknown stays unknown: never a guessed number.

import type { RecordModel } from '../core/record/types.ts';

export interface CatalogTop1 {
  id: string;
  name: string;
  imagenetTop1: number | null;
}

export type Top1Source = 'typed' | 'card' | 'catalog' | 'unknown';

export interface Top1Value {
  value: number | null;
  source: Top1Source;
}

export function knownTop1(
  model: Pick<RecordModel, 'id' | 'name' | 'imagenetTop1'>,
  catalog: readonly CatalogTop1[],
  typed?: number | null,
): Top1Value {
  if (typed !== undefined && typed !== null && Number.isFinite(typed))
    return { value: typed, source: 'typed' };
  if (model.imagenetTop1 !== null) return { value: model.imagenetTop1, source: 'card' };
  const entry =
    catalog.find((c) => c.id === model.id && c.imagenetTop1 !== null) ??
    catalog.find((c) => c.name === model.name && c.imagenetTop1 !== null);
  return entry ? { value: entry.imagenetTop1, source: 'catalog' } : { value: null, source: 'unknown' };
}

/** Catalog values as the overrides map the correlation view reads (typed values win over them). */
export function catalogTop1Map(
  models: readonly Pick<RecordModel, 'id' | 'name' | 'imagenetTop1'>[],
  catalog: readonly CatalogTop1[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of models) {
    const known = knownTop1(m, catalog);
    if (known.source === 'catalog' && known.value !== null) out[m.id] = known.value;
  }
  return out;
}
