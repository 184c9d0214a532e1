//! `studio render` outputs checked with ffprobe and FFmpeg's ebur128 meter.
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{fixtures, studio};

fn render(data: &Path, input: &Path, args: &[&str]) -> (i32, Value) {
    let out = studio(data).arg("render").arg(input).args(args).output().expect("runs");
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("json: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

/// ffprobe's view of each stream.
fn probe(path: &Path) -> Vec<Value> {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_streams", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe");
    let v: Value = serde_json::from_slice(&out.stdout).expect("ffprobe json");
    v["streams"].as_array().cloned().unwrap_or_default()
}

/// (integrated LUFS, true peak dBTP) as FFmpeg's own meter reports them.
fn loudness(path: &Path) -> (f64, f64) {
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-i"])
        .arg(path)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg");
    let text = String::from_utf8_lossy(&out.stderr);
    let summary = text.rsplit("Summary:").next().unwrap_or_default();
    let value = |key: &str| -> f64 {
        summary
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} not in ebur128 summary:\n{summary}"))
    };
    (value("I:"), value("Peak:"))
}

fn moov_before_mdat(path: &Path) -> bool {
    let bytes = std::fs::read(path).expect("read");
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag);
    matches!((find(b"moov"), find(b"mdat")), (Some(m), Some(d)) if m < d)
}

fn check_contract(out: &Path, w: u32, h: u32, seconds: f64) {
    let s = probe(out);
    assert_eq!(s.len(), 2, "one video and one audio stream: {s:?}");
    let (v, a) = (&s[0], &s[1]);
    let text = |x: &Value, k: &str| x[k].as_str().unwrap_or_default().to_string();
    let num = |x: &Value, k: &str| -> f64 {
        x[k].as_str().and_then(|s| s.parse().ok()).or(x[k].as_f64()).unwrap_or(f64::NAN)
    };
    assert_eq!(
        (
            text(v, "codec_name"),
            text(v, "profile"),
            text(v, "pix_fmt"),
            v["width"].as_u64(),
            v["height"].as_u64(),
            text(v, "avg_frame_rate")
        ),
        ("h264".into(), "High".into(), "yuv420p".into(), Some(u64::from(w)), Some(u64::from(h)), "30/1".into()),
        "{v}"
    );
    assert_eq!(
        (text(a, "codec_name"), text(a, "sample_rate"), a["channels"].as_u64()),
        ("aac".into(), "48000".into(), Some(2)),
        "{a}"
    );
    let frames = num(v, "nb_frames");
    assert!((frames - seconds * 30.0).abs() <= 1.0, "{frames} frames for {seconds} s");
    let (vd, ad) = (num(v, "duration"), num(a, "duration"));
    assert!((vd - seconds).abs() <= 1.0 / 30.0 + 1e-6, "video lasts {vd}, want {seconds}");
    assert!((ad - vd).abs() <= 0.05, "audio {ad} vs video {vd}");
    assert!(v["side_data_list"].is_null(), "no display matrix left (rotation applied): {v}");
    assert!(moov_before_mdat(out), "index at the front (faststart)");
}

#[test]
fn landscape_to_tiktok_meets_the_output_contract() {
    let data = tempfile::tempdir().expect("tempdir");
    let out = data.path().join("tiktok.mp4");
    let (code, r) = render(
        data.path(),
        &fixtures().join("good/landscape.mp4"),
        &["--preset", "tiktok", "--out", out.to_str().expect("utf-8")],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        (r["width"].as_u64(), r["height"].as_u64(), r["encoder"].as_str()),
        (Some(1080), Some(1920), Some("libx264"))
    );
    check_contract(&out, 1080, 1920, 6.0);
    let (i, tp) = loudness(&out);
    assert!((i + 14.0).abs() <= 1.0, "integrated {i} LUFS");
    assert!(tp <= -1.0, "true peak {tp} dBTP");
}

#[test]
fn loudness_is_normalised_from_quiet_and_from_spiky_sources() {
    let data = tempfile::tempdir().expect("tempdir");
    for name in ["quiet", "spiky"] {
        let out = data.path().join(format!("{name}.mp4"));
        let (code, r) = render(
            data.path(),
            &fixtures().join(format!("render/{name}.mp4")),
            &["--preset", "square", "--out", out.to_str().expect("utf-8")],
        );
        assert_eq!(code, 0, "{r}");
        let (i, tp) = loudness(&out);
        assert!(
            (i + 14.0).abs() <= 1.0,
            "{name}: integrated {i} LUFS (source {}, gain {})",
            r["source_loudness_lufs"],
            r["gain_db"]
        );
        assert!(tp <= -1.0, "{name}: true peak {tp} dBTP");
        // Regression: ebur128's true-peak metadata is linear, and reading it as dB planned the
        // limiter (and an extra measuring pass) for any source that needed gain.
        let passes = r["loudness_passes"].as_u64().unwrap_or(0);
        match name {
            "quiet" => assert_eq!(passes, 1, "a quiet sine needs gain, not a limiter"),
            _ => assert!(passes >= 2, "the spiky source needs the limiter and a correction round"),
        }
    }
}

#[test]
fn rotation_vfr_silence_and_trim() {
    let data = tempfile::tempdir().expect("tempdir");
    let fx = fixtures();
    /// Input, extra arguments, expected size, expected seconds.
    type Case<'a> = (PathBuf, &'a [&'a str], (u32, u32), f64);
    let cases: [Case; 4] = [
        (fx.join("good/rotated.mp4"), &["--preset", "youtube", "--reframe", "center"], (1920, 1080), 6.0),
        (fx.join("good/vfr.mp4"), &["--preset", "portrait"], (1080, 1350), 5.0),
        (fx.join("render/no-audio.mp4"), &["--preset", "reels"], (1080, 1920), 3.0),
        (fx.join("good/landscape.mp4"), &["--preset", "x", "--trim", "1.5-4"], (1920, 1080), 2.5),
    ];
    for (i, (input, args, (w, h), secs)) in cases.iter().enumerate() {
        let out = data.path().join(format!("case{i}.mp4"));
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--out", out.to_str().expect("utf-8"), "--x264-preset", "ultrafast"]);
        let (code, r) = render(data.path(), input, &all);
        assert_eq!(code, 0, "{input:?}: {r}");
        check_contract(&out, *w, *h, *secs);
    }
}

#[test]
fn bad_requests_fail_clearly_and_leave_nothing() {
    let data = tempfile::tempdir().expect("tempdir");
    let fx = fixtures();
    let outdir = data.path().join("out");
    std::fs::create_dir_all(&outdir).expect("mkdir");
    let out = outdir.join("x.mp4");
    let o = out.to_str().expect("utf-8");
    let mov = outdir.join("x.mov");
    let mov = mov.to_str().expect("utf-8");
    let cases: Vec<(PathBuf, Vec<&str>, &str)> = vec![
        (fx.join("good/landscape.mp4"), vec!["--preset", "myspace", "--out", o], "invalid_input"),
        (fx.join("good/landscape.mp4"), vec!["--preset", "tiktok", "--trim", "5-2", "--out", o], "invalid_input"),
        (fx.join("good/landscape.mp4"), vec!["--preset", "tiktok", "--trim", "soon", "--out", o], "invalid_input"),
        (fx.join("good/landscape.mp4"), vec!["--preset", "tiktok", "--crf", "80", "--out", o], "invalid_input"),
        (fx.join("good/landscape.mp4"), vec!["--preset", "tiktok", "--out", mov], "invalid_input"),
        (
            fx.join("good/landscape.mp4"),
            vec!["--preset", "tiktok", "--encoder", "h264_imaginary", "--out", o],
            "render_failed",
        ),
        (fx.join("good/still.png"), vec!["--preset", "tiktok", "--out", o], "invalid_input"),
        (fx.join("bad/truncated-faststart.mp4"), vec!["--preset", "tiktok", "--out", o], "invalid_media"),
        (fx.join("bad/random.mp4"), vec!["--preset", "tiktok", "--out", o], "invalid_media"),
        (fx.join("nope.mp4"), vec!["--preset", "tiktok", "--out", o], "not_found"),
    ];
    for (input, args, code) in cases {
        let (exit, v) = render(data.path(), &input, &args);
        assert_eq!((exit, v["code"].as_str()), (1, Some(code)), "{input:?} {args:?}: {v}");
    }
    let left: Vec<_> = std::fs::read_dir(&outdir).expect("read").flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "nothing half-written: {left:?}");
}

#[test]
fn rendering_an_asset_records_it_in_the_library() {
    let data = tempfile::tempdir().expect("tempdir");
    let imp = studio(data.path()).arg("import").arg(fixtures().join("render/no-audio.mp4")).output().expect("import");
    let rep: Value = serde_json::from_slice(&imp.stdout).expect("json");
    let id = rep["imported"][0]["id"].as_str().expect("asset id").to_string();
    let (code, r) = render(data.path(), Path::new(&id), &["--preset", "square", "--x264-preset", "ultrafast"]);
    assert_eq!(code, 0, "{r}");
    assert!(r["render_id"].is_string());
    let out = PathBuf::from(r["output"].as_str().expect("output"));
    assert!(out.starts_with(data.path().join("data/renders")), "default output goes to the renders folder: {out:?}");
    check_contract(&out, 1080, 1080, 3.0);
}

/// The frame of `video` at `t` seconds, decoded by the ffmpeg CLI.
fn frame_at(video: &Path, t: f64) -> image::DynamicImage {
    let png = video.with_extension(format!("{t}.png"));
    let ok = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-y", "-ss", &t.to_string(), "-i"])
        .arg(video)
        .args(["-frames:v", "1"])
        .arg(&png)
        .status()
        .expect("ffmpeg");
    assert!(ok.success());
    image::open(&png).expect("frame")
}

/// Mean absolute difference of one region (fractions of width/height) between two frames taken
/// at `t` seconds from two videos.
fn region_diff(a: &Path, b: &Path, t: f64, region: (f64, f64, f64, f64)) -> f64 {
    let (fa, fb) = (frame_at(a, t).to_rgb8(), frame_at(b, t).to_rgb8());
    let (w, h) = (f64::from(fa.width()), f64::from(fa.height()));
    let (x0, y0, x1, y1) = ((region.0 * w) as u32, (region.1 * h) as u32, (region.2 * w) as u32, (region.3 * h) as u32);
    let mut sum = 0f64;
    let mut n = 0f64;
    for y in y0..y1 {
        for x in x0..x1 {
            let (pa, pb) = (fa.get_pixel(x, y), fb.get_pixel(x, y));
            sum += (0..3).map(|c| f64::from(pa[c].abs_diff(pb[c]))).sum::<f64>() / 3.0;
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn captions_and_hook_are_burned_where_and_when_they_belong() {
    let data = tempfile::tempdir().expect("tempdir");
    let src = fixtures().join("good/landscape.mp4");
    let srt = data.path().join("caps.srt");
    std::fs::write(&srt, "1\n00:00:00,500 --> 00:00:05,500\nStop scrolling: this changes everything\n").expect("srt");
    let plain = data.path().join("plain.mp4");
    let burned = data.path().join("burned.mp4");
    let fast = ["--preset", "tiktok", "--x264-preset", "ultrafast", "--out"];
    let (c1, _) = render(data.path(), &src, &[&fast[..], &[plain.to_str().expect("utf-8")]].concat());
    let args = [
        &fast[..],
        &[burned.to_str().expect("utf-8"), "--captions", srt.to_str().expect("utf-8"), "--hook-text", "Wait for it"],
    ]
    .concat();
    let (c2, r) = render(data.path(), &src, &args);
    assert_eq!((c1, c2), (0, 0), "{r}");
    check_contract(&burned, 1080, 1920, 6.0);

    // TikTok's safe area: captions sit above the bottom 480 px, the hook below the top 210 px.
    let caption_band = (0.1, 0.55, 0.9, 0.75);
    let hook_band = (0.2, 0.11, 0.8, 0.2);
    assert!(region_diff(&plain, &burned, 2.0, caption_band) > 8.0, "captions visible in their band");
    assert!(region_diff(&plain, &burned, 1.0, hook_band) > 8.0, "hook visible at 1 s");
    assert!(region_diff(&plain, &burned, 4.5, hook_band) < 2.0, "hook gone after 3 s");
    assert!(region_diff(&plain, &burned, 2.0, (0.0, 0.80, 1.0, 1.0)) < 2.0, "nothing under the platform's bottom UI");
}

#[test]
fn bad_captions_and_hooks_are_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    let src = fixtures().join("good/landscape.mp4");
    let out = data.path().join("o.mp4");
    let files = [
        ("empty.srt", b"".to_vec()),
        ("garbage.srt", (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect()),
        ("backwards.srt", b"1\n00:00:05,000 --> 00:00:01,000\nx\n".to_vec()),
        ("huge.srt", vec![b'a'; 6 * 1024 * 1024]),
        ("notes.txt", b"hello".to_vec()),
    ];
    for (name, bytes) in files {
        let p = data.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let (code, v) = render(
            data.path(),
            &src,
            &["--preset", "square", "--captions", p.to_str().expect("utf-8"), "--out", out.to_str().expect("utf-8")],
        );
        assert_eq!((code, v["code"].as_str()), (1, Some("invalid_input")), "{name}: {v}");
    }
    let long = "x".repeat(200);
    for hook in ["   ", long.as_str()] {
        let (code, v) = render(
            data.path(),
            &src,
            &["--preset", "square", "--hook-text", hook, "--out", out.to_str().expect("utf-8")],
        );
        assert_eq!((code, v["code"].as_str()), (1, Some("invalid_input")), "{hook:?}: {v}");
    }
    assert!(!out.exists());
}

/// RMS level (dB) of one frequency band of the output's audio between `from` and `to` seconds.
fn band_rms_db(path: &Path, from: f64, to: f64, hz: u32) -> f64 {
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-ss", &from.to_string(), "-t", &(to - from).to_string(), "-i"])
        .arg(path)
        .args([
            "-af",
            &format!("bandpass=f={hz}:width_type=q:w=8,astats=measure_overall=RMS_level:measure_perchannel=none"),
            "-f",
            "null",
            "-",
        ])
        .output()
        .expect("ffmpeg");
    let text = String::from_utf8_lossy(&out.stderr);
    text.lines()
        .filter_map(|l| l.split("RMS level dB:").nth(1))
        .filter_map(|v| v.trim().parse::<f64>().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no RMS in:\n{text}"))
}

#[test]
fn music_is_mixed_under_the_voice_and_ducked_while_it_speaks() {
    let data = tempfile::tempdir().expect("tempdir");
    let fx = fixtures();
    let music = fx.join("render/music.m4a");
    let with_music = |input: &str, out: &Path| {
        let args = [
            "--preset",
            "square",
            "--x264-preset",
            "ultrafast",
            "--music",
            music.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ];
        let (code, r) = render(data.path(), &fx.join(input), &args);
        assert_eq!(code, 0, "{input}: {r}");
    };
    let out = data.path().join("mixed.mp4");
    with_music("render/voice-then-quiet.mp4", &out);
    check_contract(&out, 1080, 1080, 4.0);
    let (i, tp) = loudness(&out);
    assert!((i + 14.0).abs() <= 1.0 && tp <= -1.0, "mix normalised: {i} LUFS, {tp} dBTP");
    let (while_talking, after) = (band_rms_db(&out, 0.6, 1.8, 2000), band_rms_db(&out, 2.8, 3.9, 2000));
    assert!(after - while_talking >= 6.0, "music ducked under the voice: {while_talking:.1} dB vs {after:.1} dB");
    assert!(after > -60.0, "music loops to the end: {after:.1} dB at 3-4 s (the loop is 1.5 s)");

    // A video without sound gets the music as its soundtrack.
    let out2 = data.path().join("music-only.mp4");
    with_music("render/no-audio.mp4", &out2);
    let (i2, _) = loudness(&out2);
    assert!((i2 + 14.0).abs() <= 1.0, "music-only soundtrack normalised: {i2}");

    let (code, v) = render(
        data.path(),
        &fx.join("good/landscape.mp4"),
        &[
            "--preset",
            "square",
            "--music",
            fx.join("good/still.png").to_str().expect("utf-8"),
            "--out",
            out2.to_str().expect("utf-8"),
        ],
    );
    assert_eq!((code, v["code"].as_str()), (1, Some("invalid_input")), "an image is not music: {v}");
}

/// (share of the subject's area visible, centre of the visible white pixels as a fraction of the
/// width) in the frame at `t` s. The square is 100 px in a 720 px tall source, so 1/7.2 of the
/// output height on a side.
fn white_square(video: &Path, t: f64) -> (f64, f64) {
    let img = frame_at(video, t).to_luma8();
    let (mut n, mut sx) = (0f64, 0f64);
    for (x, _, p) in img.enumerate_pixels() {
        if p[0] > 200 {
            n += 1.0;
            sx += f64::from(x);
        }
    }
    let side = f64::from(img.height()) / 7.2;
    (n / (side * side), if n > 0.0 { sx / n / f64::from(img.width()) } else { f64::NAN })
}

#[test]
fn smart_reframe_follows_the_subject_a_centre_crop_loses() {
    let data = tempfile::tempdir().expect("tempdir");
    let src = fixtures().join("render/moving-subject.mp4");
    let out = |name: &str| data.path().join(format!("{name}.mp4"));
    for how in ["smart", "center"] {
        let o = out(how);
        let args =
            ["--preset", "tiktok", "--reframe", how, "--x264-preset", "ultrafast", "--out", o.to_str().expect("utf-8")];
        let (code, r) = render(data.path(), &src, &args);
        assert_eq!(code, 0, "{r}");
    }
    check_contract(&out("smart"), 1080, 1920, 6.0);
    // The square crosses from 6% to 93% of the source's width; a 9:16 window is 32% of it.
    for t in [0.5, 3.0, 5.5] {
        let (seen, x) = white_square(&out("smart"), t);
        assert!(seen > 0.9, "t={t}: only {:.0}% of the subject is in the smart crop", seen * 100.0);
        assert!((0.2..=0.8).contains(&x), "t={t}: the subject sits at {x:.2} of the width, not near the middle");
    }
    for t in [0.5, 5.5] {
        let (seen, _) = white_square(&out("center"), t);
        assert!(seen < 0.1, "t={t}: a centre crop should have lost the subject ({seen:.2})");
    }
}
