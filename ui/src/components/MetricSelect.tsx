/**
 * The "Metric" picker above a chart (views, likes, … engagement rate): the Analytics screen's
 * series and a post's results over time choose what they draw with it.
 */
import { METRICS, type MetricId } from '../lib/analytics';

type Props = { id: string; value: MetricId; onChange: (m: MetricId) => void; testId: string };

export function MetricSelect({ id, value, onChange, testId }: Props) {
  return (
    <span className="analytics-control">
      <label htmlFor={id}>Metric</label>
      <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value as MetricId)} data-testid={testId}>
        {METRICS.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
          </option>
        ))}
      </select>
    </span>
  );
}
