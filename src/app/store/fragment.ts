// Permalinks: the ResultRecord travels compressed in the URL fragment, which browsers never send to a server.

import { decodePermalink, encodePermalink } from '../../core/record/permalink.ts';
import type { ResultRecord } from '../../core/record/types.ts';

export type FragmentContent =
  | { kind: 'none' }
  | { kind: 'record'; record: ResultRecord }
  | { kind: 'error'; message: string };

export function readFragment(hash: string): FragmentContent {
  const payload = hash.replace(/^#/, '');
  if (payload === '') return { kind: 'none' };
  try {
    return { kind: 'record', record: decodePermalink(payload) };
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

export function shareUrl(pageUrl: string, record: ResultRecord): string {
  const url = new URL(pageUrl);
  url.hash = encodePermalink(record);
  return url.href;
}
