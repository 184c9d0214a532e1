/**
 * The render dialog's pure logic: its values, the checks it can make before asking the
 * backend (the real rules live in Rust and still apply), and the request it sends.
 */
import type { RenderRequest } from '../backend';

/** Rust's captions::MAX_HOOK_CHARS. */
export const MAX_HOOK_CHARS = 120;
export const DEFAULT_HOOK_SECONDS = 3;

export type Reframe = '' | 'blur' | 'center' | 'smart';

export const REFRAMES: readonly { value: Reframe; label: string }[] = [
  { value: '', label: 'Default for the preset' },
  { value: 'blur', label: 'Blur background' },
  { value: 'center', label: 'Centre crop' },
  { value: 'smart', label: 'Smart — follow the subject' },
];

export type RenderFormValues = {
  preset: string;
  reframe: Reframe;
  /** Seconds, as typed; empty = from the beginning. */
  trimStart: string;
  /** Seconds, as typed; empty = to the end. */
  trimEnd: string;
  captions: string | null;
  hookText: string;
  /** Seconds, as typed; empty = the default (3 s). */
  hookSeconds: string;
  music: string | null;
};

export type RenderFormField = 'trimStart' | 'trimEnd' | 'hookText' | 'hookSeconds';
export type RenderFormErrors = Partial<Record<RenderFormField, string>>;

export function initialRenderValues(preset = 'tiktok'): RenderFormValues {
  return { preset, reframe: '', trimStart: '', trimEnd: '', captions: null, hookText: '', hookSeconds: '', music: null };
}

/** "12.5" or "12,5" → 12.5; empty → null; anything else → NaN. */
export function parseSeconds(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  return /^\d+(\.\d*)?$|^\.\d+$/.test(t) ? Number(t) : Number.NaN;
}

/** The part of the video that will be rendered, or null while the trim fields are invalid. */
export function trimWindow(v: RenderFormValues, duration: number | null): { start: number; end: number } | null {
  const start = parseSeconds(v.trimStart);
  const end = parseSeconds(v.trimEnd);
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  const s = start ?? 0;
  const e = end ?? duration;
  if (e === null || s >= e || (duration !== null && e > duration + 1e-6)) return null;
  return { start: s, end: e };
}

export function validateRenderForm(v: RenderFormValues, duration: number | null): RenderFormErrors {
  const errors: RenderFormErrors = {};
  const start = parseSeconds(v.trimStart);
  const end = parseSeconds(v.trimEnd);
  const len = duration === null ? null : `${Number(duration.toFixed(2))} s`;
  if (Number.isNaN(start)) errors.trimStart = 'Enter the start in seconds, e.g. 2.5.';
  else if (start !== null && duration !== null && start >= duration) errors.trimStart = `The video is only ${len} long.`;
  if (Number.isNaN(end)) errors.trimEnd = 'Enter the end in seconds, e.g. 14.';
  else if (end !== null && end <= (Number.isNaN(start) ? 0 : (start ?? 0))) {
    errors.trimEnd = start === null ? 'The end must be after 0 s.' : 'The end must be after the start.';
  } else if (end !== null && duration !== null && end > duration + 1e-6) errors.trimEnd = `The video is only ${len} long.`;

  const hook = v.hookText.trim();
  if ([...hook].length > MAX_HOOK_CHARS) errors.hookText = `At most ${MAX_HOOK_CHARS} characters fit the screen.`;
  else if (hook.split('\n').length > 3) errors.hookText = 'At most 3 lines.';
  const hookSeconds = parseSeconds(v.hookSeconds);
  if (hookSeconds !== null && (Number.isNaN(hookSeconds) || hookSeconds < 0.5 || hookSeconds > 30)) {
    errors.hookSeconds = 'Between 0.5 and 30 seconds.';
  }
  return errors;
}

/** Numbers as the backend reads them: 12.5 → "12.5", 27.400000001 → "27.4". */
const num = (n: number) => String(Number(n.toFixed(3)));

export function toRenderRequest(assetId: string, v: RenderFormValues, duration: number | null): RenderRequest {
  const start = parseSeconds(v.trimStart);
  const end = parseSeconds(v.trimEnd);
  const trimmed = start !== null || end !== null;
  const hook = v.hookText.trim();
  const hookSeconds = parseSeconds(v.hookSeconds);
  return {
    input: assetId,
    preset: v.preset,
    output: null,
    // Without a known length, an open end is "far away": Rust clamps it to the video's end.
    trim: trimmed ? `${num(start ?? 0)}-${num(end ?? duration ?? 86_400)}` : null,
    reframe: v.reframe === '' ? null : v.reframe,
    encoder: null,
    x264_preset: null,
    crf: null,
    captions: v.captions,
    hook_text: hook === '' ? null : hook,
    hook_seconds: hook !== '' && hookSeconds !== null && !Number.isNaN(hookSeconds) ? hookSeconds : null,
    music: v.music,
  };
}
