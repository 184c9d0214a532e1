/**
 * "Compare versions": several renders and captions of one idea scored side by side. Pick the
 * asset and/or its finished renders, optionally up to three captions (each version is scored with
 * every caption, at most 12 combinations), a platform; the backend measures what it has not seen
 * (progress + Cancel) and ranks them best first, each with the factor that separates it most from
 * its neighbour in the ranking and the advice that closes the gap.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { toApiError, useBackend, type ApiError, type Asset, type ProgressEvent, type RenderRecord, type VariantsRequest, type VariantView } from '../backend';
import { formatDuration } from '../lib/media';
import { formatPoints, lastPlatform, rememberPlatform, scoreBand } from '../lib/score';
import { usePresets, useRenders, useScorePlatforms } from '../queries';
import { Dialog } from './Dialog';
import { Factors } from './ScoreFactors';
import { MeasureProgress } from './MeasureProgress';

/** score.rs MAX_VARIANTS. */
export const MAX_VARIANTS = 12;
const MAX_CAPTIONS = 3;

type Version = { id: string; name: string; detail: string };

type Run =
  | { phase: 'setup' }
  | { phase: 'measuring'; jobId: string; progress: ProgressEvent | null; cancelling: boolean }
  | { phase: 'done'; results: VariantView[] }
  | { phase: 'error'; error: ApiError };

let jobCounter = 0;
const newJobId = () => {
  jobCounter += 1;
  return `variants-${Date.now().toString(36)}-${jobCounter}`;
};

function versionsOf(asset: Asset, renders: RenderRecord[], presetLabel: (name: string) => string): Version[] {
  const dims = (w: number | null, h: number | null) => (w && h ? `${w}×${h}` : null);
  const original: Version = {
    id: asset.id, name: 'Original',
    detail: [asset.original_name, dims(asset.width, asset.height), asset.duration_s !== null && asset.kind !== 'image' ? formatDuration(asset.duration_s) : null].filter(Boolean).join(' · '),
  };
  const done = renders.filter((r) => r.state === 'done' && r.output_exists);
  return [
    original,
    ...done.map((r) => ({
      id: r.id, name: `${presetLabel(r.preset)} render`,
      detail: [dims(r.width, r.height), r.duration_s !== null ? formatDuration(r.duration_s) : null].filter(Boolean).join(' · '),
    })),
  ];
}

function errorText(e: ApiError): string {
  switch (e.code) {
    case 'cancelled':
      return 'The comparison was cancelled.';
    case 'invalid_input':
      return `These versions can’t be compared: ${e.message}`;
    case 'not_found':
      return `A version is no longer there: ${e.message}`;
    case 'invalid_media':
      return `A file can’t be measured: ${e.message}`;
    default:
      return `Could not compare the versions: ${e.message}`;
  }
}

export function CompareVersions({ asset, onClose }: { asset: Asset; onClose: () => void }) {
  const backend = useBackend();
  const renders = useRenders(asset.id);
  const presets = usePresets();
  const platforms = useScorePlatforms();
  const [off, setOff] = useState<ReadonlySet<string>>(new Set());
  const [captions, setCaptions] = useState<string[]>(['']);
  const [platform, setPlatform] = useState(lastPlatform);
  const [run, setRun] = useState<Run>({ phase: 'setup' });
  const running = useRef<string | null>(null);
  const platformId = useId();
  const versionsId = useId();

  // Closing the dialog while it measures stops the measurement.
  useEffect(
    () => () => {
      if (running.current) void backend.jobCancel(running.current).catch(() => undefined);
    },
    [backend],
  );

  const presetLabel = (name: string) => presets.data?.find((p) => p.name === name)?.label ?? name;
  const versions = versionsOf(asset, asset.kind === 'video' ? (renders.data ?? []) : [], presetLabel);
  const chosen = versions.filter((v) => !off.has(v.id)).map((v) => v.id);
  const texts = captions.map((c) => c.trim()).filter((c) => c !== '');
  const combos = chosen.length * Math.max(1, texts.length);
  const tooMany = combos > MAX_VARIANTS;
  const options = platforms.data ?? [{ id: platform, label: platform }];
  const measuring = run.phase === 'measuring';

  const toggle = (id: string, on: boolean) =>
    setOff((prev) => {
      const next = new Set(prev);
      if (on) next.delete(id);
      else next.add(id);
      return next;
    });

  const compare = () => {
    if (chosen.length === 0 || tooMany || measuring) return;
    const jobId = newJobId();
    const request: VariantsRequest = { inputs: chosen, captions: texts, platform, title: null, at: null, account_id: null };
    running.current = jobId;
    setRun({ phase: 'measuring', jobId, progress: null, cancelling: false });
    backend
      .scoreVariants(jobId, request, (p) => setRun((r) => (r.phase === 'measuring' && r.jobId === jobId ? { ...r, progress: p } : r)))
      .then(
        (results) => running.current === jobId && setRun({ phase: 'done', results }),
        (err: unknown) => running.current === jobId && setRun({ phase: 'error', error: toApiError(err) }),
      )
      .finally(() => {
        if (running.current === jobId) running.current = null;
      });
  };

  const cancel = () => {
    if (run.phase !== 'measuring') return;
    setRun({ ...run, cancelling: true });
    void backend.jobCancel(run.jobId).catch(() => undefined);
  };

  const nameOf = (id: string) => versions.find((v) => v.id === id) ?? { id, name: id, detail: '' };

  return (
    <Dialog title="Compare versions" onClose={onClose} size="wide" testId="compare-versions"
      description="Score this video’s versions and captions side by side: best first, with what sets each apart.">
      <div className="compare" data-testid="compare" data-phase={run.phase}>
        <div className="compare-setup">
          <fieldset className="plain-fieldset" disabled={measuring} aria-describedby={`${versionsId}-count`}>
            <legend>Versions</legend>
            {renders.isPending && asset.kind === 'video' && <p className="muted" role="status">Loading renders…</p>}
            <ul className="compare-versions">
              {versions.map((v) => (
                <li key={v.id}>
                  <label className="toggle">
                    <input type="checkbox" checked={!off.has(v.id)} onChange={(e) => toggle(v.id, e.target.checked)} data-testid="compare-version"
                      data-version={v.id} />
                    <span>
                      <strong>{v.name}</strong> <span className="muted">{v.detail}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <fieldset className="plain-fieldset" disabled={measuring}>
            <legend>
              Captions <span className="muted">(optional, up to {MAX_CAPTIONS}; none: the versions alone)</span>
            </legend>
            <div className="compare-captions">
              {captions.map((c, i) => (
                <div key={i} className="compare-caption">
                  <textarea rows={2} value={c} aria-label={`Caption ${i + 1}`} placeholder={i === 0 ? 'A caption to try' : 'Another caption'}
                    onChange={(e) => setCaptions((all) => all.map((x, j) => (j === i ? e.target.value : x)))} data-testid="compare-caption" />
                  {captions.length > 1 && (
                    <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove caption ${i + 1}`}
                      onClick={() => setCaptions((all) => all.filter((_, j) => j !== i))}>
                      Remove
                    </button>
                  )}
                </div>
              ))}
              {captions.length < MAX_CAPTIONS && (
                <button type="button" className="btn btn-small" onClick={() => setCaptions((all) => [...all, ''])} data-testid="compare-add-caption">
                  Add a caption
                </button>
              )}
            </div>
          </fieldset>
          <div className="field compare-platform">
            <label htmlFor={platformId}>Platform</label>
            <select id={platformId} className="select render-select" value={platform} disabled={measuring}
              onChange={(e) => {
                setPlatform(e.target.value);
                rememberPlatform(e.target.value);
              }} data-testid="compare-platform">
              {options.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </div>
          <p id={`${versionsId}-count`} className={`compare-count ${tooMany ? 'is-over' : 'muted'}`} data-testid="compare-count" aria-live="polite">
            {chosen.length === 0
              ? 'Pick at least one version to compare.'
              : tooMany
                ? `${combos} combinations is too many: compare up to ${MAX_VARIANTS} at once (fewer versions or captions).`
                : `${combos} ${combos === 1 ? 'combination' : 'combinations'} to score`}
          </p>
        </div>

        <div className="compare-result" aria-live="polite">
          {run.phase === 'measuring' ? (
            <Measuring progress={run.progress} cancelling={run.cancelling} onCancel={cancel} />
          ) : run.phase === 'error' ? (
            <div className="banner banner-error" role="alert" data-testid="compare-error" data-code={run.error.code}>
              <span className="banner-message">{errorText(run.error)}</span>
            </div>
          ) : run.phase === 'done' ? (
            run.results.length === 0 ? (
              <p className="muted" data-testid="compare-empty">
                Nothing to compare.
              </p>
            ) : (
              <Ranking results={run.results} nameOf={nameOf} />
            )
          ) : (
            <p className="muted compare-hint" data-testid="compare-start">
              Pick what to compare, then Compare. Videos not scored before are measured first.
            </p>
          )}
        </div>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="btn" onClick={onClose} data-testid="compare-close">
          Close
        </button>
        <button type="button" className="btn btn-primary" onClick={compare} disabled={measuring || chosen.length === 0 || tooMany} data-autofocus
          data-testid="compare-run">
          {measuring ? 'Comparing…' : run.phase === 'setup' ? 'Compare' : 'Compare again'}
        </button>
      </footer>
    </Dialog>
  );
}

function Measuring({ progress, cancelling, onCancel }: { progress: ProgressEvent | null; cancelling: boolean; onCancel: () => void }) {
  return (
    <div className="score-measuring" data-testid="compare-measuring">
      <p className="score-measuring-title">{cancelling ? 'Cancelling…' : 'Measuring the versions…'}</p>
      {progress && progress.total > 1 && (
        <p className="muted">
          {Math.min(progress.done + 1, progress.total)} of {progress.total} videos
        </p>
      )}
      <MeasureProgress progress={progress} cancelling={cancelling} onCancel={onCancel} testid="compare" />
    </div>
  );
}

const snippet = (text: string, n = 90) => {
  const t = text.trim().replace(/\s+/g, ' ');
  return [...t].length > n ? `${[...t].slice(0, n - 1).join('')}…` : t;
};

function Ranking({ results, nameOf }: { results: VariantView[]; nameOf: (id: string) => Version }) {
  const rankOf = (input: string | null, caption: string | null) => results.find((r) => r.input === input && r.caption === caption)?.rank ?? null;
  return (
    <ol className="variants" aria-label="Versions, best first" data-testid="variant-list">
      {results.map((v) => {
        const who = nameOf(v.input);
        const score = v.score.score === null ? null : Math.round(v.score.score);
        const against = v.against_input === null ? null : rankOf(v.against_input, v.against_caption);
        return (
          <li key={`${v.rank}`} className={`variant ${v.rank === 1 ? 'is-best' : ''}`} data-testid="variant" data-rank={v.rank} data-input={v.input}>
            <span className="variant-rank" aria-label={`Rank ${v.rank}`}>
              #{v.rank}
            </span>
            <div className="variant-main">
              <div className="variant-head">
                <span className="variant-name" data-testid="variant-name">
                  {who.name}
                </span>
                {who.detail && <span className="muted variant-detail">{who.detail}</span>}
              </div>
              <p className="variant-caption" data-testid="variant-caption">
                {v.caption === null ? <span className="muted">No caption</span> : `“${snippet(v.caption)}”`}
              </p>
              {v.differs_label !== null && v.differs_points !== null && (
                <p className="variant-why" data-testid="variant-why">
                  <strong className={v.differs_points >= 0 ? 'is-up' : 'is-down'}>
                    {formatPoints(v.differs_points)} pts on {v.differs_label}
                  </strong>
                  {against !== null && ` vs #${against}`}
                  {v.differs_advice && <span className="muted"> — {v.differs_advice}</span>}
                </p>
              )}
              <details className="variant-factors">
                <summary>Factors</summary>
                <Factors factors={v.score.factors} />
              </details>
            </div>
            <div className={`variant-score is-${score === null ? 'none' : scoreBand(score)}`}>
              <span className="variant-score-number" data-testid="variant-score">
                {score ?? '–'}
              </span>
              <div className="score-bar" role="meter" aria-label={`Score of #${v.rank}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={score ?? undefined}>
                <div className="score-bar-fill" style={{ width: `${score ?? 0}%` }} />
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
