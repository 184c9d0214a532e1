/**
 * Answers the in-memory backend replays instead of computing them: `make fixtures` (the
 * gen-fixtures binary in crates/studio-api) writes what studio-api answers for each scenario in
 * fixtures/seeds/*.json to fixtures/<scenario>.json, so analytics and learning rules live only in Rust. A test
 * seeds the scenario's state (from the same seed file), pins the clock to its `now`, and passes the
 * fixture as `MemorySeed.answers`. A request the fixture lacks fails loudly: add it to the seed's
 * `requests` and run `make fixtures` (or run the tests with RECORD_REQUESTS=<file>, then
 * `node scripts/add-requests.mjs <file>`, which adds every missed request to its seed).
 */
import type { Analytics, AnalyticsFilter, AssetScoreRequest, BestTimesView, ModelView, PostResults, ScoreView, VariantsRequest, VariantView } from './bindings';
import { BackendError } from './errors';
import type { ErrorCode } from './types';

export type Answered<Q, A> = { request: Q; answer?: A; error?: { code: ErrorCode; message: string } };

export interface Fixture {
  scenario: string;
  now: string;
  // Each list is present only when the scenario asks it.
  analytics?: Answered<AnalyticsFilter, Analytics>[];
  post_results?: Answered<string, PostResults>[];
  best_times?: Answered<{ account_ids: string[]; time_zone: string | null }, BestTimesView[]>[];
  score_model?: Answered<{ account_id: string; time_zone: string | null }, ModelView>[];
  /** Score reports (the seed's `score` section: assets with their media features). */
  score?: Answered<AssetScoreRequest, ScoreView>[];
  variants?: Answered<VariantsRequest, VariantView[]>[];
}

/** A value's JSON with object keys sorted, so key order never matters to a lookup. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Answers that hold for any scenario because each request carries what decides it (post
 * validation, when a schedule lands): looked up by the request's canonical JSON; a missing one is
 * recorded (RECORD_REQUESTS) and fails loudly.
 */
export function answerBook<A>(list: string, answers: Answered<unknown, A>[]): (request: unknown) => A {
  const byKey = new Map(answers.map((a) => [canonical(a.request), a]));
  return (request) => {
    const hit = byKey.get(canonical(request));
    if (!hit) {
      (globalThis as { __recordMiss?: MissRecorder }).__recordMiss?.({ scenario: null, list, request });
      throw new BackendError('internal', `No ${list} answer for ${canonical(request)}: add it to fixtures/requests/${list}.json (RECORD_REQUESTS) and run make fixtures.`);
    }
    if (hit.error) throw new BackendError(hit.error.code, hit.error.message);
    return structuredClone(hit.answer as A);
  };
}

const FILTER_KEYS = ['campaign_id', 'account_id', 'platform', 'from', 'to', 'timezone'] as const;

function filterKey(f: Partial<AnalyticsFilter>): string {
  return JSON.stringify(FILTER_KEYS.map((k) => f[k]?.trim() || null));
}

/** Where a missed request is reported when recording (RECORD_REQUESTS, see src/test/setup.ts and e2e/fixtures.ts). */
export type MissRecorder = (miss: { scenario: string | null; list: string; request: unknown }) => void;

function replay<Q, A>(fixture: Fixture | undefined, list: keyof Fixture, key: (q: Q) => string, request: Q): A {
  const answers = fixture?.[list] as Answered<Q, A>[] | undefined;
  const hit = answers?.find((a) => key(a.request) === key(request));
  if (!hit) {
    (globalThis as { __recordMiss?: MissRecorder }).__recordMiss?.({ scenario: fixture?.scenario ?? null, list, request });
    throw new BackendError(
      'internal',
      fixture
        ? `Fixture "${fixture.scenario}" has no ${list} answer for ${JSON.stringify(request)}: add it to fixtures/seeds/${fixture.scenario}.json and run make fixtures.`
        : `No answers for ${list}: seed the memory backend with a scenario's fixture (MemorySeed.answers).`,
    );
  }
  if (hit.error) throw new BackendError(hit.error.code, hit.error.message);
  return structuredClone(hit.answer as A);
}

const scoreKey = (q: AssetScoreRequest) => JSON.stringify([q.asset_id, q.platform, q.caption ?? null, q.title ?? null, q.at ?? null, q.account_id ?? null]);
const variantsKey = (q: VariantsRequest) => JSON.stringify([q.inputs, q.captions, q.platform, q.title ?? null, q.at ?? null, q.account_id ?? null]);

export function createFixtureReplay(fixture: Fixture | undefined) {
  return {
    analytics: (filter: AnalyticsFilter): Analytics => replay(fixture, 'analytics', filterKey, filter),
    postResults: (postId: string): PostResults => replay(fixture, 'post_results', (p: string) => p, postId),
    scoreAsset: (q: AssetScoreRequest): ScoreView => replay(fixture, 'score', scoreKey, q),
    scoreVariants: (q: VariantsRequest): VariantView[] => replay(fixture, 'variants', variantsKey, q),
    bestTimes: (account_ids: string[], time_zone: string | null): BestTimesView[] =>
      replay(fixture, 'best_times', (q: { account_ids: string[]; time_zone: string | null }) => JSON.stringify([q.account_ids, q.time_zone || null]), { account_ids, time_zone }),
    scoreModel: (account_id: string, time_zone: string | null): ModelView =>
      replay(fixture, 'score_model', (q: { account_id: string; time_zone: string | null }) => JSON.stringify([q.account_id, q.time_zone || null]), { account_id, time_zone }),
  };
}
