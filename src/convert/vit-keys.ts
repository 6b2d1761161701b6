// Vision Transformer key layouts: timm names (DINO, DINOv2, MAE, DeiT), torchvision's vit_*, and OpenAI
// CLIP's visual tower. Each layout maps its keys onto one set of lab names (PyTorch tensor layouts kept:
// linear weights [out, in], the patch conv [D, 3, p, p]); the shapes alone give the architecture.
// Pure: works on key → shape maps, so the automatic layout search can score a file before decoding it.

export type VitLayout = 'timm' | 'torchvision' | 'clip';

/**
 * How the position embeddings are resampled to another patch grid (all bicubic, as each reference does):
 * - 'timm': size-based, antialiased (timm's resample_abs_pos_embed, open_clip's resize_pos_embed);
 * - 'dinov2': scale factor (grid + 0.1) / trained grid, no antialias (DINO's and DINOv2's
 *   interpolate_pos_encoding with their defaults);
 * - 'torchvision': size-based with align_corners=True (torchvision's interpolate_embeddings).
 */
export type PosEmbedResample = 'timm' | 'dinov2' | 'torchvision';

export interface VitConfig {
  layout: VitLayout;
  patchSize: number;
  /** Token width D. */
  width: number;
  depth: number;
  heads: number;
  /** Hidden width of each block's MLP. */
  mlpWidth: number;
  /** Register tokens (DINOv2-reg); they sit between the class token and the patches. */
  registers: number;
  /** Side of the square patch grid the position embeddings were trained at. */
  posGrid: number;
  /** Leading tokens that carry their own position embedding: 0 (timm no_embed_class), 1 (class) or 1+registers. */
  posPrefix: number;
  patchBias: boolean;
  /** CLIP's ln_pre on the token sequence before the blocks. */
  preNorm: boolean;
  /** DINOv2's per-channel LayerScale on both residual branches. */
  layerScale: boolean;
  /** 1e-6 in timm, DINO, DINOv2, MAE and torchvision; 1e-5 in CLIP. */
  layerNormEps: number;
  /** Exact erf GELU (PyTorch's default) or CLIP's QuickGELU x·σ(1.702x). */
  activation: 'gelu' | 'quick-gelu';
  /** Output size of CLIP's visual projection; null when the checkpoint has none. */
  projection: number | null;
  posEmbedResample: PosEmbedResample;
}

/** One parameter of the match: where it comes from, its lab name and its lab shape (same element count). */
export interface VitParam {
  source: string;
  target: string;
  shape: number[];
}

export interface VitMatch {
  config: VitConfig;
  /** Every parameter the lab's ViT uses, in execution order, with the right shape in the checkpoint. */
  params: VitParam[];
  /** Lab names the architecture needs but the keys lack, or whose shape does not fit (with the reason). */
  missing: string[];
  /** Source keys not used (heads, decoders, text towers, mask tokens, ...). */
  dropped: string[];
}

export type KeyShapes = ReadonlyMap<string, readonly number[]>;

/** Named architectures: heads cannot be read from shapes; every one here has 64-wide heads except ViT-H. */
export const NAMED_VITS: Readonly<
  Record<string, { width: number; depth: number; heads: number; patch: number }>
> = {
  vit_t_16: { width: 192, depth: 12, heads: 3, patch: 16 },
  vit_s_16: { width: 384, depth: 12, heads: 6, patch: 16 },
  vit_s_14: { width: 384, depth: 12, heads: 6, patch: 14 },
  vit_b_16: { width: 768, depth: 12, heads: 12, patch: 16 },
  vit_b_32: { width: 768, depth: 12, heads: 12, patch: 32 },
  vit_b_14: { width: 768, depth: 12, heads: 12, patch: 14 },
  vit_l_16: { width: 1024, depth: 24, heads: 16, patch: 16 },
  vit_l_14: { width: 1024, depth: 24, heads: 16, patch: 14 },
  vit_h_14: { width: 1280, depth: 32, heads: 16, patch: 14 },
};

/** The torchvision-style name of a config when it is a standard size, e.g. 'vit_b_16'. */
export function namedVitOf(c: Pick<VitConfig, 'width' | 'depth' | 'heads' | 'patchSize'>): string | null {
  const hit = Object.entries(NAMED_VITS).find(
    ([, n]) => n.width === c.width && n.depth === c.depth && n.heads === c.heads && n.patch === c.patchSize,
  );
  return hit?.[0] ?? null;
}

/** Head count for a width: 64-wide heads (every ViT size here but ViT-H, which is named). */
export function defaultHeads(width: number): number {
  return width % 64 === 0 ? width / 64 : 1;
}

/** Where one layout keeps each lab tensor (null: the layout has no such tensor). */
interface LayoutNames {
  layout: VitLayout;
  marker: string;
  patchWeight: string;
  patchBias: string | null;
  cls: string;
  registers: string[];
  pos: string;
  preNorm: string | null;
  blockPattern: RegExp;
  block(i: number): Record<string, string[]>;
  norm: string;
  proj: string | null;
  layerNormEps: number;
  activation: VitConfig['activation'];
  resample: PosEmbedResample;
}

const BLOCK_PARTS_TIMM = (p: string): Record<string, string[]> => ({
  'norm1.weight': [`${p}.norm1.weight`],
  'norm1.bias': [`${p}.norm1.bias`],
  'qkv.weight': [`${p}.attn.qkv.weight`],
  'qkv.bias': [`${p}.attn.qkv.bias`],
  'proj.weight': [`${p}.attn.proj.weight`],
  'proj.bias': [`${p}.attn.proj.bias`],
  ls1: [`${p}.ls1.gamma`, `${p}.ls1.scale_factor`],
  'norm2.weight': [`${p}.norm2.weight`],
  'norm2.bias': [`${p}.norm2.bias`],
  'fc1.weight': [`${p}.mlp.fc1.weight`],
  'fc1.bias': [`${p}.mlp.fc1.bias`],
  'fc2.weight': [`${p}.mlp.fc2.weight`],
  'fc2.bias': [`${p}.mlp.fc2.bias`],
  ls2: [`${p}.ls2.gamma`, `${p}.ls2.scale_factor`],
});

/** nn.MultiheadAttention blocks (torchvision and CLIP): ln_1, in_proj, out_proj, ln_2, MLP. */
function mhaBlock(p: string, att: string, fc1: string[], fc2: string[]): Record<string, string[]> {
  return {
    'norm1.weight': [`${p}.ln_1.weight`],
    'norm1.bias': [`${p}.ln_1.bias`],
    'qkv.weight': [`${p}.${att}.in_proj_weight`],
    'qkv.bias': [`${p}.${att}.in_proj_bias`],
    'proj.weight': [`${p}.${att}.out_proj.weight`],
    'proj.bias': [`${p}.${att}.out_proj.bias`],
    'norm2.weight': [`${p}.ln_2.weight`],
    'norm2.bias': [`${p}.ln_2.bias`],
    'fc1.weight': fc1.map((f) => `${p}.${f}.weight`),
    'fc1.bias': fc1.map((f) => `${p}.${f}.bias`),
    'fc2.weight': fc2.map((f) => `${p}.${f}.weight`),
    'fc2.bias': fc2.map((f) => `${p}.${f}.bias`),
  };
}

const TIMM: LayoutNames = {
  layout: 'timm',
  marker: 'blocks.0.attn.qkv.weight',
  patchWeight: 'patch_embed.proj.weight',
  patchBias: 'patch_embed.proj.bias',
  cls: 'cls_token',
  // timm calls them reg_token; DINOv2's own checkpoints register_tokens.
  registers: ['reg_token', 'register_tokens'],
  pos: 'pos_embed',
  preNorm: 'norm_pre',
  blockPattern: /^blocks\.(\d+)\.attn\.qkv\.weight$/,
  block: (i) => BLOCK_PARTS_TIMM(`blocks.${i}`),
  norm: 'norm',
  proj: null,
  layerNormEps: 1e-6,
  activation: 'gelu',
  resample: 'timm',
};

const TORCHVISION: LayoutNames = {
  layout: 'torchvision',
  marker: 'encoder.layers.encoder_layer_0.self_attention.in_proj_weight',
  patchWeight: 'conv_proj.weight',
  patchBias: 'conv_proj.bias',
  cls: 'class_token',
  registers: [],
  pos: 'encoder.pos_embedding',
  preNorm: null,
  blockPattern: /^encoder\.layers\.encoder_layer_(\d+)\.self_attention\.in_proj_weight$/,
  // torchvision ≥ 0.13 names the MLP's linears mlp.0 / mlp.3; older releases mlp.linear_1 / mlp.linear_2.
  block: (i) =>
    mhaBlock(
      `encoder.layers.encoder_layer_${i}`,
      'self_attention',
      ['mlp.0', 'mlp.linear_1'],
      ['mlp.3', 'mlp.linear_2'],
    ),
  norm: 'encoder.ln',
  proj: null,
  layerNormEps: 1e-6,
  activation: 'gelu',
  resample: 'torchvision',
};

function clipNames(v: string): LayoutNames {
  return {
    layout: 'clip',
    marker: `${v}transformer.resblocks.0.attn.in_proj_weight`,
    patchWeight: `${v}conv1.weight`,
    patchBias: null,
    cls: `${v}class_embedding`,
    registers: [],
    pos: `${v}positional_embedding`,
    preNorm: `${v}ln_pre`,
    blockPattern: new RegExp(
      `^${v.replace('.', '\\.')}transformer\\.resblocks\\.(\\d+)\\.attn\\.in_proj_weight$`,
    ),
    block: (i) => mhaBlock(`${v}transformer.resblocks.${i}`, 'attn', ['mlp.c_fc'], ['mlp.c_proj']),
    norm: `${v}ln_post`,
    proj: `${v}proj`,
    layerNormEps: 1e-5,
    activation: 'quick-gelu',
    resample: 'timm',
  };
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const isSquare = (n: number) => n > 0 && Number.isInteger(Math.sqrt(n));

function countBlocks(keys: KeyShapes, pattern: RegExp): number {
  let count = 0;
  for (const key of keys.keys()) {
    const m = pattern.exec(key);
    if (m) count = Math.max(count, Number(m[1]) + 1);
  }
  return count;
}

/** Which leading tokens the position table covers, read off its length; null when no rule fits. */
function posLayout(tokens: number, registers: number): { grid: number; prefix: number } | null {
  for (const prefix of [1, 0, 1 + registers]) {
    if (tokens - prefix > 0 && isSquare(tokens - prefix)) return { grid: Math.sqrt(tokens - prefix), prefix };
  }
  return null;
}

interface Matcher {
  params: VitParam[];
  missing: string[];
  used: Set<string>;
}

/** Records the first candidate key present; a present key of the wrong size is reported, not used. */
function take(keys: KeyShapes, m: Matcher, target: string, candidates: string[], shape: number[]): boolean {
  const source = candidates.find((k) => keys.has(k));
  if (source === undefined) {
    m.missing.push(target);
    return false;
  }
  const got = keys.get(source) as readonly number[];
  // Only element counts must agree: CLIP's 1-D class embedding and timm's [1, 1, D] token are the same tensor.
  if (numel(got) !== numel(shape) || (shape.length >= 2 && got.at(-1) !== shape.at(-1))) {
    m.missing.push(`${target} (${source} is [${got.join(', ')}], expected [${shape.join(', ')}])`);
    return false;
  }
  m.params.push({ source, target, shape });
  m.used.add(source);
  return true;
}

function takeOptional(
  keys: KeyShapes,
  m: Matcher,
  target: string,
  candidates: string[],
  shape: number[],
): boolean {
  return candidates.some((k) => keys.has(k)) && take(keys, m, target, candidates, shape);
}

function blockParams(keys: KeyShapes, m: Matcher, names: LayoutNames, i: number, c: VitConfig): void {
  const D = c.width;
  const M = c.mlpWidth;
  const parts = names.block(i);
  const shapes: Record<string, number[]> = {
    'norm1.weight': [D],
    'norm1.bias': [D],
    'qkv.weight': [3 * D, D],
    'qkv.bias': [3 * D],
    'proj.weight': [D, D],
    'proj.bias': [D],
    ls1: [D],
    'norm2.weight': [D],
    'norm2.bias': [D],
    'fc1.weight': [M, D],
    'fc1.bias': [M],
    'fc2.weight': [D, M],
    'fc2.bias': [D],
    ls2: [D],
  };
  for (const [part, shape] of Object.entries(shapes)) {
    if ((part === 'ls1' || part === 'ls2') && !c.layerScale) continue;
    take(keys, m, `blocks.${i}.${part}`, parts[part] ?? [], shape);
  }
}

function readConfig(keys: KeyShapes, names: LayoutNames): VitConfig | null {
  const patch = keys.get(names.patchWeight);
  const depth = countBlocks(keys, names.blockPattern);
  if (patch?.length !== 4 || patch[1] !== 3 || patch[2] !== patch[3] || depth === 0) return null;
  const width = patch[0];
  const reg = names.registers.map((k) => keys.get(k)).find((s) => s !== undefined);
  const registers = reg ? numel(reg) / width : 0;
  const pos = keys.get(names.pos);
  const layout = pos && pos.at(-1) === width ? posLayout(numel(pos) / width, registers) : null;
  const fc1 = names
    .block(0)
    ['fc1.weight'].map((k) => keys.get(k))
    .find((s) => s !== undefined);
  if (!layout || !Number.isInteger(registers) || !fc1) return null;
  const ls = names.block(0).ls1;
  return {
    layout: names.layout,
    patchSize: patch[2],
    width,
    depth,
    heads: defaultHeads(width),
    mlpWidth: fc1[0],
    registers,
    posGrid: layout.grid,
    posPrefix: layout.prefix,
    patchBias: names.patchBias !== null && keys.has(names.patchBias),
    preNorm: names.preNorm !== null && keys.has(`${names.preNorm}.weight`),
    layerScale: ls?.some((k) => keys.has(k)) ?? false,
    layerNormEps: names.layerNormEps,
    activation: names.activation,
    projection:
      names.proj && keys.get(names.proj)?.length === 2 ? (keys.get(names.proj) as number[])[1] : null,
    // DINOv2's own checkpoints (register_tokens / mask_token) interpolate the DINO way.
    posEmbedResample: keys.has('mask_token') || keys.has('register_tokens') ? 'dinov2' : names.resample,
  };
}

function matchLayout(keys: KeyShapes, names: LayoutNames): VitMatch | null {
  if (!keys.has(names.marker)) return null;
  const config = readConfig(keys, names);
  if (!config) return null;
  const D = config.width;
  const p = config.patchSize;
  const m: Matcher = { params: [], missing: [], used: new Set() };
  take(keys, m, 'patch.weight', [names.patchWeight], [D, 3, p, p]);
  if (config.patchBias && names.patchBias) take(keys, m, 'patch.bias', [names.patchBias], [D]);
  take(keys, m, 'cls', [names.cls], [D]);
  if (config.registers > 0) take(keys, m, 'reg', names.registers, [config.registers, D]);
  take(keys, m, 'pos', [names.pos], [config.posPrefix + config.posGrid ** 2, D]);
  if (config.preNorm && names.preNorm) {
    take(keys, m, 'pre_norm.weight', [`${names.preNorm}.weight`], [D]);
    take(keys, m, 'pre_norm.bias', [`${names.preNorm}.bias`], [D]);
  }
  for (let i = 0; i < config.depth; i++) blockParams(keys, m, names, i, config);
  take(keys, m, 'norm.weight', [`${names.norm}.weight`], [D]);
  take(keys, m, 'norm.bias', [`${names.norm}.bias`], [D]);
  if (config.projection !== null && names.proj) {
    takeOptional(keys, m, 'proj', [names.proj], [D, config.projection]);
  }
  const dropped = [...keys.keys()].filter((k) => !m.used.has(k));
  return { config, params: m.params, missing: m.missing, dropped };
}

/** The three layouts, each as its own matcher (CLIP with and without the `visual.` prefix). */
export const VIT_LAYOUTS: ReadonlyArray<{ layout: VitLayout; match(keys: KeyShapes): VitMatch | null }> = [
  { layout: 'timm', match: (keys) => matchLayout(keys, TIMM) },
  { layout: 'torchvision', match: (keys) => matchLayout(keys, TORCHVISION) },
  {
    layout: 'clip',
    match: (keys) => matchLayout(keys, clipNames('visual.')) ?? matchLayout(keys, clipNames('')),
  },
];

/**
 * The ViT these keys describe, in whichever layout maps the most parameters; null when none fits.
 * `layout` restricts the search to one layout.
 */
export function matchVit(keys: KeyShapes, layout?: VitLayout): VitMatch | null {
  let best: VitMatch | null = null;
  for (const l of VIT_LAYOUTS) {
    if (layout && l.layout !== layout) continue;
    const m = l.match(keys);
    if (m && (!best || m.params.length > best.params.length)) best = m;
  }
  return best;
}

/** 'vit_b_16' for a named shape, else 'vit-w768-d12-p16'; '-reg4' when it has register tokens. */
export function vitArchitectureName(c: VitConfig): string {
  const named = namedVitOf(c);
  const base = named ?? `vit-w${c.width}-d${c.depth}-p${c.patchSize}`;
  return c.registers > 0 ? `${base}-reg${c.registers}` : base;
}

/** Every lab tensor name of a config, in the order the matcher emits them (for writers and readers). */
export function vitParamNames(c: VitConfig): string[] {
  const names = ['patch.weight'];
  if (c.patchBias) names.push('patch.bias');
  names.push('cls');
  if (c.registers > 0) names.push('reg');
  names.push('pos');
  if (c.preNorm) names.push('pre_norm.weight', 'pre_norm.bias');
  for (let i = 0; i < c.depth; i++) {
    const parts = ['norm1.weight', 'norm1.bias', 'qkv.weight', 'qkv.bias', 'proj.weight', 'proj.bias'];
    if (c.layerScale) parts.push('ls1');
    parts.push('norm2.weight', 'norm2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias');
    if (c.layerScale) parts.push('ls2');
    names.push(...parts.map((p) => `blocks.${i}.${p}`));
  }
  names.push('norm.weight', 'norm.bias');
  if (c.projection !== null) names.push('proj');
  return names;
}

/** PyTorch's shape of each lab tensor name of a config (for writers of random models: tests, benchmarks). */
export function vitTorchShape(name: string, c: VitConfig): number[] {
  const part = name.replace(/^blocks\.\d+\./, '');
  const D = c.width;
  const table: Record<string, number[]> = {
    'patch.weight': [D, 3, c.patchSize, c.patchSize],
    reg: [c.registers, D],
    pos: [c.posPrefix + c.posGrid ** 2, D],
    proj: [D, c.projection ?? 0],
    'qkv.weight': [3 * D, D],
    'qkv.bias': [3 * D],
    'proj.weight': [D, D],
    'fc1.weight': [c.mlpWidth, D],
    'fc1.bias': [c.mlpWidth],
    'fc2.weight': [D, c.mlpWidth],
  };
  return table[name] ?? table[part] ?? [D];
}

/** Checks a config read from a model file before anything is built from it. */
export function assertValidVitConfig(c: VitConfig): void {
  const posInt = (x: unknown) => Number.isInteger(x) && (x as number) > 0;
  const bad = (what: string) => {
    throw new Error(`ViT config: ${what}`);
  };
  if (!c || typeof c !== 'object') bad('missing');
  for (const f of ['patchSize', 'width', 'heads', 'mlpWidth', 'posGrid'] as const) {
    if (!posInt(c[f])) bad(`${f} must be a positive integer, got ${JSON.stringify(c[f])}`);
  }
  if (!Number.isInteger(c.depth) || c.depth < 0) bad('depth must be an integer ≥ 0');
  if (c.width % c.heads !== 0) bad(`width ${c.width} is not a multiple of heads ${c.heads}`);
  if (!Number.isInteger(c.registers) || c.registers < 0) bad('registers must be an integer ≥ 0');
  if (![0, 1, 1 + c.registers].includes(c.posPrefix))
    bad(`posPrefix ${c.posPrefix} is not 0, 1 or 1+registers`);
  if (!(c.layerNormEps > 0 && c.layerNormEps < 1)) bad('layerNormEps must be in (0, 1)');
  if (c.activation !== 'gelu' && c.activation !== 'quick-gelu')
    bad(`unknown activation ${String(c.activation)}`);
  if (!['timm', 'dinov2', 'torchvision'].includes(c.posEmbedResample))
    bad(`unknown posEmbedResample ${String(c.posEmbedResample)}`);
  if (c.projection !== null && !posInt(c.projection)) bad('projection must be a positive integer or null');
}
