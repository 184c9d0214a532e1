/**
 * Backend `DataChanged` events replace polling: each topic invalidates its queries, and the
 * provider subscribes once for the app's lifetime.
 */
import { QueryClient } from '@tanstack/react-query';
import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryBackend } from './backend/memory';
import type { Topic } from './backend';
import { Providers, createQueryClient } from './Providers';
import { TOPIC_KEYS, invalidateTopics, queryKeys, useQueue } from './queries';

function seededClient(): QueryClient {
  const client = createQueryClient();
  const keys = [
    queryKeys.campaignList(false),
    queryKeys.assetList({ kind: null, campaign_id: null, search: null }),
    queryKeys.renderList('a1'),
    queryKeys.accounts,
    queryKeys.postList({ from: null, to: null, campaign_id: null, drafts: true }),
    queryKeys.post('p1'),
    queryKeys.queue,
    queryKeys.schedulerStatus,
    queryKeys.analyticsFor({ campaign_id: null, account_id: null, platform: null, from: null, to: null, timezone: null }),
    queryKeys.postResults('p1'),
    queryKeys.revenueList('c1'),
    queryKeys.rates,
    queryKeys.compliance,
    queryKeys.slots('acc1'),
    queryKeys.bestTimes(['acc1'], 'UTC'),
    queryKeys.scoreModel('acc1', 'UTC'),
  ];
  for (const key of keys) client.setQueryData(key, 'cached');
  return client;
}

const invalidated = (client: QueryClient) =>
  client
    .getQueryCache()
    .getAll()
    .filter((q) => q.state.isInvalidated)
    .map((q) => q.queryKey[0] as string)
    .sort();

describe('invalidateTopics', () => {
  it.each<[Topic, string[]]>([
    ['campaigns', ['campaigns']],
    ['assets', ['assets']],
    ['renders', ['renders']],
    ['accounts', ['accounts']],
    ['posts', ['posts', 'posts']],
    ['queue', ['queue']],
    ['scheduler', ['scheduler-status']],
    ['notifications', ['scheduler-status']],
    ['analytics', ['analytics', 'post-results']],
    ['revenue', ['revenue', 'revenue-rates']],
    ['settings', ['compliance', 'slots']],
  ])('%s invalidates exactly its queries', async (topic, keys) => {
    const client = seededClient();
    await invalidateTopics(client, [topic]);
    expect(invalidated(client)).toEqual(keys);
  });

  it('never refits best times or score models on a change', async () => {
    const client = seededClient();
    await invalidateTopics(client, Object.keys(TOPIC_KEYS) as Topic[]);
    expect(invalidated(client)).not.toContain('best-times');
    expect(invalidated(client)).not.toContain('score-model');
  });
});

function Queue() {
  const { data } = useQueue();
  return <p>{data ? `${data.length} queued` : 'loading'}</p>;
}

describe('Providers', () => {
  it('refetches what is on screen when the backend says another process changed it', async () => {
    const backend = createMemoryBackend();
    const queueList = vi.spyOn(backend, 'queueList');
    render(
      <Providers backend={backend} client={createQueryClient()}>
        <Queue />
      </Providers>,
    );
    await screen.findByText('0 queued');
    expect(queueList).toHaveBeenCalledTimes(1);

    act(() => backend.emitDataChanged(['campaigns']));
    await new Promise((r) => setTimeout(r, 20));
    expect(queueList).toHaveBeenCalledTimes(1);

    act(() => backend.emitDataChanged(['queue']));
    await waitFor(() => expect(queueList).toHaveBeenCalledTimes(2));
  });

  it('unsubscribes when unmounted', async () => {
    const backend = createMemoryBackend();
    const listeners: Array<() => void> = [];
    const onDataChanged = backend.onDataChanged.bind(backend);
    vi.spyOn(backend, 'onDataChanged').mockImplementation(async (l) => {
      const off = vi.fn(await onDataChanged(l));
      listeners.push(off);
      return off;
    });
    const { unmount } = render(
      <Providers backend={backend} client={createQueryClient()}>
        <Queue />
      </Providers>,
    );
    await screen.findByText('0 queued');
    unmount();
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toHaveBeenCalled();
  });
});

describe('the in-memory backend', () => {
  it('announces the topics of a change once it succeeded, and nothing for a read', async () => {
    const backend = createMemoryBackend();
    const seen: Topic[][] = [];
    await backend.onDataChanged((t) => seen.push(t));
    await backend.campaignList(false);
    expect(seen).toEqual([]);
    await backend.campaignCreate({ name: 'Launch', goal: null, starts_on: null, ends_on: null, timezone: 'UTC', sponsored: false, budget: null, currency: null, notes: null });
    expect(seen).toEqual([['campaigns']]);
    backend.failNext('campaignCreate', 'invalid_input');
    await expect(backend.campaignCreate({ name: 'x', goal: null, starts_on: null, ends_on: null, timezone: 'UTC', sponsored: false, budget: null, currency: null, notes: null })).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });
});
