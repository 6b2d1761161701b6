// Several runs in one link: "#rs1.<base64url(deflate(JSON array of compact records))>". Share uses it for
// every run on screen; a single run still gets the plain "#r1." link, and both open here. Decoding has the
// same caps as a single record (payload length, inflated size), then validates each record.

import { deflateSync } from 'fflate';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { array, RecordError } from './checks.ts';
import {
  checkSchema,
  decodePermalink,
  encodePermalink,
  inflateCapped,
  PERMALINK_LIMITS,
  PermalinkError,
  parseJson,
} from './permalink.ts';
import { fromCompact, toCompact } from './permalink-compact.ts';
import { RESULT_SCHEMA_VERSION, type ResultRecord } from './types.ts';
import { validateRecord } from './validate.ts';

const SET_PREFIX = /^rs(\d{1,6})\.(.*)$/s;
/** Most runs one link may hold (a page of runs, far below what would make a link unwieldy). */
export const MAX_RUNS_PER_LINK = 64;

/** The fragment payload for one or more records (one record: the single-record format). */
export function encodePermalinkSet(input: ResultRecord[]): string {
  if (input.length === 0) throw new RangeError('nothing to share');
  if (input.length === 1) return encodePermalink(input[0]);
  if (input.length > MAX_RUNS_PER_LINK)
    throw new RangeError(`a link holds at most ${MAX_RUNS_PER_LINK} runs; remove some first`);
  const records = input.map((r) => validateRecord(r));
  const withNames = encodeSet(records, true);
  if (withNames.length <= PERMALINK_LIMITS.classNamesBudgetChars) return withNames;
  const payload = encodeSet(records, false);
  // A link the lab itself would refuse to open is never made.
  if (payload.length > PERMALINK_LIMITS.payloadChars) {
    throw new RangeError(
      `these ${records.length} runs are too large for one link (${payload.length} characters); ` +
        'share fewer runs at a time, or export them as JSON',
    );
  }
  return payload;
}

function encodeSet(records: ResultRecord[], keepClassNames: boolean): string {
  const json = JSON.stringify(records.map((r) => toCompact(r, keepClassNames)));
  const packed = deflateSync(new TextEncoder().encode(json), { level: 9, mem: 8 });
  return `rs${RESULT_SCHEMA_VERSION}.${toBase64Url(packed)}`;
}

/** Opens a single-record or a several-record link; throws PermalinkError when it can't. */
export function decodePermalinkSet(payload: string): ResultRecord[] {
  const text = payload.startsWith('#') ? payload.slice(1) : payload;
  const match = SET_PREFIX.exec(text);
  if (match === null) return [decodePermalink(text)];
  if (text.length > PERMALINK_LIMITS.payloadChars) {
    throw new PermalinkError(
      `This link is too long to be a Transfer Lab result (${text.length} characters).`,
    );
  }
  const schema = checkSchema(Number(match[1]));
  const packed = fromBase64Url(match[2]);
  if (packed === null)
    throw new PermalinkError('This link is damaged: it contains characters a result never has.');
  const json = parseJson(inflateCapped(packed));
  try {
    return array(json, 'runs', MAX_RUNS_PER_LINK).map((c) => validateRecord(fromCompact(c, schema)));
  } catch (e) {
    if (e instanceof RecordError)
      throw new PermalinkError(`This link's result is damaged (${e.message}).`, { cause: e });
    throw e;
  }
}

/**
 * The record as a link would carry it (values on the link's 1e-4 grid), keeping its details. The app shows
 * records through this, so a shared view prints exactly the digits the original showed, in every view.
 */
export function asShared(record: ResultRecord): ResultRecord {
  const shown = fromCompact(JSON.parse(JSON.stringify(toCompact(record, true))), record.schema);
  return record.details === undefined ? shown : { ...shown, details: record.details };
}
