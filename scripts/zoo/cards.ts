// What the zoo adds around `tlab convert`: the convert arguments and card text for each trained model
// (from train.py's train-log.json), and the `embedded` key of models/catalog.json. Pure functions.

/** One entry of .cache/zoo/train-log.json, as scripts/zoo/train.py writes it. */
export interface TrainLogEntry {
  id: string;
  method: string;
  seed: number;
  torch: string;
  inputSize: number;
  widths: number[];
  batch: number;
  subset: number;
  epochs: number;
  steps: number;
  finalLoss: number | null;
  seconds: number;
  checkpointSha256: string;
  mean: number;
  std: number;
  /** Random control only: where its BN statistics come from (absent in logs written before it existed). */
  randomBn?: 'data' | 'init';
  /** Random control only: how many TRAIN images estimated its BN statistics. */
  bnImages?: number;
}

/** train.py's `--subset 0` means the whole of Fashion-MNIST TRAIN. */
const TRAIN_SIZE = 60000;

export type TrainLog = Record<string, TrainLogEntry>;

/** The zoo's methods in the order the model picker shows them; the random control last. */
export const ZOO_METHODS = ['supervised', 'simclr', 'byol', 'random'] as const;

const METHOD_TEXT: Record<string, { name: string; recipe: string }> = {
  supervised: { name: 'Supervised', recipe: 'cross-entropy on the 10 Fashion-MNIST labels' },
  simclr: {
    name: 'SimCLR',
    recipe:
      'SimCLR contrastive learning (NT-Xent, temperature 0.3, 2 augmented views, projection head dropped)',
  },
  byol: {
    name: 'BYOL',
    recipe: 'BYOL (online network + predictor against an EMA target, momentum 0.99 → 1, no negatives)',
  },
  random: {
    name: 'Random init',
    recipe: 'no training: seeded torchvision initialisation',
  },
};

function randomBnText(e: TrainLogEntry): string {
  if (e.randomBn !== 'data') return 'BN statistics at init (mean 0, variance 1)';
  return `BN statistics estimated on ${(e.bnImages ?? 0).toLocaleString('en')} TRAIN images (no weight trained)`;
}

export const ZOO_LICENCE = 'MIT';
export const ZOO_SOURCE = 'Transfer Lab zoo: scripts/zoo/train.py on Fashion-MNIST TRAIN (MIT, Zalando SE)';

function recipeText(e: TrainLogEntry): string {
  const text = METHOD_TEXT[e.method]?.recipe ?? e.method;
  const arch = `Narrow ResNet-10 (torchvision layout, widths ${e.widths.join('/')}), ${e.inputSize}×${e.inputSize} input`;
  if (e.method === 'random') return `Control: ${text}, ${randomBnText(e)}. ${arch}, seed ${e.seed}.`;
  const images = (e.subset || TRAIN_SIZE).toLocaleString('en');
  const budget = `${e.steps} steps of ${e.batch} (${e.epochs} epochs over ${images} TRAIN images)`;
  return `${text}. ${arch}. ${budget}, AdamW + cosine, seed ${e.seed}, final loss ${e.finalLoss}, ${Math.round(e.seconds)} s wall clock on a shared 2-core CPU machine (torch ${e.torch}).`;
}

/** Card fields that `tlab convert` has no flag for, passed as its --card JSON. */
export function cardExtras(e: TrainLogEntry): { name: string; description: string } {
  const name = `${METHOD_TEXT[e.method]?.name ?? e.method} R10n (Fashion-MNIST)`;
  return { name, description: recipeText(e) };
}

/** The `tlab convert` arguments for one trained model: exactly the path a user's .pth takes. */
export function convertArgs(
  e: TrainLogEntry,
  checkpoint: string,
  outDir: string,
  cardFile: string,
): string[] {
  const grey = (x: number) => [x, x, x].join(',');
  return [
    'convert',
    checkpoint,
    '--arch',
    'resnet10-narrow',
    '--profile',
    'auto',
    '--id',
    e.id,
    '--out',
    outDir,
    '--input-size',
    String(e.inputSize),
    // Grey images become RGB with three equal channels, so the grey statistics apply per channel.
    '--mean',
    grey(e.mean),
    '--std',
    grey(e.std),
    '--family',
    e.method,
    '--licence',
    ZOO_LICENCE,
    '--source',
    ZOO_SOURCE,
    '--card',
    cardFile,
  ];
}

/** Ids of the log in ZOO_METHODS order (unknown methods after, by id). */
export function orderedIds(log: TrainLog): string[] {
  const rank = (e: TrainLogEntry) => {
    const i = (ZOO_METHODS as readonly string[]).indexOf(e.method);
    return i < 0 ? ZOO_METHODS.length : i;
  };
  return Object.values(log)
    .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))
    .map((e) => e.id);
}

/**
 * models/catalog.json with only its `embedded` array replaced. The rest of the file belongs to another
 * owner, so it is edited as text: its formatting and key order stay byte-for-byte as they were.
 */
/** Sets the catalog's "imported" list (tfjs models built from npm packages), adding the key if absent. */
export function withImported(catalogText: string, ids: string[]): string {
  const list = `[${ids.map((id) => JSON.stringify(id)).join(', ')}]`;
  const pattern = /("imported"\s*:\s*)\[[^\]]*\]/;
  if (pattern.test(catalogText)) return catalogText.replace(pattern, (_m, key: string) => `${key}${list}`);
  const embedded = /("embedded"\s*:\s*\[[^\]]*\],?)/;
  if (!embedded.test(catalogText)) throw new Error('models/catalog.json has no "embedded" array to follow');
  return catalogText.replace(
    embedded,
    (m: string) => `${m.endsWith(',') ? m : `${m},`}\n  "imported": ${list},`,
  );
}

export function withEmbedded(catalogText: string, ids: string[]): string {
  const pattern = /("embedded"\s*:\s*)\[[^\]]*\]/;
  if (!pattern.test(catalogText)) throw new Error('models/catalog.json has no "embedded" array to update');
  const list = ids.length ? `[${ids.map((id) => JSON.stringify(id)).join(', ')}]` : '[]';
  return catalogText.replace(pattern, (_m, key: string) => `${key}${list}`);
}
