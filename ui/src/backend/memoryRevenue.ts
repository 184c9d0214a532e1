/**
 * The in-memory money store: revenue and cost entries, exchange rates, payout-export imports,
 * exports and campaign reports, for Vitest, Playwright and plain-browser dev.
 *
 * It keeps only state (entries, soft deletes, taken import keys, rates, a fake file system); every
 * money rule is studio-api's, replayed from fixtures/money.json (`make fixtures`, requests in
 * fixtures/seeds/money/requests.json): how an entry is validated and normalized, what rates are
 * accepted, a campaign's totals for its live entries, a file's preview and what importing it
 * stores. A question the fixture lacks fails loudly with the request to add.
 */
import type { ExportKind, ExportReport, ReportFile, RevenueEntry, RevenueImportPreview, RevenueImportReport, RevenueImportRequest, RevenueInput, RevenueRates, RevenueSummary } from './bindings';
import { isValidDate } from '../lib/format';
import { BackendError } from './errors';
import { canonical } from './memoryFixtures';
import type { ErrorCode } from './types';
import answers from './fixtures/money.json';
import requests from './fixtures/seeds/money/requests.json';

type Answered = { request: unknown; answer?: unknown; error?: { code: string; message: string } };
/** What Rust decides about an entry; the fake adds ids, times and versions. */
type Fields = Pick<RevenueEntry, 'kind' | 'amount' | 'currency' | 'occurred_on' | 'note'>;
type Imported = { report: RevenueImportReport; entries: (Fields & { key: string })[] };

function fail(code: ErrorCode, message: string): never {
  throw new BackendError(code, message);
}

/** JSON with object keys sorted, so a request matches its fixture whatever the key order. */

function replay<A>(list: Answered[], request: unknown, what: string): A {
  const hit = list.find((a) => canonical(a.request) === canonical(request));
  if (!hit) {
    const message = `fixtures/money.json has no ${what} answer for ${canonical(request)}: add it to fixtures/seeds/money/requests.json and run make fixtures.`;
    console.error(message); // the UI may show it only as a banner; Playwright fails on console errors
    return fail('internal', message);
  }
  if (hit.error) fail(hit.error.code as ErrorCode, hit.error.message);
  return structuredClone(hit.answer) as A;
}

/** FNV-1a 64 of a file's bytes, as gen-fixtures keys previews and imports. */
function fileHash(file: MemoryFile): string {
  let h = 0xcbf29ce484222325n;
  for (const b of typeof file === 'string' ? new TextEncoder().encode(file) : file) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

/** What the fake file system holds: text, or bytes as a real file would. */
export type MemoryFile = string | Uint8Array;

type Stored = RevenueEntry & { importKey: string | null; deleted: boolean };

type MoneyCampaign = { id: string; name: string; timezone: string; currency: string | null };

/** The seed's money fields (documented on MemorySeed) and what the store needs of the others. */
export interface MoneyOptions {
  entries?: RevenueEntry[];
  rates?: RevenueRates | null;
  files?: Record<string, MemoryFile>;
  pickCsv?: string | null;
  savePath?: string | null;
  readOnlyDirs?: string[];
  campaign: (id: string) => MoneyCampaign | undefined;
  /** Data rows an export of posts / targets / metrics would hold (revenue is counted here). */
  exportRows: (kind: Exclude<ExportKind, 'revenue'>) => number;
  newId: () => string;
}

/** Where the demo payout export (European layout, one bad row) sits in the fake file system. */
export const DEMO_PAYOUT_PATH = '/home/demo/Downloads/payouts.csv';

const publicEntry = ({ importKey: _k, deleted: _d, ...e }: Stored): RevenueEntry => ({ ...e });

/** Today's civil date in an IANA zone ("en-CA" formats as YYYY-MM-DD). */
const todayIn = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export function createRevenueStore(opts: MoneyOptions) {
  const files = new Map<string, MemoryFile>(Object.entries(opts.files ?? { [DEMO_PAYOUT_PATH]: requests.files['demo-payouts'] }));
  let rates: RevenueRates | null = opts.rates ?? null;
  const rows: Stored[] = (opts.entries ?? []).map((e) => ({ ...e, importKey: e.imported ? `seed:${e.id}` : null, deleted: false }));
  let clock = 0;

  const campaignOf = (id: string): MoneyCampaign => opts.campaign(id) ?? fail('not_found', `No campaign with id ${id}.`);
  const live = (campaignId: string) => rows.filter((r) => r.campaign_id === campaignId && !r.deleted);
  const insert = (campaignId: string, e: Fields, importKey: string | null) => {
    clock += 1;
    const row: Stored = { ...e, id: opts.newId(), campaign_id: campaignId, imported: importKey !== null, created_at: new Date(Date.now() + clock).toISOString(), version: 1, importKey, deleted: false };
    rows.push(row);
    return row;
  };
  const read = (path: string) => fileHash(files.get(path) ?? fail('io', `Cannot read ${path}: No such file or directory (os error 2)`));
  const write = (path: string, content: string) => {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    if ((opts.readOnlyDirs ?? []).some((d) => dir === d || dir.startsWith(`${d}/`))) fail('io', `Cannot write ${dir}/.${path.slice(path.lastIndexOf('/') + 1)}.part: Permission denied (os error 13)`);
    files.set(path, content);
  };
  const summary = (campaignId: string): RevenueSummary =>
    replay(answers.summaries, { entries: live(campaignId).map((r) => [r.kind, r.amount, r.currency]).sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1)), rates }, 'summary');

  return {
    ratesGet: (): RevenueRates | null => (rates ? structuredClone(rates) : null),
    ratesSet(next: RevenueRates): RevenueRates {
      rates = replay<RevenueRates>(answers.rates, next, 'rates');
      return structuredClone(rates);
    },
    add(input: RevenueInput): RevenueEntry {
      const valid = replay<Omit<Fields, 'occurred_on'>>(answers.entries,
        { kind: input.kind, amount: input.amount, currency: input.currency, note: input.note ?? null }, 'entry');
      const day = input.occurred_on?.trim() || null;
      if (day !== null && !isValidDate(day)) fail('invalid_date', `"${input.occurred_on}" is not a valid entry date. Use YYYY-MM-DD, e.g. 2026-03-31.`);
      const c = campaignOf(input.campaign_id);
      return publicEntry(insert(c.id, { ...valid, occurred_on: day ?? todayIn(c.timezone) }, null));
    },
    /** Newest date first, then newest created. */
    list: (campaignId: string): RevenueEntry[] =>
      live(campaignOf(campaignId).id)
        .sort((a, b) => b.occurred_on.localeCompare(a.occurred_on) || b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
        .map(publicEntry),
    remove(id: string): void {
      const row = rows.find((r) => r.id === id && !r.deleted) ?? fail('not_found', `No revenue_entry with id ${id}.`);
      row.deleted = true;
      row.version += 1;
    },
    summary: (campaignId: string): RevenueSummary => summary(campaignOf(campaignId).id),
    preview: (path: string): RevenueImportPreview => replay(answers.previews, read(path), 'import preview'),
    /** Rust's answer for this file into an empty campaign; rows whose key is taken are duplicates. */
    import(req: RevenueImportRequest): RevenueImportReport {
      const c = campaignOf(req.campaign_id);
      const request = { file: read(req.path), mapping: req.mapping, currency: req.currency ?? null, kind: req.kind ?? null, campaign_currency: c.currency };
      const { report, entries } = replay<Imported>(answers.imports, request, 'import');
      const taken = new Set(rows.filter((r) => r.campaign_id === c.id).map((r) => r.importKey));
      const fresh = entries.filter((e) => !taken.has(e.key));
      if (!req.dry_run) for (const { key, ...e } of fresh) insert(c.id, e, key);
      const already = entries.length - fresh.length;
      return { ...report, dry_run: req.dry_run, imported: fresh.length, duplicates: report.duplicates + already };
    },
    // Exports and reports are files the fake only stands in for: Rust's own tests check their contents.
    exportCsv(kind: ExportKind, path: string): ExportReport {
      const n = kind === 'revenue' ? rows.filter((r) => !r.deleted).length : opts.exportRows(kind);
      write(path, `${kind} export (in-memory stand-in)\n${Array.from({ length: n }, (_, i) => `row-${i + 1}`).join('\n')}`);
      return { path, rows: n };
    },
    reportHtml(campaignId: string, path: string): ReportFile {
      const doc = `<!DOCTYPE html><title>Campaign report (in-memory stand-in)</title><p>${live(campaignOf(campaignId).id).length} entries</p>\n`;
      write(path, doc);
      return { path, bytes: new TextEncoder().encode(doc).length };
    },
    reportCsv(campaignId: string, path: string): ExportReport {
      const c = campaignOf(campaignId);
      const lines = [`campaign,name,${c.name},`, `campaign,timezone,${c.timezone},`, `money,entries,${live(c.id).length},`];
      write(path, ['section,name,value,unit', ...lines].join('\n'));
      return { path, rows: lines.length };
    },
    pickCsv: (): string | null => (opts.pickCsv !== undefined ? opts.pickCsv : DEMO_PAYOUT_PATH),
    pickSave: (defaultName: string): string | null => (opts.savePath !== undefined ? opts.savePath : `/home/demo/Documents/${defaultName}`),
    /** For tests: every entry, soft-deleted ones included. */
    dump: (): (RevenueEntry & { deleted: boolean })[] => rows.map((r) => ({ ...publicEntry(r), deleted: r.deleted })),
    /** For tests: what a path holds in the fake file system. */
    file: (path: string): MemoryFile | undefined => files.get(path),
  };
}
