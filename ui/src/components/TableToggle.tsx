/**
 * A chart's numbers as a table, folded away under a "Show … as a table" summary: the accessible
 * alternative to a chart. A native <details>, so keyboard and screen readers get the toggle for
 * free; the table inside scrolls on its own when it is long.
 */
import type { ReactNode } from 'react';

export function TableToggle({ summary = 'Show as a table', children }: { summary?: string; children: ReactNode }) {
  return (
    <details className="analytics-details">
      <summary>{summary}</summary>
      <div className="table-wrap analytics-scroll">{children}</div>
    </details>
  );
}
