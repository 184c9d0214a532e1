//! Payout-export imports: bad rows reported with their line while good rows go in, nothing
//! duplicated on re-import, encodings and delimiters detected.
mod seed;

use std::path::PathBuf;

use studio_api::revenue::{self};
use studio_api::revenue_import::{self, ColumnMapping, RevenueImportRequest};
use studio_api::ErrorCode;

use seed::{campaign, context};

fn file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn req(campaign: &str, path: &std::path::Path) -> RevenueImportRequest {
    RevenueImportRequest { campaign_id: campaign.into(), path: path.display().to_string(), ..Default::default() }
}

#[test]
fn bad_rows_are_reported_by_line_and_good_rows_import() {
    let (dir, ctx) = context();
    let c = campaign(&ctx, "Payouts", "UTC");
    let csv = "Transaction ID,Date,Amount,Currency,Description\n\
               tx-1,2026-03-01,120.50,EUR,March payout\n\
               tx-2,2026-03-02,12.3.4,EUR,bad amount\n\
               tx-3,2026-02-30,10,EUR,bad date\n\
               tx-4,2026-03-04,10,XYZ,unknown currency\n\
               tx-5,2026-03-05\n\
               \"tx-6\",2026-03-06,\"1,000.00\",USD,\"quoted, with comma\"\n\
               tx-7,2026-03-07,-5,EUR,negative\n";
    let path = file(dir.path(), "payouts.csv", csv.as_bytes());
    let r = revenue_import::import(&ctx, &req(&c, &path)).expect("import");
    assert_eq!((r.rows, r.imported, r.duplicates), (7, 2, 0));
    let lines: Vec<(u32, ErrorCode)> = r.rejected.iter().map(|p| (p.line, p.code)).collect();
    assert_eq!(
        lines,
        [
            (3, ErrorCode::InvalidAmount),
            (4, ErrorCode::InvalidDate),
            (5, ErrorCode::InvalidCurrency),
            (6, ErrorCode::InvalidCsv),
            (8, ErrorCode::InvalidAmount)
        ]
    );
    assert!(r.rejected[3].reason.contains("Amount"), "{}", r.rejected[3].reason);
    let list = revenue::list(&ctx, &c).expect("list");
    let got: Vec<(&str, &str, &str, &str)> = list
        .iter()
        .map(|e| (e.occurred_on.as_str(), e.amount.as_str(), e.currency.as_str(), e.kind.as_str()))
        .collect();
    assert_eq!(got, [("2026-03-06", "1000.00", "USD", "payout"), ("2026-03-01", "120.50", "EUR", "payout")]);
    assert!(list.iter().all(|e| e.imported));
    assert_eq!(list[0].note.as_deref(), Some("quoted, with comma"));
}

#[test]
fn reimporting_and_repeated_rows_never_duplicate() {
    let (dir, ctx) = context();
    let c = campaign(&ctx, "Affiliate", "UTC");
    // No id column: rows are keyed by their content; the repeated row counts once.
    let csv = "date,amount,currency,kind,note\n\
               2026-03-01,10.00,EUR,affiliate,link A\n\
               2026-03-01,10.00,EUR,affiliate,link A\n\
               2026-03-02,7.25,EUR,affiliate,link B\n";
    let path = file(dir.path(), "aff.csv", csv.as_bytes());
    let first = revenue_import::import(&ctx, &req(&c, &path)).expect("import");
    assert_eq!((first.imported, first.duplicates, first.rejected.len()), (2, 1, 0));
    let again = revenue_import::import(&ctx, &req(&c, &path)).expect("import again");
    assert_eq!((again.imported, again.duplicates), (0, 3));
    assert_eq!(revenue::list(&ctx, &c).expect("list").len(), 2);

    // A deleted imported row does not come back with the next import of the same file.
    let gone = revenue::list(&ctx, &c).expect("list")[0].id.clone();
    revenue::delete(&ctx, &gone).expect("delete");
    let third = revenue_import::import(&ctx, &req(&c, &path)).expect("import");
    assert_eq!(third.imported, 0);
    assert_eq!(revenue::list(&ctx, &c).expect("list").len(), 1);

    // The same export into another campaign is that campaign's money.
    let other = campaign(&ctx, "Other", "UTC");
    assert_eq!(revenue_import::import(&ctx, &req(&other, &path)).expect("import").imported, 2);
}

#[test]
fn external_ids_dedupe_even_when_the_row_changes() {
    let (dir, ctx) = context();
    let c = campaign(&ctx, "Ids", "UTC");
    let v1 = file(dir.path(), "v1.csv", b"id,date,amount,currency\np-1,2026-03-01,5.00,USD\n");
    let v2 = file(dir.path(), "v2.csv", b"id,date,amount,currency\np-1,2026-03-01,5.10,USD\np-2,2026-03-02,1,USD\n");
    assert_eq!(revenue_import::import(&ctx, &req(&c, &v1)).expect("v1").imported, 1);
    let r = revenue_import::import(&ctx, &req(&c, &v2)).expect("v2");
    assert_eq!((r.imported, r.duplicates), (1, 1));
}

#[test]
fn utf8_bom_latin1_and_semicolons_are_read() {
    let (dir, ctx) = context();
    let c = campaign(&ctx, "Encodings", "UTC");
    // UTF-8 with a BOM (Excel's "CSV UTF-8"): the BOM must not become part of the first header.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("Date,Amount,Currency,Note\n2026-03-01,9.99,GBP,Café £ payout\n".as_bytes());
    let p = file(dir.path(), "bom.csv", &bom);
    let preview = revenue_import::preview(&p).expect("preview");
    assert_eq!(preview.encoding, "UTF-8 (BOM)");
    assert_eq!(preview.headers[0], "Date");
    let r = revenue_import::import(&ctx, &req(&c, &p)).expect("bom");
    assert_eq!(r.imported, 1);

    // Windows-1252 / Latin-1 with a semicolon and decimal commas (a European spreadsheet).
    let mut latin1: Vec<u8> = b"Datum;Betrag;W\xe4hrung;Beschreibung\n".to_vec();
    latin1.extend_from_slice(b"2026-03-02;1.234,56;EUR;Caf\xe9 \xa3 Sponsor\n");
    latin1.extend_from_slice(b"2026-03-03;12,50;EUR;Fee r\xe9sum\xe9\n");
    let p = file(dir.path(), "latin1.csv", &latin1);
    let preview = revenue_import::preview(&p).expect("preview");
    assert_eq!((preview.encoding.as_str(), preview.delimiter.as_str()), ("windows-1252", ";"));
    assert_eq!(preview.headers, ["Datum", "Betrag", "Währung", "Beschreibung"]);
    let fields: Vec<(&str, &str)> = preview.suggested.iter().map(|m| (m.column.as_str(), m.field.as_str())).collect();
    assert!(fields.contains(&("Betrag", "amount")) && fields.contains(&("Währung", "currency")), "{fields:?}");
    assert_eq!(preview.rows.len(), 2);
    let r = revenue_import::import(&ctx, &req(&c, &p)).expect("latin1");
    assert_eq!((r.imported, r.rejected.len()), (2, 0), "{:?}", r.rejected);
    let list = revenue::list(&ctx, &c).expect("list");
    let notes: Vec<(&str, &str)> = list.iter().map(|e| (e.amount.as_str(), e.note.as_deref().unwrap_or(""))).collect();
    assert_eq!(notes, [("12.50", "Fee résumé"), ("1234.56", "Café £ Sponsor"), ("9.99", "Café £ payout")]);

    // Tabs.
    let p = file(dir.path(), "tabs.tsv", b"date\tamount\tcurrency\n2026-03-04\t3\tUSD\n");
    assert_eq!(revenue_import::preview(&p).expect("preview").delimiter, "\t");
    assert_eq!(revenue_import::import(&ctx, &req(&c, &p)).expect("tabs").imported, 1);
}

#[test]
fn mapping_problems_are_file_level_errors_and_dry_runs_store_nothing() {
    let (dir, ctx) = context();
    let c = campaign(&ctx, "Mapping", "UTC");
    let p = file(dir.path(), "odd.csv", b"When,How much,What\n2026-03-01,5,cost\n2026-03-02,7,payout\n");
    // Nothing guessable for amount: the creator must map it.
    let err = revenue_import::import(&ctx, &req(&c, &p)).expect_err("unmapped");
    assert_eq!(err.code, ErrorCode::InvalidMapping);
    let map = |pairs: &[(&str, &str)]| -> Vec<ColumnMapping> {
        pairs.iter().map(|(c, f)| ColumnMapping { column: c.to_string(), field: f.to_string() }).collect()
    };
    let mut r = req(&c, &p);
    r.mapping = map(&[("When", "date"), ("How much", "amount"), ("What", "kind")]);
    // No currency column and the campaign has no budget currency.
    assert_eq!(revenue_import::import(&ctx, &r).expect_err("currency").code, ErrorCode::InvalidMapping);
    r.currency = Some("EUR".into());
    r.dry_run = true;
    let dry = revenue_import::import(&ctx, &r).expect("dry run");
    assert_eq!((dry.dry_run, dry.imported), (true, 2));
    assert!(revenue::list(&ctx, &c).expect("list").is_empty(), "a dry run stores nothing");
    r.dry_run = false;
    assert_eq!(revenue_import::import(&ctx, &r).expect("import").imported, 2);
    r.dry_run = true;
    let dry = revenue_import::import(&ctx, &r).expect("dry run");
    assert_eq!((dry.imported, dry.duplicates), (0, 2), "a dry run sees what is already stored");

    r.mapping = map(&[("Nope", "amount"), ("When", "date")]);
    assert_eq!(revenue_import::import(&ctx, &r).expect_err("column").code, ErrorCode::InvalidMapping);
    r.mapping = map(&[("When", "date"), ("How much", "price")]);
    assert_eq!(revenue_import::import(&ctx, &r).expect_err("field").code, ErrorCode::InvalidMapping);

    let empty = file(dir.path(), "empty.csv", b"");
    assert_eq!(revenue_import::preview(&empty).expect_err("empty").code, ErrorCode::InvalidCsv);
    let header_only = file(dir.path(), "header.csv", b"date,amount,currency\n");
    assert_eq!(revenue_import::import(&ctx, &req(&c, &header_only)).expect_err("no rows").code, ErrorCode::InvalidCsv);
    let missing = dir.path().join("missing.csv");
    assert_eq!(revenue_import::preview(&missing).expect_err("missing").code, ErrorCode::Io);
}
