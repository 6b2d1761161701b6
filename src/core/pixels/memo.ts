// Preprocessed crops kept across the models of one run, so an image is decoded and resized once for every
// model that shares a preprocessing rule (the paper's 14 ResNet-50s all do; so do the four zoo models),
// within a byte budget. It fills up and then stops taking more rather than evicting: models walk the images
// in the same order, so with eviction a full memo would throw away exactly what the next model asks first.

export interface PixelMemo {
  /** The 8-bit crop (crop·crop·3, what ToTensor would get) of `key` under the rule named `rule`, if kept. */
  get(rule: string, key: string): Uint8Array | undefined;
  /** Keeps the crop if the budget has room for it; returns whether it was kept. */
  put(rule: string, key: string, crop: Uint8Array): boolean;
  /** Bytes held. */
  readonly bytes: number;
}

export function createPixelMemo(budgetBytes: number): PixelMemo {
  if (!(budgetBytes >= 0)) throw new RangeError(`pixel memo budget must be ≥ 0, not ${budgetBytes}`);
  const kept = new Map<string, Uint8Array>();
  let bytes = 0;
  const id = (rule: string, key: string) => `${rule}\u0000${key}`;
  return {
    get: (rule, key) => kept.get(id(rule, key)),
    put(rule, key, crop) {
      const name = id(rule, key);
      if (kept.has(name)) return true;
      if (bytes + crop.byteLength > budgetBytes) return false;
      // A view into a bigger buffer would keep all of it alive: keep a copy of just the crop.
      kept.set(name, crop.byteLength === crop.buffer.byteLength ? crop : crop.slice());
      bytes += crop.byteLength;
      return true;
    },
    get bytes() {
      return bytes;
    },
  };
}
