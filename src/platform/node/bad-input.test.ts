// Each bad-input case gives a typed DecodeError with a reason the UI can show next to the file name.

import { describe, expect, it } from 'vitest';
import { DecodeError, decodeImageNode } from './decode.ts';
import { jpegBytes, pngBytes, pngHeaderOnly } from './test-fixtures.ts';

async function failure(bytes: Uint8Array): Promise<DecodeError> {
  try {
    await decodeImageNode(bytes, 'cats/x.img');
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('decoded without error');
}

describe('bad input', () => {
  it('zero-byte file', async () => {
    expect((await failure(new Uint8Array())).reason).toBe('zero-byte file');
  });

  it('not an image (text, HTML saved as .jpg)', async () => {
    const err = await failure(new TextEncoder().encode('<html>404 not found</html>'));
    expect(err.reason).toBe('not an image');
    expect(err.key).toBe('cats/x.img');
    expect(err.message).toContain('cats/x.img');
  });

  it('truncated JPEG and PNG, and a corrupt JPEG', async () => {
    const jpeg = jpegBytes(1);
    expect((await failure(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)))).reason).toBe(
      'corrupt or truncated',
    );
    const png = pngBytes(1);
    expect((await failure(png.subarray(0, png.length - 30))).reason).toBe('corrupt or truncated');
    expect((await failure(png.subarray(0, 20))).reason).toBe('corrupt or truncated');
    const garbled = jpeg.slice();
    garbled.fill(0x00, 200, 400);
    garbled.set([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x02], 0);
    expect((await failure(garbled)).reason).toBe('corrupt or truncated');
  });

  it('refuses a 10000×10000 image from its header, before decoding', async () => {
    const err = await failure(pngHeaderOnly(10000, 10000));
    expect(err.reason).toBe('over 50 megapixels: refused before decoding');
    expect(err.message).toContain('10000×10000 = 100.0 MP');
  });

  it('names unsupported formats (GIF) instead of calling them corrupt', async () => {
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');
    expect((await failure(gif)).reason).toBe('unsupported image format');
  });

  it('still decodes good images after a failure (the wasm decoder recovers)', async () => {
    await failure(jpegBytes(2).subarray(0, 300));
    const img = await decodeImageNode(jpegBytes(2), 'ok.jpg');
    expect([img.width, img.height, img.data.length]).toEqual([24, 16, 24 * 16 * 3]);
  });
});
