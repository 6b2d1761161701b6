import { useMemo } from 'react';
import type { ResultRecord } from '../../core/record/types.ts';
import { knnCurveChart } from '../charts/specs-knn.ts';
import { ChartHost } from './ChartHost.tsx';

/** The kNN probe's accuracy over k, when a record has kNN scores. */
export function KnnView({ records }: { records: ResultRecord[] }) {
  const spec = useMemo(() => knnCurveChart(records), [records]);
  if (spec === null) return null;
  return <ChartHost spec={spec} title="kNN accuracy against the number of neighbours k" testId="chart-knn" />;
}
