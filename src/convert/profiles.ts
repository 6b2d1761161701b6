// Key-layout profiles: how each model family names its ResNet backbone, and how to reach torchvision's names.
// The naming schemes (torchvision, SimCLR-v2, Haiku) map a key below its prefix to a torchvision key (or null:
// not backbone); the named profiles are aliases that pin a scheme and a prefix.

import type { TensorEntry } from './types.ts';

/** A torchvision ResNet backbone key: stem, blocks, projections; never `fc` or `num_batches_tracked`. */
const BACKBONE_KEY =
  /^(conv1\.weight|bn1\.(weight|bias|running_mean|running_var)|layer[1-4]\.\d+\.(conv[1-3]\.weight|bn[1-3]\.(weight|bias|running_mean|running_var)|downsample\.0\.weight|downsample\.1\.(weight|bias|running_mean|running_var)))$/;

export function isBackboneKey(key: string): boolean {
  return BACKBONE_KEY.test(key);
}

export function torchvisionKey(key: string): string | null {
  return isBackboneKey(key) ? key : null;
}

// --- SimCLR-v2, as converted by Separius/SimCLRv2-Pytorch (`{'resnet': …}`, r50_1x_sk0) -----------------
// Stem: net.0.0 = conv, net.0.1.0 = BN. Stage s (1–4), block b: net.s.blocks.b.net.{0,2,4} = conv1..3,
// net.s.blocks.b.net.{1,3,5}.0 = bn1..3, projection.shortcut = downsample.0, projection.bn.0 = downsample.1.

const SIMCLR_STEM_CONV = /^net\.0\.0\.weight$/;
const SIMCLR_STEM_BN = /^net\.0\.1\.0\.(\w+)$/;
const SIMCLR_BLOCK = /^net\.([1-4])\.blocks\.(\d+)\.(.+)$/;

function simclrV2BlockPart(rest: string): string | null {
  let m = /^net\.(\d)\.weight$/.exec(rest);
  if (m && Number(m[1]) % 2 === 0) return `conv${Number(m[1]) / 2 + 1}.weight`;
  m = /^net\.(\d)\.0\.(\w+)$/.exec(rest);
  if (m && Number(m[1]) % 2 === 1) return `bn${(Number(m[1]) + 1) / 2}.${m[2]}`;
  if (rest === 'projection.shortcut.weight') return 'downsample.0.weight';
  m = /^projection\.bn\.0\.(\w+)$/.exec(rest);
  return m ? `downsample.1.${m[1]}` : null;
}

export function simclrV2Key(key: string): string | null {
  if (SIMCLR_STEM_CONV.test(key)) return 'conv1.weight';
  let m = SIMCLR_STEM_BN.exec(key);
  if (m) return torchvisionKey(`bn1.${m[1]}`);
  m = SIMCLR_BLOCK.exec(key);
  if (!m) return null;
  const part = simclrV2BlockPart(m[3]);
  return part ? torchvisionKey(`layer${m[1]}.${m[2]}.${part}`) : null;
}

// --- BYOL: DeepMind's Haiku checkpoint (pretrain_res50x1.pkl) -------------------------------------------
// Flattened paths look like `online_params/res_net50/~/block_group_0/~/block_0/~/conv_0/w` and
// `online_state/…/batchnorm_0/~/mean_ema/average`. conv_k / batchnorm_k → conv{k+1} / bn{k+1};
// shortcut_* → downsample; initial_* → stem. Only the online network is the backbone.

const HAIKU_PARAM: Readonly<Record<string, string>> = {
  w: 'weight',
  scale: 'weight',
  offset: 'bias',
  '~/mean_ema/average': 'running_mean',
  '~/var_ema/average': 'running_var',
};

function haikuModule(path: string): string | null {
  let m = /(?:^|\/)initial_(conv|batchnorm)(?:_1)?$/.exec(path);
  if (m) return m[1] === 'conv' ? 'conv1' : 'bn1';
  m = /block_group_(\d+)\/~\/block_(\d+)\/~\/(conv|batchnorm)_(\d+)$/.exec(path);
  if (m) return `layer${Number(m[1]) + 1}.${m[2]}.${m[3] === 'conv' ? 'conv' : 'bn'}${Number(m[4]) + 1}`;
  m = /block_group_(\d+)\/~\/block_(\d+)\/~\/shortcut_(conv|batchnorm)$/.exec(path);
  if (m) return `layer${Number(m[1]) + 1}.${m[2]}.downsample.${m[3] === 'conv' ? 0 : 1}`;
  return null;
}

export function byolKey(key: string): string | null {
  if (/(^|\/)(target_params|target_state|opt_state)\//.test(key)) return null;
  const m = /^(.*?)\/(w|scale|offset|~\/mean_ema\/average|~\/var_ema\/average)$/.exec(key);
  if (!m) return null;
  const module = haikuModule(m[1]);
  return module ? torchvisionKey(`${module}.${HAIKU_PARAM[m[2]]}`) : null;
}

function isHaikuKernel(torchKey: string, shape: readonly number[]): boolean {
  return shape.length === 4 && torchKey.endsWith('.weight') && /conv\d|downsample\.0/.test(torchKey);
}

/** The PyTorch shape of a Haiku tensor (what haikuToTorch will produce), without touching its data. */
export function haikuShapeToTorch(torchKey: string, shape: readonly number[]): number[] {
  if (isHaikuKernel(torchKey, shape)) return [shape[3], shape[2], shape[0], shape[1]];
  return [shape.reduce((a, d) => a * d, 1)];
}

/** HWIO → OIHW for kernels; (1,1,1,C) → (C) for BatchNorm parameters and statistics. */
export function haikuToTorch(torchKey: string, entry: TensorEntry): TensorEntry {
  if (isHaikuKernel(torchKey, entry.shape)) {
    const [h, w, i, o] = entry.shape;
    const out = new Float32Array(entry.data.length);
    for (let hi = 0; hi < h; hi++)
      for (let wi = 0; wi < w; wi++)
        for (let ii = 0; ii < i; ii++)
          for (let oi = 0; oi < o; oi++) {
            out[((oi * i + ii) * h + hi) * w + wi] = entry.data[((hi * w + wi) * i + ii) * o + oi];
          }
    return { shape: [o, i, h, w], data: out, dtype: entry.dtype };
  }
  return { ...entry, shape: [entry.data.length] };
}

// --- the registry ----------------------------------------------------------------------------------------
// A named profile is now a constraint on the layout search (src/convert/layout-search.ts): the naming scheme
// of the backbone's keys and, for the families that wrap torchvision names, the prefix it sits under.
// `auto` (the default) searches every container and prefix instead; these names stay as aliases.

export interface KeyProfile {
  name: string;
  description: string;
  /** The naming scheme after the prefix: 'torchvision', 'simclr-v2' or 'haiku' (ResNet matcher). */
  naming: string;
  /** Prefixes the backbone may sit under; absent: any prefix the search finds. */
  prefixes?: readonly string[];
}

const torchvision: KeyProfile = {
  name: 'torchvision',
  description: 'torchvision names as saved (supervised, SimCLR-v1 converted by tonylins/simclr-converter)',
  naming: 'torchvision',
  prefixes: [''],
};

const moco: KeyProfile = {
  name: 'moco',
  description: 'MoCo / PCL: the query encoder under module.encoder_q., projection fc.0/fc.2 dropped',
  naming: 'torchvision',
  prefixes: ['module.encoder_q.', 'encoder_q.'],
};

const pycontrast: KeyProfile = {
  name: 'pycontrast',
  description: 'PyContrast (InsDis, PIRL, InfoMin): module.encoder., jigsaw and heads dropped',
  naming: 'torchvision',
  prefixes: ['module.encoder.', 'encoder.'],
};

const swav: KeyProfile = {
  name: 'swav',
  description: 'SwAV / DeepCluster-v2 / SeLa-v2: module., projection_head and prototypes dropped',
  naming: 'torchvision',
  prefixes: ['module.'],
};

const simclrV2: KeyProfile = {
  name: 'simclr-v2',
  description:
    'SimCLR-v2 converted by Separius/SimCLRv2-Pytorch (net.0.0.weight, net.1.blocks.0.net.0.weight …)',
  naming: 'simclr-v2',
};

const byol: KeyProfile = {
  name: 'byol',
  description: "BYOL's Haiku checkpoint: online network only, HWIO kernels transposed to OIHW",
  naming: 'haiku',
};

/** The distinct layouts; the search names its result after the first one that describes it. */
export const PROFILES: readonly KeyProfile[] = [torchvision, moco, pycontrast, swav, simclrV2, byol];

/** Family and model names (protocol.md keys) that share a layout. */
const ALIASES: Readonly<Record<string, KeyProfile>> = {
  plain: torchvision,
  supervised: torchvision,
  'simclr-v1': torchvision,
  pcl: moco,
  'moco-v1': moco,
  'moco-v2': moco,
  'pcl-v1': moco,
  'pcl-v2': moco,
  insdis: pycontrast,
  pirl: pycontrast,
  infomin: pycontrast,
  deepcluster: swav,
  'deepcluster-v2': swav,
  sela: swav,
  'sela-v2': swav,
};

export function profileNames(): string[] {
  return [...PROFILES.map((p) => p.name), ...Object.keys(ALIASES)];
}

export function findProfile(name: string): KeyProfile | null {
  return PROFILES.find((p) => p.name === name) ?? ALIASES[name] ?? null;
}

/** The named profile that describes a found layout exactly (naming + prefix), or null. */
export function profileOf(naming: string, prefix: string): KeyProfile | null {
  return (
    PROFILES.find((p) => p.naming === naming && (p.prefixes ? p.prefixes.includes(prefix) : prefix === '')) ??
    null
  );
}
