/**
 * The score half of the in-memory backend. Score reports are studio-score's own, replayed: each
 * scenario's seed (fixtures/seeds/*.json, `score`) gives assets and renders with their media
 * features, `make fixtures` scores its requests with studio-api, and the fake answers from
 * `MemorySeed.answers` (see memoryFixtures.ts). Only UI state is kept here:
 * - the first score of a video or audio asset (or a render) "measures" it: 8 progress events
 *   (stage "analyzing") paced by `stepMs`; `jobCancel(jobId)` stops it and the call rejects with
 *   `cancelled`. Later calls are instant and `cached: true`; a comparison measures every video
 *   not measured yet in one run;
 * - an unknown asset (or, in a comparison, an unfinished render) is `not_found`.
 */
import type { Asset, AssetScoreRequest, ProgressEvent, RenderRecord, ScorePlatform, ScoreView, VariantsRequest, VariantView } from './bindings';
import { BackendError } from './errors';
import platforms from './fixtures/score-platforms.json';
import { createFixtureReplay, type Fixture } from './memoryFixtures';
import type { Jobs } from './memoryJobs';

const MEASURE_TICKS = 8;

export interface ScoreStoreOptions {
  /** Delay per measuring tick (8 ticks on the first score of a video or audio asset). */
  stepMs?: number;
  jobs: Jobs;
  answers?: Fixture;
  findAsset: (id: string) => Asset | undefined;
  findRender?: (id: string) => RenderRecord | undefined;
}

export function createScoreStore(opts: ScoreStoreOptions) {
  const measured = new Set<string>();
  const replay = () => {
    if (!opts.answers) throw new BackendError('internal', 'The in-memory backend has no score answers: seed a scenario with a `score` section (fixtures/seeds) and pass its fixture as `answers`.');
    return createFixtureReplay(opts.answers);
  };

  /** What gets measured: an asset's content, or a finished render's file (images never). */
  function media(id: string): { key: string; item: string; measures: boolean } {
    const asset = opts.findAsset(id);
    if (asset) return { key: asset.content_hash, item: asset.path, measures: asset.kind !== 'image' };
    const r = opts.findRender?.(id);
    if (!r || r.state !== 'done' || !r.output_exists || !r.output) throw new BackendError('not_found', `No asset or finished render with id ${id}.`);
    return { key: `render:${r.id}`, item: r.output, measures: true };
  }

  /** Measures what is not measured yet: 8 ticks each; fractions run over all of them. */
  async function measure(jobId: string, items: { key: string; item: string; measures: boolean }[], onProgress: (p: ProgressEvent) => void) {
    const todo = items.filter((x, i) => x.measures && !measured.has(x.key) && items.findIndex((y) => y.key === x.key) === i);
    if (todo.length === 0) return;
    await opts.jobs.run(jobId, opts.stepMs, async (job) => {
      for (const [k, { key, item }] of todo.entries()) {
        onProgress({ item, stage: 'analyzing', done: k, total: todo.length, fraction: k / todo.length });
        for (let i = 1; i <= MEASURE_TICKS; i += 1) {
          if (!(await job.step())) throw new BackendError('cancelled', 'Cancelled.');
          onProgress({ item, stage: 'analyzing', done: i === MEASURE_TICKS ? k + 1 : k, total: todo.length, fraction: (k + i / MEASURE_TICKS) / todo.length });
        }
        measured.add(key);
      }
    });
  }

  async function scoreAsset(jobId: string, req: AssetScoreRequest, onProgress: (p: ProgressEvent) => void): Promise<ScoreView> {
    if (!opts.findAsset(req.asset_id)) throw new BackendError('not_found', `No asset with id ${req.asset_id}.`);
    const m = media(req.asset_id);
    const view = replay().scoreAsset(req);
    const cached = m.measures && measured.has(m.key);
    await measure(jobId, [m], onProgress);
    return { ...view, cached };
  }

  async function scoreVariants(jobId: string, req: VariantsRequest, onProgress: (p: ProgressEvent) => void): Promise<VariantView[]> {
    const inputs = req.inputs.map(media);
    const views = replay().scoreVariants(req);
    const cached = new Map(inputs.map((m, i) => [req.inputs[i]!, m.measures && measured.has(m.key)]));
    await measure(jobId, inputs, onProgress);
    return views.map((v) => ({ ...v, score: { ...v.score, cached: cached.get(v.input) ?? false } }));
  }

  return {
    // Written by gen-fixtures from studio-score's own list, so the ids are its enum's.
    platforms: (): ScorePlatform[] => (platforms as ScorePlatform[]).map((p) => ({ ...p })),
    scoreAsset,
    scoreVariants,
  };
}
