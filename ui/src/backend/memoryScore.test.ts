import { describe, expect, it } from 'vitest';
import type { AssetScoreRequest, ProgressEvent, ScoreView } from './bindings';
import { toApiError } from './errors';
import { createMemoryBackend } from './memory';
import { asset } from '../test/render';

const req = (over: Partial<AssetScoreRequest> = {}): AssetScoreRequest => ({
  asset_id: 'v1', platform: 'tiktok', caption: null, title: null, at: null, account_id: null, ...over,
});

function backend(extra: Parameters<typeof createMemoryBackend>[0] = {}) {
  return createMemoryBackend({
    assets: [
      asset({ id: 'v1', original_name: 'vertical.mp4', width: 1080, height: 1920, rotation: 0, duration_s: 27.4 }),
      asset({ id: 'v2', original_name: 'wide.mp4', width: 1920, height: 1080, rotation: 0, duration_s: 27.4, content_hash: 'hash-v1' }),
      asset({ id: 'i1', kind: 'image', original_name: 'cover.png', duration_s: null, fps: null, audio_codec: null }),
    ],
    ...extra,
  });
}

const factor = (v: ScoreView, id: string) => v.factors.find((f) => f.id === id)!;
const HOOKY = 'Did you know 3 tricks double your views? Follow for more 🚀 #video #tips #growth';

describe('memory backend: score', () => {
  it('lists the platforms studio-score knows', async () => {
    const platforms = await backend().scorePlatforms();
    expect(platforms[0]).toEqual({ id: 'tiktok', label: 'TikTok' });
    expect(platforms.map((p) => p.id)).toEqual(expect.arrayContaining(['instagram', 'youtube', 'x', 'linkedin', 'bluesky', 'threads']));
  });

  it('measures a video the first time (progress, "analyzing"), then reads the cache', async () => {
    const b = backend();
    const events: ProgressEvent[] = [];
    const first = await b.scoreAsset('j1', req(), (p) => events.push(p));
    expect(first.cached).toBe(false);
    expect(events.map((e) => e.stage)).toEqual(Array(9).fill('analyzing'));
    expect(events.map((e) => e.fraction)).toEqual([0, 1 / 8, 2 / 8, 3 / 8, 4 / 8, 5 / 8, 6 / 8, 7 / 8, 1]);
    const later: ProgressEvent[] = [];
    const second = await b.scoreAsset('j2', req({ caption: 'hello' }), (p) => later.push(p));
    expect(second.cached).toBe(true);
    expect(later).toEqual([]);
  });

  it('adds contributions up to the score; unknown factors are null, weigh nothing, and lower the coverage', async () => {
    const v = await backend().scoreAsset('j', req({ caption: HOOKY }), () => {});
    const sum = v.factors.reduce((s, f) => s + f.contribution, 0);
    expect(v.score).not.toBeNull();
    expect(Math.abs(sum - v.score!)).toBeLessThan(0.01);
    expect(v.score!).toBeGreaterThan(0);
    expect(v.score!).toBeLessThanOrEqual(100);
    const hookSpeech = factor(v, 'hook_speech');
    expect(hookSpeech).toMatchObject({ label: 'Speech starts', group: 'hook', unit: 's', subscore: null, value: null, contribution: 0, advice: null });
    expect(v.coverage).toBeGreaterThan(0.5);
    expect(v.coverage).toBeLessThan(1);
    expect(factor(v, 'aspect')).toMatchObject({ label: 'Aspect ratio', group: 'format', subscore: 1 });
    expect(v.model).toBe('prior');
    expect(v.platform).toBe('tiktok');
    for (const f of v.factors) if (f.subscore !== null) expect(f.contribution).toBeLessThanOrEqual(f.potential + 1e-9);
  });

  it('scores a hooky caption higher than none, through the text factors', async () => {
    const b = backend();
    const none = await b.scoreAsset('a', req(), () => {});
    const hooky = await b.scoreAsset('b', req({ caption: HOOKY }), () => {});
    expect(hooky.score!).toBeGreaterThan(none.score! + 5);
    expect(factor(none, 'caption_hook')).toMatchObject({ value: 0, subscore: 0 });
    expect(factor(hooky, 'caption_hook')).toMatchObject({ value: 2, subscore: 1, advice: null });
    expect(factor(hooky, 'call_to_action')).toMatchObject({ value: 1, subscore: 1 });
    expect(factor(hooky, 'hashtags')).toMatchObject({ value: 3, subscore: 1 });
    expect(factor(hooky, 'emoji')).toMatchObject({ value: 1, subscore: 1 });
    expect(factor(none, 'caption_length').advice).toMatch(/Write a caption/);
    // No planned time, no title: unknown.
    expect(factor(hooky, 'schedule').subscore).toBeNull();
    expect(factor(hooky, 'title_length').subscore).toBeNull();
  });

  it('blocks a caption over the platform limit (X: 280)', async () => {
    const long = 'word '.repeat(80).trim(); // 399 characters
    const v = await backend().scoreAsset('j', req({ platform: 'x', caption: long }), () => {});
    const len = factor(v, 'caption_length');
    expect(len).toMatchObject({ value: 399, subscore: 0, contribution: 0, blocking: true });
    expect(len.advice).toBe('Shorten the caption by 119 characters: X allows 280 and it has 399.');
    expect(v.blockers).toEqual([len.advice]);
    const tiktok = await backend().scoreAsset('j', req({ caption: long }), () => {});
    expect(factor(tiktok, 'caption_length').blocking).toBe(false);
  });

  it('prefers 9:16 on TikTok and 16:9 on YouTube', async () => {
    const b = backend();
    const tall = await b.scoreAsset('a', req(), () => {});
    const wide = await b.scoreAsset('b', req({ asset_id: 'v2' }), () => {});
    expect(factor(tall, 'aspect').subscore).toBe(1);
    expect(factor(wide, 'aspect').subscore!).toBeLessThan(0.5);
    expect(factor(wide, 'aspect').advice).toMatch(/Reframe to 9:16/);
    const yt = await b.scoreAsset('c', req({ asset_id: 'v2', platform: 'youtube' }), () => {});
    expect(factor(yt, 'aspect').subscore).toBe(1);
  });

  it('scores an image on its text and time only, without measuring', async () => {
    const events: ProgressEvent[] = [];
    const v = await backend().scoreAsset('j', req({ asset_id: 'i1', caption: HOOKY, at: '2025-06-06T20:30:00+02:00' }), (p) => events.push(p));
    expect(events).toEqual([]);
    expect(new Set(v.factors.map((f) => f.group))).toEqual(new Set(['text', 'schedule']));
    expect(factor(v, 'schedule')).toMatchObject({ value: 1, subscore: 1 });
    expect(v.warnings).toEqual(['Images are scored on the caption and the posting time only.']);
  });

  it('rejects an unknown platform or a bad time with invalid_input, an unknown asset with not_found', async () => {
    const b = backend();
    await expect(b.scoreAsset('j', req({ platform: 'myspace' }), () => {}).catch(toApiError)).resolves.toMatchObject({ code: 'invalid_input' });
    await expect(b.scoreAsset('j', req({ at: 'tomorrow' }), () => {}).catch(toApiError)).resolves.toMatchObject({ code: 'invalid_input' });
    await expect(b.scoreAsset('j', req({ asset_id: 'nope' }), () => {}).catch(toApiError)).resolves.toMatchObject({ code: 'not_found' });
  });

  it('cancels the first measurement: rejects with cancelled and measures again next time', async () => {
    const b = backend({ scoreStepMs: 5 });
    const events: ProgressEvent[] = [];
    const run = b.scoreAsset('job-1', req(), (p) => {
      events.push(p);
      if (events.length === 2) void b.cancelJob('job-1');
    });
    await expect(run.catch(toApiError)).resolves.toMatchObject({ code: 'cancelled' });
    expect(await b.cancelJob('job-1')).toBe(false);
    const again: ProgressEvent[] = [];
    const v = await b.scoreAsset('job-2', req(), (p) => again.push(p));
    expect(v.cached).toBe(false);
    expect(again.length).toBe(9);
  });
});
