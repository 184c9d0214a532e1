/**
 * The in-memory money store: revenue and cost entries, exchange rates, payout-export imports,
 * CSV exports and campaign reports, for Vitest, Playwright and plain-browser dev.
 *
 * It follows the Rust rules (studio-core `revenue.rs`, `money.rs`; studio-api `revenue_import.rs`,
 * `analytics.rs`, `export.rs`, `report.rs`) closely enough that the UI's error placement, import
 * steps and totals are tested against the same codes and numbers the app produces: amounts are
 * exact integers in the currency's minor unit (BigInt here), a cost is its own kind, deletes are
 * soft and an import key stays taken after its row is deleted. Files live in a map of path →
 * content; nothing touches a disk.
 */
import type {
  ColumnMapping,
  ExportKind,
  ExportReport,
  ReportFile,
  RevenueEntry,
  RevenueImportPreview,
  RevenueImportReport,
  RevenueImportRequest,
  RevenueInput,
  RevenueRates,
  RevenueSummary,
  RowProblem,
} from './bindings';
import { isValidDate } from '../lib/format';
import { REVENUE_KINDS, type RevenueKind } from '../lib/money';
import { BackendError } from './errors';
import type { ErrorCode } from './types';

// ---- money (money.rs) ------------------------------------------------------------------------

const TWO_DECIMALS = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ
GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK
MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS
VES WST XCD YER ZAR ZMW ZWL`;
const ZERO_DECIMALS = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF';
const THREE_DECIMALS = 'BHD IQD JOD KWD LYD OMR TND';

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...TWO_DECIMALS.split(/\s+/).map((c) => [c, 2] as const),
  ...ZERO_DECIMALS.split(/\s+/).map((c) => [c, 0] as const),
  ...THREE_DECIMALS.split(/\s+/).map((c) => [c, 3] as const),
]);

const I64_MAX = 9_223_372_036_854_775_807n;

/** Decimal places of an ISO 4217 code, or undefined for a code the app does not know. */
export function exponent(code: string): number | undefined {
  return EXPONENTS.get(code);
}

function fail(code: ErrorCode, message: string): never {
  throw new BackendError(code, message);
}

/** "eur " → "EUR", or `invalid_currency`. */
export function canonicalCurrency(code: string): string {
  const c = code.trim().toUpperCase();
  if (exponent(c) === undefined) fail('invalid_currency', `"${code}" is not an ISO 4217 currency code (e.g. USD, EUR, JPY).`);
  return c;
}

/** "1,500.50" in EUR → 150050n; the message of each failure is Rust's (code invalid_amount). */
export function parseAmount(text: string, currency: string): bigint {
  const exp = exponent(currency) ?? fail('invalid_currency', `"${currency}" is not an ISO 4217 currency code (e.g. USD, EUR, JPY).`);
  const bad = () => fail('invalid_amount', `"${text}" is not a valid amount. Use digits with an optional decimal point, e.g. 1500 or 1500.50.`);
  const t = [...text.trim()].filter((c) => c !== ',' && c !== '_').join('');
  if (t.startsWith('-')) fail('invalid_amount', 'An amount cannot be negative (record money spent as a cost entry).');
  const dot = t.indexOf('.');
  const whole = dot < 0 ? t : t.slice(0, dot);
  const fracRaw = dot < 0 ? '' : t.slice(dot + 1);
  if (whole === '' && fracRaw === '') bad();
  if (!/^[0-9]*$/.test(whole) || !/^[0-9]*$/.test(fracRaw)) bad();
  const frac = fracRaw.replace(/0+$/, '');
  if (frac.length > exp) fail('invalid_amount', `${currency} amounts have ${exp === 0 ? 'no decimal places' : `at most ${exp} decimal place${exp === 1 ? '' : 's'}`}.`);
  const minor = BigInt(whole === '' ? '0' : whole) * 10n ** BigInt(exp) + BigInt(frac === '' ? '0' : frac.padEnd(exp, '0'));
  if (minor > I64_MAX) fail('invalid_amount', 'The amount is too large.');
  return minor;
}

/** 150050n in EUR → "1500.50"; JPY has no decimals. */
export function formatAmount(minor: bigint, currency: string): string {
  const exp = exponent(currency) ?? 2;
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  if (exp === 0) return `${sign}${abs}`;
  const scale = 10n ** BigInt(exp);
  return `${sign}${abs / scale}.${(abs % scale).toString().padStart(exp, '0')}`;
}

// ---- entries (revenue.rs) --------------------------------------------------------------------

const NOTE_MAX = 2_000;

export function parseKind(kind: string): RevenueKind {
  const k = kind.trim().toLowerCase();
  if (!(REVENUE_KINDS as readonly string[]).includes(k)) {
    fail('invalid_kind', `"${kind}" is not a kind of revenue entry. Use sponsorship, affiliate, payout, other or cost.`);
  }
  return k as RevenueKind;
}

type Valid = { kind: RevenueKind; minor: bigint; currency: string; occurredOn: string | null; note: string | null };

/** Field by field in Rust's order: kind, currency, amount, date, note. */
export function validateEntry(input: Omit<RevenueInput, 'campaign_id'>): Valid {
  const kind = parseKind(input.kind);
  const currency = canonicalCurrency(input.currency);
  const minor = parseAmount(input.amount, currency);
  const day = input.occurred_on?.trim() ? input.occurred_on : null;
  if (day !== null && !isValidDate(day.trim())) fail('invalid_date', `"${day}" is not a valid entry date. Use YYYY-MM-DD, e.g. 2026-03-31.`);
  const note = input.note?.trim() ? input.note.trim() : null;
  if (note !== null && [...note].length > NOTE_MAX) {
    fail('invalid_input', `The note is too long (${[...note].length} characters; at most ${NOTE_MAX}).`);
  }
  return { kind, minor, currency, occurredOn: day?.trim() ?? null, note };
}

/** Today's civil date in an IANA zone ("en-CA" formats as YYYY-MM-DD). */
function todayIn(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

// ---- CSV reading (revenue_import.rs) ---------------------------------------------------------

/** What the fake file system holds: text, or bytes to be decoded like a real file. */
export type MemoryFile = string | Uint8Array;

type Decoded = { text: string; encoding: string; delimiter: string };

/** A BOM decides; else valid UTF-8 is UTF-8; else Windows-1252. */
function decode(file: MemoryFile): { text: string; encoding: string } {
  if (typeof file === 'string') {
    return file.startsWith('\uFEFF') ? { text: file.slice(1), encoding: 'UTF-8 (BOM)' } : { text: file, encoding: 'UTF-8' };
  }
  if (file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(file.subarray(3)), encoding: 'UTF-8 (BOM)' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(file), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(file), encoding: 'windows-1252' };
  }
}

/** The candidate that splits the header line most often (quoted text ignored); comma on a tie. */
export function detectDelimiter(text: string): string {
  const header = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const candidates = [',', ';', '\t'] as const;
  const counts = new Map<string, number>(candidates.map((c) => [c, 0]));
  let quoted = false;
  for (const c of header) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best: string = ',';
  for (const c of candidates) if ((counts.get(c) ?? 0) > (counts.get(best) ?? 0)) best = c;
  return (counts.get(best) ?? 0) === 0 ? ',' : best;
}

type Record_ = { line: number; cells: string[] };

/**
 * RFC 4180 records with the `csv` crate's reader settings: flexible row lengths, every cell
 * trimmed, truly empty lines skipped; `line` is where the record starts (1 = the header).
 */
export function parseCsv(text: string, delimiter: string): Record_[] {
  const out: Record_[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
      i += text[i] === '\r' ? 2 : 1;
      line += 1;
      continue;
    }
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (;;) {
      if (i >= text.length) {
        cells.push(cell);
        break;
      }
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (c === '"') {
          quoted = false;
          i += 1;
        } else {
          if (c === '\n') line += 1;
          cell += c;
          i += 1;
        }
      } else if (c === '"' && cell.trim() === '') {
        quoted = true;
        cell = '';
        i += 1;
      } else if (c === delimiter) {
        cells.push(cell);
        cell = '';
        i += 1;
      } else if (c === '\n' || c === '\r') {
        cells.push(cell);
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line += 1;
        break;
      } else {
        cell += c;
        i += 1;
      }
    }
    out.push({ line: start, cells: cells.map((s) => s.trim()) });
  }
  return out;
}

const FIELDS = ['amount', 'currency', 'date', 'kind', 'note', 'external_id'];

/** Guesses each field's column from common header names (English, German, French). */
export function suggestMapping(headers: string[]): ColumnMapping[] {
  const HINTS: [string, string[]][] = [
    ['external_id', ['transaction id', 'payout id', 'external id', 'reference id', 'txn', 'transaction', 'id']],
    ['amount', ['amount', 'betrag', 'montant', 'earnings', 'revenue', 'net', 'gross', 'total', 'value', 'sum']],
    ['currency', ['currency', 'währung', 'waehrung', 'devise', 'curr']],
    ['date', ['date', 'datum', 'paid on', 'paid', 'day', 'created', 'time']],
    ['kind', ['kind', 'type', 'category', 'art']],
    ['note', ['note', 'description', 'memo', 'details', 'comment', 'beschreibung', 'reference', 'source']],
  ];
  const norm = headers.map((h) => h.trim().toLowerCase().replace(/[_-]/g, ' '));
  const used = headers.map(() => false);
  const words = (n: string) => ` ${n.replace(/[^\p{L}\p{N}]/gu, ' ')} `;
  const out: ColumnMapping[] = [];
  for (const [field, hints] of HINTS) {
    const find = (match: (n: string, h: string) => boolean) => {
      for (const h of hints) {
        const i = norm.findIndex((n, j) => !used[j] && match(n, h));
        if (i >= 0) return i;
      }
      return -1;
    };
    let i = find((n, h) => n === h);
    if (i < 0) i = find((n, h) => words(n).includes(` ${h} `));
    if (i >= 0) {
      used[i] = true;
      out.push({ column: headers[i] ?? '', field });
    }
  }
  return out;
}

type Columns = Partial<Record<'amount' | 'currency' | 'date' | 'kind' | 'note' | 'external_id', number>>;

function columnsFor(headers: string[], mapping: ColumnMapping[]): Columns {
  const cols: Columns = {};
  for (const m of mapping) {
    const want = m.column.trim();
    let i = headers.indexOf(want);
    if (i < 0) i = headers.findIndex((h) => h.toLowerCase() === want.toLowerCase());
    if (i < 0) fail('invalid_mapping', `The file has no column "${want}". Its columns: ${headers.join(', ')}.`);
    const f = m.field.trim().toLowerCase().replace(/[- ]/g, '_');
    const slot = f === 'type' ? 'kind' : f === 'id' ? 'external_id' : f;
    if (!FIELDS.includes(slot)) fail('invalid_mapping', `"${f}" is not a field. Map columns to: ${FIELDS.join(', ')}.`);
    cols[slot as keyof Columns] = i;
  }
  if (cols.amount === undefined) fail('invalid_mapping', 'Map a column to amount.');
  if (cols.date === undefined) fail('invalid_mapping', 'Map a column to date.');
  return cols;
}

/** "1.234,56" → "1234.56", "12,50" → "12.50"; currency signs and spaces go. */
export function normalizeAmount(raw: string): string {
  const t = [...raw.trim().replace(/^[£$€¥\u00a0 ]+|[£$€¥\u00a0 ]+$/g, '')]
    .filter((c) => c !== ' ' && c !== '\u00a0' && c !== '\u202f' && c !== "'")
    .join('');
  const i = t.lastIndexOf(',');
  let decimalComma = false;
  if (i >= 0) {
    const after = t.slice(i + 1);
    const dotBefore = t.slice(0, i).includes('.');
    decimalComma = (dotBefore || (!t.includes('.') && after.length >= 1 && after.length <= 2)) && /^[0-9]*$/.test(after);
  }
  return decimalComma ? t.replace(/\./g, '').replace(',', '.') : t;
}

/** `YYYY-MM-DD`, `YYYY/MM/DD`, or an ISO timestamp whose date part is taken. */
export function normalizeDate(raw: string): string {
  const t = raw.trim();
  const head = [...t].slice(0, 10).join('');
  const rest = t.slice(head.length);
  return rest === '' || rest.startsWith('T') || rest.startsWith(' ') ? head.replace(/\//g, '-') : t;
}

// ---- the store -------------------------------------------------------------------------------

type Stored = RevenueEntry & { minor: bigint; importKey: string | null; deleted: boolean };

export interface MoneyCampaign {
  id: string;
  name: string;
  timezone: string;
  currency: string | null;
}

export interface MoneyOptions {
  entries?: RevenueEntry[];
  rates?: RevenueRates | null;
  /** The fake file system: payout exports to import (path → content). Exports are written here. */
  files?: Record<string, MemoryFile>;
  /** What the fake "open CSV" dialog returns (null: cancelled); default: the demo payout export. */
  pickCsv?: string | null;
  /** What the fake "save as" dialog returns (null: cancelled); default: ~/Documents/<name>. */
  savePath?: string | null;
  /** Folders where writing fails with `io` (permission denied), to test the error path. */
  readOnlyDirs?: string[];
  campaign: (id: string) => MoneyCampaign | undefined;
  /** Data rows an export of posts / targets / metrics would hold (revenue is counted here). */
  exportRows: (kind: Exclude<ExportKind, 'revenue'>) => number;
  newId: () => string;
}

export const DEMO_PAYOUT_PATH = '/home/demo/Downloads/payouts.csv';

/** A demo payout export in a European layout (semicolons, decimal commas, one bad row). */
export const DEMO_PAYOUT_CSV =
  'Transaction ID;Date;Payout amount;Currency;Description\n' +
  'tx-1001;2026-03-01;120,50;EUR;Affiliate links March\n' +
  'tx-1002;2026-03-08;80;EUR;Creator fund\n' +
  'tx-1003;08.03.2026;15;EUR;Bad date format\n' +
  'tx-1004;2026-03-15;1.240,00;EUR;Brand bonus\n';

const publicEntry = ({ minor: _m, importKey: _k, deleted: _d, ...e }: Stored): RevenueEntry => ({ ...e });

export function createRevenueStore(opts: MoneyOptions) {
  const files = new Map<string, MemoryFile>(Object.entries(opts.files ?? { [DEMO_PAYOUT_PATH]: DEMO_PAYOUT_CSV }));
  let rates: RevenueRates | null = opts.rates ?? null;
  const rows: Stored[] = (opts.entries ?? []).map((e) => ({
    ...e,
    minor: parseAmount(e.amount, e.currency),
    importKey: e.imported ? `seed:${e.id}` : null,
    deleted: false,
  }));
  let clock = 0;

  const campaignOf = (id: string): MoneyCampaign => opts.campaign(id) ?? fail('not_found', `No campaign with id ${id}.`);

  const insert = (campaignId: string, zone: string, v: Valid, importKey: string | null): Stored | null => {
    if (importKey !== null && rows.some((r) => r.importKey === importKey)) return null;
    clock += 1;
    const row: Stored = {
      id: opts.newId(),
      campaign_id: campaignId,
      kind: v.kind,
      amount: formatAmount(v.minor, v.currency),
      currency: v.currency,
      occurred_on: v.occurredOn ?? todayIn(zone),
      note: v.note,
      imported: importKey !== null,
      created_at: new Date(Date.now() + clock).toISOString(),
      version: 1,
      minor: v.minor,
      importKey,
      deleted: false,
    };
    rows.push(row);
    return row;
  };

  const read = (path: string): Decoded => {
    const file = files.get(path) ?? fail('io', `Cannot read ${path}: No such file or directory (os error 2)`);
    const { text, encoding } = decode(file);
    return { text, encoding, delimiter: detectDelimiter(text) };
  };

  const headersOf = (records: Record_[]): string[] => {
    const h = records[0]?.cells ?? [];
    if (h.every((c) => c === '')) fail('invalid_csv', 'The file is empty: it needs a header line and rows.');
    return h;
  };

  const dataRows = (records: Record_[]) => records.slice(1).filter((r) => !r.cells.every((c) => c === ''));

  const write = (path: string, content: string): void => {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const blocked = (opts.readOnlyDirs ?? []).some((d) => dir === d || dir.startsWith(`${d}/`));
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (blocked) fail('io', `Cannot write ${dir}/.${name}.part: Permission denied (os error 13)`);
    files.set(path, content);
  };

  const live = (campaignId: string) => rows.filter((r) => r.campaign_id === campaignId && !r.deleted);

  /** analytics.rs `revenue()`: sums per currency (sorted), converted only when rates cover all. */
  const summary = (campaignId: string | null): RevenueSummary => {
    const sums = new Map<string, { revenue: bigint; cost: bigint; entries: number }>();
    for (const r of rows) {
      if (r.deleted || (campaignId !== null && r.campaign_id !== campaignId)) continue;
      const s = sums.get(r.currency) ?? { revenue: 0n, cost: 0n, entries: 0 };
      if (r.kind === 'cost') s.cost += r.minor;
      else s.revenue += r.minor;
      s.entries += 1;
      sums.set(r.currency, s);
    }
    const roi = (rev: number, cost: number) => (cost > 0 ? (rev - cost) / cost : null);
    const sorted = [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const currencies = sorted.map(([currency, s]) => ({
      currency,
      revenue: formatAmount(s.revenue, currency),
      cost: formatAmount(s.cost, currency),
      net: formatAmount(s.revenue - s.cost, currency),
      roi: roi(Number(s.revenue), Number(s.cost)),
      entries: s.entries,
    }));
    const missing: string[] = [];
    let converted: RevenueSummary['converted'] = null;
    if (rates && sorted.length > 0) {
      const base = rates.base.trim().toUpperCase();
      let rev = 0;
      let cost = 0;
      for (const [currency, s] of sorted) {
        const rate = currency === base ? 1 : rates.rates[currency];
        const exp = exponent(currency);
        if (rate !== undefined && Number.isFinite(rate) && rate > 0 && exp !== undefined) {
          rev += (Number(s.revenue) / 10 ** exp) * rate;
          cost += (Number(s.cost) / 10 ** exp) * rate;
        } else {
          missing.push(currency);
        }
      }
      const baseExp = exponent(base);
      if (baseExp !== undefined && missing.length === 0) {
        const revMinor = BigInt(Math.round(rev * 10 ** baseExp));
        const costMinor = BigInt(Math.round(cost * 10 ** baseExp));
        converted = {
          base,
          revenue: formatAmount(revMinor, base),
          cost: formatAmount(costMinor, base),
          net: formatAmount(revMinor - costMinor, base),
          roi: roi(Number(revMinor), Number(costMinor)),
        };
      }
    }
    const overall = currencies.length === 1 ? (currencies[0]?.roi ?? null) : converted ? converted.roi : null;
    return { currencies, converted, missing_rates: missing, roi: overall };
  };

  return {
    ratesGet: (): RevenueRates | null => (rates ? { base: rates.base, rates: { ...rates.rates } } : null),
    ratesSet(next: RevenueRates): RevenueRates {
      const base = canonicalCurrency(next.base);
      const clean: Record<string, number> = {};
      for (const [code, rate] of Object.entries(next.rates)) {
        const c = canonicalCurrency(code);
        if (rate === undefined || !Number.isFinite(rate) || rate <= 0) fail('invalid_amount', `The rate for ${c} must be a positive number.`);
        clean[c] = rate;
      }
      const sortedRates = Object.fromEntries(Object.entries(clean).sort(([a], [b]) => (a < b ? -1 : 1)));
      rates = { base, rates: sortedRates };
      return { base, rates: { ...sortedRates } };
    },
    add(input: RevenueInput): RevenueEntry {
      const v = validateEntry(input);
      const c = campaignOf(input.campaign_id);
      return publicEntry(insert(c.id, c.timezone, v, null) as Stored);
    },
    /** Newest date first, then newest created. */
    list(campaignId: string): RevenueEntry[] {
      campaignOf(campaignId);
      return live(campaignId)
        .sort((a, b) => b.occurred_on.localeCompare(a.occurred_on) || b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
        .map(publicEntry);
    },
    remove(id: string): void {
      const row = rows.find((r) => r.id === id && !r.deleted) ?? fail('not_found', `No revenue_entry with id ${id}.`);
      row.deleted = true;
      row.version += 1;
    },
    summary(campaignId: string): RevenueSummary {
      campaignOf(campaignId);
      return summary(campaignId);
    },
    preview(path: string): RevenueImportPreview {
      const d = read(path);
      const records = parseCsv(d.text, d.delimiter);
      const headers = headersOf(records);
      const body = dataRows(records);
      return {
        encoding: d.encoding,
        delimiter: d.delimiter,
        headers,
        suggested: suggestMapping(headers),
        rows: body.slice(0, 20).map((r) => r.cells),
        total_rows: body.length,
      };
    },
    import(req: RevenueImportRequest): RevenueImportReport {
      const campaign = campaignOf(req.campaign_id);
      const d = read(req.path);
      const records = parseCsv(d.text, d.delimiter);
      const headers = headersOf(records);
      const cols = columnsFor(headers, req.mapping.length === 0 ? suggestMapping(headers) : req.mapping);
      const defaultCurrency = req.currency ?? campaign.currency;
      if (cols.currency === undefined && defaultCurrency === null) {
        fail('invalid_mapping', 'Map a column to currency, or give the currency of the whole file.');
      }
      const defaultKind = req.kind ?? 'payout';
      parseKind(defaultKind);

      const good: { v: Valid; key: string }[] = [];
      const seen = new Set<string>();
      const rejected: RowProblem[] = [];
      let count = 0;
      let inFileDupes = 0;
      for (const rec of dataRows(records)) {
        count += 1;
        const cell = (i: number | undefined, field: string): string | null => {
          if (i === undefined) return null;
          const v = rec.cells[i];
          if (v === undefined) {
            fail('invalid_csv', `The row has ${rec.cells.length} columns; the ${field} column "${headers[i]}" is missing.`);
          }
          return v;
        };
        try {
          const amount = cell(cols.amount, 'amount') ?? '';
          const currency = cell(cols.currency, 'currency') || defaultCurrency || '';
          const date = cell(cols.date, 'date') ?? '';
          if (date === '') fail('invalid_date', 'The date is empty.');
          const kind = cell(cols.kind, 'kind') || defaultKind;
          const v = validateEntry({ kind, amount: normalizeAmount(amount), currency, occurred_on: normalizeDate(date), note: cell(cols.note, 'note') });
          const ext = cell(cols.external_id, 'external id') || null;
          const key = ext !== null
            ? `ext\0${campaign.id}\0${ext}`
            : `row\0${campaign.id}\0${v.kind}\0${v.minor}\0${v.currency}\0${v.occurredOn ?? ''}\0${v.note ?? ''}`;
          if (seen.has(key)) inFileDupes += 1;
          else {
            seen.add(key);
            good.push({ v, key });
          }
        } catch (err) {
          if (!(err instanceof BackendError)) throw err;
          rejected.push({ line: rec.line, code: err.code, reason: err.message });
        }
      }
      if (count === 0) fail('invalid_csv', 'The file has a header line but no rows.');

      let imported = 0;
      let duplicates = 0;
      if (req.dry_run) {
        duplicates = good.filter((g) => rows.some((r) => r.importKey === g.key)).length;
        imported = good.length - duplicates;
      } else {
        for (const g of good) {
          if (insert(campaign.id, campaign.timezone, g.v, g.key)) imported += 1;
          else duplicates += 1;
        }
      }
      return {
        dry_run: req.dry_run,
        encoding: d.encoding,
        delimiter: d.delimiter,
        rows: count,
        imported,
        duplicates: duplicates + inFileDupes,
        rejected,
      };
    },
    exportCsv(kind: ExportKind, path: string): ExportReport {
      if (kind === 'revenue') {
        const all = rows.filter((r) => !r.deleted);
        const body = all.map((r) => [r.id, r.campaign_id, opts.campaign(r.campaign_id)?.name ?? '', r.kind, r.amount, r.currency, r.occurred_on, r.note ?? ''].join(','));
        write(path, ['id,campaign_id,campaign,kind,amount,currency,occurred_on,note', ...body].join('\n'));
        return { path, rows: all.length };
      }
      const n = opts.exportRows(kind);
      write(path, `id\n${Array.from({ length: n }, (_, i) => `row-${i + 1}`).join('\n')}`);
      return { path, rows: n };
    },
    reportHtml(campaignId: string, path: string): ReportFile {
      const c = campaignOf(campaignId);
      const s = summary(c.id);
      const esc = (t: string) => t.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
      const money = s.currencies.map((m) => `<tr><td>${esc(m.currency)}</td><td>${m.cost}</td><td>${m.revenue}</td><td>${m.net}</td></tr>`).join('');
      const doc = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(c.name)} — campaign report</title></head><body><h1>${esc(c.name)}</h1><table>${money}</table></body></html>\n`;
      write(path, doc);
      return { path, bytes: new TextEncoder().encode(doc).length };
    },
    reportCsv(campaignId: string, path: string): ExportReport {
      const c = campaignOf(campaignId);
      const s = summary(c.id);
      const lines = [`campaign,name,${c.name},`, `campaign,timezone,${c.timezone},`];
      for (const m of s.currencies) {
        lines.push(`money,spend,${m.cost},${m.currency}`, `money,revenue,${m.revenue},${m.currency}`, `money,net,${m.net},${m.currency}`, `money,roi,${m.roi ?? ''},${m.currency}`);
      }
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

export type RevenueStore = ReturnType<typeof createRevenueStore>;
