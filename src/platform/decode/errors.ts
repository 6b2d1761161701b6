// Why an image could not be decoded, in words the UI and the CLI show next to the file name.

import { printable, printableMessage } from '../../core/text/printable.ts';
import type { InputIssue } from '../../core/types.ts';

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
    super(printableMessage(`${printable(key)}: ${reason}${detail ? ` (${printable(detail, 400)})` : ''}`));
    this.name = 'DecodeError';
    this.reason = reason;
    this.key = key;
  }
}

/** The listing-style issue for a file that failed to decode: refused when too large, else skipped. */
export function issueFromDecodeError(err: DecodeError): InputIssue {
  const action = err.reason === 'over 50 megapixels: refused before decoding' ? 'refused' : 'skipped';
  const detail = err.message.slice(printable(err.key).length + 2); // drop the "key: " prefix, the key has its own field
  return { key: err.key, action, reason: detail };
}
