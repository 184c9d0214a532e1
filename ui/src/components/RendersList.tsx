/**
 * An asset's renders, newest first: what each one is, whether its file is still there, and
 * Open / Show in folder / Delete. Renders running in this window show their live progress
 * and can be cancelled here (also after their dialog was hidden).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { toApiError, useBackend, type PresetInfo, type RenderRecord } from '../backend';
import { baseName, formatBytes, formatDateTime, formatDuration } from '../lib/media';
import type { RenderJob } from '../lib/renderJob';
import { queryKeys, usePresets, useRenders } from '../queries';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorBanner } from './ErrorBanner';
import { Icon } from './Icon';
import { RenderProgressView } from './RenderProgress';
import { useRenderJobs } from './RenderProvider';

const STATES: Record<string, string> = {
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  running: 'Running',
  queued: 'Queued',
};

export function RendersList({ assetId }: { assetId: string }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const renders = useRenders(assetId);
  const presets = usePresets();
  const { jobs, cancel } = useRenderJobs();
  const [deleting, setDeleting] = useState<RenderRecord | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const headingId = useId();

  const remove = useMutation({
    mutationFn: (r: RenderRecord) => backend.renderDelete(r.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.renders });
      setDeleting(null);
    },
  });
  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };

  const act = (what: 'open' | 'reveal', r: RenderRecord) => {
    setActionError(null);
    (what === 'open' ? backend.renderOpen(r.id) : backend.renderReveal(r.id)).catch((err: unknown) => {
      setActionError(`Could not ${what === 'open' ? 'open' : 'show'} ${r.output ? baseName(r.output) : 'the render'}: ${toApiError(err).message}`);
      // The file may have gone since the list was loaded.
      void queryClient.invalidateQueries({ queryKey: queryKeys.renderList(assetId) });
    });
  };

  const records = renders.data ?? [];
  const jobFor = (r: RenderRecord) => Object.values(jobs).find((j) => j.renderId === r.id && j.phase === 'running');
  return (
    <section className="renders" aria-labelledby={headingId} data-testid="renders">
      <h3 id={headingId} className="renders-title">
        Renders {records.length > 0 && <span className="muted">({records.length})</span>}
      </h3>
      {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError(null)} />}
      {renders.isPending ? (
        <p className="muted" role="status">
          Loading renders…
        </p>
      ) : renders.isError ? (
        <ErrorBanner message={`Could not load the renders: ${toApiError(renders.error).message}`} onRetry={() => void renders.refetch()} />
      ) : records.length === 0 ? (
        <p className="muted renders-empty" data-testid="renders-empty">
          No renders yet. <strong>Render…</strong> makes a copy sized for TikTok, Reels, Shorts and more.
        </p>
      ) : (
        <ul className="render-list">
          {records.map((r) => (
            <RenderRow key={r.id} record={r} presets={presets.data} job={jobFor(r)} onOpen={() => act('open', r)}
              onReveal={() => act('reveal', r)} onDelete={() => setDeleting(r)} onCancel={(j) => cancel(j.jobId)} />
          ))}
        </ul>
      )}

      {deleting && (
        <ConfirmDialog
          title="Delete render?"
          confirmLabel="Delete"
          pendingLabel="Deleting…"
          confirmTestId="render-delete-confirm"
          pending={remove.isPending}
          error={remove.isError ? toApiError(remove.error).message : null}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={closeDelete}
        >
          {deleting.output && deleting.output_exists
            ? `“${baseName(deleting.output)}” will be deleted from disk and removed from this list.`
            : 'This render will be removed from the list.'}
        </ConfirmDialog>
      )}
    </section>
  );
}

type RowProps = {
  record: RenderRecord;
  presets: PresetInfo[] | undefined;
  job: RenderJob | undefined;
  onOpen: () => void;
  onReveal: () => void;
  onDelete: () => void;
  onCancel: (job: RenderJob) => void;
};

function RenderRow({ record: r, presets, job, onOpen, onReveal, onDelete, onCancel }: RowProps) {
  const backend = useBackend();
  const [preview, setPreview] = useState(false);
  const previewId = useId();
  const label = presets?.find((p) => p.name === r.preset)?.label ?? r.preset;
  const done = r.state === 'done';
  const busy = r.state === 'running' || r.state === 'queued';
  const missing = done && !r.output_exists;
  const playable = done && r.output_exists && r.output !== null;
  const facts = [
    r.width && r.height ? `${r.width}×${r.height}` : null,
    r.duration_s !== null ? formatDuration(r.duration_s) : null,
    r.size_bytes !== null ? formatBytes(r.size_bytes) : null,
  ].filter((f): f is string => f !== null);

  return (
    <li className="render-row" data-testid="render-row" data-render-id={r.id} data-state={r.state}>
      <div className="render-row-head">
        <span className="render-row-preset">{label}</span>
        <span className={`badge render-state is-${r.state}`} data-testid="render-state">
          {STATES[r.state] ?? r.state}
        </span>
        {missing && (
          <span className="badge render-state is-missing" data-testid="render-missing" title={r.output ?? undefined}>
            file missing
          </span>
        )}
      </div>
      <p className="render-row-meta">
        {facts.length > 0 && <span>{facts.join(' · ')}</span>}
        <time dateTime={r.created_at}>{formatDateTime(r.created_at)}</time>
      </p>
      {r.output && done && (
        <p className="render-row-file path" title={r.output}>
          {baseName(r.output)}
        </p>
      )}
      {r.state === 'failed' && r.error_message && (
        <p className="render-row-error" data-testid="render-row-error">
          {r.error_message}
        </p>
      )}
      {busy && job && <RenderProgressView job={job} compact />}
      {preview && playable && (
        <video id={previewId} className="render-preview" controls preload="metadata" src={backend.fileUrl(r.output!)}
          data-testid="render-video" style={{ aspectRatio: r.width && r.height ? `${r.width} / ${r.height}` : undefined }} />
      )}
      <div className="render-row-actions">
        {busy && job && (
          <button type="button" className="btn btn-small" onClick={() => onCancel(job)} disabled={job.cancelling} data-testid="render-row-cancel">
            {job.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {done && (
          <>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setPreview((v) => !v)} disabled={!playable}
              aria-expanded={preview && playable} aria-controls={preview ? previewId : undefined} data-testid="render-row-preview">
              {preview && playable ? 'Hide preview' : 'Preview'}
            </button>
            <button type="button" className="btn btn-small" onClick={onOpen} disabled={!playable} data-testid="render-row-open">
              Open
            </button>
            <button type="button" className="btn btn-small" onClick={onReveal} disabled={!playable} data-testid="render-row-reveal">
              <Icon name="folder" />
              Show in folder
            </button>
          </>
        )}
        <button type="button" className="btn btn-small btn-ghost btn-danger-ghost" onClick={onDelete} disabled={busy}
          title={busy ? 'Cancel the render first' : undefined} data-testid="render-row-delete">
          Delete
        </button>
      </div>
    </li>
  );
}
