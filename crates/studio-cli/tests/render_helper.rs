//! The app's crash-isolated renders: `studio-api`'s parent side driving the real `studio
//! render-helper` child, including cancel, a helper killed with SIGKILL, and a bad request.
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use studio_api::render_helper::{self, RenderProgress};
use studio_api::renders::{self, RenderRequest};
use studio_api::{assets, Context, ErrorCode};
use studio_core::progress::{CancelToken, NoProgress};
use studio_core::StudioPaths;

mod common;
use common::fixtures;

fn studio_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("studio")
}

/// A library with the landscape fixture imported; the helper finds it through STUDIO_DATA_DIR.
fn library(root: &Path) -> (Context, String) {
    std::env::set_var("STUDIO_DATA_DIR", root);
    let ctx = Context::open(StudioPaths::under(root), "test").expect("context");
    let report = assets::import(
        &ctx,
        &[fixtures().join("good/landscape.mp4")],
        &Default::default(),
        &NoProgress,
        &CancelToken::new(),
    )
    .expect("import");
    let id = report.imported[0].id.clone();
    (ctx, id)
}

fn request(asset: &str) -> RenderRequest {
    RenderRequest {
        input: asset.into(),
        preset: "square".into(),
        x264_preset: Some("ultrafast".into()),
        hook_text: Some("Wait for it".into()),
        ..Default::default()
    }
}

/// Leftover partial files (".render-*") in the renders folder.
fn partials(root: &Path) -> Vec<String> {
    let dir = StudioPaths::under(root).renders();
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    rd.filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".render-"))
        .collect()
}

// One test per process-wide STUDIO_DATA_DIR: the helper inherits the environment.
#[test]
fn helper_renders_cancels_survives_a_kill_and_refuses_bad_requests() {
    let root = tempfile::tempdir().expect("tempdir");
    let (ctx, asset) = library(root.path());

    // A render with live progress, recorded in the history under the original file name.
    let seen = Mutex::new(Vec::<RenderProgress>::new());
    let r = render_helper::run(
        &ctx,
        &studio_bin(),
        &request(&asset),
        &|p| seen.lock().expect("lock").push(p),
        &CancelToken::new(),
    )
    .expect("render");
    let seen = seen.into_inner().expect("lock");
    let stages: Vec<&str> = seen.iter().map(|p| p.stage.as_str()).collect();
    assert!(stages.contains(&"measuring") && stages.contains(&"rendering"), "{stages:?}");
    assert_eq!(seen.last().and_then(|p| p.fraction), Some(1.0));
    assert!(seen.iter().all(|p| p.render_id == r.render_id || p.render_id.is_none()));
    assert!(r.output.ends_with("landscape-square.mp4"), "{}", r.output);
    assert!(Path::new(&r.output).is_file());
    let list = renders::list(&ctx, Some(&asset)).expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].state.as_str(), list[0].output_exists), ("done", true));
    assert_eq!(list[0].request.as_ref().and_then(|q| q.hook_text.as_deref()), Some("Wait for it"));

    // Cancel as soon as frames flow: no file, no partial, the history says cancelled.
    let cancel = CancelToken::new();
    let e = render_helper::run(
        &ctx,
        &studio_bin(),
        &request(&asset),
        &|p| {
            if p.stage == "rendering" {
                cancel.cancel();
            }
        },
        &cancel,
    )
    .expect_err("cancelled");
    assert_eq!(e.code, ErrorCode::Cancelled, "{e:?}");
    let list = renders::list(&ctx, Some(&asset)).expect("list");
    assert_eq!(list[0].state, "cancelled");
    assert!(!Path::new(list[0].output.as_deref().unwrap_or("landscape-square-2.mp4")).exists());
    assert_eq!(partials(root.path()), Vec::<String>::new());

    // SIGKILL mid-render (a codec crash looks the same): a typed error, and the history row is
    // closed instead of staying "running" forever.
    #[cfg(unix)]
    {
        let pid_file = root.path().join("helper.pid");
        let wrapper = root.path().join("helper.sh");
        std::fs::write(
            &wrapper,
            format!("#!/bin/sh\necho $$ > '{}'\nexec '{}' \"$@\"\n", pid_file.display(), studio_bin().display()),
        )
        .expect("write wrapper");
        std::process::Command::new("chmod").arg("+x").arg(&wrapper).status().expect("chmod");
        let killed = std::sync::atomic::AtomicBool::new(false);
        let e = render_helper::run(
            &ctx,
            &wrapper,
            &request(&asset),
            &|p| {
                if p.stage == "rendering" && !killed.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    let pid = std::fs::read_to_string(&pid_file).expect("pid");
                    std::process::Command::new("kill").args(["-9", pid.trim()]).status().expect("kill");
                }
            },
            &CancelToken::new(),
        )
        .expect_err("killed");
        assert_eq!(e.code, ErrorCode::RenderFailed, "{e:?}");
        assert!(e.message.contains("stopped unexpectedly"), "{}", e.message);
        let list = renders::list(&ctx, Some(&asset)).expect("list");
        assert_eq!((list[0].state.as_str(), list[0].error_code.as_deref()), ("failed", Some("render_failed")));
        // The killed helper could not delete its partial file; the next render sweeps it once it
        // is clearly dead (untouched for 10 minutes), and leaves a fresh one alone.
        let dead = partials(root.path());
        assert_eq!(dead.len(), 1, "{dead:?}");
        let renders_dir = StudioPaths::under(root.path()).renders();
        std::process::Command::new("touch")
            .args(["-d", "1 hour ago"])
            .arg(renders_dir.join(&dead[0]))
            .status()
            .expect("touch");
        std::fs::write(renders_dir.join(".render-live.mp4"), b"busy").expect("write");
        render_helper::run(&ctx, &studio_bin(), &request(&asset), &|_| {}, &CancelToken::new()).expect("render");
        assert_eq!(partials(root.path()), vec![".render-live.mp4".to_string()]);
        std::fs::remove_file(renders_dir.join(".render-live.mp4")).expect("remove");
    }

    // Deleting removes the file and the history entry; a running render cannot be deleted.
    let first = r.render_id.clone().expect("asset renders are recorded");
    let done = renders::delete(&ctx, &first).expect("delete");
    assert!(!Path::new(&r.output).exists());
    assert!(renders::list(&ctx, Some(&asset)).expect("list").iter().all(|x| x.id != done.id));
    assert_eq!(renders::get(&ctx, &done.id).expect_err("gone").code, ErrorCode::NotFound);

    // Bad input through the helper is a typed error, not a crash.
    let e = render_helper::run(
        &ctx,
        &studio_bin(),
        &RenderRequest { trim: Some("9-3".into()), ..request(&asset) },
        &|_| {},
        &CancelToken::new(),
    )
    .expect_err("bad trim");
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    let e = render_helper::run(&ctx, Path::new("/nonexistent/studio"), &request(&asset), &|_| {}, &CancelToken::new())
        .expect_err("no helper");
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(e.message.contains("could not start"), "{}", e.message);
}

#[test]
fn helper_refuses_a_garbled_request() {
    let root = tempfile::tempdir().expect("tempdir");
    let out = assert_cmd::Command::new(studio_bin())
        .arg("--data-dir")
        .arg(root.path())
        .arg("render-helper")
        .write_stdin("{not json\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json outcome");
    assert_eq!(v["error"]["code"], "invalid_input", "{v}");
}
