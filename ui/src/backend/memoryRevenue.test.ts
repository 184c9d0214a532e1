import { describe, expect, it } from 'vitest';
import { campaignBase } from '../test/factories';
import type { ApiError, RevenueImportRequest, RevenueInput } from './bindings';
import { createMemoryBackend } from './memory';
import { detectDelimiter, normalizeAmount, normalizeDate, parseAmount, parseCsv, suggestMapping } from './memoryRevenue';

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

describe('money rules (money.rs)', () => {
  it('reads amounts with the currency’s own decimals', () => {
    expect(parseAmount('1,500.5', 'EUR')).toBe(150050n);
    expect(parseAmount('.25', 'EUR')).toBe(25n);
    expect(parseAmount('3000', 'JPY')).toBe(3000n);
    expect(parseAmount('1.234', 'KWD')).toBe(1234n);
    expect(() => parseAmount('1.5', 'JPY')).toThrow('JPY amounts have no decimal places.');
    expect(() => parseAmount('-5', 'USD')).toThrow(/cannot be negative/);
    for (const bad of ['', '.', 'abc', '1e5', '1.2.3']) expect(() => parseAmount(bad, 'USD'), bad).toThrow(/not a valid amount/);
    expect(() => parseAmount('99999999999999999999', 'USD')).toThrow('The amount is too large.');
  });
});

describe('revenue entries', () => {
  it('validates each field with Rust’s codes', async () => {
    const b = setup();
    expect(await codeOf(b.revenueAdd(entry({ kind: 'gift' })))).toBe('invalid_kind');
    expect(await codeOf(b.revenueAdd(entry({ currency: 'XYZ' })))).toBe('invalid_currency');
    expect(await codeOf(b.revenueAdd(entry({ amount: 'lots' })))).toBe('invalid_amount');
    expect(await codeOf(b.revenueAdd(entry({ amount: '12.345' })))).toBe('invalid_amount');
    expect(await codeOf(b.revenueAdd(entry({ occurred_on: '01.03.2026' })))).toBe('invalid_date');
    expect(await codeOf(b.revenueAdd(entry({ campaign_id: 'nope' })))).toBe('not_found');
    expect(b.dumpRevenue()).toHaveLength(0);
  });

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

  it('sums per currency with ROI = (revenue − cost) / cost, converting only when rates cover all', async () => {
    const b = setup();
    await b.revenueAdd(entry({ amount: '2500' }));
    await b.revenueAdd(entry({ kind: 'cost', amount: '1000' }));
    let s = await b.revenueSummary('c-1');
    expect(s.currencies).toEqual([{ currency: 'EUR', revenue: '2500.00', cost: '1000.00', net: '1500.00', roi: 1.5, entries: 2 }]);
    expect(s.roi).toBe(1.5);

    await b.revenueAdd(entry({ kind: 'affiliate', amount: '100', currency: 'USD' }));
    s = await b.revenueSummary('c-1');
    expect(s.currencies.map((c) => [c.currency, c.roi])).toEqual([['EUR', 1.5], ['USD', null]]);
    expect(s.converted).toBeNull();
    expect(s.roi).toBeNull();

    await b.revenueRatesSet({ base: 'eur', rates: { usd: 0.9 } });
    s = await b.revenueSummary('c-1');
    expect(s.converted).toEqual({ base: 'EUR', revenue: '2590.00', cost: '1000.00', net: '1590.00', roi: 1.59 });
    expect(s.roi).toBe(1.59);

    await b.revenueAdd(entry({ amount: '5', currency: 'GBP' }));
    s = await b.revenueSummary('c-1');
    expect(s.converted).toBeNull();
    expect(s.missing_rates).toEqual(['GBP']);
  });

  it('checks rates: known codes, positive numbers', async () => {
    const b = setup();
    expect(await b.revenueRatesGet()).toBeNull();
    expect(await codeOf(b.revenueRatesSet({ base: 'EUR', rates: { ABC: 1 } }))).toBe('invalid_currency');
    expect(await codeOf(b.revenueRatesSet({ base: 'EUR', rates: { USD: 0 } }))).toBe('invalid_amount');
    expect(await codeOf(b.revenueRatesSet({ base: 'EUR', rates: { USD: Number.NaN } }))).toBe('invalid_amount');
    expect(await b.revenueRatesSet({ base: 'gbp', rates: { eur: 0.85 } })).toEqual({ base: 'GBP', rates: { EUR: 0.85 } });
  });
});

describe('CSV reading (revenue_import.rs)', () => {
  it('detects delimiters, normalizes amounts and dates like Rust', () => {
    expect(detectDelimiter('a;b;c\n1,5;2;3')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('"a;x",b,c\n')).toBe(',');
    expect(detectDelimiter('single\n')).toBe(',');
    expect(normalizeAmount('1.234,56')).toBe('1234.56');
    expect(normalizeAmount('12,50')).toBe('12.50');
    expect(normalizeAmount('1,234')).toBe('1,234');
    expect(normalizeAmount('£12.50')).toBe('12.50');
    expect(normalizeAmount('12.50 €')).toBe('12.50');
    expect(normalizeDate('2026/03/01')).toBe('2026-03-01');
    expect(normalizeDate('2026-03-01T10:00:00Z')).toBe('2026-03-01');
    expect(normalizeDate('01.03.2026')).toBe('01.03.2026');
  });

  it('parses quoted cells and reports where each record starts', () => {
    const rows = parseCsv('a,b\n"x, ""y""",2\n\n"multi\nline",3\n', ',');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"', '2'] },
      { line: 4, cells: ['multi\nline', '3'] },
    ]);
  });

  it('suggests a mapping from header names', () => {
    const s = suggestMapping(['Transaction ID', 'Date', 'Payout amount', 'Currency', 'Description']);
    expect(Object.fromEntries(s.map((m) => [m.field, m.column]))).toEqual({
      external_id: 'Transaction ID', amount: 'Payout amount', date: 'Date', currency: 'Currency', note: 'Description',
    });
    // "id" must not match "Paid on" (whole words only).
    expect(suggestMapping(['Paid on', 'Sum']).map((m) => m.field)).toEqual(['amount', 'date']);
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

  it('previews encoding, delimiter, rows and a suggestion', async () => {
    const b = setup({ files: { [FILE]: CSV } });
    const p = await b.revenueImportPreview(FILE);
    expect(p).toMatchObject({ encoding: 'UTF-8', delimiter: ';', headers: ['Paid', 'Sum', 'Cur', 'Ref'], total_rows: 3 });
    expect(p.rows[1]).toEqual(['2026-03-02', 'oops', 'EUR', 'b']);
    // "Cur" and "Ref" are not names the guesser knows: the user maps them in the mapping step.
    expect(p.suggested).toEqual([{ column: 'Sum', field: 'amount' }, { column: 'Paid', field: 'date' }]);
  });

  it('reads Windows-1252 bytes and a UTF-8 BOM', async () => {
    const latin = new Uint8Array([...new TextEncoder().encode('Date,Amount,Note\n2026-03-01,5,Caf'), 0xe9, 0x0a]);
    const bom = `\uFEFFDate,Amount\n2026-03-01,5\n`;
    const b = setup({ files: { '/a.csv': latin, '/b.csv': bom } });
    const a = await b.revenueImportPreview('/a.csv');
    expect([a.encoding, a.rows[0]?.[2]]).toEqual(['windows-1252', 'Café']);
    expect((await b.revenueImportPreview('/b.csv')).encoding).toBe('UTF-8 (BOM)');
  });

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

  it('rejects bad mappings and empty files with their codes', async () => {
    const b = setup({ files: { [FILE]: CSV, '/empty.csv': 'Date,Amount\n', '/blank.csv': '' }, campaigns: [{ ...CAMPAIGN, currency: null }] });
    expect(await codeOf(b.revenueImport(importReq(FILE, { mapping: [{ column: 'Nope', field: 'amount' }] })))).toBe('invalid_mapping');
    expect(await codeOf(b.revenueImport(importReq(FILE, { mapping: [{ column: 'Sum', field: 'amount' }] })))).toBe('invalid_mapping');
    expect(await codeOf(b.revenueImport(importReq(FILE, { mapping: [{ column: 'Sum', field: 'price' }] })))).toBe('invalid_mapping');
    // No currency column and a campaign without a budget currency.
    expect(await codeOf(b.revenueImport(importReq(FILE, { mapping: MAP.filter((m) => m.field !== 'currency') })))).toBe('invalid_mapping');
    expect(await codeOf(b.revenueImport(importReq('/empty.csv', { currency: 'EUR' })))).toBe('invalid_csv');
    expect(await codeOf(b.revenueImportPreview('/blank.csv'))).toBe('invalid_csv');
    expect(await codeOf(b.revenueImportPreview('/missing.csv'))).toBe('io');
  });

  it('counts rows repeated inside one file as duplicates', async () => {
    const b = setup({ files: { '/d.csv': 'Date,Amount\n2026-03-01,5\n2026-03-01,5\n' } });
    const r = await b.revenueImport(importReq('/d.csv'));
    expect([r.rows, r.imported, r.duplicates]).toEqual([2, 1, 1]);
  });
});

describe('exports and reports', () => {
  it('writes files and counts rows; a read-only folder fails with io', async () => {
    const b = setup({ readOnlyDirs: ['/locked'] });
    await b.revenueAdd(entry());
    expect(await b.exportCsv('revenue', '/out/revenue.csv')).toEqual({ path: '/out/revenue.csv', rows: 1 });
    expect(String(b.readFile('/out/revenue.csv'))).toContain(',sponsorship,1500.00,EUR,2026-03-01,');
    const html = await b.reportHtml('c-1', '/out/report.html');
    expect(html.bytes).toBeGreaterThan(0);
    expect(await codeOf(b.exportCsv('posts', '/locked/posts.csv'))).toBe('io');
    expect(await codeOf(b.reportHtml('nope', '/out/r.html'))).toBe('not_found');
  });

  it('escapes campaign names in the HTML report', async () => {
    const b = createMemoryBackend({ campaigns: [{ ...CAMPAIGN, name: '<script>x</script>' }] });
    await b.reportHtml('c-1', '/r.html');
    const doc = String(b.readFile('/r.html'));
    expect(doc).not.toContain('<script>');
    expect(doc).toContain('&#60;script&#62;');
  });
});
