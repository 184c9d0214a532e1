import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from './bindings';
import { createMemoryBackend } from './memory';

const opts = { campaign_id: null, reference: false };

describe('memory backend: assets', () => {
  it('imports media, fails unsupported/broken/empty/missing files, and reports progress', async () => {
    const b = createMemoryBackend();
    const events: ProgressEvent[] = [];
    const r = await b.assetImport('j', ['/m/a.mp4', '/m/notes.txt', '/m/broken.mov', '/m/empty.wav', '/m/missing.mp4', '/m/b.png'], opts, (e) => events.push(e));
    expect(r.imported.map((a) => [a.original_name, a.kind, a.storage])).toEqual([['a.mp4', 'video', 'copied'], ['b.png', 'image', 'copied']]);
    expect(r.failed.map((f) => [f.path, f.code])).toEqual([
      ['/m/missing.mp4', 'unreadable'],
      ['/m/broken.mov', 'corrupt_media'],
      ['/m/empty.wav', 'empty_file'],
      ['/m/notes.txt', 'unsupported_format'],
    ]);
    expect(events.every((e) => e.total === 5)).toBe(true); // missing paths are not counted, like Rust
    expect(events.at(-1)).toMatchObject({ done: 5, stage: 'done' });
    expect(new Set(events.map((e) => e.stage))).toEqual(new Set(['hashing', 'probing', 'saving', 'done']));
  });

  it('skips what is already there, expands folders, and keeps referenced files in place', async () => {
    const b = createMemoryBackend();
    const first = await b.assetImport('j1', ['/m/Shoot'], { campaign_id: null, reference: true }, () => {});
    expect(first.imported).toHaveLength(4);
    expect(first.imported[0]?.path).toBe('/m/Shoot/clip-01.mp4');
    expect(first.imported[0]?.storage).toBe('referenced');
    const again = await b.assetImport('j2', ['/m/Shoot/cover.jpg', '/m/new.mp3'], opts, () => {});
    expect(again.skipped).toEqual([{ path: '/m/Shoot/cover.jpg', reason: 'already in the library', existing_id: expect.any(String) }]);
    expect(again.imported.map((a) => a.kind)).toEqual(['audio']);
    expect(again.imported[0]?.waveform).toMatch(/waveform/);
  });

  it('cancels a running job: the rest come back as cancelled', async () => {
    const b = createMemoryBackend({ importStepMs: 5 });
    const paths = ['/m/1.mp4', '/m/2.mp4', '/m/3.mp4', '/m/4.mp4'];
    const running = b.assetImport('job', paths, opts, (e) => {
      if (e.stage === 'done' && e.done === 1) void b.jobCancel('job');
    });
    const r = await running;
    expect(r.imported).toHaveLength(1);
    expect(r.failed.map((f) => f.code)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(await b.jobCancel('job')).toBe(false); // no longer running
  });

  it('lists newest first with kind, campaign and name filters; unknown campaign is not_found', async () => {
    const b = createMemoryBackend({ campaigns: [] });
    await b.assetImport('j', ['/m/a.mp4', '/m/B-roll.mov', '/m/c.png'], opts, () => {});
    const all = await b.assetList({ kind: null, campaign_id: null, search: null });
    // Files are imported in path order ('B' < 'a', like the Rust walker), so c.png is the newest.
    expect(all.map((a) => a.original_name)).toEqual(['c.png', 'a.mp4', 'B-roll.mov']);
    expect((await b.assetList({ kind: 'image', campaign_id: null, search: null })).map((a) => a.original_name)).toEqual(['c.png']);
    expect((await b.assetList({ kind: null, campaign_id: null, search: 'b-R' })).map((a) => a.original_name)).toEqual(['B-roll.mov']);
    expect(await b.assetList({ kind: null, campaign_id: 'nope', search: null })).toEqual([]);
    await expect(b.assetImport('j2', ['/m/x.mp4'], { campaign_id: 'nope', reference: false }, () => {})).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.assetGet('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('serves placeholder URLs: images for thumbnails, playable audio for media', async () => {
    const b = createMemoryBackend();
    const [v] = (await b.assetImport('j', ['/m/a.mp4'], opts, () => {})).imported;
    expect(b.fileUrl(v!.poster!)).toMatch(/^data:image\/svg\+xml/);
    expect(b.fileUrl(v!.filmstrip!)).toMatch(/^data:image\/svg\+xml/);
    expect(b.fileUrl(v!.path)).toMatch(/^data:audio\/wav;base64,/);
    expect(b.fileUrl('data:image/png;base64,xx')).toBe('data:image/png;base64,xx');
  });
});
