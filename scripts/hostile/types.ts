// One hostile input and what must happen when the CLI meets it.

export type HostileKind = 'checkpoint' | 'archive' | 'image' | 'labels' | 'model' | 'permalink';

export interface HostileCase {
  id: string;
  kind: HostileKind;
  /** What the file does, in words. */
  what: string;
  /** Arguments to `tlab`. */
  argv: string[];
  /**
   * 'error': the command fails (exit 1) with a typed error; 'skip': it succeeds, reporting the bad item as a
   * skip with its reason, and every other item runs.
   */
  outcome: 'error' | 'skip';
  /** Texts stderr must contain: the error's type, the file, the member or key, or the skip's reason. */
  mentions: string[];
  /** For 'skip' cases run through `tlab embed`: the output whose path list must hold exactly `rows`. */
  out?: string;
  rows?: string[];
}
