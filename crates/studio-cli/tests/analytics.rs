//! `studio analytics`, `studio revenue`, `studio export csv` and `studio report` end to end on a
//! private data folder.
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

struct Studio {
    dir: tempfile::TempDir,
}

impl Studio {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("tempdir") }
    }

    fn json(&self, args: &[&str]) -> (i32, Value, String) {
        let mut c = Command::cargo_bin("studio").expect("binary");
        c.env_remove("STUDIO_DATA_DIR").arg("--data-dir").arg(self.dir.path());
        let out: Output = c.arg("--json").args(args).output().expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap_or(-1), v, String::from_utf8_lossy(&out.stderr).to_string())
    }

    fn ok(&self, args: &[&str]) -> Value {
        let (code, v, err) = self.json(args);
        assert_eq!(code, 0, "{args:?} failed: {err}");
        v
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

#[test]
fn revenue_add_list_and_analytics_roi() {
    let s = Studio::new();
    let c = s.ok(&["campaign", "create", "Launch", "--timezone", "UTC"]);
    let id = c["id"].as_str().expect("id").to_string();

    // Empty: zeros, no ROI, no error.
    let a = s.ok(&["analytics", "--campaign", &id]);
    assert_eq!(a["totals"]["posts"], 0);
    assert!(a["revenue"]["roi"].is_null());

    let e = s.ok(&[
        "revenue",
        "add",
        "--campaign",
        &id,
        "--amount",
        "2500",
        "--currency",
        "eur",
        "--kind",
        "sponsorship",
        "--date",
        "2026-04-01",
        "--note",
        "brand deal",
    ]);
    assert_eq!((e["amount"].as_str(), e["currency"].as_str()), (Some("2500.00"), Some("EUR")));
    s.ok(&["revenue", "add", "--campaign", &id, "--amount", "1000", "--currency", "EUR", "--kind", "cost"]);
    let list = s.ok(&["revenue", "list", "--campaign", &id]);
    assert_eq!(list.as_array().map(Vec::len), Some(2));

    let a = s.ok(&["analytics", "--campaign", &id]);
    let eur = &a["revenue"]["currencies"][0];
    assert_eq!((eur["revenue"].as_str(), eur["cost"].as_str()), (Some("2500.00"), Some("1000.00")));
    assert_eq!(eur["roi"].as_f64(), Some(1.5));
    assert_eq!(a["revenue"]["roi"].as_f64(), Some(1.5));

    let (code, err, _) =
        s.json(&["revenue", "add", "--campaign", &id, "--amount", "5", "--currency", "XYZ", "--kind", "payout"]);
    assert_eq!((code, err["code"].as_str()), (1, Some("invalid_currency")));
    let (code, err, _) =
        s.json(&["revenue", "add", "--campaign", &id, "--amount", "5", "--currency", "EUR", "--kind", "gift"]);
    assert_eq!((code, err["code"].as_str()), (1, Some("invalid_kind")));
    let (code, err, _) = s.json(&["analytics", "--from", "2026-05-02", "--to", "2026-05-01"]);
    assert_eq!((code, err["code"].as_str()), (1, Some("invalid_date_range")));

    // Human output works too.
    let mut c = Command::cargo_bin("studio").expect("binary");
    let out = c
        .env_remove("STUDIO_DATA_DIR")
        .arg("--data-dir")
        .arg(s.dir.path())
        .args(["analytics", "--campaign", &id])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("EUR: revenue 2500.00  cost 1000.00  net 1500.00  ROI +150.0%"), "{text}");

    // Rates: set, then the converted total appears.
    s.ok(&["revenue", "add", "--campaign", &id, "--amount", "100", "--currency", "USD", "--kind", "affiliate"]);
    assert!(s.ok(&["analytics", "--campaign", &id])["revenue"]["converted"].is_null());
    let rates = s.ok(&["revenue", "rates", "--base", "EUR", "--rate", "USD=0.9"]);
    assert_eq!(rates["rates"]["USD"].as_f64(), Some(0.9));
    let a = s.ok(&["analytics", "--campaign", &id]);
    assert_eq!(a["revenue"]["converted"]["revenue"].as_str(), Some("2590.00"));
}

#[test]
fn import_dry_run_then_import_then_reimport() {
    let s = Studio::new();
    let id = s.ok(&["campaign", "create", "Payouts", "--timezone", "UTC"])["id"].as_str().expect("id").to_string();
    let file = s.path("payout.csv");
    std::fs::write(&file, "Paid;Sum;Cur;Ref\n2026-03-01;10,50;EUR;a\n2026-03-02;oops;EUR;b\n2026-03-03;7;EUR;c\n")
        .expect("write");
    let map = ["--map", "Paid=date", "--map", "Sum=amount", "--map", "Cur=currency", "--map", "Ref=external_id"];
    let mut args = vec!["revenue", "import", file.as_str(), "--campaign", id.as_str()];
    args.extend(map);
    let mut dry_args = args.clone();
    dry_args.push("--dry-run");
    let dry = s.ok(&dry_args);
    assert_eq!(dry["preview"]["delimiter"], ";");
    assert_eq!(dry["preview"]["headers"][1], "Sum");
    assert_eq!((dry["report"]["imported"].as_u64(), dry["report"]["rejected"][0]["line"].as_u64()), (Some(2), Some(3)));
    assert_eq!(s.ok(&["revenue", "list", "--campaign", &id]).as_array().map(Vec::len), Some(0));

    // Bad rows make the exit code 1 (the report is still printed); good rows are in.
    let (code, report, _) = s.json(&args);
    assert_eq!(
        (code, report["imported"].as_u64(), report["rejected"][0]["code"].as_str()),
        (1, Some(2), Some("invalid_amount"))
    );
    let (_, again, _) = s.json(&args);
    assert_eq!((again["imported"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(2)));
    assert_eq!(s.ok(&["revenue", "list", "--campaign", &id]).as_array().map(Vec::len), Some(2));

    let (code, err, _) = s.json(&["revenue", "import", &file, "--campaign", &id, "--map", "nonsense"]);
    assert_eq!((code, err["code"].as_str()), (1, Some("invalid_mapping")));
}

#[test]
fn export_csv_and_report_files() {
    let s = Studio::new();
    let id =
        s.ok(&["campaign", "create", "<b>Report</b>", "--timezone", "UTC"])["id"].as_str().expect("id").to_string();
    s.ok(&[
        "revenue",
        "add",
        "--campaign",
        &id,
        "--amount",
        "99.99",
        "--currency",
        "GBP",
        "--kind",
        "payout",
        "--note",
        "=cmd",
    ]);
    let out = s.path("revenue.csv");
    let r = s.ok(&["export", "csv", "--what", "revenue", "--out", &out]);
    assert_eq!(r["rows"], 1);
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.starts_with("id,campaign_id,campaign,kind,amount,currency,occurred_on,note\n"), "{text}");
    assert!(text.contains(",payout,99.99,GBP,") && text.contains(",'=cmd"), "{text}");
    for what in ["posts", "targets", "metrics"] {
        let out = s.path(&format!("{what}.csv"));
        assert_eq!(s.ok(&["export", "csv", "--what", what, "--out", &out])["rows"], 0);
        assert!(std::fs::read_to_string(&out).expect("read").starts_with("id,"));
    }

    let html = s.path("report.html");
    let r = s.ok(&["report", &id, "--out", &html]);
    assert!(r["bytes"].as_u64().unwrap_or(0) > 1000);
    let doc = std::fs::read_to_string(&html).expect("read");
    assert!(doc.contains("&lt;b&gt;Report&lt;/b&gt;") && !doc.contains("<b>Report"));
    assert!(doc.contains("99.99"));
    let csv = s.path("report.csv");
    s.ok(&["report", &id, "--out", &csv, "--csv"]);
    assert!(std::fs::read_to_string(&csv).expect("read").contains("money,revenue,99.99,GBP"));

    let (code, err, _) = s.json(&["report", "not-an-id", "--out", &html]);
    assert_eq!((code, err["code"].as_str()), (1, Some("not_found")));
}
