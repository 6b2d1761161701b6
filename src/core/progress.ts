// Progress with a rate and an ETA, from a clock the caller supplies (so tests can drive it).

import type { Progress } from './types.ts';

export interface ProgressTracker {
  /** Records that `done` of `total` units are finished and returns the Progress to report. */
  update(done: number, detail?: string): Progress;
}

/**
 * Rate = units per second since the first unit finished (the first unit carries warm-up cost such as
 * shader compilation, so it is excluded from the rate); ETA = remaining / rate.
 */
export function progressTracker(
  stage: string,
  total: number,
  now: () => number = () => Date.now(),
): ProgressTracker {
  let firstAt: number | null = null;
  let firstDone = 0;
  return {
    update(done, detail) {
      const t = now();
      if (firstAt === null && done > 0) {
        firstAt = t;
        firstDone = done;
      }
      const elapsed = firstAt === null ? 0 : (t - firstAt) / 1000;
      const rate = elapsed > 0 && done > firstDone ? (done - firstDone) / elapsed : null;
      const eta = rate ? Math.max(0, (total - done) / rate) : null;
      return { stage, done, total, ratePerSecond: rate, etaSeconds: eta, ...(detail ? { detail } : {}) };
    },
  };
}

/** "1 m 05 s", "12 s": short human durations for ETAs. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}
