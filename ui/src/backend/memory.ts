/**
 * In-memory fake of the Rust backend, for Vitest, Playwright and `npm run dev`
 * in a plain browser. It mimics the real error codes for the obvious
 * validation cases so the UI's error placement is testable; the real rules
 * live in Rust (studio-core / studio-api).
 */
import type { AccountView, AppInfo, Asset, Campaign, CampaignInput, CampaignPatch, RenderRecord, RevenueEntry, RevenueRates } from './bindings';
import { BackendError } from './errors';
import { createAccountStore } from './memoryAccounts';
import { createAssetStore } from './memoryAssets';
import { createChangeFeed } from './memoryEvents';
import { createJobs } from './memoryJobs';
import { answerBook, createFixtureReplay, type Answered, type Fixture } from './memoryFixtures';
import campaignAnswers from './fixtures/campaign.json';
import defaults from './fixtures/memory-defaults.json';
import { kindOfPath, silence } from './memoryMedia';
import { createPostStore, type SchedulerSeed } from './memoryPosts';
import { createRenderStore } from './memoryRenders';
import { createRevenueStore, type MemoryFile } from './memoryRevenue';
import { createScoreStore } from './memoryScore';
import type { Backend, ComplianceSettings, ErrorCode, NotificationView, PostView, SlotsInput, Topic } from './types';

export interface MemorySeed {
  campaigns?: Campaign[];
  timezones?: string[];
  appInfo?: Partial<AppInfo>;
  /** Artificial delay per call, so pending states are visible. */
  latencyMs?: number;
  /** Library assets (see memoryAssets.ts for the fake import rules). */
  assets?: Asset[];
  /** Delay per import stage of each file (default: latencyMs). */
  importStepMs?: number;
  /** What the fake file dialog returns; default: two new demo files per call. */
  pickFiles?: string[];
  /** What the fake folder dialog returns (null: cancelled); default: a new demo folder. */
  pickFolder?: string | null;
  /** Render history (see memoryRenders.ts for the fake render rules). */
  renders?: RenderRecord[];
  /** Delay per render progress tick, 26 ticks a render, 34 with smart reframe (default: latencyMs). */
  renderStepMs?: number;
  /** What the fake captions picker returns (null: cancelled); default: a new demo .srt per call. */
  pickCaptions?: string | null;
  /** What the fake music picker returns (null: cancelled); default: a new demo .mp3 per call. */
  pickMusic?: string | null;
  /** Delay per measuring tick of an asset's first score, 8 ticks (default: latencyMs); see memoryScore.ts. */
  scoreStepMs?: number;
  /** Published posts with their latest metrics: only counted here (the metrics export); what they mean is in `answers`. */
  history?: unknown[];
  /** Connected accounts (see memoryAccounts.ts for the fake sign-in rules). */
  accounts?: AccountView[];
  /** How long a fake sign-in waits for the browser (or checks a password), and each publish upload tick (default: latencyMs). */
  connectStepMs?: number;
  /** Posts in any state (see memoryPosts.ts for the validation and scheduling rules). */
  posts?: PostView[];
  /** Banned terms and the link limit (default: none, 2 links). */
  compliance?: ComplianceSettings;
  /** Posting slots per account. */
  slots?: SlotsInput[];
  /** The publisher's health as schedulerStatus reports it (default: this app holds a live lease). */
  scheduler?: SchedulerSeed;
  notifications?: NotificationView[];
  /** Revenue and cost entries (memoryRevenue.ts keeps them; the money rules are replayed from fixtures/money.json). */
  revenue?: RevenueEntry[];
  /** Exchange rates (default: none set). */
  rates?: RevenueRates | null;
  /** The fake file system payout exports are read from and exports written to (default: one demo payout CSV). */
  files?: Record<string, MemoryFile>;
  /** What the fake "open CSV" dialog returns (null: cancelled); default: the demo payout CSV. */
  pickRevenueCsv?: string | null;
  /** What the fake "save as" dialog returns (null: cancelled); default: /home/demo/Documents/<suggested name>. */
  savePath?: string | null;
  /** Folders where writing an export or report fails with `io` (permission denied). */
  readOnlyDirs?: string[];
  /** Answers computed by studio-api for this seed's scenario (see memoryFixtures.ts), replayed for analytics, post results, scores, best times and model cards. */
  answers?: Fixture;
}

type Method = Exclude<keyof Backend, 'kind' | 'fileUrl' | 'onFileDrop' | 'onDataChanged'>;

export interface MemoryBackend extends Backend {
  readonly kind: 'memory';
  /** Makes the next call of `method` fail with the given error. */
  failNext(method: Method, code: ErrorCode, message?: string): void;
  /** Every stored campaign, soft-deleted ones included (for tests). */
  dump(): (Campaign & { deleted: boolean })[];
  /** Every stored asset (for tests). */
  dumpAssets(): Asset[];
  /** Every render in the history (for tests). */
  dumpRenders(): RenderRecord[];
  /** Every connected account (for tests). */
  dumpAccounts(): AccountView[];
  /** Every post with its targets' events (for tests). */
  dumpPosts(): PostView[];
  /** Every revenue entry, soft-deleted ones included (for tests). */
  dumpRevenue(): (RevenueEntry & { deleted: boolean })[];
  /** What an export or report wrote to a path, if anything (for tests). */
  readFile(path: string): MemoryFile | undefined;
  /** A rendered file disappears, as if deleted outside the app (for tests). */
  removeRenderFile(path: string): void;
  /** Announces a `DataChanged` as if another process (the CLI, a daemon) changed these topics (for tests). */
  emitDataChanged(topics: Topic[]): void;
  /** Plays an OS file drag over the window, as Tauri reports it (tests, `__VIRAL_STUDIO_TEST__`). */
  simulateFileDrag: { hover(paths: string[]): void; drop(paths: string[]): void; leave(): void };
}

type Stored = Campaign & { deleted: boolean };

function fail(code: ErrorCode, message: string): never {
  throw new BackendError(code, message);
}

type Fields = Omit<Campaign, 'id' | 'archived' | 'created_at' | 'updated_at' | 'version'>;

/** What studio-api makes of a campaign's input (fixtures/campaign.json): its fields, or its error. */
const campaignFields = answerBook<Fields>('campaign', campaignAnswers as Answered<unknown, Fields>[]);

function fieldsOf({ name, goal, starts_on, ends_on, timezone, sponsored, budget, currency, notes }: Campaign): Fields {
  return { name, goal, starts_on, ends_on, timezone, sponsored, budget, currency, notes };
}

function publicCopy({ deleted: _deleted, ...c }: Stored): Campaign {
  return { ...c };
}

export function createMemoryBackend(seed: MemorySeed = {}): MemoryBackend {
  const timezones = [...(seed.timezones ?? defaults.timezones)];
  const appInfo: AppInfo = { ...defaults.app_info, ...seed.appInfo };
  const rows: Stored[] = (seed.campaigns ?? []).map((c) => ({ ...c, deleted: false }));
  const failures = new Map<Method, BackendError>();
  let counter = 0;
  const jobs = createJobs();
  const library = createAssetStore({
    jobs,
    assets: seed.assets,
    stepMs: seed.importStepMs ?? seed.latencyMs,
    pickFiles: seed.pickFiles,
    pickFolder: seed.pickFolder,
    campaignExists: (id) => rows.some((r) => r.id === id && !r.deleted),
  });
  const renders = createRenderStore({
    jobs,
    renders: seed.renders,
    stepMs: seed.renderStepMs ?? seed.latencyMs,
    pickCaptions: seed.pickCaptions,
    pickMusic: seed.pickMusic,
    findAsset: (id) => library.dumpAssets().find((a) => a.id === id),
  });
  const accounts = createAccountStore({
    jobs,
    accounts: seed.accounts,
    stepMs: seed.connectStepMs ?? seed.latencyMs,
    resolveInput: (input) => {
      const asset = library.dumpAssets().find((a) => a.id === input);
      if (asset) return { kind: asset.kind };
      const render = renders.dumpRenders().find((r) => r.id === input);
      if (render) return render.output_exists ? { kind: 'video' } : undefined;
      return input.startsWith('/') ? { kind: kindOfPath(input) } : undefined;
    },
  });

  const scores = createScoreStore({
    jobs,
    stepMs: seed.scoreStepMs ?? seed.latencyMs,
    findAsset: (id) => library.dumpAssets().find((a) => a.id === id),
    findRender: (id) => renders.dumpRenders().find((r) => r.id === id),
    answers: seed.answers,
  });

  const posts = createPostStore({
    posts: seed.posts,
    compliance: seed.compliance,
    slots: seed.slots,
    scheduler: seed.scheduler,
    notifications: seed.notifications,
    timezones,
    accounts: () => accounts.dumpAccounts(),
    campaign: (id) => rows.find((r) => r.id === id && !r.deleted),
    media: (id) => {
      const asset = library.dumpAssets().find((a) => a.id === id);
      if (asset) {
        return { kind: asset.kind, width: asset.width, height: asset.height, duration_s: asset.duration_s, size_bytes: asset.size_bytes, render: false };
      }
      const render = renders.dumpRenders().find((r) => r.id === id && r.state === 'done');
      // A seeded render without a size is some file on disk, not an empty one.
      if (render) {
        return { kind: 'video', width: render.width, height: render.height, duration_s: render.duration_s, size_bytes: render.size_bytes ?? 1_000_000, render: true };
      }
      return undefined;
    },
  });

  const replayed = createFixtureReplay(seed.answers);

  const newId = () => {
    counter += 1;
    return `mem-${Date.now().toString(36)}-${counter.toString().padStart(4, '0')}`;
  };

  const money = createRevenueStore({
    entries: seed.revenue,
    rates: seed.rates,
    files: seed.files,
    pickCsv: seed.pickRevenueCsv,
    savePath: seed.savePath,
    readOnlyDirs: seed.readOnlyDirs,
    campaign: (id) => rows.find((r) => r.id === id && !r.deleted),
    exportRows: (kind) => {
      const all = posts.dumpPosts();
      if (kind === 'posts') return all.length;
      if (kind === 'targets') return all.reduce((n, p) => n + p.targets.length, 0);
      return (seed.history ?? []).length;
    },
    newId,
  });

  const changes = createChangeFeed();

  // Every call is async, may be delayed, and may fail once on request; changes are announced.
  async function call<T>(method: Method, body: () => T | Promise<T>): Promise<T> {
    if (seed.latencyMs) await new Promise((r) => setTimeout(r, seed.latencyMs));
    else await Promise.resolve();
    const injected = failures.get(method);
    if (injected) {
      failures.delete(method);
      throw injected;
    }
    let ok = false;
    try {
      const out = await body();
      ok = true;
      return out;
    } finally {
      changes.after(method, ok);
    }
  }

  const find = (id: string): Stored => {
    const row = rows.find((r) => r.id === id && !r.deleted);
    return row ?? fail('not_found', `No campaign with id ${id}.`);
  };

  const touch = (row: Stored) => {
    row.version += 1;
    row.updated_at = new Date().toISOString();
  };

  type Impl = { [K in Method]: (...args: Parameters<Backend[K]>) => Awaited<ReturnType<Backend[K]>> | ReturnType<Backend[K]> };
  // Each command in one line; `call` adds the latency, injected failures and change events.
  const impl: Impl = {
    appInfo: () => ({ ...appInfo }),
    timezoneList: () => [...timezones],
    campaignList: (includeArchived) =>
      rows
        .filter((r) => !r.deleted && (includeArchived || !r.archived))
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
        .map(publicCopy),
    campaignGet: (id) => publicCopy(find(id)),
    campaignCreate: (input: CampaignInput) => {
      const fields = campaignFields({ kind: 'create', input: { ...input, timezone: input.timezone ?? appInfo.default_timezone } });
      const now = new Date(Date.now() + counter).toISOString();
      const row: Stored = { ...fields, id: newId(), archived: false, created_at: now, updated_at: now, version: 1, deleted: false };
      rows.push(row);
      return publicCopy(row);
    },
    campaignUpdate: (id, patch) => {
      const row = find(id);
      if (patch.expected_version !== null && patch.expected_version !== row.version) {
        fail('conflict', 'This campaign was changed elsewhere. Reload it and try again.');
      }
      Object.assign(row, campaignFields({ kind: 'update', current: fieldsOf(row), patch: { ...patch, expected_version: null } }));
      touch(row);
      return publicCopy(row);
    },
    campaignArchive: (id, archived) => {
      const row = find(id);
      if (row.archived !== archived) {
        row.archived = archived;
        touch(row);
      }
      return publicCopy(row);
    },
    campaignDelete: (id) => {
      const row = find(id);
      row.deleted = true;
      touch(row);
      return null;
    },
    assetList: library.assetList,
    assetGet: library.assetGet,
    assetImport: library.assetImport,
    jobCancel: jobs.cancel,
    pickMediaFiles: library.pickMediaFiles,
    pickFolder: library.pickFolder,
    pickFile: (kind) => (kind === 'revenue_csv' ? money.pickCsv() : renders.pickFile(kind)),
    renderPresets: renders.presets,
    renderStart: renders.renderStart,
    renderList: renders.renderList,
    renderDelete: renders.renderDelete,
    renderOpen: (id) => (renders.outputOf(id), null),
    renderReveal: (id) => (renders.outputOf(id), null),
    scorePlatforms: scores.platforms,
    scoreAsset: scores.scoreAsset,
    scoreVariants: scores.scoreVariants,
    scoreModel: replayed.scoreModel,
    bestTimes: replayed.bestTimes,
    accountPlatforms: accounts.platforms,
    accountList: accounts.list,
    accountConnect: accounts.connect,
    accountDisconnect: accounts.disconnect,
    publishNow: accounts.publishNow,
    postCreate: posts.create,
    postUpdate: posts.update,
    postGet: posts.get,
    postList: posts.list,
    postDelete: (id) => (posts.remove(id), null),
    postValidate: posts.validate,
    postSchedule: posts.schedule,
    postUnschedule: posts.unschedule,
    targetRetry: posts.retry,
    targetCancel: posts.cancel,
    targetMarkPosted: posts.markPosted,
    queueList: posts.queue,
    slotsGet: posts.slotsGet,
    slotsSet: posts.slotsSet,
    complianceGet: posts.complianceGet,
    complianceSet: posts.complianceSet,
    schedulerStatus: posts.status,
    schedulerSetPaused: posts.setPaused,
    notificationsRecent: posts.notifications,
    notificationsMarkRead: (ids) => (posts.markRead(ids), null),
    revenueRatesGet: money.ratesGet,
    revenueRatesSet: money.ratesSet,
    revenueAdd: money.add,
    revenueList: money.list,
    revenueDelete: (id) => (money.remove(id), null),
    revenueSummary: money.summary,
    revenueImportPreview: money.preview,
    revenueImport: money.import,
    exportCsv: money.exportCsv,
    reportHtml: money.reportHtml,
    reportCsv: money.reportCsv,
    pickSavePath: (request) => money.pickSave(request.defaultName),
    analyticsGet: replayed.analytics,
    postResults: replayed.postResults,
  };
  const commands = Object.fromEntries(
    (Object.keys(impl) as Method[]).map((name) => [name, (...args: unknown[]) => call(name, () => (impl[name] as (...a: unknown[]) => unknown)(...args))]),
  ) as unknown as Pick<Backend, Method>;

  return {
    ...commands,
    kind: 'memory',
    onDataChanged: (listener) => Promise.resolve(changes.subscribe(listener)),
    emitDataChanged: (topics) => changes.emit(topics),
    failNext(method, code, message = `Injected ${code} failure.`) {
      failures.set(method, new BackendError(code, message));
    },
    onFileDrop: async (handlers) => library.onFileDrop(handlers),
    // Render outputs play (half a second of silence); library files get their fake pictures.
    fileUrl: (path) => (renders.isOutput(path) ? silence() : library.fileUrl(path)),
    dump: () => rows.map((r) => ({ ...r })),
    dumpAssets: library.dumpAssets,
    simulateFileDrag: library.simulate,
    dumpRenders: renders.dumpRenders,
    removeRenderFile: renders.removeFile,
    dumpAccounts: accounts.dumpAccounts,
    dumpPosts: posts.dumpPosts,
    dumpRevenue: money.dump,
    readFile: money.file,
  };
}
