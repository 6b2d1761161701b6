// Human-readable progress: what is running, how far it is, how fast and how long is left.

import { formatDuration } from '../core/progress.ts';
import type { RunProgress } from '../worker/api.ts';

export function formatRate(perSecond: number | null, unit = 'img/s'): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return `— ${unit}`;
  return `${perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1)} ${unit}`;
}

/** The pipeline names extraction stages "<model>: features (<probe>)"; other stages count probe steps. */
function countsImages(p: RunProgress): boolean {
  return /: features\b/.test(p.stage);
}

export function progressLine(p: RunProgress): string {
  const count = `${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')}`;
  const images = countsImages(p);
  const rate = formatRate(p.ratePerSecond, images ? 'img/s' : 'steps/s');
  const detail = p.detail ? ` (${p.detail})` : '';
  return `${p.stage}: ${count}${images ? ' images' : ''}${detail} · ${rate} · ETA ${formatDuration(p.etaSeconds)}`;
}

/** Fraction for a <progress> element; 0 while the total is unknown. */
export function progressFraction(p: RunProgress | null): number {
  if (!p || p.total <= 0) return 0;
  return Math.min(1, Math.max(0, p.done / p.total));
}
