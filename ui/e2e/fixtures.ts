import { test as base, expect, type Page } from '@playwright/test';

/** Seed for the in-memory backend, read by src/backend/index.ts at startup. */
export type Seed = {
  campaigns?: unknown[];
  appInfo?: Record<string, string>;
  latencyMs?: number;
};

export async function openApp(page: Page, opts: { seed?: Seed; hash?: string } = {}): Promise<void> {
  const seed = opts.seed ?? { latencyMs: 150 };
  await page.addInitScript((s) => {
    (window as unknown as { __VIRAL_STUDIO_SEED__: unknown }).__VIRAL_STUDIO_SEED__ = s;
  }, seed);
  await page.goto(`/${opts.hash ?? ''}`);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

export function campaignRecord(over: Record<string, unknown>) {
  const at = '2025-01-06T09:00:00Z';
  return {
    id: 'seed-1',
    name: 'Seeded',
    goal: null,
    starts_on: null,
    ends_on: null,
    timezone: 'UTC',
    sponsored: false,
    budget: null,
    currency: null,
    notes: null,
    archived: false,
    created_at: at,
    updated_at: at,
    version: 1,
    ...over,
  };
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
