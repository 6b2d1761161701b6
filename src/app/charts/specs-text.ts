// Text safety and shared shapes for the Plotly spec functions. Plotly renders labels, legends, titles
// and hover text as a small HTML dialect (<b>, <a href>, <br>, entities), so any string that can come
// from a user's folders or checkpoints must be escaped before it is placed in a spec.

/** A Plotly figure as plain JSON: what `Plotly.react(el, spec.data, spec.layout)` takes. */
export interface PlotSpec {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  // Plotly decodes only a few named entities (no &quot;), but every numeric one: use those.
  '"': '&#34;',
  "'": '&#39;',
  // "%{...}" is template syntax in hovertemplate; a literal % can never start one once escaped.
  '%': '&#37;',
};

/** Escapes a user-supplied string for any Plotly text field (names, ticks, titles, hover data). */
export function escapePlotlyText(text: string): string {
  return text.replace(/[&<>"'%]/g, (ch) => ENTITIES[ch]);
}

/** Fractions → percent, rounded to 0.01 so specs are stable and readable. */
export function percent(x: number): number {
  return Math.round(x * 10_000) / 100;
}
