import { describe, expect, it } from 'vitest';
import type { RenderProgress, RenderRequest, RenderResult } from '../backend';
import { formatEta, renderPercent, renderReducer, renderStageLabel, type RenderJobs } from './renderJob';

const request = { input: 'v1', preset: 'tiktok' } as RenderRequest;
const progress = (over: Partial<RenderProgress>): RenderProgress => ({ render_id: 'r1', stage: 'rendering', fraction: 0.5, elapsed_s: 3, eta_s: 3, ...over });

describe('render jobs', () => {
  it('tracks a job from start to result; late progress is ignored', () => {
    let jobs: RenderJobs = renderReducer({}, { type: 'start', jobId: 'j', assetId: 'v1', request });
    expect(jobs.j).toMatchObject({ phase: 'running', progress: null, renderId: null });
    jobs = renderReducer(jobs, { type: 'progress', jobId: 'j', progress: progress({ stage: 'measuring', fraction: 0.2 }) });
    expect(jobs.j).toMatchObject({ renderId: 'r1', progress: { stage: 'measuring', fraction: 0.2 } });
    jobs = renderReducer(jobs, { type: 'finish', jobId: 'j', result: { render_id: 'r1', output: '/o.mp4' } as RenderResult });
    expect(jobs.j).toMatchObject({ phase: 'done', result: { output: '/o.mp4' } });
    const late = renderReducer(jobs, { type: 'progress', jobId: 'j', progress: progress({}) });
    expect(late).toBe(jobs);
    expect(renderReducer(jobs, { type: 'forget', jobId: 'j' })).toEqual({});
    expect(renderReducer({}, { type: 'progress', jobId: 'nope', progress: progress({}) })).toEqual({});
  });

  it('a cancelled error ends as cancelled, any other as failed', () => {
    const started = renderReducer({}, { type: 'start', jobId: 'j', assetId: 'v1', request });
    const cancelling = renderReducer(started, { type: 'cancel', jobId: 'j' });
    expect(cancelling.j?.cancelling).toBe(true);
    const cancelled = renderReducer(cancelling, { type: 'fail', jobId: 'j', error: { code: 'cancelled', message: 'Cancelled.' } });
    expect(cancelled.j).toMatchObject({ phase: 'cancelled', cancelling: false });
    expect(renderReducer(started, { type: 'fail', jobId: 'j', error: { code: 'render_failed', message: 'x' } }).j?.phase).toBe('failed');
  });

  it('labels stages and percentages', () => {
    expect(renderStageLabel('measuring')).toBe('Measuring loudness');
    expect(renderStageLabel('analyzing')).toBe('Following the subject');
    expect(renderStageLabel('rendering')).toBe('Rendering');
    expect(renderStageLabel(undefined)).toBe('Starting');
    expect(renderStageLabel('muxing')).toBe('Muxing');
    expect(renderPercent(null)).toBeNull();
    expect(renderPercent(progress({ fraction: null }))).toBeNull();
    expect(renderPercent(progress({ fraction: 0.456 }))).toBe(46);
    expect(renderPercent(progress({ fraction: 1.2 }))).toBe(100);
  });

  it('words the time left, rounder when far away', () => {
    expect(formatEta(null)).toBeNull();
    expect(formatEta(3)).toBe('almost done');
    expect(formatEta(12.4)).toBe('about 12 s left');
    expect(formatEta(43)).toBe('about 45 s left');
    expect(formatEta(58)).toBe('about 1 min left');
    expect(formatEta(80)).toBe('about 1 min 20 s left');
    expect(formatEta(118)).toBe('about 2 min left');
    expect(formatEta(3725)).toBe('about 1 h 2 min left');
    expect(formatEta(7190)).toBe('about 2 h left');
  });
});
