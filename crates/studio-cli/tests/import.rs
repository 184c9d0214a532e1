//! `studio import` on a generated corpus of good and hostile files (scripts/make-media-fixtures).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{fixtures, studio};

fn run(data: &Path, args: &[&str], extra: &[PathBuf]) -> (i32, Value) {
    let out = studio(data).args(args).args(extra).output().expect("runs");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("json ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), v)
}

fn by_name(list: &Value, key: &str) -> BTreeMap<String, Value> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let name = v[key].as_str().unwrap_or_default();
            let name = name.rsplit('/').next().unwrap_or(name).to_string();
            (name, v.clone())
        })
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    walk(dir).into_iter().filter(|p| !p.to_string_lossy().contains("/.staging/")).collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn corpus_imports_good_files_and_types_every_bad_one() {
    let data = tempfile::tempdir().expect("tempdir");
    let fx = fixtures();
    let (code, rep) = run(data.path(), &["import"], &[fx.join("good"), fx.join("bad")]);
    assert_eq!(code, 1, "some files failed, so exit 1");

    let imported = by_name(&rep["imported"], "original_name");
    let expected_good = [
        "-leading dash.mp4",
        "caf\u{fffd}.mp4",
        "concat:trap.mp4",
        "new\nline.mp4",
        "phone-photo.jpg",
        "quote\"semi;colon'.mp4",
        "room tone.wav",
        "rotated.mp4",
        "vfr.mp4",
        "voice.m4a",
    ];
    for name in expected_good {
        assert!(imported.contains_key(name), "{name:?} not imported: {:?}", imported.keys());
    }
    // Two pairs of identical bytes: one of each imported, the other skipped.
    assert_eq!(imported.len(), expected_good.len() + 2, "{:?}", imported.keys());
    assert_eq!(rep["skipped"].as_array().map(Vec::len), Some(2));
    for s in rep["skipped"].as_array().into_iter().flatten() {
        assert!(s["existing_id"].is_string(), "a skip names the asset that has the bytes: {s}");
    }
    assert!(!imported.contains_key(".hidden.png"), "hidden files are not imported from folders");

    let landscape = imported.get("landscape.mp4").or_else(|| imported.get("landscape copy.mp4")).expect("landscape");
    assert_eq!(
        (landscape["kind"].as_str(), landscape["width"].as_u64(), landscape["height"].as_u64()),
        (Some("video"), Some(640), Some(360))
    );
    assert!((landscape["duration_s"].as_f64().unwrap_or(0.0) - 6.0).abs() < 0.05);
    assert_eq!(landscape["fps"].as_f64(), Some(30.0));
    assert_eq!((landscape["video_codec"].as_str(), landscape["audio_codec"].as_str()), (Some("h264"), Some("aac")));
    assert_eq!((landscape["audio_channels"].as_u64(), landscape["sample_rate"].as_u64()), (Some(2), Some(48000)));
    assert_eq!(landscape["variable_frame_rate"], false);

    let rotated = &imported["rotated.mp4"];
    assert_eq!(
        (rotated["width"].as_u64(), rotated["height"].as_u64()),
        (Some(360), Some(640)),
        "display size applies the rotation"
    );
    assert_eq!(imported["vfr.mp4"]["variable_frame_rate"], true);
    let photo = &imported["phone-photo.jpg"];
    assert_eq!(
        (photo["kind"].as_str(), photo["width"].as_u64(), photo["height"].as_u64()),
        (Some("image"), Some(300), Some(400)),
        "EXIF orientation applied"
    );
    assert_eq!(
        imported.get("really-a-png.mp4").or(imported.get("still.png")).map(|a| a["kind"].clone()),
        Some(Value::from("image"))
    );
    for audio in ["voice.m4a", "room tone.wav"] {
        let a = &imported[audio];
        assert_eq!(a["kind"], "audio");
        assert!(a["waveform"].is_string() && a["poster"].is_null(), "{audio}: {a}");
    }
    for (name, a) in &imported {
        if a["kind"] == "video" {
            let poster = a["poster"].as_str().unwrap_or_else(|| panic!("{name:?} has a poster"));
            let img = image::open(poster).expect("poster decodes");
            assert_eq!(img.width(), 480, "{name:?}");
            let strip = image::open(a["filmstrip"].as_str().expect("filmstrip")).expect("filmstrip decodes");
            assert_eq!(strip.width(), 8 * 160);
        }
        assert!(Path::new(a["path"].as_str().unwrap_or_default()).is_file(), "{name:?}: library file exists");
    }

    let failed = by_name(&rep["failed"], "path");
    let expected_bad = [
        ("bomb.png", "image_too_large"),
        ("dangling.mp4", "unreadable"),
        ("empty.mp4", "empty_file"),
        ("notes.txt", "unsupported_format"),
        ("page.jpg", "unsupported_format"),
        ("pipe.mp4", "unsupported_format"),
        ("random.mp4", "unsupported_format"),
        ("truncated-faststart.mp4", "corrupt_media"),
        ("truncated-no-index.mp4", "unsupported_format"),
    ];
    for (name, code) in expected_bad {
        let f = failed.get(name).unwrap_or_else(|| panic!("{name} missing from failed: {:?}", failed.keys()));
        assert_eq!(f["code"].as_str(), Some(code), "{name}: {f}");
        assert!(f["message"].as_str().is_some_and(|m| m.len() > 10), "{name}: a readable message");
    }
    // random.mp3: libav's mp3 demuxer accepts it by name, then nothing decodes.
    assert!(matches!(failed["random.mp3"]["code"].as_str(), Some("corrupt_media" | "unsupported_format")));
    assert_eq!(failed.len(), expected_bad.len() + 1);

    // Nothing half-written: one library file per copied asset, staging empty, rows match.
    let media_files = files_under(&data.path().join("data/library"));
    assert_eq!(media_files.len(), imported.len(), "{media_files:?}");
    assert!(walk(&data.path().join("data/library/.staging")).is_empty());
    assert!(walk(&data.path().join("cache/thumbs/.staging")).is_empty());
    let (_, list) = run(data.path(), &["asset", "list"], &[]);
    assert_eq!(list.as_array().map(Vec::len), Some(imported.len()));
}

#[test]
fn rotation_matches_ffmpeg_autorotate() {
    let data = tempfile::tempdir().expect("tempdir");
    let src = fixtures().join("good/rotated.mp4");
    let (code, rep) = run(data.path(), &["import"], std::slice::from_ref(&src));
    assert_eq!(code, 0);
    let ours = image::open(rep["imported"][0]["poster"].as_str().expect("poster")).expect("decodes").to_rgb8();

    let reference = data.path().join("ffmpeg-frame.png");
    let status = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-y", "-ss", "0.6", "-i"])
        .arg(&src)
        .args(["-frames:v", "1", "-vf", &format!("scale={}:{}", ours.width(), ours.height())])
        .arg(&reference)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
    let theirs = image::open(&reference).expect("decodes").to_rgb8();
    assert_eq!(ours.dimensions(), theirs.dimensions());
    let diff = |a: &image::RgbImage, b: &image::RgbImage| -> f64 {
        a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| f64::from(x.abs_diff(*y))).sum::<f64>() / a.as_raw().len() as f64
    };
    let upside_down = image::imageops::rotate180(&ours);
    let (same, flipped) = (diff(&ours, &theirs), diff(&upside_down, &theirs));
    assert!(same < 25.0 && same * 2.0 < flipped, "poster orientation differs from ffmpeg's: {same:.1} vs {flipped:.1}");
}

#[test]
fn reimport_skips_and_reference_mode_copies_nothing() {
    let data = tempfile::tempdir().expect("tempdir");
    let fx = fixtures();
    let voice = fx.join("good/voice.m4a");
    let (code, first) = run(data.path(), &["import", "--reference"], std::slice::from_ref(&voice));
    assert_eq!(code, 0);
    let a = &first["imported"][0];
    assert_eq!(a["storage"], "referenced");
    assert_eq!(Path::new(a["path"].as_str().unwrap_or_default()), std::fs::canonicalize(&voice).expect("canonical"));
    assert!(files_under(&data.path().join("data/library")).is_empty(), "referenced files are not copied");

    let (code, again) = run(data.path(), &["import"], std::slice::from_ref(&voice));
    assert_eq!(code, 0, "a skip is not a failure");
    assert_eq!(again["imported"].as_array().map(Vec::len), Some(0));
    assert_eq!(again["skipped"][0]["existing_id"], a["id"]);
}

#[test]
fn campaign_link_is_checked_first() {
    let data = tempfile::tempdir().expect("tempdir");
    let still = fixtures().join("good/still.png");
    let (code, err) = run(
        data.path(),
        &["import", "--campaign", "0190b5f2-0000-7000-8000-000000000000"],
        std::slice::from_ref(&still),
    );
    assert_eq!((code, err["code"].as_str()), (1, Some("not_found")));
    let (_, list) = run(data.path(), &["asset", "list"], &[]);
    assert_eq!(list.as_array().map(Vec::len), Some(0), "nothing imported for an unknown campaign");

    let (_, c) = run(data.path(), &["campaign", "create", "Launch"], &[]);
    let cid = c["id"].as_str().expect("id");
    let (code, rep) = run(data.path(), &["import", "--campaign", cid], std::slice::from_ref(&still));
    assert_eq!(code, 0);
    assert_eq!(rep["imported"][0]["campaign_id"].as_str(), Some(cid));
    let (_, filtered) =
        run(data.path(), &["asset", "list", "--campaign", cid, "--kind", "image", "--search", "STILL"], &[]);
    assert_eq!(filtered.as_array().map(Vec::len), Some(1));
    let (_, none) = run(data.path(), &["asset", "list", "--kind", "video"], &[]);
    assert_eq!(none.as_array().map(Vec::len), Some(0));
}

#[test]
fn an_import_sweeps_library_files_orphaned_by_a_crash() {
    let data = tempfile::tempdir().expect("tempdir");
    let (code, _) = run(data.path(), &["import"], &[fixtures().join("good/still.png")]);
    assert_eq!(code, 0);
    let library = data.path().join("data/library");
    let kept = files_under(&library);
    assert_eq!(kept.len(), 1, "{kept:?}");
    // What a kill -9 between the rename into place and the row commit leaves: a content-addressed
    // file no row points at. Only one clearly older than any import in flight is swept.
    let shard = library.join("ab");
    std::fs::create_dir_all(&shard).expect("mkdir");
    let (dead, fresh) =
        (shard.join(format!("ab{}.mp4", "0".repeat(62))), shard.join(format!("ab{}.mp4", "1".repeat(62))));
    std::fs::write(&dead, b"orphan").expect("write");
    std::fs::write(&fresh, b"in flight").expect("write");
    std::fs::write(library.join("notes.txt"), b"not ours").expect("write");
    let touched = std::process::Command::new("touch").args(["-d", "1 hour ago"]).arg(&dead).arg(&kept[0]).status();
    assert!(touched.expect("touch").success());
    let (code, _) = run(data.path(), &["import"], &[fixtures().join("good/voice.m4a")]);
    assert_eq!(code, 0);
    assert!(!dead.exists(), "orphan swept");
    assert!(fresh.exists() && kept[0].exists() && library.join("notes.txt").exists());
}
