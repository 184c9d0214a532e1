//! The change watcher notices commits made through other connections, as the CLI or a daemon
//! would make them, and stays quiet when nothing was committed.
use studio_core::campaigns::{self, NewCampaign};
use studio_core::watch::{self, ChangeWatcher};
use studio_core::Db;

fn new(name: &str) -> NewCampaign {
    NewCampaign { name: name.into(), timezone: Some("UTC".into()), ..Default::default() }
}

#[test]
fn a_commit_by_a_second_connection_is_noticed_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("studio.db");
    let app = Db::open(&path).expect("app db");
    let mut watcher = ChangeWatcher::open(&path).expect("watcher");
    assert!(!watcher.changed().expect("poll"), "nothing committed yet");

    // The CLI opens the same file in its own process: a separate connection.
    let mut cli = Db::open(&path).expect("cli db");
    campaigns::create(&mut cli, new("From the CLI"), "cli").expect("create");
    assert!(watcher.changed().expect("poll"), "the CLI's commit is noticed");
    assert!(!watcher.changed().expect("poll"), "and reported once");

    // Reading changes nothing.
    let n: i64 = app.read(|c| Ok(c.query_row("SELECT count(*) FROM campaigns", [], |r| r.get(0))?)).expect("read");
    assert_eq!(n, 1);
    assert!(!watcher.changed().expect("poll"), "a read is not a change");
}

#[test]
fn a_commit_by_the_apps_own_writer_is_noticed_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("studio.db");
    let mut app = Db::open(&path).expect("app db");
    let mut watcher = ChangeWatcher::open(&path).expect("watcher");
    campaigns::create(&mut app, new("From the publisher"), "desktop").expect("create");
    assert!(watcher.changed().expect("poll"));
}

#[test]
fn the_counters_name_what_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("studio.db");
    let app = Db::open(&path).expect("app db");
    let watcher = ChangeWatcher::open(&path).expect("watcher");
    let before = watcher.counters().expect("counters");
    assert_eq!(before.len(), 11, "one counter per topic: {before:?}");

    let mut cli = Db::open(&path).expect("cli db");
    campaigns::create(&mut cli, new("From the CLI"), "cli").expect("create");
    let now = watcher.counters().expect("counters");
    // A campaign's name shows in analytics breakdowns too.
    assert_eq!(watch::moved(&before, &now), ["analytics", "campaigns"]);
    assert_eq!(watch::counters(&app).expect("app counters"), now, "every connection reads the same counters");
    assert!(watch::moved(&now, &now).is_empty());
}

#[test]
fn lease_heartbeats_move_no_counter() {
    use studio_core::leases::{self, PUBLISHER};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("studio.db");
    let mut db = Db::open(&path).expect("db");
    assert!(leases::acquire(&mut db, PUBLISHER, "owner-a", "desktop", 1_000, 15_000).expect("acquire"));
    let before = watch::counters(&db).expect("counters");
    for beat in 1..=3 {
        assert!(leases::heartbeat(&mut db, PUBLISHER, "owner-a", 1_000 + beat * 5_000, 15_000).expect("beat"));
    }
    assert!(watch::moved(&before, &watch::counters(&db).expect("counters")).is_empty(), "a heartbeat is not news");
}
