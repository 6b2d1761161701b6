import type { ResultRecord } from '../../core/record/types.ts';
import { readFragment, shareUrl } from './fragment.ts';
import type { SliceCreator } from './types.ts';

export interface ShareSlice {
  /** True while the page shows results opened from a link (nothing was run here). */
  viewingShared: boolean;
  lastShareUrl: string | null;
  /** Shows the permalink in `hash` if there is one; returns whether the fragment held results. */
  openFragment(hash: string): boolean;
  /** A link carrying every record given (Share passes every run on screen). */
  makeShareUrl(pageUrl: string, records: ResultRecord[]): string | null;
}

export const createShareSlice: SliceCreator<ShareSlice> = (set, get) => ({
  viewingShared: false,
  lastShareUrl: null,
  openFragment(hash) {
    const content = readFragment(hash);
    if (content.kind === 'none') return false;
    if (content.kind === 'error') {
      get().reportError(new Error(content.message));
      return false;
    }
    set({ records: content.records, viewingShared: true });
    return true;
  },
  makeShareUrl(pageUrl, records) {
    try {
      const url = shareUrl(pageUrl, records);
      set({ lastShareUrl: url });
      return url;
    } catch (error) {
      get().reportError(error, 'Could not make a share link');
      return null;
    }
  },
});
