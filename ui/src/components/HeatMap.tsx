/**
 * A week's audience heat map: 7 days × 24 hours, darker where posts do better. A table for
 * assistive technology (each cell says e.g. "Tue 18:00, 92%"), laid out as a CSS grid.
 */
import type { CSSProperties } from 'react';
import type { BestSlotView, BestTimesView } from '../backend';
import { cellLabel, DAY_NAMES } from '../lib/learning';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

type Props = {
  view: Pick<BestTimesView, 'heat' | 'time_zone'> & { top: Pick<BestSlotView, 'weekday' | 'hour'>[] };
  label: string;
  /** What a cell says (default: "Tue 18:00, 92%"); weekday is Monday = 0. */
  describe?: (weekday: number, hour: number, heat: number) => string;
};

export function HeatMap({ view, label, describe = cellLabel }: Props) {
  const best = new Set(view.top.map((s) => s.weekday * 24 + s.hour));
  return (
    <div className="heatmap" role="table" aria-label={`${label} (${view.time_zone})`} data-testid="heatmap">
      <div className="heatmap-row" role="row">
        <span className="heatmap-corner" role="columnheader">
          <span className="sr-only">Day</span>
        </span>
        {HOURS.map((h) => (
          <span key={h} className="heatmap-hour" role="columnheader" aria-label={`${String(h).padStart(2, '0')}:00`}>
            {h % 3 === 0 ? String(h).padStart(2, '0') : ''}
          </span>
        ))}
      </div>
      {DAY_NAMES.map((day, d) => (
        <div key={day} className="heatmap-row" role="row">
          <span className="heatmap-day" role="rowheader">
            {day}
          </span>
          {HOURS.map((h) => {
            const heat = Math.max(0, Math.min(1, view.heat[d]?.[h] ?? 0));
            return (
              <span key={h} role="cell" className={`heatmap-cell ${best.has(d * 24 + h) ? 'is-best' : ''}`} aria-label={describe(d, h, heat)}
                title={describe(d, h, heat)} data-testid="heatmap-cell" style={{ '--heat': heat.toFixed(3) } as CSSProperties} />
            );
          })}
        </div>
      ))}
    </div>
  );
}
