/**
 * The one interface the UI talks to. Screens and components never import
 * `@tauri-apps/*` or the generated bindings' runtime; they get a `Backend`
 * from `useBackend()`, so the same UI runs in Tauri, in Vitest and in
 * Playwright (against the in-memory backend).
 *
 * Every method resolves with the data or rejects with a `BackendError`
 * (an `ApiError` with a stable `code`), which is what TanStack Query wants.
 */
export type {
  AccountView,
  Analytics,
  AnalyticsFilter,
  AppInfo,
  Asset,
  AssetKind,
  AssetQuery,
  AssetScoreRequest,
  BestSlotView,
  BestTimesView,
  BreakdownRow,
  Campaign,
  CampaignInput,
  CampaignPatch,
  ColumnMapping,
  ConnectRequest,
  ConvertedMoney,
  CurrencyMoney,
  DayPoint,
  Disconnected,
  ExportKind,
  ExportReport,
  FactorView,
  HeatCell,
  ImportFailed,
  ImportOptions,
  ImportReport,
  ImportSkipped,
  LimitsView,
  MetricPoint,
  Metrics,
  ModelView,
  PlatformId,
  PlatformView,
  PostResults,
  PresetInfo,
  ProgressEvent,
  PublishedView,
  PublishNowRequest,
  RankedPost,
  RenderProgress,
  RenderRecord,
  RenderRequest,
  RenderResult,
  ReportFile,
  RevenueEntry,
  RevenueImportPreview,
  RevenueImportReport,
  RevenueImportRequest,
  RevenueInput,
  RevenueRates,
  RevenueSummary,
  RowProblem,
  ScorePlatform,
  ScoreVsActual,
  ScoreView,
  TargetResults,
  VariantsRequest,
  VariantView,
  WeightView,
} from './bindings';
export type {
  AccountHealth,
  ApiError,
  CaptionPreview,
  ComplianceCode,
  ComplianceIssue,
  ComplianceSettings,
  ErrorCode,
  Freq,
  LeaseView,
  MediaPreview,
  NotificationKind,
  NotificationView,
  PostInput,
  PostQuery,
  PostState,
  PostView,
  Problem,
  QueueItem,
  Recurrence,
  ScheduleRequest,
  SchedulerEventView,
  SchedulerStatus,
  SlotsInput,
  SlotView,
  TargetCheck,
  TargetEventView,
  TargetInput,
  TargetOverrides,
  TargetState,
  TargetView,
  Topic,
  ValidationView,
} from './bindings';
import type {
  ComplianceSettings,
  NotificationView,
  PostInput,
  PostQuery,
  PostView,
  QueueItem,
  ScheduleRequest,
  SchedulerStatus,
  SlotsInput,
  SlotView,
  Topic,
  ValidationView,
} from './bindings';
import type {
  AccountView,
  Analytics,
  AnalyticsFilter,
  AppInfo,
  Asset,
  AssetQuery,
  AssetScoreRequest,
  BestTimesView,
  Campaign,
  CampaignInput,
  CampaignPatch,
  ConnectRequest,
  Disconnected,
  ImportOptions,
  ImportReport,
  ModelView,
  PlatformView,
  PostResults,
  PresetInfo,
  ProgressEvent,
  PublishedView,
  PublishNowRequest,
  RenderProgress,
  RenderRecord,
  RenderRequest,
  RenderResult,
  ReportFile,
  RevenueEntry,
  RevenueImportPreview,
  RevenueImportReport,
  RevenueImportRequest,
  RevenueInput,
  RevenueRates,
  RevenueSummary,
  ExportKind,
  ExportReport,
  ScorePlatform,
  ScoreView,
  VariantsRequest,
  VariantView,
} from './bindings';

/** What a single-file picker is for: it decides the dialog's title and file filters. */
export type PickKind = 'captions' | 'music' | 'revenue_csv';

/** What a "save as" dialog is for: its title and file filter come from the format. */
export interface SaveRequest {
  title: string;
  /** The file name the dialog starts with, e.g. "campaign-report.html". */
  defaultName: string;
  format: 'csv' | 'html';
}

/** Files dragged from the OS over the window (Tauri's webview drag-and-drop events). */
export interface FileDropHandlers {
  /** Files entered the window; `paths` may be empty on platforms that only tell on drop. */
  onHover(paths: string[]): void;
  onDrop(paths: string[]): void;
  /** The drag left the window or was cancelled. */
  onLeave(): void;
}

export interface Backend {
  /** Which implementation this is; shown in Settings → About. */
  readonly kind: 'tauri' | 'memory';
  /**
   * Listens for `DataChanged`: the topics whose data changed, through this window or elsewhere
   * (the publisher, the CLI, a `studio daemon`). Resolves to an unsubscribe function.
   */
  onDataChanged(listener: (topics: Topic[]) => void): Promise<() => void>;
  appInfo(): Promise<AppInfo>;
  timezoneList(): Promise<string[]>;
  campaignList(includeArchived: boolean): Promise<Campaign[]>;
  campaignGet(id: string): Promise<Campaign>;
  campaignCreate(input: CampaignInput): Promise<Campaign>;
  campaignUpdate(id: string, patch: CampaignPatch): Promise<Campaign>;
  campaignArchive(id: string, archived: boolean): Promise<Campaign>;
  /** Soft delete: the campaign disappears from every list. */
  campaignDelete(id: string): Promise<void>;

  /** Newest first; every filter is optional (null). */
  listAssets(query: AssetQuery): Promise<Asset[]>;
  getAsset(id: string): Promise<Asset>;
  /**
   * Imports files and folders (folders are walked). Bad files never fail the call: they come
   * back in `report.failed` with a stable code. `jobId` names the job for `cancelJob`.
   */
  importAssets(
    jobId: string,
    paths: string[],
    options: ImportOptions,
    onProgress: (p: ProgressEvent) => void,
  ): Promise<ImportReport>;
  /** True when a running job was told to stop; files not yet imported come back as `cancelled`. */
  cancelJob(jobId: string): Promise<boolean>;
  /** Native "open files" dialog (multiple, media filters); [] when cancelled. */
  pickMediaFiles(): Promise<string[]>;
  /** Native "open folder" dialog; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** Listens for OS file drags over the window; resolves to an unsubscribe function. */
  onFileDrop(handlers: FileDropHandlers): Promise<() => void>;
  /** Native "open file" dialog for one captions (.srt, .ass) or music file; null when cancelled. */
  pickFile(kind: PickKind): Promise<string | null>;
  /** A URL the webview may load for a library file (poster, filmstrip, waveform, media, render output). */
  fileUrl(path: string): string;

  /** The render presets (built-in and the user's own), e.g. tiktok 1080×1920 30 fps. */
  renderPresets(): Promise<PresetInfo[]>;
  /**
   * Renders `request.input` (an asset id) to a platform preset. Progress streams to `onProgress`
   * (the first event carries the `render_id` of the history record); `cancelJob(jobId)` stops it
   * and the call rejects with code `cancelled`. Bad settings reject with `invalid_input`.
   */
  startRender(jobId: string, request: RenderRequest, onProgress: (p: RenderProgress) => void): Promise<RenderResult>;
  /** Render history, newest first; one asset's when `assetId` is given. */
  listRenders(assetId: string | null): Promise<RenderRecord[]>;
  /** Deletes the render's file and removes it from the history (`conflict` while it runs). */
  deleteRender(id: string): Promise<RenderRecord>;
  /** Opens the rendered file in the system's video player (`not_found` when the file is gone). */
  openRender(id: string): Promise<void>;
  /** Shows the rendered file in the system's file manager. */
  revealRender(id: string): Promise<void>;

  /** The platforms the viral score knows (id + label), for the picker. */
  scorePlatforms(): Promise<ScorePlatform[]>;
  /**
   * Scores a library asset for a platform, caption, title and planned time (RFC 3339 or null).
   * The first call for a video measures it (progress with stage "analyzing" on `onProgress`;
   * `cancelJob(jobId)` stops it and the call rejects with `cancelled`); later calls read a cache
   * and return at once. An unknown platform or a bad time rejects with `invalid_input`.
   */
  scoreAsset(jobId: string, request: AssetScoreRequest, onProgress: (p: ProgressEvent) => void): Promise<ScoreView>;
  /**
   * Several versions of one idea side by side: every input (asset or render id) with every caption
   * (none: the inputs alone), at most 12, else `invalid_input`. Best first; each says which factor
   * separates it most from the one ranked just above it (#1: from the runner-up). Videos not yet
   * measured are measured first (progress, `cancelJob(jobId)` → `cancelled`).
   */
  scoreVariants(jobId: string, request: VariantsRequest, onProgress: (p: ProgressEvent) => void): Promise<VariantView[]>;
  /**
   * How well the score knows an account: prior or learned weights, their held-out Spearman, the
   * decision in a sentence, the weights side by side and the best times in `timeZone` (null: the
   * system's). Unknown account: `not_found`; unknown zone: `invalid_input`.
   */
  scoreModel(accountId: string, timeZone: string | null): Promise<ModelView>;
  /** Best weekday-hour slots and the 7×24 heat map per account, in `timeZone` (null: the system's). */
  bestTimes(accountIds: string[], timeZone: string | null): Promise<BestTimesView[]>;

  /**
   * The platforms an account can be connected on, with the guided app setup (steps, the redirect
   * URI to register, the scopes), whether the platform needs a media relay, and its post limits.
   */
  accountPlatforms(): Promise<PlatformView[]>;
  /** Connected accounts (ordered by platform, then handle) with their status. */
  accountList(): Promise<AccountView[]>;
  /**
   * Connects (or reconnects) an account. OAuth platforms open the system browser and wait up to
   * 5 minutes for the loopback redirect; the sign-in URL is also sent once on `onProgress`
   * (`{ stage: "browser", item: url }`) so the window can offer to copy it. `cancelJob(jobId)`
   * stops waiting and the call rejects with `cancelled`. Secrets in `request` go to the OS
   * keychain and never come back.
   */
  accountConnect(jobId: string, request: ConnectRequest, onProgress: (p: ProgressEvent) => void): Promise<AccountView>;
  /** Revokes where the platform allows it, forgets the sign-in and removes the account. */
  accountDisconnect(id: string): Promise<Disconnected>;
  /**
   * Publishes one file to one account now; upload progress has stage "uploading" with fractions.
   * `cancelJob(jobId)` stops before the final call (never during it).
   */
  publishNow(jobId: string, request: PublishNowRequest, onProgress: (p: ProgressEvent) => void): Promise<PublishedView>;

  /** Saves a new post as a draft (no time yet). Shape errors: `invalid_input`, `not_found`. */
  postCreate(input: PostInput): Promise<PostView>;
  /** Replaces a draft's or scheduled post's content; `conflict` when `expectedVersion` is stale. */
  postUpdate(id: string, input: PostInput, expectedVersion: number | null): Promise<PostView>;
  /** One post with every target's event timeline. */
  postGet(id: string): Promise<PostView>;
  /** Posts scheduled in [from, to) (targets without events), plus drafts when `query.drafts`. */
  postList(query: PostQuery): Promise<PostView[]>;
  postDelete(id: string): Promise<void>;
  /** Live check of a post being composed: each account's effective caption, limits, media and compliance. */
  postValidate(input: PostInput): Promise<ValidationView>;
  /**
   * Schedules a saved post at a time, now or in the next free slot. A past or unreadable time is
   * `invalid_time`; compliance issues without `override_reason` are `compliance_failed`.
   */
  postSchedule(request: ScheduleRequest): Promise<PostView>;
  /** Back to draft (keeps the content). */
  postUnschedule(id: string): Promise<PostView>;
  /** failed / needs_reconnect / needs_review / unconfirmed → queued now. */
  targetRetry(targetId: string): Promise<PostView>;
  /** queued / needs_review → cancelled. */
  targetCancel(targetId: string): Promise<PostView>;
  /** The creator says it is on the platform (optionally where). */
  targetMarkPosted(targetId: string, url: string | null): Promise<PostView>;
  /** What the scheduler will publish, soonest first. */
  queueList(): Promise<QueueItem[]>;
  /** An account's weekly posting slots. */
  slotsGet(accountId: string): Promise<SlotView[]>;
  slotsSet(input: SlotsInput): Promise<SlotView[]>;
  complianceGet(): Promise<ComplianceSettings>;
  complianceSet(settings: ComplianceSettings): Promise<ComplianceSettings>;
  /** The publisher's health: lease, queue depth, restarts, per-account errors, recent events. */
  schedulerStatus(): Promise<SchedulerStatus>;
  schedulerSetPaused(paused: boolean): Promise<SchedulerStatus>;
  notificationsRecent(limit: number): Promise<NotificationView[]>;
  notificationsMarkRead(ids: string[]): Promise<void>;

  /** Exchange rates to one base currency; null until the creator sets some. */
  revenueRatesGet(): Promise<RevenueRates | null>;
  /** Codes are normalized ("eur" → "EUR"); an unknown code is `invalid_currency`, a rate ≤ 0 `invalid_amount`. */
  revenueRatesSet(rates: RevenueRates): Promise<RevenueRates>;
  /**
   * Records money earned or spent. Errors: `invalid_kind`, `invalid_currency`, `invalid_amount`
   * (not a number, negative, more decimals than the currency has), `invalid_date`, `not_found`.
   */
  revenueAdd(input: RevenueInput): Promise<RevenueEntry>;
  /** A campaign's live entries, newest date first. */
  revenueList(campaignId: string): Promise<RevenueEntry[]>;
  /** Soft delete; an imported row's key stays taken, so re-importing does not bring it back. */
  revenueDelete(id: string): Promise<void>;
  /** A campaign's revenue, cost and ROI per currency, converted when rates cover every currency. */
  revenueSummary(campaignId: string): Promise<RevenueSummary>;
  /** Reads a payout export: encoding, delimiter, headers, first rows and a suggested mapping. */
  revenueImportPreview(path: string): Promise<RevenueImportPreview>;
  /**
   * Imports (or, with `dry_run`, only checks) a payout export. Bad rows come back in `rejected`
   * with their line; good rows go in together; rows imported before count as `duplicates`.
   * A bad mapping is `invalid_mapping`, an unreadable file `invalid_csv` or `io`.
   */
  revenueImport(request: RevenueImportRequest): Promise<RevenueImportReport>;
  /** Writes a CSV of every posts / targets / metrics / revenue row; a failed write is `io`. */
  exportCsv(kind: ExportKind, path: string): Promise<ExportReport>;
  /** A self-contained HTML report of a campaign (reach, engagement, money, best posts). */
  reportHtml(campaignId: string, path: string): Promise<ReportFile>;
  /** The report's numbers as CSV (section, name, value, unit). */
  reportCsv(campaignId: string, path: string): Promise<ExportReport>;
  /** Native "save as" dialog; null when cancelled. */
  pickSavePath(request: SaveRequest): Promise<string | null>;

  /**
   * Totals, a per-day series (empty days as zeros), breakdowns by platform, account and campaign,
   * best and worst posts, score vs actual, a publish-time heat map and revenue with ROI, for one
   * filter (every field optional; dates are civil `YYYY-MM-DD` in the filter's zone, else the
   * campaign's, else the machine's). Unknown campaign: `not_found`; bad dates: `invalid_date`,
   * `invalid_date_range`; bad zone: `invalid_timezone`. No data is zeros, never an error.
   */
  analytics(filter: AnalyticsFilter): Promise<Analytics>;
  /**
   * One post's results over time: per target that is published or has metrics (by platform, then
   * handle), every metric snapshot oldest first (the publisher reads them about 1 h, 6 h, 24 h,
   * 48 h and 7 d after publishing; a count the platform does not report is null). A post published
   * nowhere yet has no targets; an unknown or deleted post is `not_found`.
   */
  postResults(postId: string): Promise<PostResults>;
}
