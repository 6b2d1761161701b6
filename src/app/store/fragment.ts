// Permalinks: the ResultRecords travel compressed in the URL fragment, which browsers never send to a server.
// One run: "#r1.…"; several runs on screen: "#rs1.…" (src/core/record/permalink-set.ts); both open here.

import { decodePermalinkSet, encodePermalinkSet } from '../../core/record/permalink-set.ts';
import type { ResultRecord } from '../../core/record/types.ts';

export type FragmentContent =
  | { kind: 'none' }
  | { kind: 'records'; records: ResultRecord[] }
  | { kind: 'error'; message: string };

export function readFragment(hash: string): FragmentContent {
  const payload = hash.replace(/^#/, '');
  if (payload === '') return { kind: 'none' };
  try {
    return { kind: 'records', records: decodePermalinkSet(payload) };
  } catch (error) {
    // PermalinkError messages are written for users; anything else is reported without internals.
    const detail =
      error instanceof Error && error.name === 'PermalinkError' ? error.message : 'it is damaged';
    return {
      kind: 'error',
      message: `This link does not hold a readable Transfer Lab result (${detail}). Ask for the link again, or import the result's JSON file.`,
    };
  }
}

/** A link to every record given (in order), on the page `pageUrl`. */
export function shareUrl(pageUrl: string, records: ResultRecord[]): string {
  const url = new URL(pageUrl);
  url.hash = encodePermalinkSet(records);
  return url.href;
}
