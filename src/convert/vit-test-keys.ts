// Test-only: key → shape maps as each layout saves a ViT, for the matcher and conversion tests.

/** Key → shape maps as each layout saves a ViT (no data: the matcher reads shapes only). */
export function timmKeys(o: {
  D: number;
  depth: number;
  p: number;
  grid: number;
  regs?: number;
  dinov2?: boolean;
}) {
  const { D, depth, p, grid } = o;
  const regs = o.regs ?? 0;
  const k = new Map<string, number[]>([
    ['patch_embed.proj.weight', [D, 3, p, p]],
    ['patch_embed.proj.bias', [D]],
    ['cls_token', [1, 1, D]],
    ['pos_embed', [1, (o.dinov2 || !regs ? 1 : 0) + grid * grid, D]],
    ['norm.weight', [D]],
    ['norm.bias', [D]],
    ['head.weight', [1000, D]],
    ['head.bias', [1000]],
  ]);
  if (regs) k.set(o.dinov2 ? 'register_tokens' : 'reg_token', [1, regs, D]);
  if (o.dinov2) k.set('mask_token', [1, D]);
  for (let i = 0; i < depth; i++) {
    const b = `blocks.${i}`;
    for (const n of ['norm1', 'norm2']) for (const w of ['weight', 'bias']) k.set(`${b}.${n}.${w}`, [D]);
    k.set(`${b}.attn.qkv.weight`, [3 * D, D]).set(`${b}.attn.qkv.bias`, [3 * D]);
    k.set(`${b}.attn.proj.weight`, [D, D]).set(`${b}.attn.proj.bias`, [D]);
    k.set(`${b}.mlp.fc1.weight`, [4 * D, D]).set(`${b}.mlp.fc1.bias`, [4 * D]);
    k.set(`${b}.mlp.fc2.weight`, [D, 4 * D]).set(`${b}.mlp.fc2.bias`, [D]);
    if (regs) k.set(`${b}.ls1.gamma`, [D]).set(`${b}.ls2.gamma`, [D]);
  }
  return k;
}

function mhaBlock(k: Map<string, number[]>, b: string, att: string, fc1: string, fc2: string, D: number) {
  for (const n of ['ln_1', 'ln_2']) for (const w of ['weight', 'bias']) k.set(`${b}.${n}.${w}`, [D]);
  k.set(`${b}.${att}.in_proj_weight`, [3 * D, D]).set(`${b}.${att}.in_proj_bias`, [3 * D]);
  k.set(`${b}.${att}.out_proj.weight`, [D, D]).set(`${b}.${att}.out_proj.bias`, [D]);
  k.set(`${b}.${fc1}.weight`, [4 * D, D]).set(`${b}.${fc1}.bias`, [4 * D]);
  k.set(`${b}.${fc2}.weight`, [D, 4 * D]).set(`${b}.${fc2}.bias`, [D]);
}

export function torchvisionKeys(D: number, depth: number, p: number, grid: number, legacyMlp = false) {
  const k = new Map<string, number[]>([
    ['conv_proj.weight', [D, 3, p, p]],
    ['conv_proj.bias', [D]],
    ['class_token', [1, 1, D]],
    ['encoder.pos_embedding', [1, 1 + grid * grid, D]],
    ['encoder.ln.weight', [D]],
    ['encoder.ln.bias', [D]],
    ['heads.head.weight', [1000, D]],
    ['heads.head.bias', [1000]],
  ]);
  for (let i = 0; i < depth; i++) {
    const [a, b] = legacyMlp ? ['mlp.linear_1', 'mlp.linear_2'] : ['mlp.0', 'mlp.3'];
    mhaBlock(k, `encoder.layers.encoder_layer_${i}`, 'self_attention', a, b, D);
  }
  return k;
}

export function clipKeys(D: number, depth: number, p: number, grid: number, E: number, prefix = 'visual.') {
  const k = new Map<string, number[]>([
    [`${prefix}conv1.weight`, [D, 3, p, p]],
    [`${prefix}class_embedding`, [D]],
    [`${prefix}positional_embedding`, [1 + grid * grid, D]],
    [`${prefix}ln_pre.weight`, [D]],
    [`${prefix}ln_pre.bias`, [D]],
    [`${prefix}ln_post.weight`, [D]],
    [`${prefix}ln_post.bias`, [D]],
    [`${prefix}proj`, [D, E]],
    // The text tower of a full CLIP state dict (its blocks share the visual tower's names, without visual.).
    ['token_embedding.weight', [64, 8]],
    ['transformer.resblocks.0.attn.in_proj_weight', [24, 8]],
    ['logit_scale', []],
  ]);
  for (let i = 0; i < depth; i++)
    mhaBlock(k, `${prefix}transformer.resblocks.${i}`, 'attn', 'mlp.c_fc', 'mlp.c_proj', D);
  return k;
}

/** A safetensors file of F32 tensors with the given shapes (values: a slow ramp, so nothing is all-zero). */
export function vitSafetensors(shapes: Map<string, number[]>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of shapes) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.byteLength), true);
  out.set(head, 8);
  const data = new Float32Array(out.buffer, 8 + head.byteLength, offset / 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.01);
  return out;
}
