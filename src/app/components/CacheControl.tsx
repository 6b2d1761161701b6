import { useEffect } from 'react';
import { useLab } from '../store/react.ts';

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** Features are cached per (model weights, preprocessing, dataset) so re-runs skip extraction; this clears them. */
export function CacheControl() {
  const bytes = useLab((s) => s.cacheBytes);
  const refresh = useLab((s) => s.refreshCacheSize);
  const clear = useLab((s) => s.clearCache);
  const running = useLab((s) => s.run.status === 'running');
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <p className="small muted" data-testid="cache">
      Feature cache in this browser: {bytes === null ? '…' : megabytes(bytes)}{' '}
      <button type="button" onClick={() => void clear()} disabled={running || !bytes}>
        Clear cache
      </button>
    </p>
  );
}
