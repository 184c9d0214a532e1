import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { Backend } from '../backend';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import type { Asset, Campaign, RenderRecord } from '../backend';
import { Providers, createQueryClient } from '../Providers';
import { assetBase, campaignBase, renderBase } from './factories';

export function renderWithBackend(ui: ReactElement, backend: Backend = createMemoryBackend()): RenderResult & { backend: Backend } {
  const result = render(
    <Providers backend={backend} client={createQueryClient()}>
      {ui}
    </Providers>,
  );
  return { ...result, backend };
}

let n = 0;
export function campaign(overrides: Partial<Campaign> = {}): Campaign {
  n += 1;
  const at = `2025-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`;
  return {
    ...campaignBase(`c-${n}`, `Campaign ${n}`, at),
    ...overrides,
  };
}

export function seeded(seed: MemorySeed) {
  return createMemoryBackend(seed);
}

let a = 0;
/** A 1080×1920 video asset unless overridden. */
export function asset(overrides: Partial<Asset> = {}): Asset {
  a += 1;
  const id = overrides.id ?? `asset-${a}`;
  return {
    ...assetBase(id),
    rotation: 0,
    poster: `/thumbs/${id}/poster.jpg`,
    filmstrip: `/thumbs/${id}/filmstrip.jpg`,
    created_at: `2025-01-01T00:00:${String(59 - (a % 60)).padStart(2, '0')}Z`,
    ...overrides,
  };
}

let r = 0;
/** A finished TikTok render of asset `v1` unless overridden (newer ones first in the history). */
export function renderRecord(overrides: Partial<RenderRecord> = {}): RenderRecord {
  r += 1;
  const id = overrides.id ?? `render-${r}`;
  return { ...renderBase(id, overrides.asset_id ?? 'v1', `2025-02-01T00:00:${String(r % 60).padStart(2, '0')}Z`), ...overrides };
}
