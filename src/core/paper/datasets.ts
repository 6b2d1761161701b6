// Dataset and model names as the paper's tables spell them, mapped to stable keys, so that a user's
// "Food-101" or "oxford_iiit_pet" finds the paper's "Food" or "Pets" column.

/** The paper's datasets (many-shot Kornblith et al. suite + cross-domain few-shot), plus the average. */
export const PAPER_DATASETS = [
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
  'cropdiseases',
  'eurosat',
  'isic',
  'chestx',
  'avg',
] as const;

export type PaperDatasetKey = (typeof PAPER_DATASETS)[number];

const ALIASES = new Map<string, PaperDatasetKey>(
  Object.entries({
    fgvcaircraft: 'aircraft',
    stanfordcars: 'cars',
    food101: 'food',
    pet: 'pets',
    oxfordpets: 'pets',
    oxfordiiitpet: 'pets',
    oxfordiiitpets: 'pets',
    flowers102: 'flowers',
    oxfordflowers: 'flowers',
    oxfordflowers102: 'flowers',
    describabletextures: 'dtd',
    describabletexturesdtd: 'dtd',
    textures: 'dtd',
    sun: 'sun397',
    voc: 'voc2007',
    voc07: 'voc2007',
    pascalvoc2007: 'voc2007',
    cropd: 'cropdiseases',
    plantdisease: 'cropdiseases',
    isic2018: 'isic',
    chestxray: 'chestx',
    chestxray8: 'chestx',
    average: 'avg',
  } satisfies Record<string, PaperDatasetKey>),
);

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The paper's key for a dataset name, or null when the paper has no such dataset. */
export function paperDatasetKey(name: string): PaperDatasetKey | null {
  const s = squash(name);
  if ((PAPER_DATASETS as readonly string[]).includes(s)) return s as PaperDatasetKey;
  return ALIASES.get(s) ?? null;
}

/** "SimCLR-v2", "simclr-v1 (`--no-norm`)" → "simclr-v2", "simclr-v1": the protocol's model keys. */
export function paperModelKey(label: string): string {
  return label
    .replace(/\(.*\)/, '')
    .trim()
    .toLowerCase();
}
