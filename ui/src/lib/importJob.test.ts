import { describe, expect, it } from 'vitest';
import type { ImportReport, ProgressEvent } from '../backend';
import { failureMessage, importReducer, initialImportState, stageLabel, summaryText, type ImportState } from './importJob';

const ev = (done: number, total = 3): ProgressEvent => ({ item: 'a.mp4', stage: 'probing', done, total, fraction: null });
const report = (imported: number, failed: number): ImportReport => ({
  imported: [],
  skipped: [],
  failed: Array.from({ length: failed }, (_, i) => ({ path: `/f${i}`, code: 'io', message: '' })),
  ...(imported ? { imported: Array.from({ length: imported }, () => ({}) as ImportReport['imported'][number]) } : {}),
});

const running = (): ImportState => importReducer(initialImportState, { type: 'start', jobId: 'j1', fresh: true, queued: 0 });

describe('import reducer', () => {
  it('follows the current job only, and never moves backwards', () => {
    let s = running();
    s = importReducer(s, { type: 'progress', jobId: 'j1', event: ev(2) });
    s = importReducer(s, { type: 'progress', jobId: 'j1', event: ev(1) });
    expect(s.progress?.done).toBe(2);
    expect(importReducer(s, { type: 'progress', jobId: 'old', event: ev(3) })).toBe(s);
    expect(importReducer(s, { type: 'finish', jobId: 'old', report: report(1, 0) })).toBe(s);
  });

  it('adds up queued jobs until dismissed; a fresh start forgets the old summary', () => {
    let s = importReducer(running(), { type: 'finish', jobId: 'j1', report: report(2, 1) });
    expect(s.phase).toBe('finished');
    s = importReducer(s, { type: 'start', jobId: 'j2', fresh: false, queued: 0 });
    s = importReducer(s, { type: 'finish', jobId: 'j2', report: report(1, 1) });
    expect(summaryText(s.report)).toBe('Imported 3 · Skipped 0 · Failed 2');
    s = importReducer(s, { type: 'start', jobId: 'j3', fresh: true, queued: 0 });
    expect(s.report.imported).toHaveLength(0);
    expect(importReducer(s, { type: 'dismiss' })).toBe(s); // not while running
    s = importReducer(s, { type: 'fail', jobId: 'j3', message: 'busy' });
    expect(s.errors).toEqual(['busy']);
    expect(importReducer(s, { type: 'dismiss' })).toEqual(initialImportState);
  });

  it('cancel marks the job and reports queued paths as cancelled', () => {
    const s = importReducer(running(), { type: 'cancel', dropped: [{ path: '/q', code: 'cancelled', message: '' }] });
    expect(s).toMatchObject({ cancelling: true, cancelled: true, queued: 0 });
    expect(s.report.failed.map((f) => f.code)).toEqual(['cancelled']);
  });
});

describe('import messages', () => {
  it('explains every stable failure code, with a fallback', () => {
    for (const code of ['empty_file', 'unreadable', 'unsupported_format', 'corrupt_media', 'image_too_large', 'cancelled', 'io']) {
      expect(failureMessage(code)).not.toBe(failureMessage('something_new'));
    }
    expect(failureMessage('something_new')).toBe('This file could not be imported.');
    expect(stageLabel('hashing')).toBe('Checking for duplicates');
    expect(stageLabel('thumbnails')).toBe('Thumbnails');
  });
});
