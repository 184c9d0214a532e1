/**
 * "Render…": pick a platform preset and the extras (trim, captions, hook text, music), then
 * watch the render. The render belongs to the RenderProvider, so closing this dialog while it
 * runs only hides it: it keeps going in the asset's Renders list, which can cancel it.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { toApiError, useBackend, type Asset, type PickKind, type RenderResult } from '../backend';
import { baseName, formatDuration } from '../lib/media';
import {
  MAX_HOOK_CHARS,
  REFRAMES,
  initialRenderValues,
  toRenderRequest,
  trimWindow,
  validateRenderForm,
  type RenderFormErrors,
  type RenderFormField,
  type RenderFormValues,
} from '../lib/renderForm';
import { renderFailureTitle, type RenderJob } from '../lib/renderJob';
import { usePresets } from '../queries';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';
import { Icon } from './Icon';
import { RenderProgressView } from './RenderProgress';
import { runningJobFor, useRenderJobs } from './RenderProvider';

type Props = { asset: Asset; onClose: () => void };

const FIELD_ORDER: RenderFormField[] = ['trimStart', 'trimEnd', 'hookText', 'hookSeconds'];

export function RenderDialog({ asset, onClose }: Props) {
  const { jobs, start, cancel, forget } = useRenderJobs();
  const [values, setValues] = useState<RenderFormValues>(() => initialRenderValues());
  const [errors, setErrors] = useState<RenderFormErrors>({});
  const [checked, setChecked] = useState(false);
  // Reopened while this asset is rendering: show that render.
  const [jobId, setJobId] = useState<string | null>(() => runningJobFor(jobs, asset.id)?.jobId ?? null);
  const job = jobId ? jobs[jobId] : undefined;
  const phase = job?.phase ?? 'form';
  const bodyRef = useRef<HTMLDivElement>(null);

  // The default preset is TikTok; a build without it starts on its first preset.
  const presets = usePresets();
  useEffect(() => {
    const list = presets.data;
    if (!list?.length) return;
    setValues((v) => (list.some((p) => p.name === v.preset) ? v : { ...v, preset: list[0]!.name }));
  }, [presets.data]);

  // Each view puts focus on its main control (the previous view's controls are gone).
  const shownPhase = useRef(phase);
  useLayoutEffect(() => {
    if (shownPhase.current === phase) return;
    shownPhase.current = phase;
    bodyRef.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }, [phase]);

  const close = () => {
    if (job && job.phase !== 'running') forget(job.jobId);
    onClose();
  };
  const back = () => {
    if (job) forget(job.jobId);
    setJobId(null);
  };

  const change = (next: RenderFormValues) => {
    setValues(next);
    if (checked) setErrors(validateRenderForm(next, asset.duration_s));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateRenderForm(values, asset.duration_s);
    setErrors(found);
    setChecked(true);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) {
      bodyRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      return;
    }
    setJobId(start(asset.id, toRenderRequest(asset.id, values, asset.duration_s)));
  };

  const running = phase === 'running' && job;
  return (
    <Dialog
      title={`Render “${asset.original_name}”`}
      description={running ? 'Hide keeps it rendering: its progress stays in the Renders list.' : 'A platform-ready copy, made on this computer.'}
      onClose={close}
      testId="render-dialog"
    >
      <div ref={bodyRef}>
        {phase === 'form' || !job ? (
          <RenderForm asset={asset} values={values} errors={errors} onChange={change} onSubmit={submit} onCancel={close} />
        ) : phase === 'running' ? (
          <div data-testid="render-running">
            <div className="render-view">
              <RenderProgressView job={job} />
            </div>
            <footer className="dialog-footer">
              <button type="button" className="btn btn-ghost" onClick={close} data-testid="render-hide">
                Hide
              </button>
              <button type="button" className="btn" onClick={() => cancel(job.jobId)} disabled={job.cancelling} data-autofocus
                data-testid="render-cancel">
                {job.cancelling ? 'Cancelling…' : 'Cancel render'}
              </button>
            </footer>
          </div>
        ) : phase === 'done' && job.result ? (
          <RenderDone result={job.result} onClose={close} />
        ) : (
          <RenderEnded job={job} onBack={back} onClose={close} />
        )}
      </div>
    </Dialog>
  );
}

type FormProps = {
  asset: Asset;
  values: RenderFormValues;
  errors: RenderFormErrors;
  onChange: (v: RenderFormValues) => void;
  onSubmit: (e: FormEvent) => void;
  onCancel: () => void;
};

function RenderForm({ asset, values, errors, onChange, onSubmit, onCancel }: FormProps) {
  const presets = usePresets();
  const list = presets.data ?? [];
  const set = <K extends keyof RenderFormValues>(key: K) => (value: RenderFormValues[K]) => onChange({ ...values, [key]: value });
  const text = (key: 'trimStart' | 'trimEnd' | 'hookText' | 'hookSeconds') => (e: { target: { value: string } }) => set(key)(e.target.value);

  const duration = asset.duration_s;
  const span = trimWindow(values, duration);
  const trimmed = values.trimStart.trim() !== '' || values.trimEnd.trim() !== '';
  const hookLength = [...values.hookText].length;
  const hasHook = values.hookText.trim() !== '';

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="render-form">
      {presets.isError && (
        <ErrorBanner message={`Could not load the presets: ${toApiError(presets.error).message}`} onRetry={() => void presets.refetch()} />
      )}
      <div className="form-grid">
        <Field label="Preset" name="render-preset" hint="Size, frame rate and loudness for the platform.">
          {({ id, describedBy }) => (
            <select id={id} className="select render-select" data-testid="render-preset" value={values.preset} data-autofocus
              onChange={(e) => set('preset')(e.target.value)} aria-describedby={describedBy} disabled={list.length === 0}>
              {list.length === 0 && <option value={values.preset}>{presets.isPending ? 'Loading…' : values.preset}</option>}
              {list.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.label} — {p.width}×{p.height}, {p.fps} fps
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Reframe" name="render-reframe" hint="How the picture fills a different shape.">
          {({ id, describedBy }) => (
            <select id={id} className="select render-select" data-testid="render-reframe" value={values.reframe}
              onChange={(e) => set('reframe')(e.target.value as RenderFormValues['reframe'])} aria-describedby={describedBy}>
              {REFRAMES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
        </Field>

        <Field label="Trim start (s)" name="render-trim-start" error={errors.trimStart}>
          {({ id, describedBy, invalid }) => (
            <input id={id} type="text" inputMode="decimal" autoComplete="off" placeholder="0" data-field="trimStart"
              data-testid="render-trim-start" value={values.trimStart} onChange={text('trimStart')} aria-invalid={invalid}
              aria-describedby={describedBy} />
          )}
        </Field>
        <Field label="Trim end (s)" name="render-trim-end" error={errors.trimEnd}>
          {({ id, describedBy, invalid }) => (
            <input id={id} type="text" inputMode="decimal" autoComplete="off" data-field="trimEnd" data-testid="render-trim-end"
              placeholder={duration !== null ? String(Number(duration.toFixed(2))) : 'end'} value={values.trimEnd}
              onChange={text('trimEnd')} aria-invalid={invalid} aria-describedby={describedBy} />
          )}
        </Field>
        <p className="span-2 field-hint render-trim-length" data-testid="render-trim-length" aria-live="polite">
          {duration === null
            ? 'The video’s length is unknown.'
            : !trimmed
              ? `The whole video: ${seconds(duration)} (${formatDuration(duration)}).`
              : span
                ? `Renders ${seconds(span.end - span.start)} (${formatDuration(span.end - span.start)}) of ${seconds(duration)}.`
                : `Start before the end, within the video’s ${seconds(duration)}.`}
        </p>

        <FilePick label="Captions" kind="captions" value={values.captions} onChange={set('captions')} className="span-2"
          hint=".srt (styled, each word highlighted as it is spoken) or .ass (used as authored)." />

        <Field label="Hook text" name="render-hook-text" error={errors.hookText} className="span-2">
          {({ id, describedBy, invalid }) => (
            <>
              <textarea id={id} rows={2} maxLength={MAX_HOOK_CHARS} data-field="hookText" data-testid="render-hook-text"
                placeholder="Big text at the top for the first seconds, e.g. “Wait for the drop”" value={values.hookText}
                onChange={text('hookText')} aria-invalid={invalid} aria-describedby={[describedBy, `${id}-count`].filter(Boolean).join(' ')} />
              <span id={`${id}-count`} className={`render-hook-count ${hookLength >= MAX_HOOK_CHARS ? 'is-full' : ''}`}
                data-testid="render-hook-count">
                {hookLength} / {MAX_HOOK_CHARS}
              </span>
            </>
          )}
        </Field>
        <Field label="Hook shows for (s)" name="render-hook-seconds" error={errors.hookSeconds}
          hint={hasHook ? '0.5 to 30 seconds.' : 'Used with a hook text.'}>
          {({ id, describedBy, invalid }) => (
            <input id={id} type="text" inputMode="decimal" autoComplete="off" placeholder="3" data-field="hookSeconds"
              data-testid="render-hook-seconds" value={values.hookSeconds} onChange={text('hookSeconds')} disabled={!hasHook}
              aria-invalid={invalid} aria-describedby={describedBy} />
          )}
        </Field>
        <FilePick label="Music" kind="music" value={values.music} onChange={set('music')} hint="Mixed under the sound, quieter while someone speaks." />
      </div>
      <footer className="dialog-footer">
        <button type="button" className="btn btn-ghost" onClick={onCancel} data-testid="render-close-form">
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" data-testid="render-submit" disabled={list.length === 0}>
          Render
        </button>
      </footer>
    </form>
  );
}

const seconds = (s: number) => `${Number(s.toFixed(1))} s`;

type PickProps = {
  label: string;
  kind: PickKind;
  value: string | null;
  onChange: (path: string | null) => void;
  hint: ReactNode;
  className?: string;
};

/** A file chosen with the native dialog: its name, Change…/Clear, and picker errors. */
function FilePick({ label, kind, value, onChange, hint, className = '' }: PickProps) {
  const backend = useBackend();
  const [error, setError] = useState<string | null>(null);
  const labelId = useId();
  const pick = async () => {
    setError(null);
    try {
      const path = await backend.pickFile(kind);
      if (path !== null) onChange(path);
    } catch (err) {
      setError(`Could not open the file picker: ${toApiError(err).message}`);
    }
  };
  return (
    <div className={`field render-file ${className}`} role="group" aria-labelledby={labelId}>
      <span className="field-label" id={labelId}>
        {label}
      </span>
      <div className="render-file-row">
        {value ? (
          <span className="render-file-name" title={value} data-testid={`render-${kind}-name`}>
            <Icon name="file" />
            <span className="render-file-text">{baseName(value)}</span>
          </span>
        ) : (
          <span className="render-file-none muted">None</span>
        )}
        <button type="button" className="btn btn-small" onClick={() => void pick()} data-testid={`render-${kind}-pick`}>
          {value ? 'Change…' : 'Choose…'}
        </button>
        {value && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange(null)} data-testid={`render-${kind}-clear`}
            aria-label={`Remove the ${label.toLowerCase()} file`}>
            Clear
          </button>
        )}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <p className="field-hint">{hint}</p>
      )}
    </div>
  );
}

function signed(n: number, digits = 1): string {
  const v = Number(n.toFixed(digits));
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(digits)}`;
}

function RenderDone({ result: r, onClose }: { result: RenderResult; onClose: () => void }) {
  const backend = useBackend();
  const [error, setError] = useState<string | null>(null);
  const act = (what: 'open' | 'reveal') => {
    if (!r.render_id) return;
    setError(null);
    (what === 'open' ? backend.renderOpen(r.render_id) : backend.renderReveal(r.render_id)).catch((err: unknown) =>
      setError(`Could not ${what === 'open' ? 'open' : 'show'} the file: ${toApiError(err).message}`),
    );
  };
  const loudness =
    r.source_loudness_lufs === null
      ? `${signed(r.gain_db)} dB`
      : `${signed(r.gain_db)} dB (the source was ${signed(r.source_loudness_lufs)} LUFS)`;
  return (
    <div data-testid="render-result">
      {error && <ErrorBanner message={error} onDismiss={() => setError(null)} />}
      <div className="render-view">
        <p className="render-outcome is-done">
          <Icon name="check" /> Render finished
        </p>
        <dl className="render-facts">
          <dt>File</dt>
          <dd className="path" title={r.output} data-testid="render-result-file">
            {baseName(r.output)}
          </dd>
          <dt>Size</dt>
          <dd data-testid="render-result-size">
            {r.width} × {r.height} px · {r.fps} fps
          </dd>
          <dt>Duration</dt>
          <dd data-testid="render-result-duration">
            {formatDuration(r.duration_s)} ({seconds(r.duration_s)})
          </dd>
          <dt>Encoder</dt>
          <dd data-testid="render-result-encoder">
            {r.encoder}
            {r.encoder_fallback && <span className="render-fallback"> — {r.encoder_fallback}</span>}
          </dd>
          <dt>Loudness gain</dt>
          <dd data-testid="render-result-gain">{loudness}</dd>
        </dl>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="btn btn-ghost" onClick={onClose} data-testid="render-close">
          Close
        </button>
        <button type="button" className="btn" onClick={() => act('reveal')} disabled={!r.render_id} data-testid="render-reveal">
          <Icon name="folder" />
          Show in folder
        </button>
        <button type="button" className="btn btn-primary" onClick={() => act('open')} disabled={!r.render_id} data-autofocus
          data-testid="render-open">
          Open
        </button>
      </footer>
    </div>
  );
}

function RenderEnded({ job, onBack, onClose }: { job: RenderJob; onBack: () => void; onClose: () => void }) {
  const cancelled = job.phase === 'cancelled';
  const code = job.error?.code ?? 'internal';
  return (
    <div data-testid={cancelled ? 'render-cancelled' : 'render-failed'}>
      <div className="render-view">
        {cancelled ? (
          <p className="render-outcome" role="status">
            Render cancelled. No file was kept.
          </p>
        ) : (
          <div className="render-failure" role="alert" data-testid="render-error" data-code={code}>
            <p className="render-outcome is-failed">
              <Icon name="warning" /> {renderFailureTitle(code)}
            </p>
            {job.error?.message && <p className="render-failure-detail">{job.error.message}</p>}
          </div>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="btn btn-ghost" onClick={onClose} data-testid="render-close">
          Close
        </button>
        <button type="button" className="btn btn-primary" onClick={onBack} data-autofocus data-testid="render-back">
          Back to settings
        </button>
      </footer>
    </div>
  );
}
