// models/catalog.json: the upstream checkpoints of the paper (where to get them, how to read them) and
// the ids of the lab's embedded zoo. Pure data + validation; shared by the CLI and the app.

/** OpenAI CLIP's own mean/std (clip/clip.py _transform), for `normalisation: 'clip'`. */
export const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

export interface CatalogEntry {
  id: string;
  name: string;
  family: string;
  /** Which builder the converted weights feed: 'resnet' (default) or 'vit'. */
  kind?: 'resnet' | 'vit';
  arch: string;
  /** Direct download URL of a PyTorch-readable checkpoint; null when there is none (see note). */
  url: string | null;
  sha256: string | null;
  /** First hex digits of the sha256 (torchvision puts 8 of them in its file names). */
  sha256Prefix?: string;
  container: string | null;
  prefix: string | null;
  profile: string;
  /** ViTs: the key names (timm, torchvision or clip), for the ViT conversion. */
  layout?: string;
  patchSize?: number;
  /** Parameter count of the backbone as its authors state it. */
  parameters?: number;
  /** Approximate download size in MB. */
  sizeMB?: number;
  normalisation: 'imagenet' | 'none' | 'clip';
  /** Published ImageNet top-1: a linear probe on frozen features, or a supervised model's own classifier. */
  imagenetTop1: number | null;
  top1Kind?: 'linear' | 'supervised';
  /** Where imagenetTop1 was published. */
  top1Source?: string;
  licence: string;
  licenceSource?: string;
  upstream?: string;
  note?: string;
}

export interface Catalog {
  formatVersion: 1;
  embedded: string[];
  /** Shipped tfjs models imported from npm packages (scripts/zoo/import-nsfwjs.ts); not selected by default. */
  imported: string[];
  models: CatalogEntry[];
}

const ID = /^[a-z0-9][a-z0-9._-]*$/;

function fail(msg: string): never {
  throw new Error(`catalog: ${msg}`);
}

function checkEntry(e: Partial<CatalogEntry>, i: number): CatalogEntry {
  const where = `models[${i}]${e?.id ? ` (${e.id})` : ''}`;
  if (!e || typeof e.id !== 'string' || !ID.test(e.id))
    fail(`${where}: id must be lower-case letters, digits, . _ -`);
  if (typeof e.name !== 'string' || typeof e.family !== 'string' || typeof e.arch !== 'string') {
    fail(`${where}: name, family and arch are required strings`);
  }
  if (e.url !== null && (typeof e.url !== 'string' || !/^https?:\/\//.test(e.url)))
    fail(`${where}: url must be http(s) or null`);
  if (e.sha256 !== null && !(typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256))) {
    fail(`${where}: sha256 must be 64 lower-case hex digits or null`);
  }
  if (e.sha256Prefix !== undefined && !/^[0-9a-f]{4,64}$/.test(e.sha256Prefix))
    fail(`${where}: bad sha256Prefix`);
  if (e.normalisation !== 'imagenet' && e.normalisation !== 'none' && e.normalisation !== 'clip')
    fail(`${where}: normalisation must be imagenet, none or clip`);
  if (e.kind !== undefined && e.kind !== 'resnet' && e.kind !== 'vit')
    fail(`${where}: kind must be resnet or vit`);
  if (e.kind === 'vit' && typeof e.layout !== 'string') fail(`${where}: a vit needs its key layout`);
  if (e.top1Kind !== undefined && e.top1Kind !== 'linear' && e.top1Kind !== 'supervised')
    fail(`${where}: top1Kind must be linear or supervised`);
  if (e.imagenetTop1 !== null && e.imagenetTop1 !== undefined && e.kind === 'vit' && !e.top1Source)
    fail(`${where}: say where imagenetTop1 was published (top1Source)`);
  for (const k of ['parameters', 'sizeMB', 'patchSize'] as const) {
    const v = e[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0))
      fail(`${where}: ${k} must be positive`);
  }
  if (typeof e.profile !== 'string') fail(`${where}: profile is required`);
  if (typeof e.licence !== 'string') fail(`${where}: licence is required (write "unknown" when unknown)`);
  return e as CatalogEntry;
}

export function parseCatalog(x: unknown): Catalog {
  const c = x as Partial<Catalog> | null;
  if (!c || typeof c !== 'object') fail('not a JSON object');
  if (c.formatVersion !== 1) fail(`unsupported formatVersion ${String(c.formatVersion)}`);
  if (!Array.isArray(c.embedded) || !c.embedded.every((id) => typeof id === 'string'))
    fail('embedded must be a list of ids');
  if (
    c.imported !== undefined &&
    !(Array.isArray(c.imported) && c.imported.every((id) => typeof id === 'string'))
  )
    fail('imported must be a list of ids');
  if (!Array.isArray(c.models)) fail('models must be a list');
  const models = c.models.map(checkEntry);
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.id)) fail(`duplicate id '${m.id}'`);
    seen.add(m.id);
  }
  return { formatVersion: 1, embedded: c.embedded, imported: c.imported ?? [], models };
}

/** Whether `sha` (hex) satisfies the entry's sha256 or sha256Prefix; true when the catalog has neither. */
export function hashMatches(entry: CatalogEntry, sha: string): boolean {
  if (entry.sha256) return entry.sha256 === sha;
  if (entry.sha256Prefix) return sha.startsWith(entry.sha256Prefix);
  return true;
}
