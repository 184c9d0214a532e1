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
  ApiError,
  AppInfo,
  Campaign,
  CampaignInput,
  CampaignPatch,
  ErrorCode,
} from './bindings';
import type { AppInfo, Campaign, CampaignInput, CampaignPatch } from './bindings';

export interface Backend {
  /** Which implementation this is; shown in Settings → About. */
  readonly kind: 'tauri' | 'memory';
  appInfo(): Promise<AppInfo>;
  timezoneList(): Promise<string[]>;
  campaignList(includeArchived: boolean): Promise<Campaign[]>;
  campaignGet(id: string): Promise<Campaign>;
  campaignCreate(input: CampaignInput): Promise<Campaign>;
  campaignUpdate(id: string, patch: CampaignPatch): Promise<Campaign>;
  campaignArchive(id: string, archived: boolean): Promise<Campaign>;
  /** Soft delete: the campaign disappears from every list. */
  campaignDelete(id: string): Promise<void>;
}
