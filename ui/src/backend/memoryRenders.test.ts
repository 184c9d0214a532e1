import { describe, expect, it } from 'vitest';
import type { RenderProgress, RenderRequest } from './bindings';
import { toApiError } from './errors';
import { createMemoryBackend } from './memory';
import { asset, renderRecord } from '../test/render';

const request = (over: Partial<RenderRequest> = {}): RenderRequest => ({
  input: 'v1', preset: 'tiktok', output: null, trim: null, reframe: null, encoder: null, x264_preset: null, crf: null,
  captions: null, hook_text: null, hook_seconds: null, music: null, ...over,
});

function backend(extra: Parameters<typeof createMemoryBackend>[0] = {}) {
  return createMemoryBackend({
    assets: [
      asset({ id: 'v1', original_name: 'Launch teaser.mp4', duration_s: 27.4 }),
      asset({ id: 'i1', kind: 'image', original_name: 'cover.png', duration_s: null, fps: null }),
    ],
    ...extra,
  });
}

describe('memory backend: renders', () => {
  it('lists the real presets: label, size and frame rate', async () => {
    const presets = await backend().renderPresets();
    expect(presets.map((p) => p.name)).toEqual(['linkedin', 'portrait', 'reels', 'shorts', 'square', 'tiktok', 'x', 'youtube']);
    expect(presets.find((p) => p.name === 'tiktok')).toEqual({ name: 'tiktok', label: 'TikTok', width: 1080, height: 1920, fps: 30 });
    expect(presets.find((p) => p.name === 'portrait')).toMatchObject({ width: 1080, height: 1350 });
    expect(presets.find((p) => p.name === 'youtube')).toMatchObject({ width: 1920, height: 1080 });
  });

  it('renders with progress (measuring, then rendering), records the render and returns the result', async () => {
    const b = backend();
    const events: RenderProgress[] = [];
    const result = await b.renderStart('job', request({ trim: '2.5-14.5', hook_text: 'Wait for it' }), (p) => events.push(p));

    expect(events[0]).toMatchObject({ stage: 'starting', fraction: null, eta_s: null, render_id: result.render_id });
    expect([...new Set(events.map((e) => e.stage))]).toEqual(['starting', 'measuring', 'rendering']);
    const rendering = events.filter((e) => e.stage === 'rendering');
    expect(rendering.at(-1)?.fraction).toBe(1);
    expect(rendering.map((e) => e.fraction)).toEqual([...rendering.map((e) => e.fraction)].sort((x, y) => x! - y!));
    // An ETA once there is evidence (3% and a second into the stage), like the Rust tracker.
    expect(rendering[0]?.eta_s).toBeNull();
    expect(rendering.some((e) => e.eta_s !== null && e.eta_s > 0)).toBe(true);
    expect(events.every((e, i) => i === 0 || e.elapsed_s >= events[i - 1]!.elapsed_s)).toBe(true);

    expect(result).toMatchObject({ width: 1080, height: 1920, fps: 30, duration_s: 12, preset: 'tiktok', encoder: 'libx264', loudness_passes: 2 });
    expect(result.output).toBe('/memory/renders/Launch_teaser-tiktok.mp4');
    expect(result.gain_db).toBeCloseTo(-14 - result.source_loudness_lufs!, 1);

    const [record] = await b.renderList('v1');
    expect(record).toMatchObject({
      id: result.render_id, asset_id: 'v1', preset: 'tiktok', state: 'done', output: result.output, output_exists: true,
      width: 1080, height: 1920, duration_s: 12, encoder: 'libx264', error_code: null,
    });
    expect(record?.size_bytes).toBeGreaterThan(10_000_000);
    expect(record?.request).toMatchObject({ trim: '2.5-14.5', hook_text: 'Wait for it' });
    expect(b.fileUrl(result.output)).toMatch(/^data:audio\/wav/);

    // A second render of the same preset does not overwrite the first.
    const again = await b.renderStart('job2', request(), () => {});
    expect(again.output).toBe('/memory/renders/Launch_teaser-tiktok-2.mp4');
    expect((await b.renderList('v1')).map((r) => r.id)).toEqual([again.render_id, result.render_id]);
    expect(await b.renderList('i1')).toEqual([]);
  });

  it('smart reframe follows the subject between measuring and rendering', async () => {
    const events: RenderProgress[] = [];
    await backend().renderStart('job', request({ reframe: 'smart' }), (p) => events.push(p));
    expect([...new Set(events.map((e) => e.stage))]).toEqual(['starting', 'measuring', 'analyzing', 'rendering']);
    expect(events.filter((e) => e.stage === 'analyzing').at(-1)?.fraction).toBe(1);
  });

  it('cancels: rejects with cancelled and records a cancelled render without a file', async () => {
    const b = backend({ renderStepMs: 2 });
    const running = b.renderStart('job', request(), (p) => {
      if (p.stage === 'rendering' && (p.fraction ?? 0) >= 0.2) void b.jobCancel('job');
    });
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    const [record] = await b.renderList('v1');
    expect(record).toMatchObject({ state: 'cancelled', output: null, output_exists: false, error_code: 'cancelled' });
    expect(await b.jobCancel('job')).toBe(false); // no longer running
  });

  it('bad settings: some fail before recording, what the media layer checks is recorded as failed', async () => {
    const b = backend();
    const start = (over: Partial<RenderRequest>) => b.renderStart('j', request(over), () => {});
    await expect(start({ preset: 'myspace' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('known: linkedin') });
    await expect(start({ input: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(start({ reframe: 'zoom' })).rejects.toMatchObject({ code: 'invalid_input', message: 'reframe "zoom": use blur, center or smart.' });
    await expect(start({ trim: 'soon' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('START-END') });
    expect(await b.renderList(null)).toEqual([]);

    await expect(start({ trim: '9-3' })).rejects.toMatchObject({ code: 'invalid_input', message: 'Invalid render settings: trim 9-3: the start must be before the end' });
    await expect(start({ trim: '30-40' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('the video is 27.40 s long') });
    await expect(start({ input: 'i1' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('need a video source; this is image') });
    await expect(start({ hook_text: 'x'.repeat(121) })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('121 characters') });
    await expect(start({ hook_text: 'Hi', hook_seconds: 45 })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('outside 0.5..30') });
    await expect(start({ captions: '/c/subs.txt' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('.srt or .ass') });
    await expect(start({ captions: '/c/broken.srt' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('captions file cannot be used') });
    const failed = await b.renderList(null);
    expect(failed).toHaveLength(7);
    expect(failed.every((r) => r.state === 'failed' && !r.output_exists)).toBe(true);
    expect(failed.find((r) => r.asset_id === 'i1')).toMatchObject({ error_code: 'invalid_settings', error_message: expect.stringContaining('video source') });
    expect(failed[0]).toMatchObject({ error_code: 'invalid_captions' });
  });

  it('a broken music file fails half-way with render_failed, recorded with its message', async () => {
    const b = backend();
    const events: RenderProgress[] = [];
    await expect(b.renderStart('j', request({ music: '/m/broken-bed.mp3' }), (p) => events.push(p))).rejects.toMatchObject({ code: 'render_failed' });
    expect(events.at(-1)).toMatchObject({ stage: 'rendering' });
    expect((await b.renderList('v1'))[0]).toMatchObject({ state: 'failed', error_code: 'render_failed', error_message: expect.stringContaining('The render failed') });
  });

  it('deletes a render and its file; a running one is a conflict; open/reveal need the file', async () => {
    const b = backend({
      renders: [
        renderRecord({ id: 'r-gone', asset_id: 'v1', output: '/r/gone.mp4', output_exists: false, created_at: '2025-01-01T00:00:00Z' }),
        renderRecord({ id: 'r-run', asset_id: 'v1', state: 'running', output: null, output_exists: false, size_bytes: null, created_at: '2025-01-02T00:00:00Z' }),
      ],
    });
    const { render_id: id, output } = await b.renderStart('j', request(), () => {});
    expect((await b.renderList('v1')).map((r) => r.id)).toEqual([id, 'r-run', 'r-gone']);

    await expect(b.renderOpen(id!)).resolves.toBeNull();
    await expect(b.renderReveal(id!)).resolves.toBeNull();
    await expect(b.renderOpen('r-gone')).rejects.toMatchObject({ code: 'not_found', message: '/r/gone.mp4 was moved or deleted.' });
    await expect(b.renderReveal('r-run')).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.renderDelete('r-run')).rejects.toMatchObject({ code: 'conflict' });

    expect(await b.renderDelete(id!)).toMatchObject({ id, output, output_exists: false });
    expect((await b.renderList('v1')).map((r) => r.id)).toEqual(['r-run', 'r-gone']);
    await expect(b.renderOpen(id!)).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.renderDelete(id!)).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.renderList('nope')).rejects.toMatchObject({ code: 'not_found' });

    // The next render may take the deleted file's name again.
    expect((await b.renderStart('j2', request(), () => {})).output).toBe(output);
  });

  it('a file removed outside the app shows as missing', async () => {
    const b = backend();
    const { render_id: id, output } = await b.renderStart('j', request(), () => {});
    b.removeRenderFile(output);
    expect((await b.renderList('v1'))[0]).toMatchObject({ id, state: 'done', output_exists: false, size_bytes: null });
  });

  it('picks captions and music files (configurable, null when cancelled)', async () => {
    expect(await backend().pickFile('captions')).toMatch(/\.srt$/);
    expect(await backend().pickFile('music')).toMatch(/\.mp3$/);
    const b = backend({ pickCaptions: '/subs/final.ass', pickMusic: null });
    expect(await b.pickFile('captions')).toBe('/subs/final.ass');
    expect(await b.pickFile('music')).toBeNull();
  });

  it('keeps the render error codes when they cross the boundary', () => {
    for (const code of ['cancelled', 'render_failed', 'invalid_media'] as const) {
      expect(toApiError({ code, message: 'm' })).toEqual({ code, message: 'm' });
    }
  });
});
