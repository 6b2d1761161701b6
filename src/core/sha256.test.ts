import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash.ts';
import { Sha256 } from './sha256.ts';

describe('incremental Sha256', () => {
  it('gives the FIPS 180-2 test vectors', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(new Sha256().update(enc('abc')).hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(new Sha256().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256().update(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).hex()).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('equals WebCrypto over the whole buffer whatever the chunking (lengths around the 64-byte block)', async () => {
    for (const length of [55, 56, 63, 64, 65, 119, 120, 1000, 4099]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 255);
      const whole = await sha256Hex(bytes);
      for (const chunk of [1, 7, 64, 1000]) {
        const h = new Sha256();
        for (let o = 0; o < length; o += chunk) h.update(bytes.subarray(o, o + chunk));
        expect(h.hex(), `${length} bytes in ${chunk}-byte chunks`).toBe(whole);
      }
    }
  });
});
