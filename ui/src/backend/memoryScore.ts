/**
 * The score half of the in-memory backend: a small, deterministic stand-in for
 * `crates/studio-score` (same factor ids, labels, groups and units; platform limits from its
 * data files; simpler curves). Rules:
 * - an unknown platform or a planned time that is not RFC 3339 fails with `invalid_input`,
 *   an unknown asset with `not_found`;
 * - the first score of a video or audio asset "measures" it: 8 progress events
 *   (stage "analyzing", fractions 1/8 … 1) paced by `stepMs`; `cancelJob(jobId)` stops it and the
 *   call rejects with `cancelled` (nothing is cached). Later calls read the cache (`cached: true`)
 *   and are instant;
 * - the picture, pacing and hook values come from the asset's content hash; format factors from
 *   its width, height, duration and frame rate; sound factors only with an audio track;
 *   hook_speech, hook_text, contrast, sharpness, frozen_frames, loudness_range, silence and
 *   captions are "not measured" (subscore null) so the panel has unknown factors to grey out;
 * - images score the text and the posting time only;
 * - text factors come from the caption: length against the platform limit (over it: blocking),
 *   hashtags (3–5 best), a question or a number in the first line, a call to action
 *   (follow / comment / share / save / subscribe / like / tag / link in bio), emoji (1–3 best),
 *   readability (LIX, 3 words or more); the title only when one is given; the posting time from
 *   the hour of `at` (evenings are best);
 * - score = 100 × Σ weight·subscore / Σ known weight; each known factor's contribution is its
 *   share of that, so the contributions add up to the score; potential = its points on target;
 * - scoring for an account (`account_id`) on its own platform uses its fit from memoryLearning.ts
 *   (learned weights once they beat the prior) and its best-times heat map for the posting time;
 * - variants (score.rs score_variants): every input (asset, or a finished render: the asset's
 *   footage in the render's shape) × every caption, at most 12; each video measured once (one
 *   progress run over all of them), ranked best first; `differs_*` is the factor whose
 *   contribution differs most from the variant ranked just above (#1: the runner-up).
 */
import type { Asset, AssetScoreRequest, BestTimesView, FactorView, ModelKind, ProgressEvent, RenderRecord, ScorePlatform, ScoreView, VariantsRequest, VariantView } from './bindings';
import { BackendError } from './errors';
import { DAYS, type AccountScorer } from './memoryLearning';
import { hashOf } from './memoryMedia';
import { isoWeekday, viewerZone, wallClock } from '../lib/zoned';

type PlatformData = ScorePlatform & {
  captionMax: number | null;
  best: [number, number];
  /** Width / height the platform prefers. */
  aspect: number;
  aspectLabel: string;
};

/** The platforms studio-score knows (crates/studio-score/data/*.toml), in its order. */
export const MEMORY_SCORE_PLATFORMS: readonly PlatformData[] = [
  { id: 'tiktok', label: 'TikTok', captionMax: 2200, best: [15, 60], aspect: 9 / 16, aspectLabel: '9:16' },
  { id: 'instagram', label: 'Instagram Reels', captionMax: 2200, best: [10, 60], aspect: 9 / 16, aspectLabel: '9:16' },
  { id: 'youtube_shorts', label: 'YouTube Shorts', captionMax: 5000, best: [15, 60], aspect: 9 / 16, aspectLabel: '9:16' },
  { id: 'youtube', label: 'YouTube', captionMax: 5000, best: [420, 1200], aspect: 16 / 9, aspectLabel: '16:9' },
  { id: 'x', label: 'X', captionMax: 280, best: [15, 45], aspect: 16 / 9, aspectLabel: '16:9' },
  { id: 'linkedin', label: 'LinkedIn', captionMax: 3000, best: [30, 90], aspect: 1, aspectLabel: '1:1' },
  { id: 'facebook', label: 'Facebook Reels', captionMax: 63206, best: [15, 60], aspect: 9 / 16, aspectLabel: '9:16' },
  { id: 'bluesky', label: 'Bluesky', captionMax: 300, best: [15, 60], aspect: 9 / 16, aspectLabel: '9:16' },
  { id: 'threads', label: 'Threads', captionMax: 500, best: [15, 60], aspect: 9 / 16, aspectLabel: '9:16' },
  { id: 'pinterest', label: 'Pinterest', captionMax: 500, best: [6, 15], aspect: 2 / 3, aspectLabel: '2:3' },
  { id: 'snapchat', label: 'Snapchat Spotlight', captionMax: null, best: [10, 45], aspect: 9 / 16, aspectLabel: '9:16' },
];

/** [id, label, unit, group] as in crates/studio-score/src/factor.rs. */
const META = {
  hook_motion: ['First motion', 's', 'hook'],
  hook_cut: ['First cut', 's', 'hook'],
  hook_speech: ['Speech starts', 's', 'hook'],
  hook_loudness: ['Opening loudness', 'LUFS', 'hook'],
  hook_text: ['Text on screen early', 'yes/no', 'hook'],
  cut_rate: ['Cuts per minute', 'cuts/min', 'pacing'],
  static_stretch: ['Longest static stretch', 's', 'pacing'],
  brightness: ['Brightness', '0-1', 'picture'],
  contrast: ['Contrast', '0-1', 'picture'],
  colourfulness: ['Colourfulness', 'M', 'picture'],
  sharpness: ['Sharpness', 'Laplacian variance', 'picture'],
  black_frames: ['Black frames', 'share', 'picture'],
  frozen_frames: ['Frozen frames', 'share', 'picture'],
  loudness: ['Loudness', 'LUFS', 'sound'],
  loudness_range: ['Loudness range', 'LU', 'sound'],
  silence: ['Silence', 'share', 'sound'],
  sound_presence: ['Speech or music', 'share', 'sound'],
  duration: ['Duration', 's', 'format'],
  aspect: ['Aspect ratio', 'w/h', 'format'],
  resolution: ['Resolution', 'px (short side)', 'format'],
  frame_rate: ['Frame rate', 'fps', 'format'],
  captions: ['Captions', 'yes/no', 'format'],
  caption_length: ['Caption length', 'characters', 'text'],
  caption_hook: ['Caption hook', 'signals', 'text'],
  call_to_action: ['Call to action', 'yes/no', 'text'],
  hashtags: ['Hashtags', 'count', 'text'],
  readability: ['Readability', 'LIX', 'text'],
  emoji: ['Emoji', 'count', 'text'],
  title_length: ['Title length', 'characters', 'text'],
  schedule: ['Posting time', 'heat 0-1', 'schedule'],
} as const;

type FactorId = keyof typeof META;

/** The prior weights (crates/studio-score/data/defaults.toml, rounded). */
const WEIGHTS: Record<FactorId, number> = {
  hook_motion: 7, hook_cut: 6, hook_speech: 4, hook_loudness: 2, hook_text: 4, cut_rate: 5, static_stretch: 4,
  brightness: 2, contrast: 2, colourfulness: 1, sharpness: 2, black_frames: 2, frozen_frames: 2,
  loudness: 3, loudness_range: 1, silence: 2, sound_presence: 3,
  duration: 4, aspect: 6, resolution: 3, frame_rate: 1, captions: 3,
  caption_length: 3, caption_hook: 4, call_to_action: 3, hashtags: 2, readability: 1, emoji: 1, title_length: 1, schedule: 3,
};

/** The prior weights by factor id, for the learning store's weights comparison. */
export const PRIOR_WEIGHTS: Readonly<Record<string, number>> = WEIGHTS;

const MODEL_VERSION = '2026.05.1';
const MEASURE_TICKS = 8;

/** 1 at `good`, 0 at `bad`, linear between (either direction). */
function ramp(x: number, good: number, bad: number): number {
  const t = (x - bad) / (good - bad);
  return Math.min(1, Math.max(0, t));
}

/** 1 inside [low, high], falling to `floor` at `min` / `max`. */
function band(x: number, low: number, high: number, min: number, max: number, floor: number): number {
  if (x >= low && x <= high) return 1;
  const t = x < low ? (low === min ? 0 : (x - min) / (low - min)) : max === high ? 0 : (max - x) / (max - high);
  return floor + (1 - floor) * Math.min(1, Math.max(0, t));
}

type Measured = { value: number | null; subscore: number | null; advice?: string | null; blocking?: boolean };

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const unknown: Measured = { value: null, subscore: null };

/** What "measuring" a video or audio asset finds (deterministic per content hash). */
function measure(asset: Asset, p: PlatformData): Partial<Record<FactorId, Measured>> {
  const h = hashOf(asset.content_hash);
  const bits = (shift: number, mod: number) => (h >>> shift) % mod;
  const out: Partial<Record<FactorId, Measured>> = {};
  const hasAudio = asset.kind === 'audio' || asset.audio_codec !== null;
  const duration = asset.duration_s ?? 0;

  if (asset.kind === 'video') {
    const motion = round(0.3 + bits(0, 30) / 10, 1);
    out.hook_motion = { value: motion, subscore: ramp(motion, 1, 5), advice: `Start moving sooner: the first motion is at ${motion} s; aim for under 1 s.` };
    const cut = round(0.8 + bits(5, 50) / 10, 1);
    out.hook_cut = { value: cut, subscore: ramp(cut, 1.5, 6), advice: `Cut earlier: the first cut is at ${cut} s; aim for under 1.5 s.` };
    out.hook_speech = unknown;
    out.hook_text = unknown;
    const cuts = 6 + bits(11, 30);
    out.cut_rate = { value: cuts, subscore: band(cuts, 10, 40, 0, 120, 0), advice: cuts < 10 ? `Cut more often: ${cuts} cuts per minute; 10–40 keeps attention.` : `Cut less often: ${cuts} cuts per minute; 10–40 is easier to follow.` };
    const stretch = round(2 + bits(16, 90) / 10, 1);
    out.static_stretch = { value: stretch, subscore: ramp(stretch, 3, 10), advice: `Break up the longest still stretch (${stretch} s): keep them under 3 s.` };
    const bright = round(0.3 + bits(3, 50) / 100);
    out.brightness = { value: bright, subscore: band(bright, 0.35, 0.7, 0.05, 0.95, 0), advice: bright < 0.35 ? `Brighten the picture: ${bright} on a 0–1 scale; aim for 0.35–0.70.` : `The picture is bright (${bright}); aim for 0.35–0.70.` };
    out.contrast = unknown;
    const colour = 15 + bits(8, 30);
    out.colourfulness = { value: colour, subscore: ramp(colour, 33, 0), advice: `Add colour: colourfulness ${colour}; 33 or more reads as vivid.` };
    out.sharpness = unknown;
    out.black_frames = { value: 0, subscore: 1 };
    out.frozen_frames = unknown;
  }
  if (hasAudio) {
    const opening = -14 - bits(13, 16);
    if (asset.kind === 'video') {
      out.hook_loudness = { value: opening, subscore: ramp(opening, -18, -36), advice: `Open louder: the first seconds are at ${String(opening).replace("-", "−")} LUFS; aim for −18 LUFS or louder.` };
    }
    const lufs = -12 - bits(20, 13);
    out.loudness = { value: lufs, subscore: ramp(Math.abs(lufs + 14), 1, 20), advice: `Normalise the sound to −14 LUFS (it is ${String(lufs).replace("-", "−")} LUFS); a render does this for you.` };
    out.loudness_range = unknown;
    out.silence = unknown;
    const presence = round(0.55 + bits(24, 40) / 100);
    out.sound_presence = { value: presence, subscore: ramp(presence, 0.5, 0), advice: null };
  } else if (asset.kind === 'video') {
    out.sound_presence = { value: 0, subscore: 0, advice: 'Add music or a voice-over: the video has no sound track.' };
  }

  const [lo, hi] = p.best;
  if (duration > 600) {
    out.duration = { value: round(duration, 1), subscore: 0, blocking: true, advice: `${p.label} takes videos up to 600 s; this one is ${round(duration, 1)} s. Trim it.` };
  } else {
    const sub = band(duration, lo, hi, 3, 600, 0.2);
    out.duration = {
      value: round(duration, 1), subscore: sub,
      advice: duration < lo ? `Make it longer: ${round(duration, 1)} s; ${p.label} favours ${lo}–${hi} s.` : `Trim it to ${lo}–${hi} s (it is ${round(duration, 1)} s).`,
    };
  }
  if (asset.kind === 'video' && asset.width && asset.height) {
    // The player shows the video upright: a 90° rotation swaps the sides.
    const [w, h2] = asset.rotation === 90 || asset.rotation === 270 ? [asset.height, asset.width] : [asset.width, asset.height];
    const ratio = w / h2;
    out.aspect = {
      value: round(ratio, 3), subscore: ramp(Math.abs(Math.log(ratio / p.aspect)), 0.03, 1.15),
      advice: `Reframe to ${p.aspectLabel} for ${p.label} (this video is ${w}×${h2}); Render… does it.`,
    };
    const short = Math.min(w, h2);
    out.resolution = { value: short, subscore: ramp(short, 1080, 360), advice: `Use a sharper source: the short side is ${short} px; aim for 1080 px.` };
    if (asset.fps !== null) out.frame_rate = { value: round(asset.fps, 2), subscore: ramp(asset.fps, 24, 12), advice: `Use 24 fps or more (this is ${round(asset.fps, 2)} fps).` };
    out.captions = unknown;
  }
  return out;
}

const HASHTAG = /#[\p{L}\p{N}_]+/gu;
const EMOJI = /\p{Extended_Pictographic}/gu;
const CTA = /\b(follow|comment|share|save|subscribe|like|tag|link in bio)\b/i;

/** Text factors from the caption and title, as studio-score's text.rs counts them. */
function textFactors(caption: string, title: string | null, p: PlatformData): Partial<Record<FactorId, Measured>> {
  const out: Partial<Record<FactorId, Measured>> = {};
  const text = caption.trim();
  const chars = [...text].length;
  const max = p.captionMax;
  if (max !== null && chars > max) {
    out.caption_length = {
      value: chars, subscore: 0, blocking: true,
      advice: `Shorten the caption by ${chars - max} characters: ${p.label} allows ${max} and it has ${chars}.`,
    };
  } else if (chars === 0) {
    out.caption_length = { value: 0, subscore: 0.1, advice: 'Write a caption: 20–300 characters that say what the video is about.' };
  } else {
    out.caption_length = {
      value: chars, subscore: band(chars, 20, 300, 0, max ?? 2200, 0.4),
      advice: chars < 20 ? `Say a little more: ${chars} characters; 20–300 works best.` : `Tighten the caption to 300 characters or fewer (it has ${chars}).`,
    };
  }
  const firstLine = text.split('\n')[0] ?? '';
  const signals = (firstLine.includes('?') ? 1 : 0) + (/\d/.test(firstLine) ? 1 : 0);
  out.caption_hook = {
    value: signals, subscore: signals === 0 ? 0 : signals === 1 ? 0.7 : 1,
    advice: signals === 0 ? 'Open with a question or a number in the first line.' : 'Use both a question and a number in the first line.',
  };
  const cta = CTA.test(text);
  out.call_to_action = { value: cta ? 1 : 0, subscore: cta ? 1 : 0.4, advice: 'End with a call to action: ask viewers to follow, comment or share.' };
  const tags = text.match(HASHTAG)?.length ?? 0;
  out.hashtags = {
    value: tags, subscore: band(tags, 3, 5, 0, 15, 0.3),
    advice: tags < 3 ? `Add ${3 - tags} more hashtag${3 - tags === 1 ? '' : 's'}: 3–5 work best (it has ${tags}).` : `Use 3–5 hashtags (it has ${tags}); drop ${tags - 5}.`,
  };
  const words = text.replace(HASHTAG, '').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length >= 3) {
    const sentences = Math.max(1, text.split(/[.!?\n]+/).filter((s) => s.trim() !== '').length);
    const long = words.filter((w) => w.replace(/[^\p{L}]/gu, '').length > 6).length;
    const lix = round(words.length / sentences + (100 * long) / words.length, 1);
    out.readability = { value: lix, subscore: ramp(lix, 40, 65), advice: `Use shorter sentences and words: LIX ${lix}; under 40 reads easily.` };
  } else {
    out.readability = unknown;
  }
  const emoji = text.match(EMOJI)?.length ?? 0;
  out.emoji = {
    value: emoji, subscore: band(emoji, 1, 3, 0, 12, 0.6),
    advice: emoji === 0 ? 'Add an emoji or two: 1–3 work best.' : `Use 1–3 emoji (it has ${emoji}).`,
  };
  const t = title?.trim() ?? '';
  if (t === '') out.title_length = unknown;
  else {
    const n = [...t].length;
    out.title_length = { value: n, subscore: band(n, 30, 70, 5, 100, 0.3), advice: n < 30 ? `Lengthen the title to 30–70 characters (it has ${n}).` : `Shorten the title to 30–70 characters (it has ${n}).` };
  }
  return out;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Heat 0–1 by local hour: quiet at night, busiest 18–21. */
const HEAT = '310000012344444455678874';

function parseAt(at: string | null): { ms: number; hour: number } | null {
  if (at === null || at.trim() === '') return null;
  const m = RFC3339.exec(at.trim());
  if (!m || Number.isNaN(Date.parse(at))) throw new BackendError('invalid_input', `"${at}" is not an RFC 3339 time like 2025-06-01T18:30:00+02:00.`);
  return { ms: Date.parse(at), hour: Number(m[4]) };
}

const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** The posting-time factor: the account's own heat map when scoring for one, else evenings are best. */
function schedule(at: string | null, p: PlatformData, best: BestTimesView | null): Measured {
  const when = parseAt(at);
  if (when === null) return unknown;
  if (best !== null) {
    const w = wallClock(when.ms, best.time_zone);
    const date = `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
    const day = isoWeekday(date) - 1;
    const heat = round(best.heat[day]?.[w.hour] ?? 0, 3);
    const top = best.top[0];
    return {
      value: heat, subscore: heat,
      advice: top ? `Post on ${top.day} at ${hh(top.hour)} (${best.time_zone}), your best time on ${p.label}; ${DAYS[day]} ${hh(w.hour)} is quieter.` : null,
    };
  }
  const heat = Number(HEAT[when.hour] ?? '0') / 8;
  return { value: heat, subscore: heat, advice: `Post in the evening (18:00–21:00 local time) for ${p.label}; ${hh(when.hour)} is quieter.` };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The most variants compared at once (score.rs MAX_VARIANTS). */
export const MAX_VARIANTS = 12;

/** Who scores: the prior, or an account's fit (learned weights when they won) and best times. */
type Model = { kind: ModelKind; version: string; heldout: number | null; weights: Readonly<Record<string, number>>; best: BestTimesView | null };

const PRIOR: Model = { kind: 'prior', version: MODEL_VERSION, heldout: null, weights: WEIGHTS, best: null };

export interface ScoreStoreOptions {
  /** Delay per measuring tick (8 ticks on the first score of a video or audio asset). */
  stepMs?: number;
  findAsset: (id: string) => Asset | undefined;
  /** A render in the history (variants may compare renders). */
  findRender?: (id: string) => RenderRecord | undefined;
  /** An account's fit and best times (scoring "for" an account). */
  scorerFor?: (accountId: string, timeZone: string | null) => AccountScorer;
}

export function createScoreStore(opts: ScoreStoreOptions) {
  /** Content hashes (or render ids) already measured. */
  const cache = new Set<string>();
  const running = new Map<string, { cancelled: boolean }>();

  function platformOf(id: string): PlatformData {
    const p = MEMORY_SCORE_PLATFORMS.find((x) => x.id === id.trim().toLowerCase());
    if (!p) {
      throw new BackendError('invalid_input', `"${id}" is not a platform the score knows. Use one of: ${MEMORY_SCORE_PLATFORMS.map((x) => x.id).join(', ')}.`);
    }
    return p;
  }

  /** score.rs scorer_for: the account's own scorer on its platform, the prior elsewhere. */
  function modelFor(p: PlatformData, accountId: string | null): Model {
    if (accountId === null || accountId.trim() === '' || !opts.scorerFor) return PRIOR;
    const s = opts.scorerFor(accountId, viewerZone());
    if (s.platform !== p.id) return PRIOR;
    return { kind: s.fit.kind, version: s.fit.version, heldout: s.fit.heldout, weights: s.fit.learned?.weights ?? WEIGHTS, best: s.best };
  }

  /** An asset, or a finished render as the asset it would be (same footage, the render's shape). */
  function resolve(id: string): { asset: Asset; key: string } {
    const asset = opts.findAsset(id);
    if (asset) return { asset, key: asset.content_hash };
    const r = opts.findRender?.(id);
    const source = r ? opts.findAsset(r.asset_id) : undefined;
    if (!r || !source || r.state !== 'done' || !r.output_exists || !r.output) throw new BackendError('not_found', `No asset or finished render with id ${id}.`);
    return {
      asset: { ...source, id: r.id, path: r.output, width: r.width, height: r.height, rotation: 0, duration_s: r.duration_s ?? source.duration_s },
      key: `render:${r.id}`,
    };
  }

  /** Measures the media not measured yet: 8 ticks each; fractions run over all of them. */
  async function measureAll(jobId: string, items: { asset: Asset; key: string }[], onProgress: (p: ProgressEvent) => void): Promise<void> {
    const todo = items.filter((x, i) => x.asset.kind !== 'image' && !cache.has(x.key) && items.findIndex((y) => y.key === x.key) === i);
    if (todo.length === 0) return;
    const job = { cancelled: false };
    running.set(jobId, job);
    try {
      for (const [k, { asset, key }] of todo.entries()) {
        onProgress({ item: asset.path, stage: 'analyzing', done: k, total: todo.length, fraction: k / todo.length });
        for (let i = 1; i <= MEASURE_TICKS; i += 1) {
          if (opts.stepMs) await sleep(opts.stepMs);
          else await Promise.resolve();
          if (job.cancelled) throw new BackendError('cancelled', 'Cancelled.');
          const done = i === MEASURE_TICKS ? k + 1 : k;
          onProgress({ item: asset.path, stage: 'analyzing', done, total: todo.length, fraction: (k + i / MEASURE_TICKS) / todo.length });
        }
        cache.add(key);
      }
    } finally {
      running.delete(jobId);
    }
  }

  function report(asset: Asset, p: PlatformData, model: Model, text: { caption: string | null; title: string | null; at: string | null }, cached: boolean): ScoreView {
    const media = asset.kind !== 'image';
    const found: Partial<Record<FactorId, Measured>> = {
      ...(media ? measure(asset, p) : {}),
      ...textFactors(text.caption ?? '', text.title, p),
      schedule: schedule(text.at, p, model.best),
    };
    const weight = (id: FactorId) => model.weights[id] ?? WEIGHTS[id];
    const ids = (Object.keys(META) as FactorId[]).filter((id) => found[id] !== undefined);
    const known = ids.filter((id) => found[id]!.subscore !== null);
    const knownWeight = known.reduce((s, id) => s + weight(id), 0);
    const totalWeight = ids.reduce((s, id) => s + weight(id), 0);

    const factors: FactorView[] = ids.map((id) => {
      const f = found[id]!;
      const [label, unit, group] = META[id];
      const potential = f.subscore === null || knownWeight === 0 ? 0 : (100 * weight(id)) / knownWeight;
      const contribution = f.subscore === null ? 0 : potential * f.subscore;
      const onTarget = f.subscore !== null && f.subscore >= 0.999;
      return {
        id, label, group, unit, weight: weight(id),
        value: f.value, subscore: f.subscore === null ? null : round(f.subscore, 3),
        contribution: round(contribution), potential: round(potential),
        advice: f.subscore === null || onTarget ? null : (f.advice ?? null),
        blocking: f.blocking ?? false,
      };
    });
    const score = knownWeight === 0 ? null : round(factors.reduce((s, f) => s + f.contribution, 0));
    const warnings: string[] = [];
    if (!media) warnings.push('Images are scored on the caption and the posting time only.');
    return {
      score, platform: p.id, coverage: totalWeight === 0 ? 0 : round(knownWeight / totalWeight, 3), factors,
      model: model.kind, model_version: model.version, heldout_spearman: model.heldout,
      blockers: factors.filter((f) => f.blocking && f.advice).map((f) => f.advice!), warnings, cached,
    };
  }

  async function scoreAsset(jobId: string, req: AssetScoreRequest, onProgress: (p: ProgressEvent) => void): Promise<ScoreView> {
    const p = platformOf(req.platform);
    const asset = opts.findAsset(req.asset_id);
    if (!asset) throw new BackendError('not_found', `No asset with id ${req.asset_id}.`);
    parseAt(req.at);
    const model = modelFor(p, req.account_id ?? null);
    const cached = asset.kind !== 'image' && cache.has(asset.content_hash);
    await measureAll(jobId, [{ asset, key: asset.content_hash }], onProgress);
    return report(asset, p, model, req, cached);
  }

  async function scoreVariants(jobId: string, req: VariantsRequest, onProgress: (p: ProgressEvent) => void): Promise<VariantView[]> {
    if (req.inputs.length === 0) throw new BackendError('invalid_input', 'pick at least one video to compare');
    const captions: (string | null)[] = req.captions.length === 0 ? [null] : [...req.captions];
    const n = req.inputs.length * captions.length;
    if (n > MAX_VARIANTS) throw new BackendError('invalid_input', `${n} variants is too many to compare at once; pick up to ${MAX_VARIANTS}`);
    const p = platformOf(req.platform);
    parseAt(req.at);
    const model = modelFor(p, req.account_id);
    const media = req.inputs.map(resolve);
    const cachedBefore = media.map((m) => m.asset.kind !== 'image' && cache.has(m.key));
    await measureAll(jobId, media, onProgress);
    // Told apart by position: the same input may be given twice.
    const slots = req.inputs.flatMap((input, i) =>
      captions.map((caption) => ({ input, caption, view: report(media[i]!.asset, p, model, { caption, title: req.title, at: req.at }, cachedBefore[i]!) })),
    );
    const ranked = [...slots].sort((a, b) => {
      if (a.view.score === null || b.view.score === null) return a.view.score === null ? (b.view.score === null ? 0 : 1) : -1;
      return b.view.score - a.view.score;
    });
    return ranked.map((me, i) => {
      const other = i === 0 ? ranked[1] : ranked[i - 1];
      const d = other ? differsMost(me.view, other.view) : null;
      return {
        rank: i + 1, input: me.input, caption: me.caption,
        against_input: d && other ? other.input : null, against_caption: d && other ? other.caption : null,
        differs_factor: d?.factor.id ?? null, differs_label: d?.factor.label ?? null,
        differs_points: d === null ? null : round(d.points), differs_advice: d?.factor.advice ?? null,
        score: me.view,
      };
    });
  }

  return {
    platforms: (): ScorePlatform[] => MEMORY_SCORE_PLATFORMS.map(({ id, label }) => ({ id, label })),
    scoreAsset,
    scoreVariants,
    cancelJob(jobId: string): boolean {
      const job = running.get(jobId);
      if (job) job.cancelled = true;
      return job !== undefined;
    },
  };
}

/** rank.rs difference: the factor whose contribution differs most between two reports. */
function differsMost(me: ScoreView, other: ScoreView): { factor: FactorView; points: number } | null {
  let best: { factor: FactorView; points: number } | null = null;
  for (const f of me.factors) {
    const o = other.factors.find((x) => x.id === f.id);
    if (!o) continue;
    const points = f.contribution - o.contribution;
    if (Math.abs(points) <= 1e-9) continue;
    if (best === null || Math.abs(points) > Math.abs(best.points)) best = { factor: f, points };
  }
  return best;
}
