// Minimal typing for the parts of plotly.js-dist-min the one chart host uses.
declare module 'plotly.js-dist-min' {
  export function react(root: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
  export function purge(root: HTMLElement): void;
  const Plotly: { react: typeof react; purge: typeof purge };
  export default Plotly;
}
