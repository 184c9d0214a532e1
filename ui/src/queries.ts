/**
 * Query keys and hooks shared by screens; mutations invalidate `['campaigns']`, imports
 * `['assets']`, renders (ending, deleted) `['renders']`, connecting and disconnecting
 * `['accounts']`, anything a post does `invalidateScheduling` (posts, queue, scheduler status).
 * Nothing polls: the backend's `DataChanged` events (also for changes the publisher, the CLI or
 * a daemon made) invalidate the queries of their topics (`TOPIC_KEYS`, `invalidateTopics`).
 * Nothing secret is ever part of a key or a cached value.
 */
import { keepPreviousData, useQuery, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useBackend, type AnalyticsFilter, type Asset, type AssetQuery, type PostQuery, type Topic } from './backend';

export const queryKeys = {
  appInfo: ['app-info'] as const,
  timezones: ['timezones'] as const,
  campaigns: ['campaigns'] as const,
  campaignList: (includeArchived: boolean) => ['campaigns', 'list', { includeArchived }] as const,
  assets: ['assets'] as const,
  assetList: (q: AssetQuery) => ['assets', 'list', q] as const,
  asset: (id: string) => ['assets', 'one', id] as const,
  presets: ['render-presets'] as const,
  renders: ['renders'] as const,
  renderList: (assetId: string | null) => ['renders', 'list', assetId] as const,
  scorePlatforms: ['score-platforms'] as const,
  score: ['score'] as const,
  /** Best times and models change when metrics come in: refetched on open, never cached long. */
  bestTimes: (accountIds: string[], timeZone: string) => ['best-times', accountIds, timeZone] as const,
  scoreModel: (accountId: string, timeZone: string) => ['score-model', accountId, timeZone] as const,
  accountPlatforms: ['account-platforms'] as const,
  accounts: ['accounts'] as const,
  posts: ['posts'] as const,
  postList: (q: PostQuery) => ['posts', 'list', q] as const,
  post: (id: string) => ['posts', 'one', id] as const,
  postValidate: ['post-validate'] as const,
  queue: ['queue'] as const,
  schedulerStatus: ['scheduler-status'] as const,
  compliance: ['compliance'] as const,
  slots: (accountId: string) => ['slots', accountId] as const,
  /** Entries and totals of every campaign; adding, deleting and importing invalidate it all. */
  revenue: ['revenue'] as const,
  revenueList: (campaignId: string) => ['revenue', 'list', campaignId] as const,
  revenueSummary: (campaignId: string) => ['revenue', 'summary', campaignId] as const,
  rates: ['revenue-rates'] as const,
  /** Read fresh each time the import opens: the file may have changed on disk. */
  revenueImportPreview: (path: string) => ['revenue-import-preview', path] as const,
  analytics: ['analytics'] as const,
  analyticsFor: (filter: AnalyticsFilter) => ['analytics', filter] as const,
  /** One post's snapshots; its own key, so a post's actions refresh it without the whole screen. */
  postResults: (postId: string) => ['post-results', postId] as const,
};

/**
 * The queries each backend topic refreshes. Best times and score models are left out on purpose:
 * they refit from the whole history, so they are asked for on open, never on every change.
 */
export const TOPIC_KEYS: Record<Topic, readonly QueryKey[]> = {
  campaigns: [queryKeys.campaigns],
  assets: [queryKeys.assets],
  renders: [queryKeys.renders],
  accounts: [queryKeys.accounts],
  posts: [queryKeys.posts],
  queue: [queryKeys.queue],
  scheduler: [queryKeys.schedulerStatus],
  notifications: [queryKeys.schedulerStatus],
  analytics: [queryKeys.analytics, ['post-results']],
  revenue: [queryKeys.revenue, queryKeys.rates],
  settings: [queryKeys.compliance, ['slots'], queryKeys.postValidate],
};

/** A `DataChanged` event: refetches what is on screen for these topics, marks the rest stale. */
export async function invalidateTopics(client: QueryClient, topics: readonly Topic[]): Promise<void> {
  const keys = new Map<string, QueryKey>();
  for (const topic of topics) for (const key of TOPIC_KEYS[topic] ?? []) keys.set(JSON.stringify(key), key);
  await Promise.all([...keys.values()].map((queryKey) => client.invalidateQueries({ queryKey })));
}

/** After anything that changes a post: the calendar, the queue and the health panel refresh. */
export async function invalidateScheduling(client: QueryClient): Promise<void> {
  await Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.posts }),
    client.invalidateQueries({ queryKey: queryKeys.queue }),
    client.invalidateQueries({ queryKey: queryKeys.schedulerStatus }),
  ]);
}

export function useAppInfo() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: () => backend.appInfo(), staleTime: Infinity });
}

export function useTimezones() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.timezones, queryFn: () => backend.timezoneList(), staleTime: Infinity });
}

export function useCampaignList(includeArchived: boolean) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.campaignList(includeArchived),
    queryFn: () => backend.campaignList(includeArchived),
  });
}

/** Keeps showing the previous results while a new filter loads (no flashing grid). */
export function useAssetList(query: AssetQuery) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.assetList(query),
    queryFn: () => backend.assetList(query),
    placeholderData: keepPreviousData,
  });
}

/** One asset, fresh from the backend; `initial` (from a list) shows meanwhile. */
export function useAsset(id: string, initial?: Asset) {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.asset(id), queryFn: () => backend.assetGet(id), placeholderData: initial });
}

/** The render presets rarely change (a user preset needs a restart to be seen anyway). */
export function usePresets() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.presets, queryFn: () => backend.renderPresets(), staleTime: Infinity });
}

/**
 * One asset's renders, newest first. Renders started here refresh it when they start and end;
 * one running elsewhere (the CLI, a render whose window was closed) refreshes on its `renders` event.
 */
export function useRenders(assetId: string) {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.renderList(assetId), queryFn: () => backend.renderList(assetId) });
}

/** The platforms the score knows; fixed for the app's lifetime. */
export function useScorePlatforms() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.scorePlatforms, queryFn: () => backend.scorePlatforms(), staleTime: Infinity });
}

/** The platforms and their guided setup; fixed for the app's lifetime. */
export function useAccountPlatforms() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.accountPlatforms, queryFn: () => backend.accountPlatforms(), staleTime: Infinity });
}

/** Connected accounts with their status (which changes when a token is renewed or refused). */
export function useAccounts() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.accounts, queryFn: () => backend.accountList() });
}

/** Posts in a calendar range (and drafts when asked); the previous range shows while the next loads. */
export function usePostList(query: PostQuery) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.postList(query),
    queryFn: () => backend.postList(query),
    placeholderData: keepPreviousData,
  });
}

/** One post with its targets' timelines (upload progress moves with the publisher's `posts` events). */
export function usePost(id: string) {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.post(id), queryFn: () => backend.postGet(id) });
}

export function useQueue() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.queue, queryFn: () => backend.queueList() });
}

export function useSchedulerStatus() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.schedulerStatus, queryFn: () => backend.schedulerStatus() });
}

export function useCompliance() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.compliance, queryFn: () => backend.complianceGet() });
}

export function useSlots(accountId: string) {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.slots(accountId), queryFn: () => backend.slotsGet(accountId) });
}

/** Every render of every asset (the composer's media picker offers the finished ones). */
export function useAllRenders() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.renderList(null), queryFn: () => backend.renderList(null) });
}

/** Best times per account in the composer's zone (none asked for without accounts). */
export function useBestTimes(accountIds: string[], timeZone: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.bestTimes(accountIds, timeZone),
    queryFn: () => backend.bestTimes(accountIds, timeZone),
    enabled: accountIds.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** How well the score knows an account (refits from its history, so only asked for on request). */
export function useScoreModel(accountId: string, timeZone: string, enabled = true) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.scoreModel(accountId, timeZone),
    queryFn: () => backend.scoreModel(accountId, timeZone),
    enabled,
    retry: false,
    staleTime: 60_000,
  });
}

export function useRevenueList(campaignId: string) {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.revenueList(campaignId), queryFn: () => backend.revenueList(campaignId) });
}

/** Totals change with the rates too, so setting rates invalidates `['revenue']` as well. */
export function useRevenueSummary(campaignId: string) {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.revenueSummary(campaignId), queryFn: () => backend.revenueSummary(campaignId) });
}

export function useRates() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.rates, queryFn: () => backend.revenueRatesGet() });
}

/**
 * The analytics screen's numbers for one filter. The previous filter's results stay on screen
 * while the next loads (no flashing charts); metrics arrive in the background, so a minute's
 * staleness is fine and a revisit refetches.
 */
export function useAnalytics(filter: AnalyticsFilter | null) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.analyticsFor(filter ?? EMPTY_ANALYTICS_FILTER),
    queryFn: () => backend.analyticsGet(filter ?? EMPTY_ANALYTICS_FILTER),
    enabled: filter !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/**
 * One post's metrics over time. Like the analytics numbers they arrive in the background hours
 * apart, so a minute's staleness is fine; asked for only while the post has something published.
 */
export function usePostResults(postId: string, enabled = true) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.postResults(postId),
    queryFn: () => backend.postResults(postId),
    enabled,
    staleTime: 60_000,
  });
}

const EMPTY_ANALYTICS_FILTER: AnalyticsFilter = { campaign_id: null, account_id: null, platform: null, from: null, to: null, timezone: null };

/** Money changed (an entry, an import, the rates): the money views and the analytics totals refresh. */
export function invalidateMoney(queryClient: QueryClient): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.revenue }),
    queryClient.invalidateQueries({ queryKey: queryKeys.analytics }),
  ]).then(() => undefined);
}
