/**
 * The scheduler / composer API types, copied from the contract (/work/briefs/scheduler-contract.md)
 * until tauri-specta generates them into `bindings.ts`. When `PostView` appears there, types.ts
 * re-exports these from './bindings' and this file goes: TypeScript then flags any mismatch.
 */
import type { ApiError as BindingsApiError, ErrorCode as BindingsErrorCode, PlatformId } from './bindings';

/** The error codes the scheduler adds to the generated ones. */
export type ErrorCode = BindingsErrorCode | 'compliance_failed' | 'invalid_time';
export type ApiError = Omit<BindingsApiError, 'code'> & { code: ErrorCode };

export type TargetOverrides = {
  caption: string | null;
  title: string | null;
  hashtags: string[];
  first_comment: string | null;
  thread_parts: string[];
  privacy: string | null;
  options: Partial<{ [key in string]: string }>;
};
/** `media`: an asset or render id for this account only. */
export type TargetInput = { account_id: string; media: string | null; overrides: TargetOverrides };
export type PostInput = { campaign_id: string; caption: string; title: string | null; media: string | null; targets: TargetInput[] };
export type TargetState =
  | 'draft'
  | 'queued'
  | 'uploading'
  | 'processing'
  | 'published'
  | 'failed'
  | 'unconfirmed'
  | 'needs_reconnect'
  | 'cancelled'
  | 'needs_review';
export type PostState = 'draft' | 'scheduled' | 'publishing' | 'done' | 'cancelled';
export type TargetEventView = { at: string; state: string; detail: string | null };
export type TargetView = {
  id: string;
  account_id: string;
  platform: PlatformId;
  platform_name: string;
  handle: string;
  media: string | null;
  overrides: TargetOverrides;
  state: TargetState;
  /** 0..1 while uploading. */
  upload_progress: number | null;
  attempts: number;
  next_attempt_at: string | null;
  post_url: string | null;
  platform_post_id: string | null;
  published_at: string | null;
  late_by_s: number | null;
  failure_code: string | null;
  failure_message: string | null;
  /** "missed" | "unconfirmed" */
  attention: string | null;
  /** Empty in list() results. */
  events: TargetEventView[];
};
export type Freq = 'daily' | 'weekly';
/** `weekdays`: ISO 1 = Monday … 7; `until`: YYYY-MM-DD. */
export type Recurrence = { freq: Freq; interval: number; weekdays: number[]; until: string | null; count: number | null };
export type PostView = {
  id: string;
  campaign_id: string;
  campaign_name: string;
  caption: string;
  title: string | null;
  media: string | null;
  state: PostState;
  /** UTC. */
  scheduled_at: string | null;
  /** The same instant with the zone's offset. */
  scheduled_local: string | null;
  timezone: string | null;
  recurrence: Recurrence | null;
  recurrence_of: string | null;
  compliance_override: string | null;
  version: number;
  targets: TargetView[];
};
export type PostQuery = { from: string | null; to: string | null; campaign_id: string | null; drafts: boolean };

/** `fits_chars`: when over the limit, how many leading Unicode scalar values fit; null when it all fits. */
export type CaptionPreview = { text: string; count: number; limit: number; unit: string; fits_chars: number | null };
/** `field`: "caption" | "title" | "media" | "account" | "first_comment" | "thread_parts". */
export type Problem = { field: string; message: string };
export type MediaPreview = {
  width: number | null;
  height: number | null;
  duration_s: number | null;
  aspect: string | null;
  required_aspect: string | null;
  aspect_ok: boolean;
  render_preset: string | null;
};
export type TargetCheck = {
  account_id: string;
  platform: PlatformId;
  platform_name: string;
  handle: string;
  caption: CaptionPreview;
  title: string | null;
  media: MediaPreview | null;
  problems: Problem[];
};
export type ComplianceCode = 'disclosure_missing' | 'banned_term' | 'too_many_links';
export type ComplianceIssue = { code: ComplianceCode; message: string; account_id: string | null };
/** `valid`: no platform problems; `can_schedule`: valid and no compliance issues. */
export type ValidationView = { targets: TargetCheck[]; compliance: ComplianceIssue[]; valid: boolean; can_schedule: boolean };
export type ComplianceSettings = { banned_terms: string[]; max_links: number };

/** `at`: RFC 3339 or a local "2026-03-29T18:00" read in `timezone` (default: the campaign's zone). */
export type ScheduleRequest = {
  post_id: string;
  at: string | null;
  timezone: string | null;
  next_slot: boolean;
  now: boolean;
  recurrence: Recurrence | null;
  override_reason: string | null;
  expected_version: number | null;
};
export type SlotView = { weekday: number; time: string; timezone: string };
export type SlotsInput = { account_id: string; timezone: string; slots: { weekday: number; time: string }[] };
export type QueueItem = {
  post_id: string;
  target_id: string;
  account_id: string;
  platform: PlatformId;
  handle: string;
  /** The first 80 characters. */
  caption: string;
  due_at: string;
  state: TargetState;
  attempts: number;
  next_attempt_at: string | null;
};

export type LeaseView = { owner_label: string; since: string; heartbeat_at: string; expires_at: string; alive: boolean };
export type AccountHealth = {
  account_id: string;
  platform: PlatformId;
  handle: string;
  status: string;
  last_error: string | null;
  last_error_at: string | null;
  paused_until: string | null;
};
/** `kind`: started | stopped | lease_acquired | lease_lost | worker_restart | catch_up | clock_jump | paused | resumed. */
export type SchedulerEventView = { at: string; owner: string; kind: string; detail: string | null };
export type SchedulerStatus = {
  paused: boolean;
  lease: LeaseView | null;
  queued: number;
  due_now: number;
  running: number;
  needs_review: number;
  needs_attention: number;
  restarts: number;
  last_restart: string | null;
  accounts: AccountHealth[];
  /** The next 3. */
  next: QueueItem[];
  /** The last 20. */
  events: SchedulerEventView[];
};
export type NotificationKind = 'published' | 'failed' | 'needs_attention' | 'late';
export type NotificationView = {
  id: string;
  at: string;
  kind: NotificationKind;
  title: string;
  body: string;
  target_id: string | null;
  post_id: string | null;
  read: boolean;
};
