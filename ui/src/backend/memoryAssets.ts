/**
 * The media library half of the in-memory backend. Fake rules, chosen to
 * exercise every branch of the UI:
 * - a path whose last segment has no extension is a folder holding four files;
 * - `.txt` and other unknown extensions fail with `unsupported_format`;
 * - a path containing "broken" fails with `corrupt_media`, "empty" with `empty_file`,
 *   "missing" with `unreadable` (not counted in the progress total, like Rust);
 * - the same path imported again is skipped ("already in the library").
 */
import type { Asset, AssetQuery, ImportOptions, ImportReport, ProgressEvent } from './bindings';
import { baseName, extensionOf } from '../lib/media';
import { BackendError } from './errors';
import type { Job, Jobs } from './memoryJobs';
import { fakeFileUrl, fakeProbe, hashOf, kindOfPath } from './memoryMedia';
import type { FileDropHandlers } from './types';

export interface AssetStoreOptions {
  assets?: Asset[];
  /** Delay per import stage (hashing, probing, saving), so progress is visible. */
  stepMs?: number;
  jobs: Jobs;
  /** What the fake "Import files…" dialog returns (default: two new demo files per call). */
  pickFiles?: string[];
  /** What the fake "Import folder…" dialog returns (default: a new demo folder per call). */
  pickFolder?: string | null;
  campaignExists: (id: string) => boolean;
}

const FOLDER_CONTENTS = ['clip-01.mp4', 'clip-02-vertical.mov', 'cover.jpg', 'voiceover.wav'];

const MESSAGES: Record<string, (name: string) => string> = {
  unsupported_format: (n) => `${n}: not a video, image or audio format this build can read.`,
  corrupt_media: (n) => `${n}: the container is damaged (no decodable stream found).`,
  empty_file: (n) => `${n}: the file is empty.`,
  unreadable: (n) => `${n}: No such file or directory (os error 2).`,
  cancelled: () => 'The import was cancelled before this file.',
};

/** Folders expand to their files; duplicates go; order is by path, like the Rust walker. */
function collect(paths: string[]): string[] {
  const files = new Set<string>();
  for (const raw of paths) {
    const p = raw.replace(/[\\/]+$/, '');
    if (extensionOf(p) === '' && !/missing/i.test(p)) FOLDER_CONTENTS.forEach((f) => files.add(`${p}/${f}`));
    else files.add(p);
  }
  return [...files].sort();
}

/** Stands in for the SHA-256 of the bytes: the same path means the same content. */
const hashFor = (path: string) => hashOf(path).toString(16).padStart(8, '0').repeat(8);

function failure(path: string, code: string) {
  return { path, code, message: (MESSAGES[code] ?? ((n: string) => `${n}: ${code}`))(baseName(path)) };
}

/** A plausible asset for a fake file: what an import of `path` would store. */
export function fakeAsset(
  path: string,
  o: { id: string; created_at: string; reference?: boolean; campaign_id?: string | null },
): Asset {
  const kind = kindOfPath(path) ?? 'video';
  const hash = hashFor(path);
  const thumbs = `/memory/thumbs/${hash.slice(0, 2)}/${hash}`;
  return {
    ...fakeProbe(path, kind),
    id: o.id,
    kind,
    path: o.reference ? path : `/memory/library/${hash.slice(0, 2)}/${hash}.${extensionOf(path)}`,
    original_name: baseName(path),
    storage: o.reference ? 'referenced' : 'copied',
    content_hash: hash,
    campaign_id: o.campaign_id ?? null,
    poster: kind === 'audio' ? null : `${thumbs}/poster.jpg`,
    filmstrip: kind === 'video' ? `${thumbs}/filmstrip.jpg` : null,
    waveform: kind === 'audio' ? `${thumbs}/waveform.png` : null,
    created_at: o.created_at,
  };
}

export function createAssetStore(opts: AssetStoreOptions) {
  const assets: Asset[] = (opts.assets ?? []).map((a) => ({ ...a }));
  const dropHandlers = new Set<FileDropHandlers>();
  const urls = new Map<string, string>();
  let counter = 0;
  let picks = 0;

  const findByFile = (path: string) =>
    assets.find((a) => a.path === path || a.poster === path || a.filmstrip === path || a.waveform === path);

  function create(path: string, options: ImportOptions): Asset {
    counter += 1;
    const asset = fakeAsset(path, {
      ...options,
      id: `asset-${Date.now().toString(36)}-${String(counter).padStart(4, '0')}`,
      created_at: new Date(Date.now() + counter).toISOString(),
    });
    assets.push(asset);
    return asset;
  }

  async function assetImport(
    jobId: string,
    paths: string[],
    options: ImportOptions,
    onProgress: (p: ProgressEvent) => void,
  ): Promise<ImportReport> {
    if (options.campaign_id !== null && !opts.campaignExists(options.campaign_id)) {
      throw new BackendError('not_found', `No campaign with id ${options.campaign_id}.`);
    }
    const report: ImportReport = { imported: [], skipped: [], failed: [] };
    const all = collect(paths);
    const missing = all.filter((p) => /missing/i.test(p));
    const files = all.filter((p) => !/missing/i.test(p));
    const total = files.length;
    let done = 0;
    // null: import it; 'skipped': already there; anything else: a failure code.
    const outcome = async (job: Job, file: string, existing: Asset | undefined): Promise<string | null> => {
      const step = (item: string, stage: string) => {
        onProgress({ item: baseName(item), stage, done, total, fraction: null });
        return job.step();
      };
      if (job.cancelled || !(await step(file, 'hashing'))) return 'cancelled';
      if (kindOfPath(file) === null) return 'unsupported_format';
      if (/empty/i.test(file)) return 'empty_file';
      if (existing) return 'skipped';
      if (!(await step(file, 'probing'))) return 'cancelled';
      if (/broken/i.test(file)) return 'corrupt_media';
      if (!(await step(file, 'saving'))) return 'cancelled';
      return null;
    };
    await opts.jobs.run(jobId, opts.stepMs, async (job) => {
      for (const file of files) {
        const existing = assets.find((a) => a.content_hash === hashFor(file));
        const code = await outcome(job, file, existing);
        if (code === 'skipped') report.skipped.push({ path: file, reason: 'already in the library', existing_id: existing?.id ?? null });
        else if (code) report.failed.push(failure(file, code));
        else report.imported.push({ ...create(file, options) });
        done += 1;
        onProgress({ item: baseName(file), stage: 'done', done, total, fraction: null });
      }
    });
    report.failed.unshift(...missing.map((p) => failure(p, 'unreadable')));
    return report;
  }

  return {
    dumpAssets: () => assets.map((a) => ({ ...a })),
    assetList(q: AssetQuery): Asset[] {
      const search = q.search?.trim().toLocaleLowerCase() ?? '';
      return assets
        .filter((a) => (q.kind === null || a.kind === q.kind) && (q.campaign_id === null || a.campaign_id === q.campaign_id))
        .filter((a) => search === '' || a.original_name.toLocaleLowerCase().includes(search))
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
        .map((a) => ({ ...a }));
    },
    assetGet(id: string): Asset {
      const a = assets.find((x) => x.id === id);
      if (!a) throw new BackendError('not_found', `No asset with id ${id}.`);
      return { ...a };
    },
    assetImport,
    pickMediaFiles(): string[] {
      picks += 1;
      return opts.pickFiles ? [...opts.pickFiles] : [`/home/demo/Videos/take-${picks}.mp4`, `/home/demo/Pictures/thumbnail-${picks}.png`];
    },
    pickFolder(): string | null {
      picks += 1;
      return opts.pickFolder !== undefined ? opts.pickFolder : `/home/demo/Footage/shoot-${picks}`;
    },
    onFileDrop(handlers: FileDropHandlers): () => void {
      dropHandlers.add(handlers);
      return () => dropHandlers.delete(handlers);
    },
    /** Plays an OS drag over the window, as Tauri would report it. */
    simulate: {
      hover: (paths: string[]) => dropHandlers.forEach((h) => h.onHover([...paths])),
      drop: (paths: string[]) => dropHandlers.forEach((h) => h.onDrop([...paths])),
      leave: () => dropHandlers.forEach((h) => h.onLeave()),
    },
    fileUrl(path: string): string {
      let url = urls.get(path);
      if (url === undefined) {
        url = fakeFileUrl(path, findByFile(path));
        urls.set(path, url);
      }
      return url;
    },
  };
}
