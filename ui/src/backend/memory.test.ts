import { describe, expect, it } from 'vitest';
import type { ApiError, CampaignInput, CampaignPatch } from './bindings';
import { createMemoryBackend } from './memory';

const input = (over: Partial<CampaignInput> = {}): CampaignInput => ({
  name: 'Launch',
  goal: null,
  starts_on: null,
  ends_on: null,
  timezone: null,
  sponsored: false,
  budget: null,
  currency: null,
  notes: null,
  ...over,
});

const noChange: CampaignPatch = {
  name: null,
  goal: null,
  starts_on: null,
  ends_on: null,
  timezone: null,
  sponsored: null,
  budget: null,
  currency: null,
  notes: null,
  expected_version: null,
};

async function codeOf(p: Promise<unknown>): Promise<ApiError['code']> {
  try {
    await p;
  } catch (err) {
    return (err as ApiError).code;
  }
  throw new Error('expected the call to fail');
}

describe('memory backend validation', () => {
  it.each<[string, Partial<CampaignInput>, ApiError['code']]>([
    ['empty name', { name: '' }, 'invalid_name'],
    ['blank name', { name: '   ' }, 'invalid_name'],
    ['ends before starts', { starts_on: '2025-05-10', ends_on: '2025-05-01' }, 'invalid_date_range'],
    ['impossible date', { starts_on: '2025-02-30' }, 'invalid_date'],
    ['garbage date', { ends_on: 'tomorrow' }, 'invalid_date'],
    ['negative budget', { budget: '-5', currency: 'EUR' }, 'invalid_budget'],
    ['garbage budget', { budget: '12abc', currency: 'EUR' }, 'invalid_budget'],
    ['budget without currency', { budget: '100.00' }, 'invalid_currency'],
    ['malformed currency', { budget: '100', currency: 'EURO' }, 'invalid_currency'],
    ['unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'invalid_timezone'],
  ])('rejects %s', async (_label, over, code) => {
    const b = createMemoryBackend();
    expect(await codeOf(b.campaignCreate(input(over)))).toBe(code);
    expect(await b.campaignList(true)).toHaveLength(0);
  });

  it('accepts a full campaign and fills the default time zone', async () => {
    const b = createMemoryBackend({ appInfo: { default_timezone: 'Europe/Paris' } });
    const c = await b.campaignCreate(
      input({ name: '  Spring  ', starts_on: '2025-03-01', ends_on: '2025-03-01', budget: '1500.00', currency: 'EUR', goal: '' }),
    );
    expect(c).toMatchObject({ name: 'Spring', timezone: 'Europe/Paris', budget: '1500.00', currency: 'EUR', goal: null, version: 1, archived: false });
    expect(await b.campaignGet(c.id)).toEqual(c);
  });
});

describe('memory backend updates', () => {
  it('treats null as unchanged and "" as clear', async () => {
    const b = createMemoryBackend();
    const c = await b.campaignCreate(input({ goal: 'Grow', notes: 'keep', budget: '10', currency: 'USD' }));
    const u = await b.campaignUpdate(c.id, { ...noChange, goal: '', budget: '', currency: '', expected_version: c.version });
    expect(u).toMatchObject({ name: 'Launch', goal: null, notes: 'keep', budget: null, currency: null, version: 2 });
  });

  it('validates the merged result', async () => {
    const b = createMemoryBackend();
    const c = await b.campaignCreate(input({ starts_on: '2025-06-01' }));
    expect(await codeOf(b.campaignUpdate(c.id, { ...noChange, ends_on: '2025-05-01' }))).toBe('invalid_date_range');
    expect(await codeOf(b.campaignUpdate(c.id, { ...noChange, name: '' }))).toBe('invalid_name');
    expect(await codeOf(b.campaignUpdate(c.id, { ...noChange, timezone: '' }))).toBe('invalid_timezone');
    expect((await b.campaignGet(c.id)).version).toBe(1);
  });

  it('reports a conflict when the expected version is stale', async () => {
    const b = createMemoryBackend();
    const c = await b.campaignCreate(input());
    await b.campaignUpdate(c.id, { ...noChange, name: 'Renamed', expected_version: 1 });
    expect(await codeOf(b.campaignUpdate(c.id, { ...noChange, goal: 'x', expected_version: 1 }))).toBe('conflict');
  });

  it('hides archived campaigns unless asked, and soft-deletes', async () => {
    const b = createMemoryBackend();
    const keep = await b.campaignCreate(input({ name: 'Keep' }));
    const old = await b.campaignCreate(input({ name: 'Old' }));
    await b.campaignArchive(old.id, true);
    expect((await b.campaignList(false)).map((c) => c.name)).toEqual(['Keep']);
    expect((await b.campaignList(true)).map((c) => c.name).sort()).toEqual(['Keep', 'Old']);
    await b.campaignDelete(keep.id);
    expect(await codeOf(b.campaignGet(keep.id))).toBe('not_found');
    expect((await b.campaignList(true)).map((c) => c.name)).toEqual(['Old']);
    expect(b.dump().find((c) => c.id === keep.id)).toMatchObject({ deleted: true });
  });

  it('can be told to fail the next call', async () => {
    const b = createMemoryBackend();
    b.failNext('campaignList', 'database_busy');
    expect(await codeOf(b.campaignList(false))).toBe('database_busy');
    expect(await b.campaignList(false)).toEqual([]);
  });
});
