import type { ReactNode } from 'react';

/**
 * A wide table scrolls sideways inside this box, never the page. It is focusable and named so keyboard
 * and screen-reader users can reach and scroll it (axe: scrollable-region-focusable).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard
    <section className="table-scroll" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
