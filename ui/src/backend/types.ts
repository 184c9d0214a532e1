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
import type { Channel } from '@tauri-apps/api/core';
import type { ApiError, commands, Result, Topic } from './bindings';

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

/**
 * A generated command as the UI calls it: it resolves with its data or rejects with a
 * `BackendError`, and a progress `Channel` parameter becomes a callback.
 */
export type Unwrapped<F> = F extends (...args: infer Args) => Promise<Result<infer T, ApiError>>
  ? Args extends [...infer A, Channel<infer P>]
    ? (...args: [...A, onProgress: (p: P) => void]) => Promise<T>
    : (...args: Args) => Promise<T>
  : never;

/**
 * Every command of the app, with its Rust doc comment: derived from the generated bindings, so a
 * command added, renamed or changed in Rust changes this type and every implementation with it.
 */
export type Commands = { [K in keyof typeof commands]: Unwrapped<(typeof commands)[K]> };

/**
 * The one interface the UI talks to: every command, plus what only the webview side has (native
 * dialogs, OS file drops, file URLs and the `DataChanged` listener).
 */
export interface Backend extends Commands {
  /** Which implementation this is; shown in Settings → About. */
  readonly kind: 'tauri' | 'memory';
  /**
   * Listens for `DataChanged`: the topics whose data changed, through this window or elsewhere
   * (the publisher, the CLI, a `studio daemon`). Resolves to an unsubscribe function.
   */
  onDataChanged(listener: (topics: Topic[]) => void): Promise<() => void>;
  /** Native "open files" dialog (multiple, media filters); [] when cancelled. */
  pickMediaFiles(): Promise<string[]>;
  /** Native "open folder" dialog; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** Listens for OS file drags over the window; resolves to an unsubscribe function. */
  onFileDrop(handlers: FileDropHandlers): Promise<() => void>;
  /** Native "open file" dialog for one captions (.srt, .ass), music or payout file; null when cancelled. */
  pickFile(kind: PickKind): Promise<string | null>;
  /** A URL the webview may load for a library file (poster, filmstrip, waveform, media, render output). */
  fileUrl(path: string): string;
  /** Native "save as" dialog; null when cancelled. */
  pickSavePath(request: SaveRequest): Promise<string | null>;
}
