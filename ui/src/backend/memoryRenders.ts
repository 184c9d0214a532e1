/**
 * The render half of the in-memory backend: the presets, a simulated render that reports
 * progress like the Rust render helper, and the per-asset render history. The rules follow
 * `crates/studio-api/src/renders.rs`:
 * - an unknown preset, an input that is not an asset, an unknown reframe or a trim that is not
 *   "START-END" fail with `invalid_input` / `not_found` before anything is recorded;
 * - reframe "smart" adds the "analyzing" stage (following the subject) between measuring the
 *   loudness and rendering, as studio-media does;
 * - everything the media layer checks (start before end, start inside the video, a video source,
 *   the hook text, the captions extension, the hook duration) is recorded as a failed render
 *   and fails with `invalid_input`;
 * - a captions path containing "broken" fails as unreadable captions, a music path containing
 *   "broken" fails half-way through encoding with `render_failed`;
 * - `jobCancel(jobId)` stops the render: it is recorded as cancelled and rejects with `cancelled`.
 */
import type { Asset, PresetInfo, RenderProgress, RenderRecord, RenderRequest, RenderResult } from './bindings';
import { MEDIA_EXTENSIONS, extensionOf } from '../lib/media';
import { BackendError } from './errors';
import type { Job, Jobs } from './memoryJobs';
import { hashOf } from './memoryMedia';
import type { PickKind } from './types';

/** The built-in presets (assets/presets/*.toml), in the order Rust lists them. */
export const MEMORY_PRESETS: readonly PresetInfo[] = [
  { name: 'linkedin', label: 'LinkedIn', width: 1920, height: 1080, fps: 30 },
  { name: 'portrait', label: 'Portrait 4:5', width: 1080, height: 1350, fps: 30 },
  { name: 'reels', label: 'Instagram Reels', width: 1080, height: 1920, fps: 30 },
  { name: 'shorts', label: 'YouTube Shorts', width: 1080, height: 1920, fps: 30 },
  { name: 'square', label: 'Square', width: 1080, height: 1080, fps: 30 },
  { name: 'tiktok', label: 'TikTok', width: 1080, height: 1920, fps: 30 },
  { name: 'x', label: 'X', width: 1920, height: 1080, fps: 30 },
  { name: 'youtube', label: 'YouTube', width: 1920, height: 1080, fps: 30 },
];

const MAX_HOOK_CHARS = 120;
/** Progress ticks per stage; each waits `stepMs`. */
const TICKS = { measuring: 6, analyzing: 8, rendering: 20 } as const;
/** Simulated seconds of work per second of output: a laptop encoding 1080p at ~1.6× real time. */
const SPEED = { measuring: 0.12, analyzing: 0.2, rendering: 0.6 } as const;
/** About 8 Mbit/s of video plus 192 kbit/s of audio. */
const BYTES_PER_SECOND = 1_030_000;

export interface RenderStoreOptions {
  renders?: RenderRecord[];
  /** Delay per progress tick (26 ticks per render, 34 with smart reframe), so progress is visible. */
  stepMs?: number;
  jobs: Jobs;
  /** What the fake captions picker returns (null: cancelled); default: a new demo .srt per call. */
  pickCaptions?: string | null;
  /** What the fake music picker returns (null: cancelled); default: a new demo .mp3 per call. */
  pickMusic?: string | null;
  findAsset: (id: string) => Asset | undefined;
}


/** An error the media layer raises: recorded with its own code, reported as `code`. */
class MediaFailure extends Error {
  constructor(
    readonly code: 'invalid_input' | 'render_failed' | 'cancelled',
    readonly recordCode: string,
    message: string,
  ) {
    super(message);
  }
}

const settings = (detail: string) => new MediaFailure('invalid_input', 'invalid_settings', `Invalid render settings: ${detail}`);

function parseTrim(t: string): [number, number] {
  const bad = () => new BackendError('invalid_input', `trim "${t}" must be START-END in seconds, e.g. 12.5-40`);
  const i = t.indexOf('-');
  if (i < 0) throw bad();
  const [a, b] = [t.slice(0, i).trim(), t.slice(i + 1).trim()];
  const num = (s: string) => (s === '' || Number.isNaN(Number(s)) ? null : Number(s));
  const [s, e] = [num(a), num(b)];
  if (s === null || e === null) throw bad();
  return [s, e];
}

/** The output window in seconds, checked like studio-media's render(). */
function outputWindow(asset: Asset, trim: [number, number] | null): [number, number] {
  if (asset.kind !== 'video') throw settings(`renders need a video source; this is ${asset.kind}`);
  const len = asset.duration_s ?? 0;
  if (trim === null) return [0, len];
  const [s, e] = trim;
  if (!(Number.isFinite(s) && Number.isFinite(e)) || s < 0 || e <= s) throw settings(`trim ${s}-${e}: the start must be before the end`);
  if (s >= len) throw settings(`trim starts at ${s} s but the video is ${len.toFixed(2)} s long`);
  return [s, Math.min(e, len)];
}

function checkOverlay(req: RenderRequest): void {
  if (req.hook_text !== null) {
    const t = req.hook_text.trim();
    if (t === '') throw settings('the hook text is empty');
    const n = [...t].length;
    if (n > MAX_HOOK_CHARS) throw settings(`the hook text has ${n} characters; at most ${MAX_HOOK_CHARS} fit the screen`);
    if (t.split('\n').length > 3) throw settings('the hook text has more than 3 lines');
  }
  if (req.captions === null && req.hook_text === null) return;
  const seconds = req.hook_seconds ?? 3;
  if (!(seconds >= 0.5 && seconds <= 30)) throw settings(`hook duration ${seconds} s outside 0.5..30`);
  if (req.captions !== null) {
    if (!['srt', 'ass', 'ssa'].includes(extensionOf(req.captions))) throw settings('captions must be an .srt or .ass file');
    if (/broken/i.test(req.captions)) {
      throw new MediaFailure('invalid_input', 'invalid_captions', 'The captions file cannot be used (line 3): expected a time line like 00:00:01,000 --> 00:00:02,500');
    }
  }
}

function checkMusic(music: string | null): void {
  if (music === null) return;
  const ext = extensionOf(music);
  if (!MEDIA_EXTENSIONS.audio.includes(ext) && !MEDIA_EXTENSIONS.video.includes(ext)) throw settings('the music file has no sound');
}

/** A render whose output file "exists" is one whose path is in `disk`. */
export function createRenderStore(opts: RenderStoreOptions) {
  const records: RenderRecord[] = (opts.renders ?? []).map((r) => ({ ...r }));
  const disk = new Set(records.filter((r) => r.output_exists && r.output).map((r) => r.output!));
  let counter = 0;
  let picks = 0;

  const find = (id: string): RenderRecord => {
    const r = records.find((x) => x.id === id);
    if (!r) throw new BackendError('not_found', `No render with id ${id}.`);
    return r;
  };
  const publicCopy = (r: RenderRecord): RenderRecord => {
    const exists = r.output !== null && disk.has(r.output);
    return { ...r, output_exists: exists, size_bytes: exists ? r.size_bytes : null };
  };

  /** Like Rust's default_output: named after the original file, never overwriting a render. */
  function outputFor(asset: Asset, preset: string): string {
    const stem = asset.original_name.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}_-]/gu, '_') || 'render';
    for (let n = 1; ; n += 1) {
      const p = `/memory/renders/${n === 1 ? `${stem}-${preset}` : `${stem}-${preset}-${n}`}.mp4`;
      if (!disk.has(p)) return p;
    }
  }

  async function renderStart(jobId: string, req: RenderRequest, onProgress: (p: RenderProgress) => void): Promise<RenderResult> {
    const preset = MEMORY_PRESETS.find((p) => p.name === req.preset);
    if (!preset) {
      throw new BackendError('invalid_input', `No render preset named "${req.preset}" (known: ${MEMORY_PRESETS.map((p) => p.name).join(', ')}).`);
    }
    const asset = opts.findAsset(req.input);
    if (!asset) throw new BackendError('not_found', `"${req.input}" is neither an asset id nor an existing file.`);
    if (req.reframe !== null && !['blur', 'center', 'smart'].includes(req.reframe)) {
      throw new BackendError('invalid_input', `reframe "${req.reframe}": use blur, center or smart.`);
    }
    const trim = req.trim === null ? null : parseTrim(req.trim);

    counter += 1;
    const record: RenderRecord = {
      id: `render-${Date.now().toString(36)}-${String(counter).padStart(4, '0')}`,
      asset_id: asset.id, preset: preset.name, state: 'running', output: null, output_exists: false, size_bytes: null,
      width: null, height: null, duration_s: null, encoder: null, error_code: null, error_message: null,
      request: { ...req }, created_at: new Date(Date.now() + counter).toISOString(),
    };
    records.push(record);

    // Simulated clock: progress, elapsed time and ETA as the Rust tracker computes them.
    let elapsed = 0;
    let stageStart = 0;
    const send = (stage: string, fraction: number | null) => {
      const inStage = elapsed - stageStart;
      const eta = fraction !== null && fraction >= 0.03 && fraction < 1 && inStage >= 1 ? (inStage * (1 - fraction)) / fraction : null;
      onProgress({ render_id: record.id, stage, fraction, elapsed_s: elapsed, eta_s: eta });
    };
    const stage = async (job: Job, name: keyof typeof TICKS, seconds: number, failAt?: number) => {
      stageStart = elapsed;
      send(name, 0);
      for (let i = 1; i <= TICKS[name]; i += 1) {
        if (!(await job.step())) throw new MediaFailure('cancelled', 'cancelled', 'Cancelled.');
        elapsed += seconds / TICKS[name];
        if (failAt !== undefined && i / TICKS[name] >= failAt) {
          throw new MediaFailure('render_failed', 'render_failed', 'The render failed: Error while filtering: Invalid data found when processing input (amovie: music)');
        }
        send(name, i / TICKS[name]);
      }
    };

    const render = async (job: Job): Promise<RenderResult> => {
      send('starting', null);
      const [start, end] = outputWindow(asset, trim);
      checkOverlay(req);
      checkMusic(req.music);
      const length = end - start;
      await stage(job, 'measuring', Math.max(0.6, length * SPEED.measuring));
      if (req.reframe === 'smart') await stage(job, 'analyzing', Math.max(0.8, length * SPEED.analyzing));
      await stage(job, 'rendering', Math.max(1.5, length * SPEED.rendering), req.music && /broken/i.test(req.music) ? 0.4 : undefined);

      const output = req.output ?? outputFor(asset, preset.name);
      const source = -(12 + (hashOf(asset.content_hash) % 130) / 10); // -12.0 … -24.9 LUFS
      const gain = Math.round((-14 - source) * 100) / 100;
      disk.add(output);
      Object.assign(record, {
        state: 'done', output, width: preset.width, height: preset.height, duration_s: Math.round(length * 1000) / 1000,
        encoder: 'libx264', size_bytes: Math.round(length * BYTES_PER_SECOND),
      });
      const [w, h] = [preset.width, preset.height];
      return {
        render_id: record.id, output, width: w, height: h, fps: preset.fps, duration_s: record.duration_s!, encoder: 'libx264', encoder_fallback: null,
        preset: preset.name, source_loudness_lufs: source, gain_db: gain,
        video_graph: `trim=start=${start.toFixed(6)}:end=${end.toFixed(6)},setpts=PTS-STARTPTS,fps=${preset.fps},split[a][b];[a]scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h},boxblur=20[bg];[b]scale=${w}:${h}:force_original_aspect_ratio=decrease[fg];[bg][fg]overlay=(W-w)/2:(H-h)/2,setsar=1,format=yuv420p`,
        audio_graph: `atrim=start=${start.toFixed(6)}:end=${end.toFixed(6)},asetpts=PTS-STARTPTS,aresample=48000,volume=${gain}dB,alimiter=limit=0.891`,
        measure_graph: 'ebur128=peak=true:metadata=1',
        loudness_passes: 2,
      };
    };
    try {
      return await opts.jobs.run(jobId, opts.stepMs, (job) => render(job));
    } catch (err) {
      if (!(err instanceof MediaFailure)) throw err;
      Object.assign(record, { state: err.code === 'cancelled' ? 'cancelled' : 'failed', error_code: err.recordCode, error_message: err.message });
      throw new BackendError(err.code, err.message);
    }
  }

  return {
    dumpRenders: () => records.map(publicCopy),
    /** True when the path is a render output (it plays as media, not as a picture). */
    isOutput: (path: string) => records.some((r) => r.output === path),
    presets: () => MEMORY_PRESETS.map((p) => ({ ...p })),
    renderStart,
    renderList(assetId: string | null): RenderRecord[] {
      if (assetId !== null && !opts.findAsset(assetId)) throw new BackendError('not_found', `No asset with id ${assetId}.`);
      return records
        .filter((r) => assetId === null || r.asset_id === assetId)
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
        .map(publicCopy);
    },
    renderDelete(id: string): RenderRecord {
      const r = find(id);
      if (r.state === 'running' || r.state === 'queued') throw new BackendError('conflict', 'This render is still running; cancel it first.');
      if (r.output) disk.delete(r.output);
      records.splice(records.indexOf(r), 1);
      return publicCopy(r);
    },
    /** The render's file, when it is still where the history says (like the Tauri commands). */
    outputOf(id: string): string {
      const r = find(id);
      if (r.output === null) throw new BackendError('not_found', 'This render has no file (it did not finish).');
      if (!disk.has(r.output)) throw new BackendError('not_found', `${r.output} was moved or deleted.`);
      return r.output;
    },
    pickFile(kind: PickKind): string | null {
      picks += 1;
      if (kind === 'captions') return opts.pickCaptions !== undefined ? opts.pickCaptions : `/home/demo/Captions/take-${picks}.srt`;
      return opts.pickMusic !== undefined ? opts.pickMusic : `/home/demo/Music/bed-${picks}.mp3`;
    },
    /** For tests: a finished render's file disappears, as if deleted outside the app. */
    removeFile(path: string): void {
      disk.delete(path);
    },
  };
}
