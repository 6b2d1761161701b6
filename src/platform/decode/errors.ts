// Why an image could not be decoded, in words the UI and the CLI show next to the file name.

export type DecodeFailure =
  | 'zero-byte file'
  | 'not an image'
  | 'unsupported image format'
  | 'corrupt or truncated'
  | 'over 50 megapixels: refused before decoding';

export class DecodeError extends Error {
  readonly reason: DecodeFailure;
  readonly key: string;

  constructor(key: string, reason: DecodeFailure, detail?: string) {
    super(`${key}: ${reason}${detail ? ` (${detail})` : ''}`);
    this.name = 'DecodeError';
    this.reason = reason;
    this.key = key;
  }
}
