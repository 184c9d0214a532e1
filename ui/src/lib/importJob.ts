/**
 * The import panel's state, as a pure reducer: one job runs at a time, more
 * imports queue behind it, and their reports add up until the panel is
 * dismissed. Progress from a job that is no longer current is ignored
 * (channel messages may arrive after the command has answered).
 */
import type { ImportFailed, ImportReport, ProgressEvent } from '../backend';

export type ImportPhase = 'idle' | 'running' | 'finished';

export interface ImportState {
  phase: ImportPhase;
  jobId: string | null;
  progress: ProgressEvent | null;
  /** Everything imported, skipped or failed since the panel was last dismissed. */
  report: ImportReport;
  /** Imports that could not run at all (e.g. the database was busy). */
  errors: string[];
  cancelling: boolean;
  cancelled: boolean;
  /** Imports waiting for the running one. */
  queued: number;
}

export type ImportAction =
  | { type: 'start'; jobId: string; fresh: boolean; queued: number }
  | { type: 'progress'; jobId: string; event: ProgressEvent }
  | { type: 'finish'; jobId: string; report: ImportReport }
  | { type: 'fail'; jobId: string; message: string }
  | { type: 'queue'; queued: number }
  | { type: 'cancel'; dropped: ImportFailed[] }
  | { type: 'cancel-done' }
  | { type: 'dismiss' };

const EMPTY: ImportReport = { imported: [], skipped: [], failed: [] };

export const initialImportState: ImportState = {
  phase: 'idle', jobId: null, progress: null, report: EMPTY, errors: [], cancelling: false, cancelled: false, queued: 0,
};

function merge(a: ImportReport, b: ImportReport): ImportReport {
  return { imported: [...a.imported, ...b.imported], skipped: [...a.skipped, ...b.skipped], failed: [...a.failed, ...b.failed] };
}

export function importReducer(state: ImportState, action: ImportAction): ImportState {
  switch (action.type) {
    case 'start': {
      const base = action.fresh ? initialImportState : state;
      return { ...base, phase: 'running', jobId: action.jobId, progress: null, queued: action.queued, cancelling: false };
    }
    case 'progress': {
      if (state.phase !== 'running' || action.jobId !== state.jobId) return state;
      // Workers report concurrently; never let the bar move backwards.
      const done = Math.max(action.event.done, state.progress?.done ?? 0);
      return { ...state, progress: { ...action.event, done } };
    }
    case 'finish':
    case 'fail': {
      if (action.jobId !== state.jobId) return state;
      const finished = { ...state, phase: 'finished' as const, jobId: null, progress: null, cancelling: false };
      return action.type === 'finish'
        ? { ...finished, report: merge(state.report, action.report) }
        : { ...finished, errors: [...state.errors, action.message] };
    }
    case 'queue':
      return { ...state, queued: action.queued };
    case 'cancel':
      return {
        ...state, cancelling: state.phase === 'running', cancelled: true, queued: 0,
        report: { ...state.report, failed: [...state.report.failed, ...action.dropped] },
      };
    case 'cancel-done':
      return { ...state, cancelling: false };
    case 'dismiss':
      return state.phase === 'running' ? state : initialImportState;
  }
}

/** The panel's one-line summary, e.g. "Imported 12 · Skipped 2 · Failed 3". */
export function summaryText(r: ImportReport): string {
  return `Imported ${r.imported.length} · Skipped ${r.skipped.length} · Failed ${r.failed.length}`;
}

const STAGES: Record<string, string> = {
  hashing: 'Checking for duplicates',
  probing: 'Reading media info',
  saving: 'Saving to the library',
  done: 'Done',
};

export function stageLabel(stage: string): string {
  return STAGES[stage] ?? stage.charAt(0).toUpperCase() + stage.slice(1);
}

const FAILURES: Record<string, string> = {
  empty_file: 'The file is empty.',
  unreadable: 'The file could not be read: it may have moved, or Viral Studio may not have permission.',
  unsupported_format: 'Not a video, image or audio format Viral Studio can read.',
  corrupt_media: 'The file looks damaged: it could not be decoded.',
  image_too_large: 'The image is too large to import.',
  cancelled: 'Not imported: the import was cancelled.',
  io: 'Could not write to the library folder. Is the disk full or read-only?',
  not_found: 'The campaign or file no longer exists.',
  database_busy: 'The library database was busy. Try again.',
  storage: 'The library database could not be written.',
};

/** A human explanation chosen by the failure's stable code (the backend message adds detail). */
export function failureMessage(code: string): string {
  return FAILURES[code] ?? 'This file could not be imported.';
}

let jobCounter = 0;

/** Job ids only need to be unique within this window. */
export function newJobId(): string {
  jobCounter += 1;
  return `import-${Date.now().toString(36)}-${jobCounter}-${Math.random().toString(36).slice(2, 8)}`;
}
