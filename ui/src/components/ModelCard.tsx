/**
 * "How well the score knows you": for one account, whether the score still uses the platform's
 * prior weights or has learned from the account's own published posts, how many posts it has and
 * needs, how well each model ranked the newest posts it never saw (held-out Spearman), the
 * decision in a sentence, the weights that moved most, and the week's heat map.
 */
import { useId } from 'react';
import { toApiError, type AccountView, type ModelView } from '../backend';
import { decisionSentence, factorName, isLearned, rho, timesSource, weightChanges } from '../lib/learning';
import { useAppInfo, useScoreModel, useSlots } from '../queries';
import { Dialog } from './Dialog';
import { HeatMap } from './HeatMap';

export function ModelDialog({ account, onClose }: { account: AccountView; onClose: () => void }) {
  const info = useAppInfo();
  const slots = useSlots(account.id);
  // The account's zone: the one its posting slots keep, else the app's default.
  const zone = slots.data?.[0]?.timezone ?? info.data?.default_timezone;
  const zoneKnown = zone !== undefined && (slots.data !== undefined || slots.isError);
  return (
    <Dialog title={`How well the score knows ${account.handle}`} onClose={onClose} size="large" testId="model-dialog"
      description={`${account.platform_name}: what the viral score has learned from this account’s published posts.`}>
      <div className="model-body">
        {zoneKnown ? (
          <ModelCard account={account} zone={zone} />
        ) : info.isError ? (
          <div className="banner banner-error" role="alert">
            Could not load the app settings: {toApiError(info.error).message}
          </div>
        ) : (
          <p className="state-message" role="status">
            Loading…
          </p>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="btn" onClick={onClose} data-autofocus data-testid="model-close">
          Close
        </button>
      </footer>
    </Dialog>
  );
}

export function ModelCard({ account, zone }: { account: AccountView; zone: string }) {
  const model = useScoreModel(account.id, zone);
  if (model.isPending) {
    return (
      <p className="state-message" role="status" data-testid="model-loading">
        Looking at {account.handle}’s posts…
      </p>
    );
  }
  if (model.isError) {
    const e = toApiError(model.error);
    return (
      <div className="banner banner-error" role="alert" data-testid="model-error" data-code={e.code}>
        <span className="banner-message">
          {e.code === 'not_found' ? 'This account is no longer connected.' : `Could not load what the score knows: ${e.message}`}
        </span>
        <span className="banner-actions">
          <button type="button" className="btn btn-small" onClick={() => void model.refetch()} data-testid="model-retry">
            Retry
          </button>
        </span>
      </div>
    );
  }
  return <ModelBody model={model.data} zone={zone} />;
}

function ModelBody({ model: m, zone }: { model: ModelView; zone: string }) {
  const learned = isLearned(m);
  const below = m.n_posts < m.min_posts;
  const pct = Math.round((Math.min(m.n_posts, m.min_posts) / Math.max(1, m.min_posts)) * 100);
  const progressId = useId();
  const source = timesSource(m.best_times);
  return (
    <div className="model-card" data-testid="model-card" data-kind={m.kind}>
      <div className="model-head">
        <span className={`badge ${learned ? 'badge-accent' : 'badge-neutral'}`} data-testid="model-kind">
          {learned ? 'Learned from your posts' : 'Using the platform prior'}
        </span>
        <span className="muted model-version">{m.version}</span>
      </div>

      {below ? (
        <div className="model-progress" data-testid="model-progress">
          <p id={progressId}>
            {m.n_posts === 0 ? 'No published posts with metrics yet.' : `${m.n_posts} of ${m.min_posts} published posts with metrics.`} The score starts
            learning from your own results at {m.min_posts}; until then it uses what works on the platform in general.
          </p>
          <div className="progress" role="progressbar" aria-labelledby={progressId} aria-valuemin={0} aria-valuemax={m.min_posts} aria-valuenow={m.n_posts}>
            <div className="progress-fill" style={{ width: `${pct}%` }} />
          </div>
        </div>
      ) : (
        <p className="muted" data-testid="model-posts">
          {m.n_posts} published posts with metrics: learned from the older {m.n_train}, checked on the newest {m.n_holdout}.
        </p>
      )}

      {(m.prior_heldout_spearman !== null || m.learned_heldout_spearman !== null) && (
        <section className="model-section" aria-label="Held-out check" data-testid="model-heldout">
          <h4>How well it predicts your results</h4>
          <p className="muted">
            On your newest {m.n_holdout} posts, which the model did not learn from, Spearman’s ρ says how closely the score’s order matched their real
            engagement: 1 is the same order, 0 is no better than chance.
          </p>
          <dl className="model-rhos">
            <Rho label="Learned from your posts" value={m.learned_heldout_spearman} chosen={learned} testId="model-rho-learned" />
            <Rho label="Platform prior" value={m.prior_heldout_spearman} chosen={!learned} testId="model-rho-prior" />
          </dl>
        </section>
      )}

      <p className="model-decision" data-testid="model-decision">
        {decisionSentence(m.decision)}
      </p>

      {learned && <Weights model={m} />}

      <section className="model-section" aria-label="Best times" data-testid="model-best-times">
        <h4>
          Best times <span className="muted">in {zone}</span>{' '}
          <span className={`badge ${source.own ? 'badge-accent' : 'badge-neutral'}`} title={source.detail} data-testid="model-times-source">
            {source.text}
          </span>
        </h4>
        <HeatMap view={m.best_times} label="Audience heat by weekday and hour" />
        <p className="muted heatmap-legend">Darker is better; outlined cells are the best slots.</p>
      </section>
    </div>
  );
}

function Rho({ label, value, chosen, testId }: { label: string; value: number | null; chosen: boolean; testId: string }) {
  const pct = value === null ? 0 : Math.round(Math.max(0, value) * 100);
  return (
    <div className={`model-rho ${chosen ? 'is-chosen' : ''}`} data-testid={testId}>
      <dt>
        {label}
        {chosen && <span className="sr-only"> (in use)</span>}
      </dt>
      <dd>
        <span className="model-rho-value">ρ {rho(value)}</span>
        <span className="score-bar" aria-hidden="true">
          <span className="score-bar-fill" style={{ width: `${pct}%` }} />
        </span>
      </dd>
    </div>
  );
}

function Weights({ model }: { model: ModelView }) {
  const rows = weightChanges(model.weights);
  if (rows.length === 0) return null;
  const max = Math.max(...rows.flatMap((r) => [r.prior, r.learned]), 0.0001);
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  return (
    <section className="model-section" aria-label="What it learned" data-testid="model-weights">
      <h4>What matters more or less for you</h4>
      <p className="muted">Share of the score each factor carries: the platform prior against what your posts taught it (the biggest changes).</p>
      <ul className="model-weights">
        {rows.map((r) => (
          <li key={r.id} data-testid="model-weight" data-factor={r.id}>
            <span className="model-weight-name">{factorName(r.id)}</span>
            <span className="model-weight-bars">
              <span className="model-weight-bar is-prior" style={{ width: `${(r.prior / max) * 100}%` }} aria-hidden="true" />
              <span className="model-weight-bar is-learned" style={{ width: `${(r.learned / max) * 100}%` }} aria-hidden="true" />
            </span>
            <span className="model-weight-values">
              {pct(r.prior)} → <strong>{pct(r.learned)}</strong>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
