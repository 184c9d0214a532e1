/**
 * The viral score of one asset for a platform: caption, title and planned time in, a score with
 * its coverage and model out, blockers first, the advice worth the most points, and every
 * factor as a bar by group. The first score of a video measures it (progress + Cancel); later
 * ones come from the backend's cache, so the panel re-scores as the caption is typed (debounced)
 * and keeps the previous result on screen meanwhile.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { toApiError, useBackend, type Asset, type AssetScoreRequest, type ProgressEvent, type ScoreView } from '../backend';
import {
  CAPTION_LIMITS,
  captionLength,
  formatPoints,
  gain,
  lastPlatform,
  localToRfc3339,
  modelLabel,
  rememberPlatform,
  scoreBand,
  topAdvice,
} from '../lib/score';
import { useDebounced } from '../lib/useDebounced';
import { queryKeys, useScorePlatforms } from '../queries';
import { Factors } from './ScoreFactors';
import { MeasureProgress } from './MeasureProgress';

const TYPING_DEBOUNCE_MS = 250;

let jobCounter = 0;
function newScoreJobId(): string {
  jobCounter += 1;
  return `score-${Date.now().toString(36)}-${jobCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** `accountId`: score with that account's learned model and best times (on its own platform). */
export function ScorePanel({ asset, accountId = null }: { asset: Asset; accountId?: string | null }) {
  const backend = useBackend();
  const platforms = useScorePlatforms();
  const [platform, setPlatform] = useState(lastPlatform);
  const [caption, setCaption] = useState('');
  const [title, setTitle] = useState('');
  const [planned, setPlanned] = useState('');
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const job = useRef<{ id: string; request: AssetScoreRequest } | null>(null);
  const headingId = useId();
  const captionId = useId();
  const titleId = useId();
  const atId = useId();
  const platformId = useId();

  const settledCaption = useDebounced(caption, TYPING_DEBOUNCE_MS);
  const settledTitle = useDebounced(title, TYPING_DEBOUNCE_MS);
  const wanted: AssetScoreRequest = {
    asset_id: asset.id,
    platform,
    caption: settledCaption.trim() === '' ? null : settledCaption,
    title: settledTitle.trim() === '' ? null : settledTitle,
    at: localToRfc3339(planned),
    account_id: accountId,
  };
  // While the first measurement runs, typing does not restart it: the query stays on the
  // request being measured and moves to the latest one (a cache read) when it ends.
  const request = progress !== null && job.current ? job.current.request : wanted;

  const score = useQuery({
    queryKey: [...queryKeys.score, request],
    queryFn: async ({ signal }) => {
      const id = newScoreJobId();
      job.current = { id, request };
      // Closing the detail while it measures stops the measurement.
      const onAbort = () => void backend.jobCancel(id).catch(() => undefined);
      signal.addEventListener('abort', onAbort);
      try {
        return await backend.scoreAsset(id, request, (p) => {
          if (job.current?.id === id) setProgress(p);
        });
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (job.current?.id === id) {
          job.current = null;
          setProgress(null);
          setCancelling(false);
        }
      }
    },
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
  });

  const cancel = () => {
    if (!job.current) return;
    setCancelling(true);
    void backend.jobCancel(job.current.id).catch(() => undefined);
  };

  const choosePlatform = (id: string) => {
    setPlatform(id);
    rememberPlatform(id);
  };

  const measuring = progress !== null && score.isFetching;
  const view = score.data;
  const limit = CAPTION_LIMITS[platform] ?? null;
  const count = captionLength(caption);
  const options = platforms.data ?? [{ id: platform, label: platform }];
  const state = measuring ? 'measuring' : score.isError ? 'error' : view ? 'ready' : 'loading';

  return (
    <section className="score-panel" aria-labelledby={headingId} data-testid="score-panel" data-state={state}
      aria-busy={score.isFetching}>
      <h3 id={headingId} className="score-title">
        Viral score
        {score.isFetching && !measuring && view && (
          <span className="score-updating muted" data-testid="score-updating">
            Updating…
          </span>
        )}
      </h3>
      <div className="score-layout">
        <div className="score-inputs">
          <div className="field">
            <label htmlFor={platformId}>Platform</label>
            <select id={platformId} className="select render-select" value={platform} onChange={(e) => choosePlatform(e.target.value)}
              data-testid="score-platform">
              {options.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={captionId}>Caption</label>
            <textarea id={captionId} rows={4} value={caption} onChange={(e) => setCaption(e.target.value)}
              placeholder="What the post says — hashtags and emoji included" aria-describedby={`${captionId}-count`}
              data-testid="score-caption" />
            <p id={`${captionId}-count`} className={`score-count ${limit !== null && count > limit ? 'is-over' : ''}`}
              data-testid="score-caption-count" aria-live="polite">
              {limit === null ? `${count.toLocaleString('en-US')} characters` : `${count.toLocaleString('en-US')} / ${limit.toLocaleString('en-US')}`}
            </p>
          </div>
          <div className="field">
            <label htmlFor={titleId}>
              Title <span className="muted">(optional)</span>
            </label>
            <input id={titleId} type="text" value={title} onChange={(e) => setTitle(e.target.value)} data-testid="score-title" />
          </div>
          <div className="field">
            <label htmlFor={atId}>
              Planned time <span className="muted">(optional, your time zone)</span>
            </label>
            <input id={atId} type="datetime-local" value={planned} onChange={(e) => setPlanned(e.target.value)} data-testid="score-at" />
          </div>
        </div>
        <div className="score-result">
          {measuring ? (
            <Measuring progress={progress} cancelling={cancelling} onCancel={cancel} kind={asset.kind} />
          ) : score.isError ? (
            <ScoreError error={score.error} onRetry={() => void score.refetch()} />
          ) : view ? (
            <Summary view={view} />
          ) : (
            <p className="muted" role="status">
              Scoring…
            </p>
          )}
        </div>
      </div>
      {view && !measuring && !score.isError && <Factors factors={view.factors} />}
    </section>
  );
}

function Measuring({ progress, cancelling, onCancel, kind }: { progress: ProgressEvent | null; cancelling: boolean; onCancel: () => void; kind: string }) {
  const what = kind === 'audio' ? 'the audio' : 'the video';
  return (
    <div className="score-measuring" data-testid="score-measuring">
      <p className="score-measuring-title" aria-live="polite">
        {cancelling ? 'Cancelling…' : `Measuring ${what}…`}
      </p>
      <p className="muted">The first score looks at every frame; later ones are instant.</p>
      <MeasureProgress progress={progress} cancelling={cancelling} onCancel={onCancel} testid="score" />
    </div>
  );
}

function ScoreError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const e = toApiError(error);
  const message =
    e.code === 'cancelled'
      ? 'Scoring was cancelled.'
      : e.code === 'invalid_media'
        ? `This file can’t be measured: ${e.message}`
        : `Could not score this asset: ${e.message}`;
  return (
    <div className="banner banner-error score-error" role="alert" data-testid="score-error" data-code={e.code}>
      <span className="banner-message">{message}</span>
      <span className="banner-actions">
        <button type="button" className="btn btn-small" onClick={onRetry} data-testid="score-retry">
          {e.code === 'cancelled' ? 'Score again' : 'Retry'}
        </button>
      </span>
    </div>
  );
}

const RING_R = 42;
const RING_C = 2 * Math.PI * RING_R;

function Summary({ view }: { view: ScoreView }) {
  const advice = topAdvice(view);
  const shown = view.score === null ? null : Math.round(view.score);
  const band = shown === null ? 'none' : scoreBand(shown);
  return (
    <div className="score-summary">
      <div className="score-headline">
        <div className={`score-gauge is-${band}`} role="img" aria-label={shown === null ? 'No score' : `Viral score ${shown} out of 100`}
          data-testid="score-gauge">
          <svg viewBox="0 0 100 100" aria-hidden="true">
            <circle className="score-ring-track" cx="50" cy="50" r={RING_R} />
            <circle className="score-ring-fill" cx="50" cy="50" r={RING_R} strokeDasharray={RING_C}
              strokeDashoffset={RING_C * (1 - (shown ?? 0) / 100)} transform="rotate(-90 50 50)" />
          </svg>
          <span className="score-number" data-testid="score-value">
            {shown ?? '–'}
          </span>
        </div>
        <div className="score-meta">
          <p data-testid="score-coverage">Based on {Math.round(view.coverage * 100)}% of the factors</p>
          <p className="muted" data-testid="score-model" data-model={view.model}>
            Model: {modelLabel(view.model)}
            {view.heldout_spearman !== null && ` (ρ ${view.heldout_spearman.toFixed(2)} on held-out posts)`}
          </p>
          {view.warnings.map((w) => (
            <p key={w} className="score-warning" data-testid="score-warning">
              {w}
            </p>
          ))}
        </div>
      </div>
      {view.blockers.length > 0 && (
        <div className="score-blockers" role="alert" data-testid="score-blockers">
          <strong>Fix before posting</strong>
          <ul>
            {view.blockers.map((b) => (
              <li key={b} data-testid="score-blocker">
                {b}
              </li>
            ))}
          </ul>
        </div>
      )}
      {advice.length > 0 ? (
        <ol className="score-advice" aria-label="What to improve" data-testid="score-advice">
          {advice.map((f) => (
            <li key={f.id} className={f.blocking ? 'is-blocking' : undefined} data-testid="score-advice-item" data-factor={f.id}>
              <span className="score-advice-text">{f.advice}</span>
              <span className="score-advice-gain">{f.blocking ? 'blocking' : `${formatPoints(gain(f))} pts`}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted" data-testid="score-advice-none">
          Nothing left to improve that the score can see.
        </p>
      )}
    </div>
  );
}
