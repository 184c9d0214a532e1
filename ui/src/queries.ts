/**
 * Query keys and hooks shared by screens; mutations invalidate `['campaigns']`, imports
 * `['assets']`, renders (ending, deleted) `['renders']`, connecting and disconnecting
 * `['accounts']`. Nothing secret is ever part of a key or a cached value.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useBackend, type Asset, type AssetQuery } from './backend';

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
  accountPlatforms: ['account-platforms'] as const,
  accounts: ['accounts'] as const,
};

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
    queryFn: () => backend.listAssets(query),
    placeholderData: keepPreviousData,
  });
}

/** One asset, fresh from the backend; `initial` (from a list) shows meanwhile. */
export function useAsset(id: string, initial?: Asset) {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.asset(id), queryFn: () => backend.getAsset(id), placeholderData: initial });
}

/** The render presets rarely change (a user preset needs a restart to be seen anyway). */
export function usePresets() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.presets, queryFn: () => backend.renderPresets(), staleTime: Infinity });
}

/**
 * One asset's renders, newest first. Renders started here refresh it when they start and end;
 * one running elsewhere (the CLI, a render whose window was closed) is polled until it ends.
 */
export function useRenders(assetId: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.renderList(assetId),
    queryFn: () => backend.listRenders(assetId),
    refetchInterval: (q) => (q.state.data?.some((r) => r.state === 'running' || r.state === 'queued') ? 2_000 : false),
  });
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
