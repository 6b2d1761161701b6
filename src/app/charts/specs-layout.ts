// Layout pieces every chart shares, so legends, margins and model colours behave the same everywhere.

import type { ModelColours } from './model-colours.ts';
import { colourOf } from './model-colours.ts';

/**
 * A horizontal legend under the plot, measured against the whole figure ('container'), so Plotly grows the
 * bottom margin to fit it: it can never sit on the x axis or its title, whatever the width.
 */
export function legendBelow(): Record<string, unknown> {
  return { orientation: 'h', x: 0, xanchor: 'left', yref: 'container', y: 0, yanchor: 'bottom' };
}

/** Axis defaults: long tick labels push the margin instead of being cut or overlapping the title. */
export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, automargin: true, ...extra };
}

/** Runs after the first of a comparison are told apart by a hatch, never by a second colour. */
const RUN_PATTERNS = ['', '/', 'x', '.', '\\', '+'];

export function runPattern(runIndex: number): string {
  return RUN_PATTERNS[runIndex % RUN_PATTERNS.length];
}

/**
 * The model a trace draws, for readers of the figure (e2e checks every model's traces against the table's
 * swatch). `model` for a trace of one model; `models` for a trace with one point per model.
 */
export type TraceModels = { model: string } | { models: string[] };

/** A marker/line colour for one model's trace plus its `meta` tag. */
export function modelStyle(colours: ModelColours, modelId: string): { color: string; meta: TraceModels } {
  return { color: colourOf(colours, modelId), meta: { model: modelId } };
}
