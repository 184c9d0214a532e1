//! `studio` against a real Bluesky PDS (`@atproto/pds` from npm, tests/peers): connect with an
//! app password, publish a real video, refresh the session (rotation) on the next publish, and
//! disconnect. After the whole cycle no token or password occurs in the data folder's files or in
//! anything the CLI printed.
mod common;
#[path = "../../studio-publish/tests/common/peers.rs"]
mod peers;

use serde_json::{json, Value};
use studio_publish::{tokens, Keychain};

use common::{contains, files_under, json_of, studio, tiny_video};

#[test]
fn connect_publish_refresh_disconnect_against_a_real_pds() {
    let peer = peers::start("pds.mjs");
    let pds = peer.info["pds"].as_str().expect("pds").to_string();
    studio_publish::http::Http::new(studio_publish::PlatformId::Bluesky).expect("tls provider");
    let client = reqwest::blocking::Client::new();

    // The creator's account and app password, made the way Bluesky's settings would.
    let handle = format!("cli{}-vs.test", std::process::id() % 100_000);
    let created: Value = client
        .post(format!("{pds}/xrpc/com.atproto.server.createAccount"))
        .json(&json!({"handle": handle, "email": format!("{handle}@example.com"), "password": "main-password-123"}))
        .send()
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.json())
        .expect("createAccount");
    let did = created["did"].as_str().expect("did").to_string();
    let app: Value = client
        .post(format!("{pds}/xrpc/com.atproto.server.createAppPassword"))
        .bearer_auth(created["accessJwt"].as_str().expect("jwt"))
        .json(&json!({"name": "Viral Studio"}))
        .send()
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.json())
        .expect("createAppPassword");
    let app_password = app["password"].as_str().expect("password").to_string();

    let data = tempfile::tempdir().expect("tmp");
    let media = tempfile::tempdir().expect("tmp");
    let clip = tiny_video(media.path(), "short.mp4", 3);
    let mut transcript = Vec::new();
    let mut run = |cmd: &mut assert_cmd::Command| {
        let out = cmd.env("STUDIO_LOG", "debug").output().expect("runs");
        transcript.extend_from_slice(&out.stdout);
        transcript.extend_from_slice(&out.stderr);
        out
    };

    let connected = run(studio(data.path())
        .args(["accounts", "connect", "bluesky", "--instance", &pds, "--handle", &handle, "--app-password-stdin"])
        .write_stdin(format!("{app_password}\n")));
    assert!(connected.status.success(), "{}", String::from_utf8_lossy(&connected.stdout));
    let account = json_of(&connected);
    let id = account["id"].as_str().expect("id").to_string();
    assert_eq!(account["auth_mode"], "app_password");
    assert_eq!(account["handle"], format!("@{handle}").as_str());

    let first = run(studio(data.path()).arg("publish").arg(&clip).args([
        "--account",
        &id,
        "--caption",
        "Made in Viral Studio #shorts",
    ]));
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stdout));
    let p1 = json_of(&first);

    // The session is about to expire: the next publish refreshes it (the PDS rotates it).
    let kc = Keychain::new();
    let key = tokens::account_key(&id);
    let before = tokens::load(&kc, &key).expect("keychain").expect("entry");
    let mut expiring = before.clone();
    expiring.expires_at = Some(tokens::now());
    tokens::save(&kc, &key, expiring).expect("save");
    let second = run(studio(data.path()).arg("publish").arg(&clip).args(["--account", &id, "--caption", "Second one"]));
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stdout));
    let p2 = json_of(&second);
    let after = tokens::load(&kc, &key).expect("keychain").expect("entry");
    // (The access JWT itself may come out byte-identical when minted within the same second: it
    // carries no nonce. The expiry proves it was renewed, the refresh JWT's id that it rotated.)
    assert!(after.expires_at.expect("expiry") > tokens::now() + 60, "the access token was renewed");
    assert_ne!(
        after.refresh.as_ref().map(|r| r.expose().clone()),
        before.refresh.as_ref().map(|r| r.expose().clone()),
        "the refresh token rotated"
    );

    // Both posts are on the PDS with their videos.
    let listed: Value = client
        .get(format!("{pds}/xrpc/com.atproto.repo.listRecords?repo={did}&collection=app.bsky.feed.post"))
        .send()
        .and_then(|r| r.json())
        .expect("listRecords");
    let records = listed["records"].as_array().expect("records");
    assert_eq!(records.len(), 2);
    for r in records {
        assert_eq!(r["value"]["embed"]["$type"], "app.bsky.embed.video");
        let rkey = r["uri"].as_str().expect("uri").rsplit('/').next().expect("rkey").to_string();
        assert!([&p1, &p2].iter().any(|p| p["url"].as_str().is_some_and(|u| u.ends_with(&rkey))));
    }

    let gone = run(studio(data.path()).args(["accounts", "disconnect", &id]));
    assert!(gone.status.success());
    assert_eq!(json_of(&gone)["revoked"], true, "{}", String::from_utf8_lossy(&gone.stdout));
    assert!(tokens::load(&kc, &key).expect("keychain").is_none());

    let mut secrets = vec![app_password.clone(), before.access.expose().clone(), after.access.expose().clone()];
    secrets.extend(before.refresh.iter().chain(after.refresh.iter()).map(|r| r.expose().clone()));
    for (path, bytes) in files_under(data.path()) {
        for s in &secrets {
            assert!(!contains(&bytes, s), "a secret leaked into {path}");
        }
    }
    for s in &secrets {
        assert!(!contains(&transcript, s), "a secret leaked into the CLI output");
    }
}
