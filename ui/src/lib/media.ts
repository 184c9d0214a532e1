/** Media facts for display, and the file types the import dialogs offer. */
import type { AssetKind } from '../backend';

/** Extensions offered by the "Import files…" dialog (the backend detects formats by content). */
export const MEDIA_EXTENSIONS: Record<AssetKind, readonly string[]> = {
  video: ['mp4', 'mov', 'm4v', 'mkv', 'webm', 'avi', 'mts', 'm2ts', '3gp'],
  image: ['jpg', 'jpeg', 'png', 'webp', 'gif', 'bmp', 'tif', 'tiff', 'heic', 'avif'],
  audio: ['mp3', 'wav', 'm4a', 'aac', 'flac', 'ogg', 'opus', 'aif', 'aiff'],
};

export const KIND_LABELS: Record<AssetKind, string> = { video: 'Video', image: 'Image', audio: 'Audio' };

export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The last segment of a POSIX or Windows path. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i >= 0 ? trimmed.slice(i + 1) : trimmed;
}

/** 27.4 → "0:27", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function formatResolution(width: number | null, height: number | null): string | null {
  return width && height ? `${width}×${height}` : null;
}

/** Decimal units, like the OS file managers: 24_100_000 → "24.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** 29.97002997 → "29.97 fps"; 30 → "30 fps". */
export function formatFps(fps: number): string {
  return `${Number(fps.toFixed(2))} fps`;
}

export function formatChannels(n: number): string {
  if (n === 1) return 'mono';
  if (n === 2) return 'stereo';
  if (n === 6) return '5.1';
  if (n === 8) return '7.1';
  return `${n} channels`;
}

export function formatSampleRate(hz: number): string {
  return `${Number((hz / 1000).toFixed(1))} kHz`;
}

export function orientation(width: number, height: number): string {
  if (width === height) return 'square';
  return width > height ? 'landscape' : 'portrait';
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** RFC 3339 → a local date and time; unparseable input is shown as-is. */
export function formatDateTime(value: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTimeFormat.format(d);
}
