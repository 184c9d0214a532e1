/** Pure helpers for the viral-score panel: limits, times, advice order, factor grouping. */
import type { FactorView, ScoreView } from '../backend';

/** Caption limits per platform (crates/studio-score/data/*.toml); null: none enforced. */
export const CAPTION_LIMITS: Record<string, number | null> = {
  tiktok: 2200,
  instagram: 2200,
  youtube_shorts: 5000,
  youtube: 5000,
  x: 280,
  linkedin: 3000,
  facebook: 63206,
  bluesky: 300,
  threads: 500,
  pinterest: 500,
  snapchat: null,
};

export const DEFAULT_PLATFORM = 'tiktok';
const PLATFORM_KEY = 'viral-studio.score-platform';

/** The platform picked last in this session (sessionStorage), or TikTok. */
export function lastPlatform(): string {
  try {
    return window.sessionStorage.getItem(PLATFORM_KEY) ?? DEFAULT_PLATFORM;
  } catch {
    return DEFAULT_PLATFORM;
  }
}

export function rememberPlatform(id: string): void {
  try {
    window.sessionStorage.setItem(PLATFORM_KEY, id);
  } catch {
    // Storage may be unavailable (private mode); the choice then lasts until the dialog closes.
  }
}

/** Characters as the score counts them (code points). */
export function captionLength(text: string): number {
  return [...text.trim()].length;
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

/**
 * A `datetime-local` value ("2025-06-01T18:30") as RFC 3339 with the local offset at that
 * moment ("2025-06-01T18:30:00+02:00"); null when empty or invalid.
 */
export function localToRfc3339(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}`);
  if (Number.isNaN(d.getTime())) return null;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** Points to gain by bringing the factor on target (studio-score's `potential`: weight × (1 − subscore)). */
export const gain = (f: FactorView) => Math.max(0, f.potential);

/** The advice worth showing: blocking first, then by points to gain; at most `n`. */
export function topAdvice(view: ScoreView, n = 5): FactorView[] {
  return view.factors
    .filter((f) => f.advice !== null && (f.blocking || gain(f) >= 0.05))
    .sort((a, b) => Number(b.blocking) - Number(a.blocking) || gain(b) - gain(a) || a.label.localeCompare(b.label))
    .slice(0, n);
}

export const GROUP_LABELS: Record<string, string> = {
  hook: 'Hook',
  pacing: 'Pacing',
  picture: 'Picture',
  sound: 'Sound',
  format: 'Format',
  text: 'Text',
  schedule: 'Posting time',
};

/** Factors grouped in the report's group order (unknown groups last, in their own order). */
export function groupFactors(factors: FactorView[]): { group: string; label: string; factors: FactorView[] }[] {
  const order = Object.keys(GROUP_LABELS);
  const groups = new Map<string, FactorView[]>();
  for (const f of factors) groups.set(f.group, [...(groups.get(f.group) ?? []), f]);
  const rank = (g: string) => (order.includes(g) ? order.indexOf(g) : order.length);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([group, fs]) => ({ group, label: GROUP_LABELS[group] ?? group, factors: fs }));
}

function trimNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 100) / 100);
}

/** "2.3 s", "1080 px (short side)", "yes"; null when not measured. */
export function formatFactorValue(f: FactorView): string | null {
  if (f.value === null) return null;
  if (f.unit === 'yes/no') return f.value >= 0.5 ? 'yes' : 'no';
  if (f.unit === 'share') return `${Math.round(f.value * 100)}%`;
  const n = trimNumber(f.value).replace('-', '−');
  return f.unit === '' ? n : `${n} ${f.unit}`;
}

/** "+4.2" points, one decimal. */
export const formatPoints = (p: number) => `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(1)}`;

export function modelLabel(model: string): string {
  return model === 'learned' ? 'learned from your posts' : 'prior weights';
}

/** A word for the score band, for the gauge's colour and screen readers. */
export function scoreBand(score: number): 'low' | 'mid' | 'high' {
  return score >= 70 ? 'high' : score >= 45 ? 'mid' : 'low';
}
