/** A score's factors as bars, grouped (hook, pacing, …): the score panel's and each compared version's. */
import type { FactorView } from '../backend';
import { formatFactorValue, groupFactors } from '../lib/score';

export function Factors({ factors }: { factors: FactorView[] }) {
  return (
    <div className="score-groups" data-testid="score-factors">
      {groupFactors(factors).map((g) => (
        <section key={g.group} className="score-group" data-testid="score-group" data-group={g.group} aria-label={g.label}>
          <h4>{g.label}</h4>
          <ul>
            {g.factors.map((f) => (
              <FactorBar key={f.id} factor={f} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function FactorBar({ factor: f }: { factor: FactorView }) {
  const known = f.subscore !== null;
  const value = formatFactorValue(f);
  const pct = known ? Math.round(f.subscore! * 100) : 0;
  return (
    <li className={`score-factor ${known ? '' : 'is-unknown'} ${f.blocking ? 'is-blocking' : ''}`} data-testid="score-factor"
      data-factor={f.id} data-known={known} title={f.advice ?? undefined}>
      <div className="score-factor-head">
        <span className="score-factor-label">{f.label}</span>
        <span className="score-factor-value" data-testid="score-factor-value">
          {known ? (value ?? '') : 'not measured'}
        </span>
        <span className="score-factor-points" data-testid="score-factor-points">
          {known ? `${f.contribution.toFixed(1)} / ${(f.contribution + f.potential).toFixed(1)}` : ''}
        </span>
      </div>
      <div className="score-bar" role="meter" aria-label={f.label} aria-valuemin={0} aria-valuemax={100}
        aria-valuenow={known ? pct : undefined} aria-valuetext={known ? `${pct}% on target` : 'not measured'}>
        <div className="score-bar-fill" style={{ width: `${pct}%` }} />
      </div>
    </li>
  );
}
