import { appendFileSync, readFileSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';
import { assetBase, campaignBase, renderBase } from '../src/test/factories';

/** Seed for the in-memory backend, read by src/backend/index.ts at startup. */
export type Seed = {
  campaigns?: unknown[];
  appInfo?: Record<string, string>;
  latencyMs?: number;
  assets?: unknown[];
  /** Delay per import stage of each file (hashing, probing, saving). */
  importStepMs?: number;
  pickFiles?: string[];
  pickFolder?: string | null;
  /** Render history (see src/backend/memoryRenders.ts). */
  renders?: unknown[];
  /** Delay per render progress tick (26 ticks a render, 34 with smart reframe). */
  renderStepMs?: number;
  /** What the captions / music pickers return (null: cancelled). */
  pickCaptions?: string | null;
  pickMusic?: string | null;
  /** Delay per measuring tick of an asset's first score (8 ticks; see src/backend/memoryScore.ts). */
  scoreStepMs?: number;
  /** Connected accounts (see src/backend/memoryAccounts.ts). */
  accounts?: unknown[];
  /** How long a fake sign-in waits for the browser (or checks a password); also each publish upload tick. */
  connectStepMs?: number;
  /** Posts in any state (see src/backend/memoryPosts.ts). */
  posts?: unknown[];
  /** Posting slots per account: { account_id, timezone, slots: [{ weekday, time }] }. */
  slots?: unknown[];
  /** { banned_terms, max_links }. */
  compliance?: unknown;
  /** The publisher's health: { paused, lease, restarts, last_restart, events }. */
  scheduler?: unknown;
  notifications?: unknown[];
  /** Published posts with metrics (a scenario's `history`): the metrics export counts them; analytics and best times are the scenario's answers. */
  history?: unknown[];
  /** Revenue and cost entries and exchange rates (see src/backend/memoryRevenue.ts; a new money question needs a line in src/backend/fixtures/seeds/money/requests.json). */
  revenue?: unknown[];
  rates?: unknown;
  /** The fake file system: payout exports to import, by path. */
  files?: Record<string, string>;
  /** What the "open CSV" / "save as" dialogs return (null: cancelled). */
  pickRevenueCsv?: string | null;
  savePath?: string | null;
  /** Folders where writing an export fails with `io`. */
  readOnlyDirs?: string[];
  /** studio-api's answers for a scenario (src/backend/fixtures/<name>.json; see `scenario`). */
  answers?: unknown;
};

type SeedMedia = Record<string, unknown> & { features?: unknown };

/**
 * A fixtures scenario: its seed (src/backend/fixtures/seeds/<name>.json) and what studio-api
 * answers for it (`make fixtures`), which the in-memory backend replays as `answers`.
 */
export function scenario(name: string): { seed: { now: string; score?: { assets: SeedMedia[]; renders?: SeedMedia[] } }; answers: unknown } {
  const read = (path: string) => JSON.parse(readFileSync(new URL(`../src/backend/fixtures/${path}`, import.meta.url), 'utf8'));
  return { seed: read(`seeds/${name}.json`), answers: read(`${name}.json`) };
}

/** A seeded asset or render without its measured features (those are studio-score's input). */
export function withoutFeatures({ features: _, ...rest }: SeedMedia): Record<string, unknown> {
  return rest;
}

type DragHook = 'hover' | 'drop' | 'leave';

/** Plays an OS file drag over the window through the memory backend's `__VIRAL_STUDIO_TEST__`. */
export async function fileDrag(page: Page, what: DragHook, paths: string[] = []): Promise<void> {
  await page.evaluate(
    ([w, p]) => {
      const hook = (window as unknown as { __VIRAL_STUDIO_TEST__: Record<DragHook, (paths: string[]) => void> }).__VIRAL_STUDIO_TEST__;
      hook[w](p);
    },
    [what, paths] as const,
  );
}

/**
 * Opens the app on the in-memory backend with `seed`. `now` pins the page's clock there (it runs on
 * from it): a scenario's answers were computed by studio-api for its `now`, so a test replaying
 * them opens at that instant.
 */
export async function openApp(page: Page, opts: { seed?: Seed; hash?: string; now?: string } = {}): Promise<void> {
  const seed = opts.seed ?? { latencyMs: 150 };
  if (opts.now) await page.clock.install({ time: new Date(opts.now) });
  await page.addInitScript((s) => {
    (window as unknown as { __VIRAL_STUDIO_SEED__: unknown }).__VIRAL_STUDIO_SEED__ = s;
  }, seed);
  // RECORD_REQUESTS=<file>: requests the memory backend has no answer for (a scenario's analytics,
  // best times …, or post_validate) are appended there; `node scripts/add-requests.mjs <file>`
  // adds them to their seeds, then `make fixtures` (see src/test/setup.ts).
  const recordTo = process.env.RECORD_REQUESTS;
  if (recordTo) {
    await page.addInitScript(() => {
      (window as unknown as { __recordMiss: (r: unknown) => void }).__recordMiss = (r) => console.log(`RECORD_REQUESTS ${JSON.stringify(r)}`);
    });
    page.on('console', (m) => {
      if (m.text().startsWith('RECORD_REQUESTS ')) appendFileSync(recordTo, `${m.text().slice('RECORD_REQUESTS '.length)}\n`);
    });
  }
  await page.goto(`/${opts.hash ?? ''}`);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

export function campaignRecord(over: Record<string, unknown>) {
  const at = '2025-01-06T09:00:00Z';
  return {
    ...campaignBase('seed-1', 'Seeded', at),
    ...over,
  };
}

let assetN = 0;

/** A library asset as the backend returns it (a 1080×1920 video unless overridden). */
export function assetRecord(over: Record<string, unknown>) {
  assetN += 1;
  const id = (over.id as string | undefined) ?? `asset-${assetN}`;
  const thumbs = `/library/.thumbs/${id}`;
  return {
    ...assetBase(id),
    rotation: 90,
    poster: `${thumbs}/poster.jpg`,
    filmstrip: `${thumbs}/filmstrip.jpg`,
    created_at: `2025-01-0${Math.min(9, assetN)}T10:00:00Z`,
    ...over,
  };
}

/** A connected account as the backend lists it (an X account unless overridden). */
export function accountRecord(over: Record<string, unknown>) {
  return {
    id: 'acct-x', platform: 'x', platform_name: 'X', instance_url: null, handle: '@democreator', display_name: 'Demo Creator',
    status: 'connected', auth_mode: 'oauth', token_expires_at: null, connected_at: '2025-01-06T09:00:00Z',
    ...over,
  };
}

let renderN = 0;

/** A render in the history as the backend returns it (a finished TikTok render of `v1` unless overridden). */
export function renderRecord(over: Record<string, unknown>) {
  renderN += 1;
  const id = (over.id as string | undefined) ?? `render-${renderN}`;
  return { ...renderBase(id, (over.asset_id as string | undefined) ?? 'v1', '2025-01-06T10:00:00Z'), ...over };
}

// Fail any test whose page logs an error or throws.
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
