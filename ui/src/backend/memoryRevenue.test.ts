/**
 * The fake's own money state: soft deletes, list order, import keys that stay taken, the fake
 * file system. The money rules themselves are studio-api's (replayed from fixtures/money.json)
 * and tested in Rust: crates/studio-core/src/money.rs, crates/studio-api/src/revenue_import.rs,
 * crates/studio-api/tests/{analytics,revenue_import,export_report}.rs.
 */
import { describe, expect, it } from 'vitest';
import { campaignBase } from '../test/factories';
import type { ApiError, RevenueImportRequest, RevenueInput } from './bindings';
import { createMemoryBackend } from './memory';

const CAMPAIGN = { ...campaignBase('c-1', 'Launch', '2026-01-01T00:00:00Z'), currency: 'EUR', budget: '500.00' };

const setup = (seed: Parameters<typeof createMemoryBackend>[0] = {}) => createMemoryBackend({ campaigns: [CAMPAIGN], ...seed });

const entry = (over: Partial<RevenueInput> = {}): RevenueInput => ({
  campaign_id: 'c-1',
  kind: 'sponsorship',
  amount: '1500',
  currency: 'EUR',
  occurred_on: '2026-03-01',
  note: null,
  ...over,
});

const codeOf = async (p: Promise<unknown>) => ((await p.then(() => null, (e: ApiError) => e)) as ApiError | null)?.code;

const importReq = (path: string, over: Partial<RevenueImportRequest> = {}): RevenueImportRequest => ({
  campaign_id: 'c-1',
  path,
  mapping: [],
  currency: null,
  kind: null,
  dry_run: false,
  ...over,
});

describe('revenue entries', () => {
  it('normalizes, defaults the date to today in the campaign’s zone and lists newest first', async () => {
    const b = setup();
    const e = await b.revenueAdd(entry({ kind: ' Cost ', currency: 'eur', amount: '12.5', occurred_on: null, note: '  ' }));
    expect(e).toMatchObject({ kind: 'cost', currency: 'EUR', amount: '12.50', note: null, imported: false });
    expect(e.occurred_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await b.revenueAdd(entry({ occurred_on: '2020-01-01', amount: '3000', currency: 'JPY' }));
    const list = await b.revenueList('c-1');
    expect(list.map((x) => x.amount)).toEqual(['12.50', '3000']);
  });

  it('soft-deletes: gone from the list and the totals, kept in the store', async () => {
    const b = setup();
    const e = await b.revenueAdd(entry());
    await b.revenueDelete(e.id);
    expect(await b.revenueList('c-1')).toEqual([]);
    expect(b.dumpRevenue()).toEqual([expect.objectContaining({ id: e.id, deleted: true })]);
    expect(await codeOf(b.revenueDelete(e.id))).toBe('not_found');
    expect((await b.revenueSummary('c-1')).currencies).toEqual([]);
  });
});

describe('revenue import', () => {
  const FILE = '/in/payout.csv';
  const CSV = 'Paid;Sum;Cur;Ref\n2026-03-01;10,50;EUR;a\n2026-03-02;oops;EUR;b\n2026-03-03;7;EUR;c\n';
  const MAP = [
    { column: 'Paid', field: 'date' },
    { column: 'Sum', field: 'amount' },
    { column: 'Cur', field: 'currency' },
    { column: 'Ref', field: 'external_id' },
  ];

  it('dry run stores nothing; import keeps good rows, reports bad ones by line; re-import adds nothing', async () => {
    const b = setup({ files: { [FILE]: CSV } });
    const dry = await b.revenueImport(importReq(FILE, { mapping: MAP, dry_run: true }));
    expect(dry).toMatchObject({ dry_run: true, rows: 3, imported: 2, duplicates: 0 });
    expect(dry.rejected).toEqual([{ line: 3, code: 'invalid_amount', reason: expect.stringContaining('"oops" is not a valid amount') }]);
    expect(await b.revenueList('c-1')).toEqual([]);

    const first = await b.revenueImport(importReq(FILE, { mapping: MAP }));
    expect([first.imported, first.duplicates, first.rejected.length]).toEqual([2, 0, 1]);
    const list = await b.revenueList('c-1');
    expect(list.map((e) => [e.amount, e.kind, e.imported])).toEqual([['7.00', 'payout', true], ['10.50', 'payout', true]]);

    // Deleting an imported row keeps its key: importing again does not bring it back.
    await b.revenueDelete(list[0]?.id ?? '');
    const again = await b.revenueImport(importReq(FILE, { mapping: MAP }));
    expect([again.imported, again.duplicates]).toEqual([0, 2]);
    const dryAgain = await b.revenueImport(importReq(FILE, { mapping: MAP, dry_run: true }));
    expect([dryAgain.imported, dryAgain.duplicates]).toEqual([0, 2]);
    expect(await b.revenueList('c-1')).toHaveLength(1);
  });

  it('a file that is not there is an io error', async () => {
    expect(await codeOf(setup().revenueImportPreview('/missing.csv'))).toBe('io');
  });
});

describe('exports and reports', () => {
  it('writes files and counts rows; a read-only folder fails with io', async () => {
    const b = setup({ readOnlyDirs: ['/locked'] });
    await b.revenueAdd(entry());
    expect(await b.exportCsv('revenue', '/out/revenue.csv')).toEqual({ path: '/out/revenue.csv', rows: 1 });
    expect(b.readFile('/out/revenue.csv')).toBeDefined();
    const html = await b.reportHtml('c-1', '/out/report.html');
    expect(html.bytes).toBeGreaterThan(0);
    expect(await codeOf(b.exportCsv('posts', '/locked/posts.csv'))).toBe('io');
    expect(await codeOf(b.reportHtml('nope', '/out/r.html'))).toBe('not_found');
  });
});
