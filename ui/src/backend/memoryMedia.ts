/**
 * Fake media for the in-memory backend: plausible probe results derived from a
 * file's path, and data: URLs standing in for posters, filmstrips, waveforms
 * and playable media, so the Library looks real without any files on disk.
 */
import type { Asset, AssetKind } from './bindings';
import { MEDIA_EXTENSIONS, baseName, extensionOf } from '../lib/media';

/** FNV-1a: a stable 32-bit number per string (stands in for the content hash). */
export function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function kindOfPath(path: string): AssetKind | null {
  const ext = extensionOf(path);
  const kinds = Object.keys(MEDIA_EXTENSIONS) as AssetKind[];
  return kinds.find((k) => MEDIA_EXTENSIONS[k].includes(ext)) ?? null;
}

type Probe = Pick<
  Asset,
  | 'width' | 'height' | 'duration_s' | 'fps' | 'variable_frame_rate' | 'rotation' | 'container'
  | 'video_codec' | 'audio_codec' | 'audio_channels' | 'sample_rate' | 'size_bytes'
>;

const NONE: Probe = {
  width: null, height: null, duration_s: null, fps: null, variable_frame_rate: false, rotation: 0,
  container: null, video_codec: null, audio_codec: null, audio_channels: null, sample_rate: null, size_bytes: 0,
};

const VIDEO_SHAPES = [
  { width: 1080, height: 1920, fps: 29.97, rotation: 90, vfr: false },
  { width: 1920, height: 1080, fps: 25, rotation: 0, vfr: false },
  { width: 3840, height: 2160, fps: 59.94, rotation: 0, vfr: false },
  { width: 1080, height: 1080, fps: 30, rotation: 0, vfr: true },
] as const;

const CONTAINERS: Record<string, string> = { mov: 'mp4', m4v: 'mp4', m4a: 'mp4', mkv: 'matroska', jpg: 'jpeg', tif: 'tiff' };

/** Deterministic "probe" of a fake file. Vertical-sounding names get a 9:16 video. */
export function fakeProbe(path: string, kind: AssetKind): Probe {
  const h = hashOf(path);
  const ext = extensionOf(path);
  const container = CONTAINERS[ext] ?? ext;
  if (kind === 'video') {
    const vertical = /vertical|short|reel|story|tiktok/i.test(baseName(path));
    const shape = vertical ? VIDEO_SHAPES[0] : VIDEO_SHAPES[h % VIDEO_SHAPES.length]!;
    const duration = 6 + (h % 170) + (h % 10) / 10;
    return {
      ...NONE, width: shape.width, height: shape.height, duration_s: duration, fps: shape.fps,
      variable_frame_rate: shape.vfr, rotation: shape.rotation, container,
      video_codec: shape.width > 1920 ? 'hevc' : 'h264', audio_codec: 'aac', audio_channels: 2, sample_rate: 48000,
      size_bytes: Math.round(duration * (shape.width > 1920 ? 5_500_000 : 1_100_000)),
    };
  }
  if (kind === 'image') {
    const sizes = [[1080, 1350], [1920, 1080], [3000, 2000], [1080, 1080]] as const;
    const [width, height] = sizes[h % sizes.length]!;
    return { ...NONE, width, height, container, size_bytes: 180_000 + (h % 2_800_000) };
  }
  const duration = 20 + (h % 220) + (h % 7) / 10;
  const wav = ext === 'wav' || ext === 'aif' || ext === 'aiff';
  return {
    ...NONE, duration_s: duration, container,
    audio_codec: wav ? 'pcm_s16le' : ext === 'mp3' ? 'mp3' : ext === 'flac' ? 'flac' : 'aac',
    audio_channels: h % 5 === 0 ? 1 : 2, sample_rate: h % 3 === 0 ? 44100 : 48000,
    size_bytes: Math.round(duration * (wav ? 192_000 : 24_000)),
  };
}

const svgUrl = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

/** A stylized landscape "frame", tinted per asset, at the asset's aspect ratio. */
function posterSvg(seed: number, width: number, height: number): string {
  const scale = 480 / Math.max(width, height);
  const w = Math.round(width * scale);
  const ht = Math.round(height * scale);
  const hue = seed % 360;
  const hue2 = (hue + 40 + (seed % 50)) % 360;
  const sunX = Math.round(w * (0.2 + ((seed >> 8) % 60) / 100));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${ht}" viewBox="0 0 ${w} ${ht}">
<defs><linearGradient id="g" x1="0" y1="0" x2="0.4" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% 62%)"/><stop offset="1" stop-color="hsl(${hue2} 65% 38%)"/></linearGradient></defs>
<rect width="${w}" height="${ht}" fill="url(#g)"/>
<circle cx="${sunX}" cy="${Math.round(ht * 0.32)}" r="${Math.round(Math.min(w, ht) * 0.12)}" fill="hsl(${(hue + 30) % 360} 90% 88%)" opacity="0.85"/>
<path d="M0 ${ht * 0.72} L${w * 0.3} ${ht * 0.5} L${w * 0.55} ${ht * 0.68} L${w * 0.78} ${ht * 0.46} L${w} ${ht * 0.64} V${ht} H0Z" fill="hsl(${hue2} 45% 24%)" opacity="0.75"/>
<path d="M0 ${ht * 0.86} L${w * 0.4} ${ht * 0.7} L${w * 0.7} ${ht * 0.84} L${w} ${ht * 0.76} V${ht} H0Z" fill="hsl(${hue2} 40% 14%)" opacity="0.85"/>
</svg>`;
}

function filmstripSvg(seed: number): string {
  const frames = Array.from({ length: 8 }, (_, i) => {
    const hue = (seed + i * 9) % 360;
    return `<rect x="${i * 80 + 2}" y="2" width="76" height="41" rx="3" fill="hsl(${hue} 60% ${40 + (i % 3) * 8}%)"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="45" viewBox="0 0 640 45"><rect width="640" height="45" fill="#111"/>${frames}</svg>`;
}

function waveformSvg(seed: number): string {
  let x = seed || 1;
  const bars = Array.from({ length: 96 }, (_, i) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const envelope = 0.35 + 0.65 * Math.abs(Math.sin((i / 96) * Math.PI * 2.3 + (seed % 7)));
    const amp = Math.max(4, Math.round((((x >>> 16) % 100) / 100) * 100 * envelope));
    return `<rect x="${i * 5}" y="${60 - amp / 2}" width="3" height="${amp}" rx="1.5"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120" viewBox="0 0 480 120"><g fill="#8a78ff">${bars}</g></svg>`;
}

let silentWav: string | null = null;

/** Half a second of silence: a valid source for both <audio> and <video>. */
export function silence(): string {
  if (silentWav) return silentWav;
  const rate = 8000;
  const samples = rate / 2;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  text(36, 'data');
  view.setUint32(40, samples, true);
  bytes.fill(128, 44); // 8-bit silence
  silentWav = `data:audio/wav;base64,${btoa(String.fromCharCode(...bytes))}`;
  return silentWav;
}

/** The data: URL standing in for one of an asset's files (or a generic tile for unknown paths). */
export function fakeFileUrl(path: string, asset: Asset | undefined): string {
  if (path.startsWith('data:')) return path;
  const seed = hashOf(asset?.content_hash ?? path);
  const w = asset?.width ?? 1600;
  const h = asset?.height ?? 900;
  if (asset && path === asset.filmstrip) return svgUrl(filmstripSvg(seed));
  if (asset && path === asset.waveform) return svgUrl(waveformSvg(seed));
  if (asset && path === asset.path && asset.kind !== 'image') return silence();
  return svgUrl(posterSvg(seed, w, h));
}
