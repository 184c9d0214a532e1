//! Splitting the video between threads must not change what is measured.
use std::path::{Path, PathBuf};
use std::process::Command;

use studio_core::progress::{CancelToken, NoProgress};
use studio_score::MediaFeatures;

use super::segments::{plan, Split};
use super::{extract_with, MediaError};
use crate::avpath::AvPath;
use crate::probe::main_video_stream;

/// 32 s: a picture that changes every 2 s (15 cuts), with moving text so it is never frozen,
/// B pictures and a keyframe every 2.5 s (plus x264's own at the cuts).
fn clip(dir: &Path) -> PathBuf {
    let out = dir.join("cuts every 2 s.mp4");
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(
            "smptebars=s=320x180:r=30:d=2[a];color=c=navy:s=320x180:r=30:d=2[b];[a][b]concat=n=2,\
             loop=loop=7:size=120,drawtext=text='%{n}':x=10+mod(n*3\\,200):y=10:fontsize=24:fontcolor=white",
        )
        .args(["-t", "32", "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "75", "-pix_fmt", "yuv420p"])
        .arg(&out)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "ffmpeg could not make the clip");
    out
}

fn measure(path: &Path, split: Split) -> MediaFeatures {
    extract_with(path, &NoProgress, &CancelToken::new(), split).expect("measures")
}

#[test]
fn spans_start_at_keyframes_after_the_opening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = clip(dir.path());
    let av = AvPath::new(&path).expect("path");
    let ictx = ffmpeg_next::format::input(av.url()).expect("opens");
    let v = main_video_stream(&ictx).expect("video");
    for n in [2, 3, 4] {
        let spans = plan(&av, v, 32.0, Split::Spans(n));
        assert_eq!(spans.len(), n - 1, "{n} spans");
        let starts: Vec<f64> = spans.iter().map(|s| s.start_s).collect();
        assert!(starts.windows(2).all(|w| w[1] - w[0] >= 4.0), "{starts:?}");
        assert!(starts.iter().all(|s| *s >= 3.0 && *s <= 28.0), "{starts:?}");
    }
    // Too short to split, and one span asked for: a single pass.
    assert!(plan(&av, v, 32.0, Split::Spans(1)).is_empty());
    assert!(plan(&av, v, 32.0, Split::Spans(20)).len() < 19);
}

#[test]
fn split_decoding_measures_what_one_pass_measures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = clip(dir.path());
    let one = measure(&path, Split::Spans(1));
    let cuts = |f: &MediaFeatures| f.pacing.cuts_per_minute.map(|c| c * 32.0 / 60.0);
    assert_eq!(cuts(&one).map(f64::round), Some(15.0), "{one:#?}");
    assert!(one.hook.first_cut_s.is_some_and(|t| (2.0..2.25).contains(&t)), "{one:#?}");
    for n in [2, 3, 4] {
        let split = measure(&path, Split::Spans(n));
        // A cut on a span boundary is still seen: the boundary samples are compared when joined.
        assert_eq!(cuts(&split).map(f64::round), Some(15.0), "{n} spans: {split:#?}");
        assert_eq!(split.hook, one.hook, "{n} spans");
        let close =
            |a: Option<f64>, b: Option<f64>, tol: f64| matches!((a, b), (Some(a), Some(b)) if (a - b).abs() <= tol);
        assert!(close(split.picture.brightness, one.picture.brightness, 0.01), "{n} spans");
        assert!(close(split.picture.colourfulness, one.picture.colourfulness, 1.0), "{n} spans");
        assert!(close(split.picture.frozen_ratio, one.picture.frozen_ratio, 0.03), "{n} spans");
        assert!(
            close(split.picture.sharpness, one.picture.sharpness, one.picture.sharpness.unwrap_or(0.0) * 0.1),
            "{n} spans"
        );
        assert!(close(split.pacing.longest_static_s, one.pacing.longest_static_s, 0.25), "{n} spans");
        assert_eq!(split.sound, one.sound, "{n} spans");
    }
}

#[test]
fn a_cancelled_split_measure_stops_every_span() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = clip(dir.path());
    let cancel = CancelToken::new();
    cancel.cancel();
    let r = extract_with(&path, &NoProgress, &cancel, Split::Spans(3));
    assert!(matches!(r, Err(MediaError::Cancelled)), "{r:?}");
}
