/** Query keys and hooks shared by screens; mutations invalidate `['campaigns']`. */
import { useQuery } from '@tanstack/react-query';
import { useBackend } from './backend';

export const queryKeys = {
  appInfo: ['app-info'] as const,
  timezones: ['timezones'] as const,
  campaigns: ['campaigns'] as const,
  campaignList: (includeArchived: boolean) => ['campaigns', 'list', { includeArchived }] as const,
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
