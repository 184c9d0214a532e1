import { describe, expect, it } from 'vitest';
import type { ProgressEvent, VariantsRequest } from './bindings';
import { createMemoryBackend } from './memory';
import { asset, renderRecord } from '../test/render';

const req = (over: Partial<VariantsRequest> = {}): VariantsRequest => ({
  inputs: ['v1'], captions: [], platform: 'tiktok', title: null, at: null, account_id: null, ...over,
});

function backend(extra: Parameters<typeof createMemoryBackend>[0] = {}) {
  return createMemoryBackend({
    // A wide original and its vertical TikTok render: same footage, different shape.
    assets: [asset({ id: 'v1', original_name: 'wide.mp4', width: 1920, height: 1080, rotation: 0, duration_s: 27.4 })],
    renders: [
      renderRecord({ id: 'r1', asset_id: 'v1', width: 1080, height: 1920, duration_s: 27.4 }),
      renderRecord({ id: 'gone', asset_id: 'v1', output_exists: false }),
    ],
    ...extra,
  });
}

const HOOKY = 'Did you know 3 tricks double your views? Follow for more 🚀 #video #tips #growth';

describe('memory backend: score variants', () => {
  it('ranks every input with every caption, best first, each with what sets it apart from its neighbour', async () => {
    const b = backend();
    const events: ProgressEvent[] = [];
    const out = await b.scoreVariants('j', req({ inputs: ['v1', 'r1'], captions: ['hello', HOOKY] }), (p) => events.push(p));
    expect(out).toHaveLength(4);
    expect(out.map((v) => v.rank)).toEqual([1, 2, 3, 4]);
    const scores = out.map((v) => v.score.score!);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // The vertical render with the hooky caption wins; the wide original with "hello" is last.
    expect(out[0]).toMatchObject({ input: 'r1', caption: HOOKY });
    expect(out[3]).toMatchObject({ input: 'v1', caption: 'hello' });
    // #1 is compared with the runner-up, the others with the one ranked just above.
    expect(out[0]).toMatchObject({ against_input: out[1]!.input, against_caption: out[1]!.caption });
    expect(out[0]!.differs_points!).toBeGreaterThan(0);
    for (let i = 1; i < out.length; i += 1) {
      expect(out[i]).toMatchObject({ against_input: out[i - 1]!.input, against_caption: out[i - 1]!.caption });
      expect(out[i]!.differs_factor).not.toBeNull();
      const mine = out[i]!.score.factors.find((f) => f.id === out[i]!.differs_factor)!;
      const theirs = out[i - 1]!.score.factors.find((f) => f.id === out[i]!.differs_factor)!;
      expect(out[i]!.differs_points!).toBeCloseTo(mine.contribution - theirs.contribution, 1);
      expect(out[i]!.differs_label).toBe(mine.label);
    }
    // Both videos measured once, in one run of progress.
    expect(events.at(-1)).toMatchObject({ stage: 'analyzing', done: 2, total: 2, fraction: 1 });
    const again: ProgressEvent[] = [];
    const cached = await b.scoreVariants('k', req({ inputs: ['v1', 'r1'] }), (p) => again.push(p));
    expect(again).toEqual([]);
    expect(cached.every((v) => v.score.cached)).toBe(true);
  });

  it('without captions compares the inputs alone', async () => {
    const out = await backend().scoreVariants('j', req({ inputs: ['v1', 'r1'] }), () => {});
    expect(out.map((v) => [v.input, v.caption])).toEqual([['r1', null], ['v1', null]]);
    expect(out[0]!.differs_factor).toBe('aspect');
    expect(out[0]!.differs_advice).toBeNull();
    expect(out[1]!.differs_advice).toMatch(/Reframe to 9:16/);
  });

  it('refuses more than 12 combinations, no inputs, a missing render and an unknown platform', async () => {
    const b = backend();
    await expect(b.scoreVariants('j', req({ inputs: ['v1', 'r1', 'v1', 'r1', 'v1'], captions: ['a', 'b', 'c'] }), () => {})).rejects.toMatchObject({
      code: 'invalid_input', message: '15 variants is too many to compare at once; pick up to 12',
    });
    await expect(b.scoreVariants('j', req({ inputs: [] }), () => {})).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(b.scoreVariants('j', req({ inputs: ['v1', 'gone'] }), () => {})).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.scoreVariants('j', req({ platform: 'myspace' }), () => {})).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('cancels while measuring; nothing is cached', async () => {
    const b = backend({ scoreStepMs: 5 });
    const run = b.scoreVariants('job-1', req({ inputs: ['v1', 'r1'] }), () => {});
    await new Promise((r) => setTimeout(r, 12));
    expect(await b.cancelJob('job-1')).toBe(true);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    const events: ProgressEvent[] = [];
    await b.scoreVariants('job-2', req({ inputs: ['v1', 'r1'] }), (p) => events.push(p));
    expect(events.at(-1)).toMatchObject({ done: 2, total: 2 });
  });
});
