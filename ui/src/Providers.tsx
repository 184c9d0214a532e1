import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { BackendProvider, type Backend } from './backend';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Local backend: failures are real errors, not flaky networks.
      queries: { retry: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
}

export function Providers({ backend, client, children }: { backend: Backend; client: QueryClient; children: ReactNode }) {
  return (
    <BackendProvider backend={backend}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </BackendProvider>
  );
}
