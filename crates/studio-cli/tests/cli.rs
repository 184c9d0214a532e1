//! The `studio` binary end to end on a private data folder.
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

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("studio").expect("binary");
        c.env_remove("STUDIO_DATA_DIR").arg("--data-dir").arg(self.dir.path());
        c
    }

    fn json(&self, args: &[&str]) -> (i32, Value, String) {
        let out: Output = self.cmd().arg("--json").args(args).output().expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap_or(-1), v, String::from_utf8_lossy(&out.stderr).to_string())
    }

    fn ok(&self, args: &[&str]) -> Value {
        let (code, v, err) = self.json(args);
        assert_eq!(code, 0, "{args:?} failed: {err}");
        v
    }

    fn list_len(&self) -> usize {
        self.ok(&["campaign", "list", "--all"]).as_array().map_or(0, Vec::len)
    }
}

#[test]
fn create_show_update_archive_delete_round_trip() {
    let s = Studio::new();
    let c = s.ok(&[
        "campaign",
        "create",
        "Summer drop",
        "--goal",
        "10k followers",
        "--starts",
        "2026-06-01",
        "--ends",
        "2026-06-30",
        "--timezone",
        "Europe/Berlin",
        "--sponsored",
        "--budget",
        "1500.5",
        "--currency",
        "eur",
    ]);
    let id = c["id"].as_str().expect("id").to_string();
    assert_eq!(c["name"], "Summer drop");
    assert_eq!(c["budget"], "1500.50");
    assert_eq!(c["currency"], "EUR");
    assert_eq!(c["timezone"], "Europe/Berlin");
    assert_eq!(c["sponsored"], true);
    assert_eq!(c["version"], 1);

    assert_eq!(s.ok(&["campaign", "show", &id])["goal"], "10k followers");
    let list = s.ok(&["campaign", "list"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    let u = s.ok(&["campaign", "update", &id, "--name", "Summer drop II", "--goal", "", "--expected-version", "1"]);
    assert_eq!(
        (u["name"].as_str(), u["goal"].is_null(), u["version"].as_u64()),
        (Some("Summer drop II"), true, Some(2))
    );

    let (code, err, _) = s.json(&["campaign", "update", &id, "--name", "stale", "--expected-version", "1"]);
    assert_eq!((code, err["code"].as_str()), (1, Some("conflict")));

    s.ok(&["campaign", "archive", &id]);
    assert_eq!(s.ok(&["campaign", "list"]).as_array().map(Vec::len), Some(0));
    assert_eq!(s.ok(&["campaign", "list", "--all"])[0]["archived"], true);
    s.ok(&["campaign", "unarchive", &id]);
    assert_eq!(s.ok(&["campaign", "list"]).as_array().map(Vec::len), Some(1));

    assert_eq!(s.ok(&["campaign", "delete", &id])["deleted"], id.as_str());
    let (code, err, stderr) = s.json(&["campaign", "show", &id]);
    assert_eq!((code, err["code"].as_str()), (1, Some("not_found")));
    assert!(stderr.contains("No campaign"), "{stderr}");
}

#[test]
fn bad_input_is_a_clear_error_and_writes_nothing() {
    let s = Studio::new();
    let cases: &[(&[&str], &str)] = &[
        (&["campaign", "create", ""], "invalid_name"),
        (&["campaign", "create", "   "], "invalid_name"),
        (&["campaign", "create", "x", "--timezone", "Moon/Crater"], "invalid_timezone"),
        (&["campaign", "create", "x", "--starts", "2026-02-30"], "invalid_date"),
        (&["campaign", "create", "x", "--starts", "2026-06-02", "--ends", "2026-06-01"], "invalid_date_range"),
        (&["campaign", "create", "x", "--budget", "-100", "--currency", "USD"], "invalid_budget"),
        (&["campaign", "create", "x", "--budget", "12.345", "--currency", "USD"], "invalid_budget"),
        (&["campaign", "create", "x", "--budget", "lots", "--currency", "USD"], "invalid_budget"),
        (&["campaign", "create", "x", "--budget", "100"], "invalid_currency"),
        (&["campaign", "create", "x", "--budget", "100", "--currency", "DOGE"], "invalid_currency"),
    ];
    for (args, code) in cases {
        let (exit, v, stderr) = s.json(args);
        assert_eq!(exit, 1, "{args:?}");
        assert_eq!(v["code"].as_str(), Some(*code), "{args:?}: {v}");
        let msg = v["message"].as_str().unwrap_or_default();
        assert!(!msg.is_empty() && stderr.contains(msg), "{args:?}: message on stderr too");
    }
    assert_eq!(s.list_len(), 0, "nothing may be written by a failed create");
}

#[test]
fn usage_errors_exit_2() {
    let s = Studio::new();
    let out = s.cmd().args(["campaign", "create"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = s.cmd().args(["campaign", "frobnicate"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn hostile_names_round_trip_exactly_and_tables_stay_intact() {
    let s = Studio::new();
    let names = [
        "-leading dash",
        "quote \" and ' ; semicolon",
        "line\nbreak",
        "🚀 Launch 発売 مرحبا",
        "\u{202e}rtl override",
        "tab\tin\tname",
    ];
    for n in names {
        let c = s.ok(&["campaign", "create", "--", n]);
        assert_eq!(c["name"].as_str(), Some(n.trim()));
    }
    let human = s.cmd().args(["campaign", "list"]).output().expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(text.lines().count(), names.len() + 1, "one header + one line per campaign:\n{text}");
    assert!(text.contains("line\\nbreak"), "control characters are escaped in tables:\n{text}");
    assert!(!text.contains('\t'), "no raw tabs in tables");
}

#[test]
fn human_output_without_json() {
    let s = Studio::new();
    let out = s.cmd().args(["campaign", "list"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("No campaigns yet"));
    s.cmd()
        .args(["campaign", "create", "Visible", "--budget", "3000", "--currency", "JPY", "--timezone", "Asia/Tokyo"])
        .assert()
        .success();
    let out = s.cmd().args(["campaign", "list"]).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Visible") && text.contains("3000 JPY") && text.contains("Asia/Tokyo"), "{text}");
    let err = s.cmd().args(["campaign", "show", "missing"]).output().expect("runs");
    assert_eq!(err.status.code(), Some(1));
    assert!(err.stdout.is_empty(), "errors without --json print nothing on stdout");
    assert!(String::from_utf8_lossy(&err.stderr).starts_with("error: "));
}

#[test]
fn data_dir_from_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Command::cargo_bin("studio").expect("binary");
    c.env("STUDIO_DATA_DIR", dir.path()).args(["campaign", "create", "From env"]).assert().success();
    assert!(dir.path().join("data/studio.db").exists());
    let info: Value = serde_json::from_slice(
        &Command::cargo_bin("studio")
            .expect("binary")
            .env("STUDIO_DATA_DIR", dir.path())
            .args(["--json", "info"])
            .output()
            .expect("runs")
            .stdout,
    )
    .expect("json");
    assert!(info["database_path"].as_str().unwrap_or_default().starts_with(&dir.path().display().to_string()));
}

#[test]
fn newer_and_damaged_databases_are_refused_with_codes() {
    let s = Studio::new();
    s.ok(&["campaign", "list"]);
    let db = s.dir.path().join("data/studio.db");
    rusqlite_bump(&db);
    let (code, v, _) = s.json(&["campaign", "list"]);
    assert_eq!((code, v["code"].as_str()), (1, Some("database_newer")));

    let junk = vec![0x5a_u8; 8192];
    std::fs::write(&db, &junk).expect("junk");
    let _ = std::fs::remove_file(db.with_extension("db-wal"));
    let _ = std::fs::remove_file(db.with_extension("db-shm"));
    let (code, v, stderr) = s.json(&["campaign", "list"]);
    assert_eq!((code, v["code"].as_str()), (1, Some("database_corrupt")), "{stderr}");
    assert!(stderr.contains(&db.display().to_string()), "the message names the file: {stderr}");
    assert_eq!(std::fs::read(&db).expect("read"), junk);
}

/// Sets user_version far ahead, as a future build would.
fn rusqlite_bump(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).expect("open");
    c.pragma_update(None, "user_version", 4242).expect("bump");
}

#[test]
fn many_processes_writing_at_once_lose_nothing() {
    let s = Studio::new();
    s.ok(&["campaign", "list"]);
    let bin = assert_cmd::cargo::cargo_bin("studio");
    let mut children: Vec<std::process::Child> = (0..24)
        .map(|i| {
            std::process::Command::new(&bin)
                .env_remove("STUDIO_DATA_DIR")
                .arg("--data-dir")
                .arg(s.dir.path())
                .args(["campaign", "create", &format!("parallel {i}")])
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in &mut children {
        assert!(c.wait().expect("wait").success());
    }
    assert_eq!(s.list_len(), 24);
}

#[test]
fn kill_dash_nine_mid_write_leaves_a_consistent_database() {
    let s = Studio::new();
    s.ok(&["campaign", "list"]);
    let bin = assert_cmd::cargo::cargo_bin("studio");
    for round in 0..30u64 {
        let mut child = std::process::Command::new(&bin)
            .env_remove("STUDIO_DATA_DIR")
            .arg("--data-dir")
            .arg(s.dir.path())
            .args(["campaign", "create", &format!("killed {round}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_micros(round * 400));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
    }
    // Every campaign that exists was written whole: its audit entry committed with it.
    let c = rusqlite::Connection::open(s.dir.path().join("data/studio.db")).expect("open");
    let integrity: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
    let orphans: i64 = c
        .query_row(
            "SELECT count(*) FROM campaigns c WHERE NOT EXISTS
               (SELECT 1 FROM audit_log a WHERE a.entity_id = c.id AND a.action = 'create')",
            [],
            |r| r.get(0),
        )
        .expect("orphans");
    assert_eq!((integrity.as_str(), orphans), ("ok", 0), "integrity and atomicity after kills");
    drop(c);
    // And the CLI still works on it.
    s.ok(&["campaign", "create", "after the storm"]);
}
