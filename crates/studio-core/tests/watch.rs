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
fn the_writers_own_version_moves_only_for_other_processes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("studio.db");
    let mut app = Db::open(&path).expect("app db");
    let before = watch::others_version(&app).expect("version");
    campaigns::create(&mut app, new("Made here"), "desktop").expect("create");
    assert_eq!(watch::others_version(&app).expect("version"), before, "its own commit is not another's");

    let mut cli = Db::open(&path).expect("cli db");
    campaigns::create(&mut cli, new("Made by the CLI"), "cli").expect("create");
    assert_ne!(watch::others_version(&app).expect("version"), before, "another process's commit is");
}
