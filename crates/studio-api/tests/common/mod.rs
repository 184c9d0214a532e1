//! Shared by studio-api's integration tests: real media made by the ffmpeg CLI, and account rows
//! for tests that never contact a platform.
#![allow(dead_code)] // not every test binary uses every helper

use std::path::{Path, PathBuf};

use studio_api::Context;

/// `secs` seconds of real H.264 at `size` ("320x180").
pub fn video(dir: &Path, name: &str, size: &str, secs: u32) -> PathBuf {
    let out = dir.join(name);
    let ok = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", &format!("testsrc=size={size}:rate=30"), "-t", &secs.to_string()])
        .args(["-pix_fmt", "yuv420p", "-c:v", "libx264"])
        .arg(&out)
        .status()
        .expect("ffmpeg");
    assert!(ok.success(), "ffmpeg could not make {name}");
    out
}

/// A connected account row (no keychain entry: for tests that publish nothing).
pub fn account(ctx: &Context, platform: &str, instance_url: Option<&str>, user: &str) -> String {
    let id = studio_core::accounts::id_for(&ctx.db(), platform, instance_url, user).expect("id");
    let a = studio_core::accounts::NewAccount {
        platform,
        instance_url,
        platform_user_id: user,
        handle: "@creator",
        display_name: None,
        auth_mode: "oauth",
        scopes: None,
        token_expires_at: None,
        renewable: true,
    };
    studio_core::accounts::upsert(&mut ctx.db(), "test", &id, &a).expect("account");
    id
}
