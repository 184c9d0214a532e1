/**
 * The learning half of the in-memory score: best times to post and "how well the score knows
 * this account", a stand-in for crates/studio-api/src/learning.rs and studio-score's learn.rs /
 * best_time.rs. Rules:
 * - an account's history is the `history` seed (published posts with their latest metrics);
 *   a post without views does not count, as in the real one;
 * - best times are best_time.rs ported as is: engagement by weekday × hour in the asked zone,
 *   smoothed over neighbouring hours and days, blended with the platform's prior heat map
 *   (crates/studio-score/data/*.toml [schedule]) as if the prior were 4 posts in every slot;
 *   the top 5 slots never sit in neighbouring hours of one day; `next_at` is the next start of
 *   the slot strictly after now;
 * - the model keeps the prior below 20 posts. From 20 on, the newest 30 % are held out; the
 *   held-out Spearman of the prior and of the learned weights are deterministic per account
 *   (the learned one rises with the number of posts) and the learned weights win only with a
 *   gain of 0.05 and z ≥ 1.645, as in learn.rs — so an account with 20–23 posts usually still
 *   keeps the prior, with the evaluation as its reason;
 * - an unknown account is `not_found`, an unknown zone `invalid_input`.
 */
import type { AccountView, BestSlotView, BestTimesView, FactorId, ModelKind, ModelView, PlatformId, ScorePlatformId, WeightView } from './bindings';
import { BackendError } from './errors';
import { hashOf } from './memoryMedia';
import { addDaysToDate, isoWeekday, isValidZone, rfc3339InZone, viewerZone, wallClock, zonedToInstant } from '../lib/zoned';

/** A published post and what it earned (its latest metric snapshot). */
export type HistoryPost = {
  account_id: string;
  /** RFC 3339. */
  published_at: string;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  // What the analytics screen also reads (memoryAnalytics.ts); learning needs none of it.
  /** The post this target belongs to (a post in the `posts` seed lends its caption, campaign, media). */
  post_id?: string;
  target_id?: string;
  campaign_id?: string;
  /** The account's platform when the account is not connected any more. */
  platform?: string;
  caption?: string;
  title?: string | null;
  asset_id?: string | null;
  watch_time_s?: number;
  /** The 0–100 score predicted before publishing, and by which model ("prior" or "learned"). */
  score?: number;
  model_kind?: ModelKind;
};

/** Posts with metrics needed before learning is tried (LearnConfig::default().min_posts). */
export const MIN_POSTS = 20;
const HOLDOUT_SHARE = 0.3;
const MIN_GAIN = 0.05;
const MIN_Z = 1.645;
const PRIOR_STRENGTH = 4;
const PRIOR_SPREAD = Math.LN2;
const TOP = 5;
const PROFILE_VERSION = '2026.05.1';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** [schedule] of crates/studio-score/data/<platform>.toml: Monday first, one digit per hour. */
const SCHEDULES: Record<string, readonly string[]> = {
  tiktok: ['310000012334444455678874', '310000012344444455678874', '310000012344444455678874', '310000012344444455678885', '410000012334444455678886', '532100011234455566778886', '532100011234455566788764'],
  instagram: ['100000134456655556778652', '100000134456655556778752', '100000134456655556778752', '100000134456655556778762', '200000123455555556677763', '321000012344555556667664', '321000012344555556678652'],
  youtube_shorts: ['210000012234444556678763', '210000012234444556678763', '210000012234444556678763', '210000012234444556678774', '310000012234444556678875', '432100011234456667788875', '432100011234456667788764'],
  youtube: ['100000011234455666677652', '100000011234455666677652', '100000011234455666677652', '100000011234455666677662', '200000011234455566677763', '321000011234566777777664', '321000011234567777777652'],
  x: ['100001356776665555555431', '100001357776665555555431', '100001357776665555555431', '100001357776665555555431', '100001346666555544445431', '210000124555554444444432', '210000124555554444444431'],
  linkedin: ['000000246887776654332110', '000000257998877654332110', '000000257998877654332110', '000000257988877654332110', '000000246776655443221100', '000000012233333322111000', '000000012233333322221100'],
  facebook: ['100000134566665555666542', '100000134566665555666542', '100000134566665555666542', '100000134566665555666542', '100000134555555555566542', '211000123455555555566543', '211000123455555555566542'],
  bluesky: ['100001246776665555566531', '100001246776665555566531', '100001246776665555566531', '100001246776665555566531', '100001235666555555555531', '210000124555554455555532', '210000124555554455566531'],
  threads: ['100000134456655556778652', '100000134456655556778752', '100000134456655556778752', '100000134456655556778762', '200000123455555556677763', '321000012344555556667664', '321000012344555556678652'],
  pinterest: ['210000011223333445678886', '210000011223333445678886', '210000011223333445678886', '210000011223333445678886', '310000011223333445678876', '421000012334455566678886', '421000012334455566788886'],
  snapchat: ['420000001223344455678886', '420000001223344455678886', '420000001223344455678886', '420000001223344455678886', '530000001223344455678887', '643100001123344556678887', '643100001123344556678876'],
};

/** learning.rs score_platform: YouTube posts are scored as Shorts, Mastodon as Bluesky. */
function scorePlatformOf(platform: PlatformId): ScorePlatformId {
  if (platform === 'youtube') return 'youtube_shorts';
  if (platform === 'mastodon') return 'bluesky';
  return platform;
}

/** The prior heat map, 0–1 with 1 at the busiest hour of the week. */
function priorHeat(platform: string): number[] {
  const rows = SCHEDULES[platform] ?? SCHEDULES.tiktok!;
  const flat = rows.flatMap((r) => [...r].map(Number));
  const max = Math.max(...flat);
  return flat.map((v) => v / max);
}

function engagementRate(p: HistoryPost): number | null {
  if (p.views <= 0) return null;
  return (p.likes + p.comments + p.shares + p.saves + 0.5) / (p.views + 1);
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const KERNEL: readonly [number, number][] = [[0, 1], [-1, 0.5], [1, 0.5], [-2, 0.25], [2, 0.25], [-24, 0.25], [24, 0.25]];

/** The weekday (Monday = 0) × hour cell `ms` falls in, on `tz`'s wall clock. */
function cellOf(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const date = `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  return (isoWeekday(date) - 1) * 24 + w.hour;
}

/** The next start of `weekday` at `hour`:00 on `tz`'s wall clock, strictly after `now`. */
function nextStart(now: number, weekday: number, hour: number, tz: string): string {
  const w = wallClock(now, tz);
  const today = `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  for (let d = 0; d <= 7; d += 1) {
    const date = addDaysToDate(today, d);
    if (isoWeekday(date) - 1 !== weekday) continue;
    const ms = zonedToInstant(date, `${String(hour).padStart(2, '0')}:00`, tz);
    if (ms !== null && ms > now) return rfc3339InZone(ms, tz);
  }
  const ms = zonedToInstant(addDaysToDate(today, 7), `${String(hour).padStart(2, '0')}:00`, tz) ?? now;
  return rfc3339InZone(ms, tz);
}

/** best_time.rs best_times_in, for one account's history. */
function computeBestTimes(accountId: string, platform: ScorePlatformId, history: HistoryPost[], tz: string, now = Date.now()): BestTimesView {
  const rated = history
    .map((p) => ({ rate: engagementRate(p), at: Date.parse(p.published_at) }))
    .filter((p): p is { rate: number; at: number } => p.rate !== null && !Number.isNaN(p.at))
    .map((p) => ({ cell: cellOf(p.at, tz), rate: p.rate }));
  const sum = new Array<number>(168).fill(0);
  const count = new Array<number>(168).fill(0);
  const mid = median(rated.map((r) => r.rate));
  if (mid !== null) {
    for (const r of rated) {
      sum[r.cell]! += Math.log(r.rate / mid);
      count[r.cell]! += 1;
    }
  }
  const prior = priorHeat(platform);
  const priorMean = prior.reduce((a, b) => a + b, 0) / 168;
  const logHeat = new Array<number>(168).fill(0);
  let share = 0;
  for (let c = 0; c < 168; c += 1) {
    let s = 0;
    let w = 0;
    for (const [offset, kw] of KERNEL) {
      const j = (((c + offset) % 168) + 168) % 168;
      s += kw * sum[j]!;
      w += kw * count[j]!;
    }
    const lp = (prior[c]! - priorMean) * PRIOR_SPREAD;
    logHeat[c] = (s + PRIOR_STRENGTH * lp) / (w + PRIOR_STRENGTH);
    share += w / (w + PRIOR_STRENGTH);
  }
  const max = Math.max(...logHeat);
  const heat = Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => Math.exp(logHeat[d * 24 + h]! - max)));
  const order = Array.from({ length: 168 }, (_, i) => i).sort((a, b) => logHeat[b]! - logHeat[a]! || a - b);
  const top: BestSlotView[] = [];
  for (const c of order) {
    if (top.length >= TOP) break;
    const d = Math.floor(c / 24);
    const h = c % 24;
    if (top.some((s) => s.weekday === d && Math.abs(s.hour - h) <= 1)) continue;
    top.push({ weekday: d, day: DAYS[d]!, hour: h, heat: heat[d]![h]!, posts: count[c]!, next_at: nextStart(now, d, h, tz) });
  }
  return { account_id: accountId, platform, time_zone: tz, top, heat, n_posts: rated.length, data_share: share / 168 };
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** What learn.rs decides for an account (deterministic stand-in numbers, the real rules). */
type Fit = {
  kind: 'prior' | 'learned';
  version: string;
  heldout: number | null;
  prior_rho: number | null;
  learned_rho: number | null;
  n_posts: number;
  n_train: number;
  n_holdout: number;
  decision: string;
  /** Present only when accepted. */
  learned: { weights: Record<string, number>; coefficients: Record<string, number> } | null;
};

function fitModel(accountId: string, history: HistoryPost[], prior: Readonly<Record<string, number>>): Fit {
  const n = history.filter((p) => engagementRate(p) !== null).length;
  const base = { n_posts: n, learned: null, version: `prior-${PROFILE_VERSION}`, kind: 'prior' as const };
  if (n < MIN_POSTS) {
    return { ...base, heldout: null, prior_rho: null, learned_rho: null, n_train: 0, n_holdout: 0, decision: `kept the prior: ${n} posts with metrics, learning needs at least ${MIN_POSTS}` };
  }
  const nHoldout = Math.min(n - 1, Math.max(1, Math.ceil(n * HOLDOUT_SHARE)));
  const nTrain = n - nHoldout;
  const h = hashOf(accountId);
  const priorRho = round(0.12 + (h % 15) / 100);
  const learnedRho = round(Math.min(0.86, 0.3 + n / 100 + ((h >>> 4) % 10) / 100));
  const z = learnedRho * Math.sqrt(Math.max(0, nHoldout - 1));
  const gain = learnedRho - priorRho;
  if (gain < MIN_GAIN || z < MIN_Z) {
    return {
      ...base, heldout: priorRho, prior_rho: priorRho, learned_rho: learnedRho, n_train: nTrain, n_holdout: nHoldout,
      decision: `kept the prior: on the newest ${nHoldout} posts the learned weights ranked engagement at Spearman ${learnedRho.toFixed(2)} against the prior's ${priorRho.toFixed(2)} (needs +${MIN_GAIN.toFixed(2)} and z >= ${MIN_Z.toFixed(2)}, had z ${z.toFixed(2)})`,
    };
  }
  const ids = Object.keys(prior).filter((id) => prior[id]! > 0);
  const mult = Object.fromEntries(ids.map((id) => [id, 0.4 + (hashOf(`${accountId}/${id}`) % 121) / 100]));
  const raw = ids.map((id) => prior[id]! * mult[id]!);
  const scale = ids.reduce((s, id) => s + prior[id]!, 0) / raw.reduce((s, x) => s + x, 0);
  const weights = Object.fromEntries(ids.map((id, i) => [id, round(raw[i]! * scale)]));
  const coefficients = Object.fromEntries(ids.map((id) => [id, round((mult[id]! - 1) * 0.8, 3)]));
  return {
    kind: 'learned', version: `learned-${PROFILE_VERSION}-n${n}`, heldout: learnedRho, prior_rho: priorRho, learned_rho: learnedRho,
    n_posts: n, n_train: nTrain, n_holdout: nHoldout, learned: { weights, coefficients },
    decision: `learned: on the newest ${nHoldout} posts the learned weights ranked engagement at Spearman ${learnedRho.toFixed(2)} against the prior's ${priorRho.toFixed(2)}`,
  };
}

/** The prior weights by factor id (crates/studio-score/data/defaults.toml, rounded), for the model card. */
const PRIOR_WEIGHTS: Readonly<Record<string, number>> = {
  hook_motion: 7, hook_cut: 6, hook_speech: 4, hook_loudness: 2, hook_text: 4, cut_rate: 5, static_stretch: 4,
  brightness: 2, contrast: 2, colourfulness: 1, sharpness: 2, black_frames: 2, frozen_frames: 2,
  loudness: 3, loudness_range: 1, silence: 2, sound_presence: 3,
  duration: 4, aspect: 6, resolution: 3, frame_rate: 1, captions: 3,
  caption_length: 3, caption_hook: 4, call_to_action: 3, hashtags: 2, readability: 1, emoji: 1, title_length: 1, schedule: 3,
};

export interface LearningStoreOptions {
  history?: HistoryPost[];
  accounts: () => AccountView[];
}

export function createLearningStore(opts: LearningStoreOptions) {
  const history = [...(opts.history ?? [])];

  function account(id: string): AccountView {
    const a = opts.accounts().find((x) => x.id === id);
    if (!a) throw new BackendError('not_found', `No account with id ${id}.`);
    return a;
  }

  function zoneOr(tz: string | null): string {
    const zone = tz === null || tz.trim() === '' ? viewerZone() : tz.trim();
    if (!isValidZone(zone)) throw new BackendError('invalid_input', `unknown time zone "${zone}"`);
    return zone;
  }

  const of = (id: string) => history.filter((p) => p.account_id === id);

  function bestTimes(accountIds: string[], tz: string | null): BestTimesView[] {
    const zone = zoneOr(tz);
    return accountIds.map((id) => computeBestTimes(id, scorePlatformOf(account(id).platform), of(id), zone));
  }

  function model(accountId: string, tz: string | null): ModelView {
    const platform = scorePlatformOf(account(accountId).platform);
    const fit = fitModel(accountId, of(accountId), PRIOR_WEIGHTS);
    const best = computeBestTimes(accountId, platform, of(accountId), zoneOr(tz));
    const weights: WeightView[] = Object.entries(PRIOR_WEIGHTS).map(([id, prior]) => ({
      id: id as FactorId, prior, learned: fit.learned?.weights[id] ?? null, coefficient: fit.learned?.coefficients[id] ?? null,
    }));
    return {
      account_id: accountId, platform, kind: fit.kind, version: fit.version, heldout_spearman: fit.heldout,
      prior_heldout_spearman: fit.prior_rho, learned_heldout_spearman: fit.learned_rho, n_posts: fit.n_posts, n_train: fit.n_train,
      n_holdout: fit.n_holdout, min_posts: MIN_POSTS, decision: fit.decision, weights, best_times: best,
    };
  }

  return { bestTimes, scoreModel: model, dumpHistory: () => history.map((p) => ({ ...p })) };
}
