// Permalinks: a whole ResultRecord in a URL fragment ("#r1.<base64url(deflate(compact JSON))>"), so a
// result can be shared without any server. The fragment never leaves the browser; decoding treats it
// as hostile input (size caps before and after inflating, strict parsing, full validation).

import { deflateSync, Inflate } from 'fflate';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { RecordError } from './checks.ts';
import { fromCompact, toCompact } from './permalink-compact.ts';
import { RESULT_SCHEMA_VERSION, type ResultRecord } from './types.ts';
import { validateRecord } from './validate.ts';

/** A permalink that cannot be opened; `message` is written for the person who clicked it. */
export class PermalinkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermalinkError';
  }
}

export const PERMALINK_LIMITS = {
  /** Longest payload accepted: far above any link the lab makes, far below a memory problem. */
  payloadChars: 100_000,
  /** Largest inflated JSON accepted: a deflate bomb stops here instead of filling memory. */
  jsonBytes: 4 * 1024 * 1024,
  /** Class names stay in the link only while it is this short; beyond, only their count is kept. */
  classNamesBudgetChars: 4_000,
} as const;

const PREFIX = /^r(\d{1,6})\.(.*)$/s;
/** Input is fed to the inflater in slices this small, so one slice can never inflate past ~1 MB. */
const INFLATE_SLICE_BYTES = 1024;

/** Whether a URL fragment is meant to be a result link (so other fragments can be left alone). */
export function looksLikePermalink(fragment: string): boolean {
  return /^#?r\d{1,6}\./.test(fragment);
}

/**
 * The URL-fragment payload for a record (without the '#'). The record is validated first (throws
 * RecordError), so a link that could not be opened again is never made.
 */
export function encodePermalink(input: ResultRecord): string {
  const record = validateRecord(input);
  const withNames = encodeCompact(record, true);
  if (withNames.length <= PERMALINK_LIMITS.classNamesBudgetChars) return withNames;
  return encodeCompact(record, false);
}

function encodeCompact(record: ResultRecord, keepClassNames: boolean): string {
  const json = JSON.stringify(toCompact(record, keepClassNames));
  const packed = deflateSync(new TextEncoder().encode(json), { level: 9, mem: 8 });
  return `r${RESULT_SCHEMA_VERSION}.${toBase64Url(packed)}`;
}

/** Opens a permalink payload (with or without the leading '#'); throws PermalinkError when it can't. */
export function decodePermalink(payload: string): ResultRecord {
  const text = payload.startsWith('#') ? payload.slice(1) : payload;
  if (text.length > PERMALINK_LIMITS.payloadChars) {
    throw new PermalinkError(
      `This link is too long to be a Transfer Lab result (${text.length} characters).`,
    );
  }
  const match = PREFIX.exec(text);
  if (match === null) throw new PermalinkError('This link does not contain a Transfer Lab result.');
  const schema = checkSchema(Number(match[1]));
  const packed = fromBase64Url(match[2]);
  if (packed === null)
    throw new PermalinkError('This link is damaged: it contains characters a result never has.');
  const json = parseJson(inflateCapped(packed));
  try {
    return validateRecord(fromCompact(json, schema));
  } catch (e) {
    if (e instanceof RecordError)
      throw new PermalinkError(`This link's result is damaged (${e.message}).`, { cause: e });
    throw e;
  }
}

export function checkSchema(schema: number): number {
  if (schema > RESULT_SCHEMA_VERSION) {
    throw new PermalinkError(
      `This result was made by a newer version of Transfer Lab (format ${schema}); this version opens ` +
        `format ${RESULT_SCHEMA_VERSION}. Open the link in an up-to-date lab.`,
    );
  }
  if (schema < 1) throw new PermalinkError(`This link has an unknown result format (${schema}).`);
  return schema;
}

export function inflateCapped(packed: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > PERMALINK_LIMITS.jsonBytes) {
      throw new PermalinkError('This link is damaged: it unpacks to far more data than any result holds.');
    }
    chunks.push(chunk);
    finished ||= final;
  });
  try {
    for (let i = 0; i < packed.length; i += INFLATE_SLICE_BYTES) {
      const end = Math.min(packed.length, i + INFLATE_SLICE_BYTES);
      inflater.push(packed.subarray(i, end), end === packed.length);
    }
  } catch (e) {
    if (e instanceof PermalinkError) throw e;
    throw new PermalinkError('This link is damaged: its data cannot be unpacked (was it cut short?).', {
      cause: e,
    });
  }
  if (!finished)
    throw new PermalinkError('This link is damaged: its data ends too early (was it cut short?).');
  return concat(chunks, total);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new PermalinkError('This link is damaged: its data is not readable.', { cause: e });
  }
}
