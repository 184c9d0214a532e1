import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { BackendProvider, type Backend } from './backend';
import { invalidateTopics } from './queries';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Local backend: failures are real errors, not flaky networks.
      queries: { retry: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
}

/** Subscribes once to the backend's `DataChanged` events: they are how data changed elsewhere reaches the screen. */
function useDataChanged(backend: Backend, client: QueryClient) {
  useEffect(() => {
    let unsubscribe: (() => void) | null = null;
    let gone = false;
    void backend
      .onDataChanged((topics) => {
        void invalidateTopics(client, topics);
      })
      .then((off) => {
        if (gone) off();
        else unsubscribe = off;
      });
    return () => {
      gone = true;
      unsubscribe?.();
    };
  }, [backend, client]);
}

export function Providers({ backend, client, children }: { backend: Backend; client: QueryClient; children: ReactNode }) {
  useDataChanged(backend, client);
  return (
    <BackendProvider backend={backend}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </BackendProvider>
  );
}
