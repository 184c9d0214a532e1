/**
 * How long a text is the way a platform counts it (`limits.caption_unit`: characters, UTF-16
 * units, UTF-8 bytes, graphemes, X's weighted characters; Mastodon and X count a link as 23), as
 * studio-api's validate.rs does. The composer counts thread parts with it and the in-memory
 * backend validates with it.
 */
import type { PlatformView } from '../backend/bindings';

export const isLink = (w: string) => /^(https?:\/\/|www\.)\S+/i.test(w);

let segmenter: Intl.Segmenter | null = null;
function graphemes(text: string): number {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let n = 0;
  for (const _ of segmenter.segment(text)) n += 1;
  return n;
}

/** X counts most Latin text as 1 and everything else (CJK, emoji) as 2; a link is 23. */
function xWeight(cp: number): number {
  const light = cp <= 0x10ff || (cp >= 0x2000 && cp <= 0x200d) || (cp >= 0x2010 && cp <= 0x201f) || (cp >= 0x2032 && cp <= 0x2037);
  return light ? 1 : 2;
}

function countPlain(unit: string, text: string): number {
  switch (unit) {
    case 'utf16':
      return text.length;
    case 'utf8_bytes':
      return new TextEncoder().encode(text).length;
    case 'graphemes':
      return graphemes(text);
    case 'x_weighted':
      return Array.from(text).reduce((n, c) => n + xWeight(c.codePointAt(0) ?? 0), 0);
    default:
      return Array.from(text).length;
  }
}

/** How long `text` is as `platform` counts it. */
export function captionLength(platform: Pick<PlatformView, 'id' | 'limits'>, text: string): number {
  const unit = platform.limits.caption_unit;
  const linkLength = platform.id === 'mastodon' || platform.id === 'x' ? 23 : null;
  if (linkLength === null) return countPlain(unit, text);
  return text
    .split(/(\s+)/)
    .reduce((n, token) => n + (isLink(token) ? linkLength : countPlain(unit, token)), 0);
}

export function unitLabel(unit: string): string {
  switch (unit) {
    case 'utf16':
      return 'UTF-16 units';
    case 'utf8_bytes':
      return 'bytes';
    case 'x_weighted':
      return 'weighted characters';
    default:
      return 'characters';
  }
}
