/**
 * The Analytics screen's charts (and a post's results over time), drawn with Recharts. Colours come from the theme's CSS variables
 * (SVG attributes accept var()), so dark and light themes need nothing extra. Each chart is a
 * figure with a title for assistive technology; the numbers are also in tables next to them (TableToggle).
 *
 * ResponsiveContainer measures its parent with ResizeObserver; where there is none (jsdom) it
 * keeps `initialDimension`, so the charts still render in Vitest.
 */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { ScoreVsActual } from '../backend';
import { formatCompact, formatCount, formatRate, metricLabel, modelKindLabel, sinceLabel, type MetricId, type ResultLine } from '../lib/analytics';
import { formatDate } from '../lib/format';

const TOOLTIP_STYLE = {
  background: 'var(--surface)',
  border: '1px solid var(--border)',
  borderRadius: 8,
  color: 'var(--text)',
  boxShadow: 'var(--shadow-raised)',
};

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const shortDay = (date: string) => dayFormat.format(new Date(`${date}T00:00:00Z`));

/** Counts per day are bars (days add up); the engagement rate is a line through the days that had views. */
export function SeriesChart({ points, metric, label }: { points: { date: string; value: number | null }[]; metric: MetricId; label: string }) {
  const rate = metric === 'engagement_rate';
  const format = (v: number) => (rate ? formatRate(v) : formatCount(v));
  return (
    <figure className="analytics-chart" role="group" aria-label={label} data-testid="series-chart" data-points={points.length}>
      <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 720, height: 260 }}>
        <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 4 }}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="date" tickFormatter={shortDay} minTickGap={24} stroke="var(--border-strong)" tick={{ fill: 'var(--text-muted)', fontSize: 12 }} />
          <YAxis width={56} tickFormatter={(v: number) => (rate ? formatRate(v) : formatCompact(v))} stroke="var(--border-strong)"
            tick={{ fill: 'var(--text-muted)', fontSize: 12 }} allowDecimals={rate} />
          <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(d) => formatDate(String(d))} formatter={(v) => [v === null || v === undefined ? 'no views' : format(Number(v)), metricLabel(metric)]}
            cursor={{ fill: 'var(--surface-hover)' }} />
          {rate ? (
            <Line type="linear" dataKey="value" name={metricLabel(metric)} stroke="var(--accent)" strokeWidth={2} connectNulls
              dot={{ r: 2.5, fill: 'var(--accent)' }} activeDot={{ r: 4 }} isAnimationActive={false} />
          ) : (
            <Bar dataKey="value" name={metricLabel(metric)} fill="var(--accent)" radius={[3, 3, 0, 0]} maxBarSize={28} isAnimationActive={false} />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

type Pair = { score: number; rate: number; views: number; platform: string };

/** Predicted score (x) against the engagement each target really got (y), prior and learned apart. */
export function ScoreScatter({ pairs, label }: { pairs: ScoreVsActual[]; label: string }) {
  const of = (kind: string): Pair[] =>
    pairs.filter((p) => (p.model_kind === 'learned') === (kind === 'learned')).map((p) => ({ score: p.score, rate: p.engagement_rate, views: p.views, platform: p.platform }));
  const learned = of('learned');
  const prior = of('prior');
  return (
    <figure className="analytics-chart" role="group" aria-label={label} data-testid="score-scatter" data-points={pairs.length}>
      <ResponsiveContainer width="100%" height={280} initialDimension={{ width: 520, height: 280 }}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 4 }}>
          <CartesianGrid stroke="var(--border)" />
          <XAxis type="number" dataKey="score" name="Score" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} stroke="var(--border-strong)"
            tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
            label={{ value: 'Predicted score (0–100)', position: 'insideBottom', offset: -10, fill: 'var(--text-muted)', fontSize: 12 }} />
          <YAxis type="number" dataKey="rate" name="Engagement rate" width={56} tickFormatter={(v: number) => formatRate(v)} stroke="var(--border-strong)"
            tick={{ fill: 'var(--text-muted)', fontSize: 12 }} />
          <ZAxis type="number" dataKey="views" range={[30, 30]} name="Views" />
          <Tooltip contentStyle={TOOLTIP_STYLE} cursor={{ strokeDasharray: '3 3' }}
            formatter={(v, name) => [name === 'Engagement rate' ? formatRate(Number(v)) : formatCount(Number(v)), name]} />
          <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12, color: 'var(--text-muted)' }} />
          {learned.length > 0 && <Scatter name={modelKindLabel('learned')} data={learned} fill="var(--accent)" isAnimationActive={false} />}
          {prior.length > 0 && <Scatter name={modelKindLabel('prior')} data={prior} fill="var(--kind-image)" shape="diamond" isAnimationActive={false} />}
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Theme colours for a post's targets, and dashes so lines differ without colour too. */
const LINE_COLOURS = ['var(--accent)', 'var(--kind-image)', 'var(--kind-audio)', 'var(--success)', 'var(--warning)', 'var(--danger)'];
const LINE_DASHES = [undefined, '6 3', '2 3', '8 3 2 3'];
/** The publisher's reads (1 h, 6 h, 1 d, 2 d, 7 d), then weeks: where a time axis is worth a tick. */
const HOUR_TICKS = [0, 1, 6, 24, 48, 168, 336, 504, 720];

/**
 * A post's metric against time since publishing, one line per target. The square-root axis gives
 * the first hours (where most growth happens) room next to a week-long tail.
 */
export function ResultsChart({ lines, metric, label }: { lines: ResultLine[]; metric: MetricId; label: string }) {
  const rate = metric === 'engagement_rate';
  const format = (v: number) => (rate ? formatRate(v) : formatCount(v));
  const maxHours = Math.max(1, ...lines.flatMap((l) => l.points.map((p) => p.hours)));
  const ticks = HOUR_TICKS.filter((h) => h <= maxHours * 1.05);
  return (
    <figure className="analytics-chart" role="group" aria-label={label} data-testid="post-results-chart" data-metric={metric} data-lines={lines.length}
      data-points={lines.reduce((n, l) => n + l.points.filter((p) => p.value !== null).length, 0)}>
      <ResponsiveContainer width="100%" height={240} initialDimension={{ width: 640, height: 240 }}>
        <LineChart margin={{ top: 8, right: 16, bottom: 16, left: 4 }}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis type="number" dataKey="hours" scale="sqrt" domain={[0, 'dataMax']} ticks={ticks} tickFormatter={(h: number) => (h === 0 ? '0' : sinceLabel(h))}
            stroke="var(--border-strong)" tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
            label={{ value: 'Time since publishing', position: 'insideBottom', offset: -10, fill: 'var(--text-muted)', fontSize: 12 }} />
          <YAxis width={56} tickFormatter={(v: number) => (rate ? formatRate(v) : formatCompact(v))} stroke="var(--border-strong)"
            tick={{ fill: 'var(--text-muted)', fontSize: 12 }} allowDecimals={rate} />
          <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(h) => `${sinceLabel(Number(h))} after publishing`}
            formatter={(v, name) => [v === null || v === undefined ? 'not reported' : format(Number(v)), name]} />
          <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12, color: 'var(--text-muted)' }} />
          {lines.map((l, i) => (
            <Line key={l.targetId} data={l.points} dataKey="value" name={l.label} type="monotone" connectNulls isAnimationActive={false}
              stroke={LINE_COLOURS[i % LINE_COLOURS.length]} strokeDasharray={LINE_DASHES[i % LINE_DASHES.length]} strokeWidth={2}
              dot={{ r: 3, fill: LINE_COLOURS[i % LINE_COLOURS.length] }} activeDot={{ r: 5 }} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
