//! `studio accounts` and `studio publish` end to end: the real binary, the real keychain (Secret
//! Service in the test session), SQLite on disk, and a local server following Mastodon's contract
//! (app registration, OAuth with PKCE, media, statuses, revocation).
mod common;
#[path = "../../studio-publish/tests/common/mastodon_server.rs"]
mod mastodon_server;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;
use studio_publish::{tokens, Keychain};

use common::{contains, files_under, json_of, studio, tiny_video};

#[test]
fn oauth_connect_publish_disconnect_and_no_secret_anywhere() {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let (srv, state) = mastodon_server::server();
    let data = tempfile::tempdir().expect("tmp");
    let media = tempfile::tempdir().expect("tmp");
    let clip = tiny_video(media.path(), "clip one.mp4", 4);
    let mut transcript: Vec<u8> = Vec::new();

    // Connect: the CLI prints the sign-in link; this test is the browser.
    let bin = assert_cmd::cargo::cargo_bin("studio");
    let mut child = Command::new(&bin)
        .env_remove("STUDIO_DATA_DIR")
        .env("STUDIO_LOG", "debug")
        .args(["--json", "--data-dir"])
        .arg(data.path())
        .args(["accounts", "connect", "mastodon", "--no-browser", "--instance", &srv.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let link = loop {
        let line = lines.next().expect("a sign-in line").expect("utf-8");
        transcript.extend_from_slice(line.as_bytes());
        if let Some(url) = line.strip_prefix("Sign in here: ") {
            break url.to_string();
        }
    };
    // Installs the TLS crypto provider the app's client uses, for this test's own client too.
    studio_publish::http::Http::new(studio_publish::PlatformId::Mastodon).expect("http");
    let browser =
        reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let consent = browser.get(&link).send().expect("authorize");
    assert_eq!(consent.status().as_u16(), 302);
    let back = consent.headers()["location"].to_str().expect("location").to_string();
    assert!(back.starts_with("http://127.0.0.1:"), "{back}");
    let page = browser.get(&back).send().expect("loopback").text().expect("page");
    assert!(page.contains("You can close this tab"));
    for l in lines {
        transcript.extend_from_slice(l.expect("utf-8").as_bytes());
    }
    let out = child.wait_with_output().expect("connect ends");
    transcript.extend_from_slice(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let account = json_of(&out);
    let id = account["id"].as_str().expect("id").to_string();
    assert_eq!(account["status"], "connected");
    assert_eq!(account["handle"], "@creator@127.0.0.1");

    let list = studio(data.path()).args(["accounts", "list"]).output().expect("list");
    transcript.extend_from_slice(&list.stdout);
    assert_eq!(json_of(&list).as_array().map(Vec::len), Some(1));

    // Publish a real video file through the account.
    let published = studio(data.path())
        .env("STUDIO_LOG", "debug")
        .args(["publish"])
        .arg(&clip)
        .args(["--account", &id, "--caption", "First post from the studio ✨", "--option", "visibility=unlisted"])
        .output()
        .expect("publish");
    transcript.extend_from_slice(&published.stdout);
    transcript.extend_from_slice(&published.stderr);
    assert!(published.status.success(), "{}", String::from_utf8_lossy(&published.stderr));
    let p = json_of(&published);
    assert!(p["url"].as_str().is_some_and(|u| u.ends_with(p["post_id"].as_str().expect("post id"))));
    {
        let st = state.lock().expect("lock");
        assert_eq!(st.statuses.len(), 1);
        assert_eq!(st.statuses[0]["visibility"], "unlisted");
        assert_eq!(st.statuses[0]["content"], "First post from the studio ✨");
    }

    // The job row recorded the platform's ids.
    let db = rusqlite::Connection::open(data.path().join("data/studio.db")).expect("db");
    let (job_state, checkpoint): (String, String) = db
        .query_row("SELECT state, checkpoint_json FROM jobs WHERE id = ?1", [p["job_id"].as_str().expect("job")], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("job row");
    assert_eq!(job_state, "done");
    let cp: Value = serde_json::from_str(&checkpoint).expect("json");
    assert_eq!(cp["post_id"], p["post_id"]);
    assert!(cp["media_id"].is_string());

    // The secrets are in the keychain and nowhere else: not in SQLite, logs or CLI output.
    let stored = tokens::load(&Keychain::new(), &tokens::account_key(&id)).expect("keychain").expect("entry");
    let (issued, secrets) = {
        let st = state.lock().expect("lock");
        let secrets: Vec<String> = st.apps.keys().map(|c| format!("secret-{c}")).collect();
        (st.issued.clone(), secrets)
    };
    assert!(issued.contains(stored.access.expose()));
    let mut needles: Vec<String> = issued.into_iter().filter(|t| t != "tok-1").collect();
    needles.extend(secrets);
    assert!(needles.len() >= 2);
    drop(db);
    for (path, bytes) in files_under(data.path()) {
        for n in &needles {
            assert!(!contains(&bytes, n), "a secret leaked into {path}");
        }
    }
    for n in &needles {
        assert!(!contains(&transcript, n), "a secret leaked into the CLI output");
    }

    // Disconnect revokes at the server and forgets the keychain entry.
    let gone = studio(data.path()).args(["accounts", "disconnect", &id]).output().expect("disconnect");
    assert!(gone.status.success(), "{}", String::from_utf8_lossy(&gone.stdout));
    assert_eq!(json_of(&gone)["revoked"], true);
    assert!(state.lock().expect("lock").revoked.contains(stored.access.expose()));
    assert!(tokens::load(&Keychain::new(), &tokens::account_key(&id)).expect("keychain").is_none());
    let list = studio(data.path()).args(["accounts", "list"]).output().expect("list");
    assert_eq!(json_of(&list).as_array().map(Vec::len), Some(0));
}

#[test]
fn pasted_token_bad_input_and_a_revoked_token() {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let (srv, state) = mastodon_server::server();
    let data = tempfile::tempdir().expect("tmp");
    let media = tempfile::tempdir().expect("tmp");
    let clip = tiny_video(media.path(), "clip one.mp4", 4);

    // Plain http to anything but loopback is refused before any request.
    let insecure = studio(data.path())
        .args(["accounts", "connect", "mastodon", "--instance", "http://mastodon.example", "--access-token-stdin"])
        .write_stdin("whatever\n")
        .output()
        .expect("run");
    assert_eq!(insecure.status.code(), Some(1));
    assert_eq!(json_of(&insecure)["code"], "insecure_url");

    let unknown = studio(data.path()).args(["accounts", "connect", "myspace"]).output().expect("run");
    assert_eq!(json_of(&unknown)["code"], "invalid_input");

    let ok = studio(data.path())
        .args(["accounts", "connect", "mastodon", "--instance", &srv.url, "--access-token-stdin"])
        .write_stdin("tok-1\n")
        .output()
        .expect("connect");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    let id = json_of(&ok)["id"].as_str().expect("id").to_string();
    assert_eq!(json_of(&ok)["auth_mode"], "access_token");

    // Over the limit: refused before anything is sent, no job recorded.
    let long = "x".repeat(501);
    let over = studio(data.path())
        .arg("publish")
        .arg(&clip)
        .args(["--account", &id, "--caption", &long])
        .output()
        .expect("run");
    assert_eq!(json_of(&over)["code"], "invalid_input");
    assert!(json_of(&over)["message"].as_str().expect("msg").contains("501 characters, Mastodon allows 500"));
    assert!(state.lock().expect("lock").media.is_empty());

    // The token is revoked on the server side: the account needs reconnecting, not retries.
    state.lock().expect("lock").valid_tokens.clear();
    let refused = studio(data.path())
        .arg("publish")
        .arg(&clip)
        .args(["--account", &id, "--caption", "hi"])
        .output()
        .expect("run");
    assert_eq!(json_of(&refused)["code"], "needs_reconnect", "{}", String::from_utf8_lossy(&refused.stdout));
    let list = studio(data.path()).args(["accounts", "list"]).output().expect("list");
    assert_eq!(json_of(&list)[0]["status"], "needs_reconnect");
    let again = studio(data.path())
        .arg("publish")
        .arg(&clip)
        .args(["--account", &id, "--caption", "hi"])
        .output()
        .expect("run");
    assert_eq!(json_of(&again)["code"], "needs_reconnect");
    assert!(state.lock().expect("lock").statuses.is_empty());

    // Reconnecting the same identity keeps the account id.
    state.lock().expect("lock").valid_tokens.push("tok-1".into());
    let re = studio(data.path())
        .args(["accounts", "connect", "mastodon", "--instance", &srv.url, "--access-token-stdin"])
        .write_stdin("tok-1\n")
        .output()
        .expect("reconnect");
    assert_eq!(json_of(&re)["id"], id.as_str());
    assert_eq!(json_of(&re)["status"], "connected");
    studio(data.path()).args(["accounts", "disconnect", &id]).assert().success();
}
