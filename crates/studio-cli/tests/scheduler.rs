//! The publisher end to end: the real `studio daemon`, SQLite on disk, the real keychain, and
//! local servers following Mastodon's contract with Idempotency-Key switched OFF, so that only
//! the publisher's own write-ahead bookkeeping stands between a crash and a double post.
//!
//! The daemon is killed (abort = kill -9: no destructors, no flushes) at every named crash point
//! and at random times, restarted, and every post must exist on the server exactly once with its
//! target in a state the creator is told about.
mod common;
#[path = "../../studio-publish/tests/common/mastodon_server.rs"]
mod mastodon_server;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{json_of, studio, tiny_video};
use studio_api::publisher::fault::POINTS;

struct World {
    data: tempfile::TempDir,
    _media: tempfile::TempDir,
    servers: Vec<(mastodon_server::Server, mastodon_server::S)>,
    accounts: Vec<String>,
    asset: String,
    campaign: String,
}

fn ok(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "command failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    json_of(out)
}

impl World {
    fn new(n_servers: usize) -> Self {
        let data = tempfile::tempdir().expect("tmp");
        let media = tempfile::tempdir().expect("tmp");
        let clip = tiny_video(media.path(), "clip.mp4", 2);
        let mut servers = Vec::new();
        let mut accounts = Vec::new();
        for _ in 0..n_servers {
            let (srv, st) = mastodon_server::server();
            st.lock().expect("lock").ignore_idempotency = true;
            let out = studio(data.path())
                .args(["accounts", "connect", "mastodon", "--instance", &srv.url, "--access-token-stdin"])
                .write_stdin("tok-1\n")
                .output()
                .expect("connect");
            accounts.push(ok(&out)["id"].as_str().expect("id").to_string());
            servers.push((srv, st));
        }
        let imported = ok(&studio(data.path()).arg("import").arg(&clip).output().expect("import"));
        let asset = imported["imported"][0]["id"].as_str().expect("asset").to_string();
        let c = ok(&studio(data.path())
            .args(["campaign", "create", "Launch", "--timezone", "Europe/Berlin"])
            .output()
            .expect("campaign"));
        let campaign = c["id"].as_str().expect("campaign id").to_string();
        Self { data, _media: media, servers, accounts, asset, campaign }
    }

    fn path(&self) -> &Path {
        self.data.path()
    }

    /// A post to `account` with a unique caption, scheduled now. Returns (post id, target id).
    fn post_now(&self, account: usize, caption: &str) -> (String, String) {
        let p = ok(&studio(self.path())
            .args(["post", "create", "--campaign", &self.campaign, "--media", &self.asset, "--caption", caption])
            .args(["--account", &self.accounts[account]])
            .output()
            .expect("post create"));
        let id = p["id"].as_str().expect("post id").to_string();
        let s = ok(&studio(self.path()).args(["schedule", &id, "--now"]).output().expect("schedule"));
        let target = s["targets"][0]["id"].as_str().expect("target").to_string();
        (id, target)
    }

    fn show(&self, post: &str) -> Value {
        ok(&studio(self.path()).args(["post", "show", post]).output().expect("show"))
    }

    /// How many statuses with exactly this text a server holds.
    fn copies(&self, server: usize, caption: &str) -> usize {
        let st = self.servers[server].1.lock().expect("lock");
        st.statuses.iter().filter(|s| s["content"].as_str() == Some(caption)).count()
    }

    fn daemon(&self, envs: &[(&str, &str)], exit_when_idle: bool) -> Child {
        let bin: PathBuf = assert_cmd::cargo::cargo_bin("studio");
        let mut c = Command::new(bin);
        c.env_remove("STUDIO_DATA_DIR")
            .env_remove("STUDIO_CRASH_AT")
            .env_remove("STUDIO_PANIC_AT")
            .env("STUDIO_LEASE_TTL_MS", "700")
            .env("STUDIO_TICK_MS", "20")
            .env("STUDIO_POLL_MS", "5")
            .env("STUDIO_BACKOFF_BASE_MS", "40")
            .env("STUDIO_BACKOFF_CAP_MS", "400")
            .env("STUDIO_METRIC_OFFSETS_MS", "150,300")
            .env("STUDIO_LOG", std::env::var("TEST_DAEMON_LOG").unwrap_or_else(|_| "warn".into()))
            .arg("--data-dir")
            .arg(self.path())
            .arg("daemon");
        if exit_when_idle {
            c.arg("--exit-when-idle");
        }
        for (k, v) in envs {
            c.env(k, v);
        }
        c.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("daemon starts")
    }

    /// Runs a daemon until it has nothing left to publish; fails the test after `limit`.
    fn drain(&self, limit: Duration) {
        let mut child = self.daemon(&[], true);
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                let err = child.stderr.take().map(std::io::read_to_string).and_then(Result::ok).unwrap_or_default();
                assert!(status.success(), "daemon failed: {err}");
                return;
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let err = child.stderr.take().map(std::io::read_to_string).and_then(Result::ok).unwrap_or_default();
                panic!("the daemon did not finish within {limit:?}: {err}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(s) = child.try_wait().expect("wait") {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

fn target_state(post: &Value) -> String {
    post["targets"][0]["state"].as_str().unwrap_or_default().to_string()
}

/// Crash points off the single-publish path, exercised by their own test below.
const OFF_PATH_POINTS: &[&str] = &[
    "retry_scheduled",
    "failure_recorded",
    "occurrence_spawn",
    "occurrence_spawned",
    "reply_sent_saved",
    "reply_created",
];

#[test]
fn killed_at_every_crash_point_each_post_exists_exactly_once() {
    let only = std::env::var("TEST_CRASH_POINTS").ok();
    let publish_path: Vec<&str> = POINTS.iter().copied().filter(|p| !OFF_PATH_POINTS.contains(p)).collect();
    let chosen: Vec<&str> = publish_path
        .iter()
        .copied()
        .filter(|p| only.as_deref().is_none_or(|o| o.split(',').any(|x| x == *p)))
        .collect();
    let publish_points = chosen.as_slice();
    let w = World::new(1);
    let mut reached = Vec::new();
    for point in publish_points {
        let caption = format!("crash at {point} ✨");
        eprintln!("-- {point}: scheduling");
        let (post, target) = w.post_now(0, &caption);
        eprintln!("-- {point}: daemon");
        let mut d = w.daemon(&[("STUDIO_CRASH_AT", point)], false);
        let status = wait_exit(&mut d, Duration::from_secs(20));
        match status {
            Some(s) => {
                assert!(!s.success(), "{point}: the daemon exited cleanly instead of crashing");
                reached.push(*point);
            }
            None => {
                let _ = d.kill();
                let _ = d.wait();
                let err = d.stderr.take().map(std::io::read_to_string).and_then(Result::ok).unwrap_or_default();
                panic!("{point}: the daemon never reached this crash point: {err}");
            }
        }
        // A restart (waiting out the dead daemon's lease) finishes what was left.
        eprintln!("-- {point}: restart");
        w.drain(Duration::from_secs(30));
        let shown = w.show(&post);
        assert_eq!(target_state(&shown), "published", "{point}: {shown}");
        assert_eq!(w.copies(0, &caption), 1, "{point}: the post must exist exactly once");
        assert!(shown["targets"][0]["post_url"].as_str().is_some_and(|u| u.starts_with("https://")), "{point}");
        let _ = target;
    }
    assert_eq!(reached.len(), publish_points.len());

    // The metrics rounds go on after the crashes: every published post gets its snapshots, and
    // none was published twice by the bookkeeping that follows a publish.
    let mut d = w.daemon(&[], false);
    let db = rusqlite::Connection::open(w.path().join("data").join("studio.db")).expect("db");
    let start = Instant::now();
    loop {
        let without: i64 = db
            .query_row(
                "SELECT count(*) FROM post_targets t WHERE t.state = 'published'
                   AND (SELECT count(*) FROM metric_snapshots m WHERE m.post_target_id = t.id) < 2",
                [],
                |r| r.get(0),
            )
            .expect("query");
        if without == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{without} published posts lack their two metric snapshots");
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = d.kill();
    let _ = d.wait();
    let total: usize = w.servers[0].1.lock().expect("lock").statuses.len();
    assert_eq!(total, publish_points.len(), "no extra statuses anywhere");
    let notified: i64 = db
        .query_row("SELECT count(*) FROM notifications WHERE kind IN ('published', 'late')", [], |r| r.get(0))
        .expect("query");
    assert_eq!(notified as usize, publish_points.len(), "one notification per post, none repeated after a crash");
}

/// Crash points off the happy path: a retry being scheduled (503), a rejection being recorded
/// (422), and the next occurrence of a repeating post being created.
#[test]
fn killed_on_retry_failure_and_repeat_paths_nothing_is_lost_or_doubled() {
    assert!(OFF_PATH_POINTS.iter().all(|p| POINTS.contains(p)), "every point named here is a real crash point");
    let w = World::new(1);

    // 503 on the upload: the retry is being scheduled when the daemon dies.
    let caption = "crash while scheduling a retry";
    let (post, _) = w.post_now(0, caption);
    w.servers[0].1.lock().expect("lock").failures.push_back((
        "/api/v2/media".into(),
        503,
        serde_json::json!({"error": "busy"}),
        None,
    ));
    let mut d = w.daemon(&[("STUDIO_CRASH_AT", "retry_scheduled")], false);
    assert!(wait_exit(&mut d, Duration::from_secs(20)).is_some_and(|s| !s.success()), "retry_scheduled not reached");
    w.drain(Duration::from_secs(30));
    assert_eq!(target_state(&w.show(&post)), "published");
    assert_eq!(w.copies(0, caption), 1);

    // 422 on the final call: the failure is being recorded when the daemon dies. After the
    // restart the platform is asked (the final call may have landed), then it is posted once.
    let caption = "crash while recording a rejection";
    let (post, _) = w.post_now(0, caption);
    w.servers[0].1.lock().expect("lock").failures.push_back((
        "/api/v1/statuses".into(),
        422,
        serde_json::json!({"error": "Validation failed: Text can't be blank"}),
        None,
    ));
    let mut d = w.daemon(&[("STUDIO_CRASH_AT", "failure_recorded")], false);
    assert!(wait_exit(&mut d, Duration::from_secs(20)).is_some_and(|s| !s.success()), "failure_recorded not reached");
    w.drain(Duration::from_secs(30));
    let shown = w.show(&post);
    assert!(matches!(target_state(&shown).as_str(), "published" | "failed"), "{shown}");
    assert!(w.copies(0, caption) <= 1);
    if target_state(&shown) == "failed" {
        assert!(
            shown["targets"][0]["failure_message"].as_str().is_some_and(|m| m.contains("can't be blank")),
            "{shown}"
        );
    }

    // A daily repeat: the daemon dies while creating the next occurrence, before and after.
    for point in ["occurrence_spawn", "occurrence_spawned"] {
        let caption = format!("daily tip ({point})");
        let p = ok(&studio(w.path())
            .args(["post", "create", "--campaign", &w.campaign, "--media", &w.asset, "--caption", &caption])
            .args(["--account", &w.accounts[0]])
            .output()
            .expect("create"));
        let id = p["id"].as_str().expect("id").to_string();
        ok(&studio(w.path())
            .args(["schedule", &id, "--now", "--repeat", "daily", "--count", "3"])
            .output()
            .expect("schedule"));
        let mut d = w.daemon(&[("STUDIO_CRASH_AT", point)], false);
        assert!(wait_exit(&mut d, Duration::from_secs(20)).is_some_and(|s| !s.success()), "{point} not reached");
        w.drain(Duration::from_secs(30));
        assert_eq!(target_state(&w.show(&id)), "published", "{point}");
        assert_eq!(w.copies(0, &caption), 1, "{point}");
        let db = rusqlite::Connection::open(w.path().join("data").join("studio.db")).expect("db");
        let (next, at): (i64, i64) = db
            .query_row("SELECT count(*), max(scheduled_at) FROM posts WHERE recurrence_of = ?1", [&id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("query");
        assert_eq!(next, 1, "{point}: exactly one next occurrence");
        let first: i64 =
            db.query_row("SELECT scheduled_at FROM posts WHERE id = ?1", [&id], |r| r.get(0)).expect("first");
        assert_eq!(
            at - first,
            24 * 3600 * 1000,
            "{point}: a day later in Berlin wall-clock time (no DST change today)"
        );
    }
}

/// A post with two thread parts and a first comment: the daemon dies while a reply is in
/// flight (marked sent, outcome unknown) and right after one was created but before its id was
/// saved. The server ignores Idempotency-Key, so only the write-ahead record prevents a double.
#[test]
fn killed_while_posting_a_thread_every_part_exists_exactly_once_and_in_order() {
    let w = World::new(1);
    for point in ["reply_sent_saved", "reply_created"] {
        let caption = format!("thread head ({point})");
        let parts = [format!("part two ({point})"), format!("part three ({point})")];
        let comment = format!("first comment ({point})");
        let acct = &w.accounts[0];
        let p = ok(&studio(w.path())
            .args(["post", "create", "--campaign", &w.campaign, "--media", &w.asset, "--caption", &caption])
            .args(["--account", acct])
            .args(["--override", &format!("{acct}:thread_part={}", parts[0])])
            .args(["--override", &format!("{acct}:thread_part={}", parts[1])])
            .args(["--override", &format!("{acct}:first_comment={comment}")])
            .output()
            .expect("create"));
        let id = p["id"].as_str().expect("id").to_string();
        ok(&studio(w.path()).args(["schedule", &id, "--now"]).output().expect("schedule"));
        let mut d = w.daemon(&[("STUDIO_CRASH_AT", point)], false);
        assert!(wait_exit(&mut d, Duration::from_secs(20)).is_some_and(|s| !s.success()), "{point} not reached");
        w.drain(Duration::from_secs(30));
        let shown = w.show(&id);
        assert_eq!(target_state(&shown), "published", "{point}: {shown}");
        assert!(shown["targets"][0]["attention"].is_null(), "{point}: {shown}");
        for text in [&caption, &parts[0], &parts[1], &comment] {
            assert_eq!(w.copies(0, text), 1, "{point}: \"{text}\" must exist exactly once");
        }
        let st = w.servers[0].1.lock().expect("lock");
        let by = |t: &str| st.statuses.iter().find(|s| s["content"].as_str() == Some(t)).cloned().expect("status");
        assert_eq!(by(&parts[0])["in_reply_to_id"], by(&caption)["id"], "{point}");
        assert_eq!(by(&parts[1])["in_reply_to_id"], by(&parts[0])["id"], "{point}");
        assert_eq!(by(&comment)["in_reply_to_id"], by(&caption)["id"], "{point}");
    }
}

/// A follow-up the platform refuses leaves the post published, flags it, says why, and a retry
/// posts only what is missing.
#[test]
fn a_refused_thread_part_flags_the_live_post_and_retry_posts_only_the_rest() {
    let w = World::new(1);
    let acct = &w.accounts[0];
    // Part three is refused once (422).
    let p = ok(&studio(w.path())
        .args(["post", "create", "--campaign", &w.campaign, "--media", &w.asset, "--caption", "second head"])
        .args(["--account", acct])
        .args(["--override", &format!("{acct}:thread_part=second part two")])
        .args(["--override", &format!("{acct}:thread_part=second part three")])
        .output()
        .expect("create"));
    let id = p["id"].as_str().expect("id").to_string();
    ok(&studio(w.path()).args(["schedule", &id, "--now"]).output().expect("schedule"));
    {
        let mut st = w.servers[0].1.lock().expect("lock");
        // The post and part two pass; part three is refused.
        st.refuse_once = Some("second part three".into());
    }
    w.drain(Duration::from_secs(30));
    let shown = w.show(&id);
    let t = &shown["targets"][0];
    assert_eq!(t["state"], "published", "{shown}");
    assert_eq!(t["attention"], "replies_failed", "{shown}");
    assert_eq!(w.copies(0, "second part two"), 1);
    assert_eq!(w.copies(0, "second part three"), 0);
    let tid = t["id"].as_str().expect("target id").to_string();
    ok(&studio(w.path()).args(["post", "retry", &tid]).output().expect("retry"));
    w.drain(Duration::from_secs(30));
    let shown = w.show(&id);
    assert!(shown["targets"][0]["attention"].is_null(), "{shown}");
    assert_eq!(w.copies(0, "second head"), 1);
    assert_eq!(w.copies(0, "second part two"), 1, "the part already out is not posted again");
    assert_eq!(w.copies(0, "second part three"), 1);
}

fn all_published(w: &World, posts: &[(String, String, usize)]) {
    for (post, caption, server) in posts {
        let shown = w.show(post);
        assert_eq!(target_state(&shown), "published", "{caption}: {shown}");
        assert_eq!(w.copies(*server, caption), 1, "{caption} must exist exactly once");
    }
}

/// kill -9 at random moments (the test picks the times), over and over, then a clean run.
#[test]
fn random_kills_never_double_or_lose_a_post() {
    let w = World::new(2);
    let mut posts = Vec::new();
    for i in 0..24 {
        let server = i % 2;
        let caption = format!("random kill batch post {i}");
        let (post, _) = w.post_now(server, &caption);
        posts.push((post, caption, server));
    }
    for round in 0..8u64 {
        let mut d = w.daemon(&[], false);
        // Spread over start-up, claims, uploads and final calls.
        let wait = 40 + (round * 7919 + 13) % 260;
        std::thread::sleep(Duration::from_millis(wait));
        let _ = d.kill(); // SIGKILL
        let _ = d.wait();
    }
    w.drain(Duration::from_secs(60));
    all_published(&w, &posts);
}

#[test]
fn two_daemons_started_at_once_only_one_publishes() {
    let w = World::new(1);
    let mut posts = Vec::new();
    for i in 0..10 {
        let caption = format!("two daemons {i}");
        let (post, _) = w.post_now(0, &caption);
        posts.push((post, caption, 0));
    }
    let mut a = w.daemon(&[], true);
    let mut b = w.daemon(&[], true);
    for d in [&mut a, &mut b] {
        let s = wait_exit(d, Duration::from_secs(40)).expect("daemons finish");
        assert!(s.success());
    }
    all_published(&w, &posts);
    let db = rusqlite::Connection::open(w.path().join("data").join("studio.db")).expect("db");
    // The lease never had two holders: a second daemon may take it only after the first let go
    // (it stops once nothing is left, and the other may then hold an empty queue for a moment).
    let mut stmt = db
        .prepare(
            "SELECT owner, kind FROM scheduler_events WHERE kind IN ('lease_acquired', 'stopped') ORDER BY at, rowid",
        )
        .expect("prepare");
    let events: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").collect::<Result<_, _>>().expect("rows");
    let mut holder: Option<String> = None;
    let mut holders = std::collections::HashSet::new();
    for (owner, kind) in &events {
        match kind.as_str() {
            "lease_acquired" => {
                assert!(
                    holder.as_ref().is_none_or(|h| h == owner),
                    "{owner} took the lease while {holder:?} held it: {events:?}"
                );
                holder = Some(owner.clone());
                holders.insert(owner.clone());
            }
            _ if holder.as_ref() == Some(owner) => holder = None,
            _ => {}
        }
    }
    assert!(!holders.is_empty());
}

#[test]
fn platform_down_then_back_is_retried_with_backoff_and_posts_once() {
    let w = World::new(1);
    let caption = "posted after the outage";
    let (post, _) = w.post_now(0, caption);
    w.servers[0].1.lock().expect("lock").down = true;
    let mut d = w.daemon(&[("STUDIO_MAX_ATTEMPTS", "50")], false);
    // Let it fail a few times with growing waits.
    let start = Instant::now();
    loop {
        let shown = w.show(&post);
        let attempts = shown["targets"][0]["attempts"].as_u64().unwrap_or(0);
        // Read between tries (not mid-attempt): queued, with the next try's time.
        if attempts >= 3 && target_state(&shown) == "queued" {
            assert!(shown["targets"][0]["next_attempt_at"].as_str().is_some(), "{shown}");
            assert_eq!(shown["targets"][0]["failure_code"], "platform_unavailable", "{shown}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no retries seen: {shown}");
        std::thread::sleep(Duration::from_millis(50));
    }
    w.servers[0].1.lock().expect("lock").down = false;
    let start = Instant::now();
    while target_state(&w.show(&post)) != "published" {
        assert!(start.elapsed() < Duration::from_secs(20), "never published after the outage");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = d.kill();
    let _ = d.wait();
    assert_eq!(w.copies(0, caption), 1);
}

#[test]
fn account_revoked_mid_queue_needs_reconnect_and_others_are_unaffected() {
    let w = World::new(2);
    // Server 0 revokes its tokens once its first status exists.
    w.servers[0].1.lock().expect("lock").revoke_after = Some(1);
    let mut a = Vec::new();
    let mut b = Vec::new();
    for i in 0..3 {
        a.push(w.post_now(0, &format!("account A {i}")));
        b.push(w.post_now(1, &format!("account B {i}")));
    }
    w.drain(Duration::from_secs(40));
    let states: Vec<String> = a.iter().map(|(p, _)| target_state(&w.show(p))).collect();
    assert_eq!(states.iter().filter(|s| *s == "published").count(), 1, "{states:?}");
    assert_eq!(states.iter().filter(|s| *s == "needs_reconnect").count(), 2, "{states:?}");
    for (i, (p, _)) in b.iter().enumerate() {
        assert_eq!(target_state(&w.show(p)), "published");
        assert_eq!(w.copies(1, &format!("account B {i}")), 1);
    }
    let accounts = ok(&studio(w.path()).args(["accounts", "list"]).output().expect("list"));
    let status_of =
        |id: &str| accounts.as_array().and_then(|l| l.iter().find(|x| x["id"] == id)).map(|x| x["status"].clone());
    assert_eq!(status_of(&w.accounts[0]), Some(Value::from("needs_reconnect")));
    assert_eq!(status_of(&w.accounts[1]), Some(Value::from("connected")));
    let db = rusqlite::Connection::open(w.path().join("data").join("studio.db")).expect("db");
    let notes: i64 = db
        .query_row(
            "SELECT count(*) FROM notifications WHERE kind = 'needs_attention' AND title LIKE 'Reconnect%'",
            [],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(notes, 2, "one notification per blocked post");
    // A retry before reconnecting is refused with a clear code.
    let blocked = a.iter().find(|(p, _)| target_state(&w.show(p)) == "needs_reconnect").expect("blocked");
    let retry = studio(w.path()).args(["post", "retry", &blocked.1]).output().expect("retry");
    assert_eq!(json_of(&retry)["code"], "needs_reconnect");
}

#[test]
fn a_worker_that_dies_is_restarted_and_its_post_still_goes_out_once() {
    let w = World::new(1);
    let caption = "survives a worker panic";
    let (post, _) = w.post_now(0, caption);
    let mut d = w.daemon(&[("STUDIO_PANIC_AT", "after_uploading_state")], true);
    let s = wait_exit(&mut d, Duration::from_secs(30)).expect("daemon finishes");
    assert!(s.success());
    assert_eq!(target_state(&w.show(&post)), "published");
    assert_eq!(w.copies(0, caption), 1);
    let status = ok(&studio(w.path()).arg("status").output().expect("status"));
    assert_eq!(status["restarts"], 1, "{status}");
    assert!(status["last_restart"].as_str().is_some());
}
