/**
 * Renders running in this window, as a pure reducer: each job keeps its latest progress and,
 * once it ends, its result or error. Progress from a job that has ended is ignored (channel
 * messages may arrive after the command has answered).
 */
import type { ApiError, RenderProgress, RenderRequest, RenderResult } from '../backend';

export type RenderPhase = 'running' | 'done' | 'failed' | 'cancelled';

export interface RenderJob {
  jobId: string;
  assetId: string;
  request: RenderRequest;
  phase: RenderPhase;
  progress: RenderProgress | null;
  /** The history record, once the backend has named it (first progress event). */
  renderId: string | null;
  result: RenderResult | null;
  error: ApiError | null;
  cancelling: boolean;
}

export type RenderJobs = Record<string, RenderJob>;

export type RenderAction =
  | { type: 'start'; jobId: string; assetId: string; request: RenderRequest }
  | { type: 'progress'; jobId: string; progress: RenderProgress }
  | { type: 'finish'; jobId: string; result: RenderResult }
  | { type: 'fail'; jobId: string; error: ApiError }
  | { type: 'cancel'; jobId: string }
  | { type: 'cancel-done'; jobId: string }
  | { type: 'forget'; jobId: string };

function update(jobs: RenderJobs, jobId: string, change: (job: RenderJob) => RenderJob): RenderJobs {
  const job = jobs[jobId];
  if (!job) return jobs;
  const next = change(job);
  return next === job ? jobs : { ...jobs, [jobId]: next };
}

export function renderReducer(jobs: RenderJobs, a: RenderAction): RenderJobs {
  switch (a.type) {
    case 'start':
      return {
        ...jobs,
        [a.jobId]: {
          jobId: a.jobId, assetId: a.assetId, request: a.request, phase: 'running', progress: null, renderId: null,
          result: null, error: null, cancelling: false,
        },
      };
    case 'progress':
      return update(jobs, a.jobId, (job) =>
        job.phase !== 'running' ? job : { ...job, progress: a.progress, renderId: a.progress.render_id ?? job.renderId },
      );
    case 'finish':
      return update(jobs, a.jobId, (job) => ({ ...job, phase: 'done', result: a.result, renderId: a.result.render_id ?? job.renderId, cancelling: false }));
    case 'fail':
      return update(jobs, a.jobId, (job) => ({
        ...job, phase: a.error.code === 'cancelled' ? 'cancelled' : 'failed', error: a.error, cancelling: false,
      }));
    case 'cancel':
      return update(jobs, a.jobId, (job) => (job.phase === 'running' ? { ...job, cancelling: true } : job));
    case 'cancel-done':
      return update(jobs, a.jobId, (job) => ({ ...job, cancelling: false }));
    case 'forget': {
      if (!jobs[a.jobId]) return jobs;
      const { [a.jobId]: _gone, ...rest } = jobs;
      return rest;
    }
  }
}

const STAGES: Record<string, string> = {
  starting: 'Starting',
  measuring: 'Measuring loudness',
  analyzing: 'Following the subject',
  rendering: 'Rendering',
};

export function renderStageLabel(stage: string | undefined): string {
  if (!stage) return 'Starting';
  return STAGES[stage] ?? stage.charAt(0).toUpperCase() + stage.slice(1);
}

/** The current stage's progress in whole percent, or null while it cannot be told. */
export function renderPercent(p: RenderProgress | null): number | null {
  if (p?.fraction === null || p?.fraction === undefined) return null;
  return Math.round(Math.min(1, Math.max(0, p.fraction)) * 100);
}

/** 80 → "about 1 min 20 s left"; rounder the further away it is. */
export function formatEta(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 5) return 'almost done';
  if (seconds < 60) {
    const s = seconds < 20 ? Math.round(seconds) : Math.round(seconds / 5) * 5;
    return s >= 60 ? 'about 1 min left' : `about ${s} s left`;
  }
  if (seconds < 3600) {
    const total = Math.round(seconds / 10) * 10;
    const m = Math.floor(total / 60);
    const s = total % 60;
    return s === 0 ? `about ${m} min left` : `about ${m} min ${s} s left`;
  }
  const total = Math.round(seconds / 60);
  const h = Math.floor(total / 60);
  const m = total % 60;
  return m === 0 ? `about ${h} h left` : `about ${h} h ${m} min left`;
}

const FAILURES: Record<string, string> = {
  invalid_input: 'These settings can’t be used.',
  invalid_media: 'The video can’t be read: it may be damaged.',
  render_failed: 'The render did not finish.',
  not_found: 'The video or a chosen file is no longer there.',
  io: 'The rendered file could not be written. Is the disk full or read-only?',
  conflict: 'Something else changed this render meanwhile.',
  database_busy: 'The library database was busy. Try again.',
};

/** A human headline chosen by the error's stable code (the backend message adds the detail). */
export function renderFailureTitle(code: string): string {
  return FAILURES[code] ?? 'The render could not run.';
}

let jobCounter = 0;

/** Job ids only need to be unique within this window. */
export function newRenderJobId(): string {
  jobCounter += 1;
  return `render-${Date.now().toString(36)}-${jobCounter}-${Math.random().toString(36).slice(2, 8)}`;
}
