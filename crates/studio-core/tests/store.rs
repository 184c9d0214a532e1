//! The store on real SQLite files: migrations, refusal of foreign/newer/damaged files,
//! validation that writes nothing, concurrency.
use std::path::{Path, PathBuf};

use studio_core::campaigns::{self, CampaignChanges, NewCampaign};
use studio_core::migrate::{self, Migration};
use studio_core::{Db, StoreError, ValidationError};

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("studio.db");
    (dir, path)
}

fn new(name: &str) -> NewCampaign {
    NewCampaign { name: name.into(), timezone: Some("UTC".into()), ..Default::default() }
}

fn count(db: &Db, sql: &str) -> i64 {
    db.read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).expect("count")
}

#[test]
fn fresh_database_is_migrated_in_wal_with_foreign_keys() {
    let (_d, path) = temp_db();
    let db = Db::open(&path).expect("open");
    assert_eq!(db.schema_version(), migrate::latest(migrate::LOCAL));
    let (mode, fk): (String, i64) = db
        .read(|c| {
            let m = c.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            let f = c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
            Ok((m, f))
        })
        .expect("pragmas");
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    for table in [
        "campaigns",
        "assets",
        "posts",
        "post_targets",
        "renders",
        "scores",
        "accounts",
        "jobs",
        "metric_snapshots",
        "revenue_entries",
        "audit_log",
        "settings",
    ] {
        let n = count(&db, &format!("SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='{table}'"));
        assert_eq!(n, 1, "table {table} missing");
    }
    // Reopening an up-to-date file applies nothing and keeps data.
    drop(db);
    let db = Db::open(&path).expect("reopen");
    assert_eq!(db.schema_version(), migrate::latest(migrate::LOCAL));
}

#[test]
fn no_secret_columns_in_accounts() {
    let (_d, path) = temp_db();
    let db = Db::open(&path).expect("open");
    let cols: Vec<String> = db
        .read(|c| {
            let mut s = c.prepare("SELECT name FROM pragma_table_info('accounts')")?;
            let v = s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(v)
        })
        .expect("columns");
    for c in &cols {
        assert!(!c.contains("token") || c == "token_expires_at", "accounts.{c} looks like a secret");
        assert!(!c.contains("secret") && !c.contains("password"), "accounts.{c} looks like a secret");
    }
}

fn with_extra(extra: Migration) -> Vec<Migration> {
    let mut v = migrate::LOCAL.to_vec();
    v.push(Migration { version: migrate::latest(migrate::LOCAL) + 1, ..extra });
    v
}

#[test]
fn upgrade_applies_new_migrations_and_keeps_data() {
    let (_d, path) = temp_db();
    let mut db = Db::open(&path).expect("open v1");
    let c = campaigns::create(&mut db, new("Spring launch"), "test").expect("create");
    drop(db);

    let next =
        with_extra(Migration { version: 0, name: "add_color", sql: "ALTER TABLE campaigns ADD COLUMN color TEXT;" });
    let db = Db::open_with(&path, &next).expect("upgrade");
    assert_eq!(db.schema_version(), migrate::latest(&next));
    assert_eq!(campaigns::get(&db, &c.id).expect("still there").name, "Spring launch");
    assert_eq!(count(&db, "SELECT count(*) FROM pragma_table_info('campaigns') WHERE name = 'color'"), 1);
}

#[test]
fn failed_migration_changes_nothing() {
    let (_d, path) = temp_db();
    drop(Db::open(&path).expect("open v1"));
    let bad = with_extra(Migration {
        version: 0,
        name: "half_broken",
        sql: "CREATE TABLE new_things (a TEXT); INSERT INTO no_such_table VALUES (1);",
    });
    let err = Db::open_with(&path, &bad).expect_err("must fail");
    assert!(matches!(err, StoreError::Migration { name: "half_broken", .. }), "{err:?}");
    let db = Db::open(&path).expect("still opens with the old build");
    assert_eq!(db.schema_version(), migrate::latest(migrate::LOCAL));
    assert_eq!(count(&db, "SELECT count(*) FROM sqlite_schema WHERE name = 'new_things'"), 0);
}

#[test]
fn database_from_a_newer_build_is_refused_untouched() {
    let (_d, path) = temp_db();
    drop(Db::open(&path).expect("open"));
    {
        let c = rusqlite::Connection::open(&path).expect("raw");
        c.pragma_update(None, "user_version", 999).expect("bump");
    }
    let before = std::fs::read(&path).expect("read");
    let err = Db::open(&path).expect_err("refused");
    match &err {
        StoreError::NewerSchema { found: 999, supported, .. } => {
            assert_eq!(*supported, migrate::latest(migrate::LOCAL))
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(err.to_string().contains("newer version"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), before, "refusal must not write");
}

#[test]
fn random_bytes_are_reported_as_a_damaged_database() {
    let (_d, path) = temp_db();
    let junk: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, &junk).expect("write junk");
    let err = Db::open(&path).expect_err("refused");
    assert!(matches!(&err, StoreError::Corrupt { path: p, .. } if p == &path), "{err:?}");
    assert!(err.to_string().contains("damaged"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), junk, "a damaged file must not be modified");
}

#[test]
fn another_programs_sqlite_file_is_refused() {
    let (_d, path) = temp_db();
    {
        let c = rusqlite::Connection::open(&path).expect("raw");
        c.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');").expect("foreign");
    }
    let err = Db::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
}

#[test]
fn truncated_database_gives_a_clear_error_not_a_panic() {
    let (_d, path) = temp_db();
    {
        let mut db = Db::open(&path).expect("open");
        for i in 0..1500 {
            campaigns::create(&mut db, NewCampaign { notes: Some("x".repeat(300)), ..new(&format!("c{i}")) }, "t")
                .expect("create");
        }
        db.read(|c| Ok(c.pragma_update(None, "wal_checkpoint", "TRUNCATE")?)).expect("checkpoint");
    }
    let len = std::fs::metadata(&path).expect("meta").len();
    let f = std::fs::OpenOptions::new().write(true).open(&path).expect("open file");
    f.set_len(len / 3).expect("truncate");
    drop(f);
    let _ = std::fs::remove_file(path.with_extension("db-wal"));
    let result = Db::open(&path).and_then(|db| campaigns::list(&db, true).map(|l| l.len()));
    match result {
        Err(StoreError::Corrupt { .. }) => {}
        other => panic!("expected a Corrupt error, got {other:?}"),
    }
}

#[test]
fn invalid_input_writes_nothing() {
    let (_d, path) = temp_db();
    let mut db = Db::open(&path).expect("open");
    type Expect = fn(&ValidationError) -> bool;
    let cases: Vec<(NewCampaign, Expect)> = vec![
        (new("   "), |e| matches!(e, ValidationError::EmptyName)),
        (new(&"x".repeat(201)), |e| matches!(e, ValidationError::TooLong { field: "name", .. })),
        (NewCampaign { timezone: Some("Mars/Base".into()), ..new("a") }, |e| {
            matches!(e, ValidationError::UnknownTimezone(_))
        }),
        (NewCampaign { starts_on: Some("2026-13-01".into()), ..new("a") }, |e| {
            matches!(e, ValidationError::BadDate { .. })
        }),
        (NewCampaign { starts_on: Some("2026-05-02".into()), ends_on: Some("2026-05-01".into()), ..new("a") }, |e| {
            matches!(e, ValidationError::EndsBeforeStarts { .. })
        }),
        (NewCampaign { budget: Some("-10".into()), currency: Some("USD".into()), ..new("a") }, |e| {
            matches!(e, ValidationError::NegativeAmount)
        }),
        (NewCampaign { budget: Some("10".into()), ..new("a") }, |e| {
            matches!(e, ValidationError::BudgetWithoutCurrency)
        }),
        (NewCampaign { budget: Some("10".into()), currency: Some("ZZZ".into()), ..new("a") }, |e| {
            matches!(e, ValidationError::UnknownCurrency(_))
        }),
    ];
    for (input, expected) in cases {
        let label = format!("{input:?}");
        match campaigns::create(&mut db, input, "t") {
            Err(StoreError::Invalid(v)) => assert!(expected(&v), "{label}: wrong error {v:?}"),
            other => panic!("{label}: expected a validation error, got {other:?}"),
        }
    }
    assert_eq!(count(&db, "SELECT count(*) FROM campaigns"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM audit_log"), 0);
}

#[test]
fn edits_are_validated_as_a_whole_and_versioned() {
    let (_d, path) = temp_db();
    let mut db = Db::open(&path).expect("open");
    let c = campaigns::create(
        &mut db,
        NewCampaign {
            starts_on: Some("2026-05-01".into()),
            budget: Some("1500.5".into()),
            currency: Some("usd".into()),
            ..new("Launch")
        },
        "t",
    )
    .expect("create");
    assert_eq!(c.budget_text().as_deref(), Some("1500.50"));
    assert_eq!(c.currency.as_deref(), Some("USD"));

    // An end before the stored start is caught even though only the end changed.
    let err = campaigns::update(
        &mut db,
        &c.id,
        CampaignChanges { ends_on: Some(Some("2026-04-01".into())), ..Default::default() },
        "t",
    )
    .expect_err("range");
    assert!(matches!(err, StoreError::Invalid(ValidationError::EndsBeforeStarts { .. })));

    // Switching to a currency without decimals re-reads the same amount.
    let c2 = campaigns::update(
        &mut db,
        &c.id,
        CampaignChanges { budget: Some(Some("3000".into())), currency: Some(Some("JPY".into())), ..Default::default() },
        "t",
    )
    .expect("jpy");
    assert_eq!((c2.budget_minor, c2.version), (Some(3000), 2));

    // A stale editor loses with a conflict instead of overwriting.
    let err = campaigns::update(
        &mut db,
        &c.id,
        CampaignChanges { name: Some("Old".into()), expected_version: Some(1), ..Default::default() },
        "t",
    )
    .expect_err("conflict");
    assert!(matches!(err, StoreError::Conflict { expected: 1, current: 2, .. }), "{err:?}");

    // Clearing works and archive/delete hide it.
    let c3 = campaigns::update(
        &mut db,
        &c.id,
        CampaignChanges { budget: Some(None), currency: Some(None), starts_on: Some(None), ..Default::default() },
        "t",
    )
    .expect("clear");
    assert_eq!((c3.budget_minor, c3.starts_on), (None, None));
    campaigns::set_archived(&mut db, &c.id, true, "t").expect("archive");
    assert!(campaigns::list(&db, false).expect("list").is_empty());
    assert_eq!(campaigns::list(&db, true).expect("list").len(), 1);
    campaigns::delete(&mut db, &c.id, "t").expect("delete");
    assert!(matches!(campaigns::get(&db, &c.id), Err(StoreError::NotFound { .. })));
    assert!(campaigns::list(&db, true).expect("list").is_empty());
    let audits = db.read(|c| studio_core::audit::count_for(c, "campaign", &c3.id)).expect("audit");
    assert_eq!(audits, 5, "create, two edits, archive, delete; the rejected edits wrote nothing");
}

#[test]
fn unknown_and_malformed_ids_are_not_found() {
    let (_d, path) = temp_db();
    let mut db = Db::open(&path).expect("open");
    for id in ["nope", "", "'; DROP TABLE campaigns; --", "0190b5f2-0000-7000-8000-000000000000"] {
        assert!(matches!(campaigns::get(&db, id), Err(StoreError::NotFound { .. })), "{id}");
        assert!(matches!(campaigns::delete(&mut db, id, "t"), Err(StoreError::NotFound { .. })), "{id}");
    }
}

#[test]
fn concurrent_writers_on_separate_connections_all_succeed() {
    let (_d, path) = temp_db();
    drop(Db::open(&path).expect("create file"));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path: PathBuf = path.clone();
            std::thread::spawn(move || {
                let mut db = Db::open(Path::new(&path)).expect("open");
                for i in 0..50 {
                    campaigns::create(&mut db, new(&format!("t{t}-{i}")), "t").expect("create under contention");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let db = Db::open(&path).expect("open");
    assert_eq!(campaigns::list(&db, true).expect("list").len(), 200);
}
