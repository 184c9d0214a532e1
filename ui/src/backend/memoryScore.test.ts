// What the fake still does itself: measuring progress, the measured cache and cancelling. The
// scores are studio-score's (fixtures/score-panel.json, compare-versions.json); their rules are
// tested in Rust (studio-score tests/pairs.rs, edge_cases.rs, rank.rs; studio-api tests/score_variants.rs).
import { describe, expect, it } from 'vitest';
import type { AssetScoreRequest, ProgressEvent, VariantsRequest } from './bindings';
import { toApiError } from './errors';
import { createMemoryBackend, type MemorySeed } from './memory';
import type { Fixture } from './memoryFixtures';
import panel from './fixtures/score-panel.json';
import compare from './fixtures/compare-versions.json';
import panelSeed from './fixtures/seeds/score-panel.json';
import compareSeed from './fixtures/seeds/compare-versions.json';
import { asset, renderRecord } from '../test/render';

const req = (over: Partial<AssetScoreRequest> = {}): AssetScoreRequest => ({
  asset_id: 'v1', platform: 'tiktok', caption: null, title: null, at: null, account_id: null, ...over,
});
const variants = (over: Partial<VariantsRequest> = {}): VariantsRequest => ({
  inputs: ['v1', 'r1'], captions: [], platform: 'tiktok', title: null, at: null, account_id: null, ...over,
});
const HOOKY = 'Did you know 3 tricks double your views? Follow for more 🚀 #video #tips #growth';

const strip = <T extends { features: unknown }>({ features: _, ...rest }: T) => rest;

function backend(extra: MemorySeed = {}) {
  return createMemoryBackend({ assets: [asset(strip(panelSeed.score.assets[0]!))], answers: panel as Fixture, ...extra });
}

function compared(extra: MemorySeed = {}) {
  return createMemoryBackend({
    assets: [asset(strip(compareSeed.score.assets[0]!))],
    renders: [renderRecord(strip(compareSeed.score.renders[0]!)), renderRecord({ id: 'gone', asset_id: 'v1', output_exists: false })],
    answers: compare as Fixture,
    ...extra,
  });
}

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
    const second = await b.scoreAsset('j2', req({ caption: HOOKY }), (p) => later.push(p));
    expect(second.cached).toBe(true);
    expect(later).toEqual([]);
  });

  it('an unknown asset is not_found; a request the scenario lacks says how to add it', async () => {
    const b = backend();
    await expect(b.scoreAsset('j', req({ asset_id: 'nope' }), () => {}).catch(toApiError)).resolves.toMatchObject({ code: 'not_found' });
    await expect(b.scoreAsset('j', req({ caption: 'not in the seed' }), () => {}).catch(toApiError)).resolves.toMatchObject({
      code: 'internal', message: expect.stringContaining('make fixtures'),
    });
  });

  it('cancels the first measurement: rejects with cancelled and measures again next time', async () => {
    const b = backend({ scoreStepMs: 5 });
    const events: ProgressEvent[] = [];
    const run = b.scoreAsset('job-1', req(), (p) => {
      events.push(p);
      if (events.length === 2) void b.jobCancel('job-1');
    });
    await expect(run.catch(toApiError)).resolves.toMatchObject({ code: 'cancelled' });
    expect(await b.jobCancel('job-1')).toBe(false);
    const again: ProgressEvent[] = [];
    const v = await b.scoreAsset('job-2', req(), (p) => again.push(p));
    expect(v.cached).toBe(false);
    expect(again.length).toBe(9);
  });
});

describe('memory backend: score variants', () => {
  it('measures each video once in one run, then compares from the cache', async () => {
    const b = compared();
    const events: ProgressEvent[] = [];
    const out = await b.scoreVariants('j', variants({ captions: ['new cut', HOOKY] }), (p) => events.push(p));
    expect(out.map((v) => v.rank)).toEqual([1, 2, 3, 4]);
    expect(out.every((v) => !v.score.cached)).toBe(true);
    expect(events.at(-1)).toMatchObject({ done: 2, total: 2, fraction: 1 });
    const again: ProgressEvent[] = [];
    const cached = await b.scoreVariants('k', variants(), (p) => again.push(p));
    expect(again).toEqual([]);
    expect(cached.every((v) => v.score.cached)).toBe(true);
  });

  it('a render without its file is not_found', async () => {
    await expect(compared().scoreVariants('j', variants({ inputs: ['v1', 'gone'] }), () => {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('cancels while measuring; nothing is cached', async () => {
    const b = compared({ scoreStepMs: 5 });
    const run = b.scoreVariants('job-1', variants(), () => {});
    await new Promise((r) => setTimeout(r, 12));
    expect(await b.jobCancel('job-1')).toBe(true);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    const events: ProgressEvent[] = [];
    await b.scoreVariants('job-2', variants(), (p) => events.push(p));
    expect(events.at(-1)).toMatchObject({ done: 2, total: 2 });
  });
});
