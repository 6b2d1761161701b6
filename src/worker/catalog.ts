// Parsing of the two JSON indexes the site serves: models/catalog.json and datasets/index.json.
// They are fetched at run time, so they are checked here and a broken file gives a message naming it.

export interface UpstreamModel {
  id: string;
  name: string;
  family: string;
  /** ImageNet top-1 (%) of the upstream checkpoint where the catalog states it; null where unknown. */
  imagenetTop1: number | null;
}

export interface Catalog {
  /** Ids of the lab's own zoo under models/<id>/ (card.json + model.json + shards); selected on start. */
  embedded: string[];
  /** Ids of shipped models imported from npm packages (nsfwjs's photo-trained CNNs): offered, not selected. */
  imported?: string[];
  /** The paper's upstream models: listed for reference; usable after dropping their checkpoint. */
  upstream: UpstreamModel[];
}

export interface DemoDataset {
  name: string;
  path: string;
  description: string;
  licence: string;
  source: string;
  default?: boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function text(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

function upstreamEntries(raw: Record<string, unknown>): UpstreamModel[] {
  // The catalog's owner may key the list as `models` or `upstream`; accept either.
  const list = Array.isArray(raw.models) ? raw.models : Array.isArray(raw.upstream) ? raw.upstream : [];
  return list.filter(isRecord).flatMap((m) => {
    const id = text(m.id) || text(m.key);
    const t = m.imagenetTop1;
    const imagenetTop1 = typeof t === 'number' && t > 0 && t <= 100 ? t : null;
    return id ? [{ id, name: text(m.name) || id, family: text(m.family), imagenetTop1 }] : [];
  });
}

export function parseCatalog(raw: unknown): Catalog {
  if (!isRecord(raw) || !Array.isArray(raw.embedded)) {
    throw new Error('models/catalog.json is not a valid catalog: it needs an "embedded" array of model ids');
  }
  const ids = (x: unknown) =>
    Array.isArray(x) ? x.filter((id): id is string => typeof id === 'string' && id.length > 0) : [];
  return { embedded: ids(raw.embedded), imported: ids(raw.imported), upstream: upstreamEntries(raw) };
}

export function parseDemoIndex(raw: unknown): DemoDataset[] {
  if (!Array.isArray(raw)) throw new Error('datasets/index.json is not a list of demo datasets');
  return raw.filter(isRecord).flatMap((d) => {
    const name = text(d.name);
    if (!name) return [];
    return [
      {
        name,
        path: text(d.path) || name,
        description: text(d.description),
        licence: text(d.licence),
        source: text(d.source),
        default: d.default === true,
      },
    ];
  });
}

/** The demo set to load on start: the one marked default, else the first. */
export function defaultDemo(demos: DemoDataset[]): DemoDataset | null {
  return demos.find((d) => d.default) ?? demos[0] ?? null;
}
