/**
 * Pure helpers for what the score learns per account: best-time slots as the composer offers them,
 * where a heat map comes from, the model card's plain-language numbers and weights comparison.
 */
import type { BestSlotView, BestTimesView, ModelView, WeightView } from '../backend';
import { dateOf, timeOf, wallClock } from './zoned';

const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** "Tue 18:00". */
export const slotLabel = (s: Pick<BestSlotView, 'day' | 'hour'>) => `${s.day} ${hh(s.hour)}`;

export const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** "Tue 18:00, 92%" — one heat-map cell for screen readers. */
export const cellLabel = (weekday: number, hour: number, heat: number) => `${DAY_NAMES[weekday] ?? '?'} ${hh(hour)}, ${Math.round(heat * 100)}%`;

/** The date and time fields a slot's next start fills in, on `tz`'s wall clock. */
export function slotDateTime(nextAt: string, tz: string): { date: string; time: string } | null {
  const ms = Date.parse(nextAt);
  if (Number.isNaN(ms)) return null;
  const w = wallClock(ms, tz);
  return { date: dateOf(w), time: timeOf(w) };
}

/** Below this share of own data a map still reads as the platform's typical times. */
const OWN_DATA_SHARE = 0.05;

export type TimesSource = { own: boolean; text: string; detail: string };

/** Where a best-times map comes from: the account's own posts or the platform's typical times. */
export function timesSource(b: Pick<BestTimesView, 'n_posts' | 'data_share'>): TimesSource {
  const pct = Math.round(b.data_share * 100);
  if (b.n_posts === 0) return { own: false, text: 'Platform typical times', detail: 'No published posts with views yet: these are the platform’s usual busy hours.' };
  const posts = b.n_posts === 1 ? '1 post' : `${b.n_posts} posts`;
  if (b.data_share < OWN_DATA_SHARE) {
    return { own: false, text: 'Platform typical times', detail: `Only ${posts} with views so far: the platform’s usual busy hours still decide (${pct}% your data).` };
  }
  return { own: true, text: `From your ${posts}`, detail: `${pct}% of this map comes from how your ${posts} did; the rest is the platform’s usual busy hours.` };
}

/** "0.41". */
export const rho = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));

/** learn.rs's decision ("kept the prior: …") as a sentence. */
export function decisionSentence(decision: string): string {
  const t = decision.trim();
  if (t === '') return '';
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

export type WeightRow = { id: string; prior: number; learned: number; change: number };

/**
 * The factors whose share of the total weight moved most between the prior and the learned
 * model (shares, so the two are comparable whatever their scale), largest change first.
 */
export function weightChanges(weights: WeightView[], n = 6): WeightRow[] {
  const learnedTotal = weights.reduce((s, w) => s + (w.learned ?? 0), 0);
  const priorTotal = weights.reduce((s, w) => s + w.prior, 0);
  if (learnedTotal <= 0 || priorTotal <= 0) return [];
  return weights
    .filter((w) => w.learned !== null)
    .map((w) => {
      const prior = w.prior / priorTotal;
      const learned = (w.learned ?? 0) / learnedTotal;
      return { id: w.id, prior, learned, change: learned - prior };
    })
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.id.localeCompare(b.id))
    .slice(0, n);
}

/** "hook_motion" → "Hook motion" when no label is known. */
export function factorName(id: string, labels: Readonly<Record<string, string>> = FACTOR_LABELS): string {
  const known = labels[id];
  if (known) return known;
  const s = id.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The score's factor labels (crates/studio-score/src/factor.rs). */
export const FACTOR_LABELS: Readonly<Record<string, string>> = {
  hook_motion: 'First motion', hook_cut: 'First cut', hook_speech: 'Speech starts', hook_loudness: 'Opening loudness', hook_text: 'Text on screen early',
  cut_rate: 'Cuts per minute', static_stretch: 'Longest static stretch', brightness: 'Brightness', contrast: 'Contrast', colourfulness: 'Colourfulness',
  sharpness: 'Sharpness', black_frames: 'Black frames', frozen_frames: 'Frozen frames', loudness: 'Loudness', loudness_range: 'Loudness range',
  silence: 'Silence', sound_presence: 'Speech or music', duration: 'Duration', aspect: 'Aspect ratio', resolution: 'Resolution', frame_rate: 'Frame rate',
  captions: 'Captions', caption_length: 'Caption length', caption_hook: 'Caption hook', call_to_action: 'Call to action', hashtags: 'Hashtags',
  readability: 'Readability', emoji: 'Emoji', title_length: 'Title length', schedule: 'Posting time',
};

export const isLearned = (m: Pick<ModelView, 'kind'>) => m.kind === 'learned';
