import { useEffect, useRef, useState } from 'react';

export interface ChartSpec {
  data: object[];
  layout: object;
}

type PlotlyModule = typeof import('plotly.js-dist-min');

let plotlyPromise: Promise<PlotlyModule> | null = null;

/** Plotly is large (≈3.5 MB): it is fetched the first time a chart is shown, not with the page. */
function loadPlotly(): Promise<PlotlyModule> {
  // The UMD bundle arrives as a default export under Vite; keep the namespace as a fallback.
  plotlyPromise ??= import('plotly.js-dist-min').then((m) => (m.default ?? m) as PlotlyModule);
  return plotlyPromise;
}

/**
 * The one component that talks to Plotly. Specs are pure data made by src/app/charts/specs.ts, whose labels
 * are already escaped; this host adds nothing user-supplied.
 */
export function ChartHost({
  spec,
  title,
  testId = 'chart',
}: {
  spec: ChartSpec;
  title: string;
  testId?: string;
}) {
  const root = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    let disposed = false;
    loadPlotly()
      .then((Plotly) => {
        if (disposed) return;
        return Plotly.react(el, spec.data, spec.layout, { responsive: true, displaylogo: false });
      })
      .then(() => {
        if (!disposed) el.dataset.rendered = 'true';
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    return () => {
      disposed = true;
    };
  }, [spec]);
  useEffect(() => {
    const el = root.current;
    return () => {
      if (el && plotlyPromise) void plotlyPromise.then((Plotly) => Plotly.purge(el));
    };
  }, []);
  return (
    // A named group, not role="img": Plotly puts buttons (its mode bar) inside the plot, and an image may
    // not hold interactive controls (axe: nested-interactive).
    <figure className="chart">
      {/* biome-ignore lint/a11y/useSemanticElements: Plotly needs a plain div to draw into; a fieldset is not one */}
      <div ref={root} data-testid={testId} role="group" aria-label={title} />
      {error ? <figcaption className="error">The chart could not be drawn: {error}</figcaption> : null}
    </figure>
  );
}
