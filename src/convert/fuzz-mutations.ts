// Test-only: the byte-level mutations shared by the fuzz loops (checkpoints, archives, images, labels).

export type Mutation = (input: Uint8Array, rand: () => number) => { bytes: Uint8Array; what: string };

const int = (rand: () => number, n: number) => Math.floor(rand() * n);

export const MUTATIONS: Mutation[] = [
  (input, rand) => {
    const bytes = input.slice();
    const flips = 1 + int(rand, 8);
    for (let i = 0; i < flips; i++) bytes[int(rand, bytes.length)] ^= 1 << int(rand, 8);
    return { bytes, what: `flip ${flips} bits` };
  },
  (input, rand) => {
    const at = int(rand, input.length);
    return { bytes: input.slice(0, at), what: `truncate at ${at}` };
  },
  (input, rand) => {
    const at = int(rand, input.length);
    const count = 1 + int(rand, 16);
    const inserted = Uint8Array.from({ length: count }, () => int(rand, 256));
    const bytes = new Uint8Array(input.length + count);
    bytes.set(input.subarray(0, at));
    bytes.set(inserted, at);
    bytes.set(input.subarray(at), at + count);
    return { bytes, what: `insert ${count} bytes at ${at}` };
  },
  (input, rand) => {
    const at = int(rand, input.length);
    const count = 1 + int(rand, 16);
    const bytes = new Uint8Array([...input.subarray(0, at), ...input.subarray(at + count)]);
    return { bytes, what: `delete ${count} bytes at ${at}` };
  },
  (input, rand) => {
    // Overwrite a run with 0xff or 0x00: turns sizes, counts and lengths into extremes.
    const bytes = input.slice();
    const at = int(rand, bytes.length);
    const value = rand() < 0.5 ? 0xff : 0x00;
    bytes.fill(value, at, at + 1 + int(rand, 8));
    return { bytes, what: `fill 0x${value.toString(16)} at ${at}` };
  },
];
