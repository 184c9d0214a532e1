//! Shared by the CLI's integration tests: the generated media corpus, made once per test binary.
use std::path::Path;
use std::sync::OnceLock;

/// `scripts/make-media-fixtures` output (good/, bad/, render/), generated on first use.
#[allow(dead_code)] // not every test binary needs the corpus
pub fn fixtures() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/make-media-fixtures");
        let status = std::process::Command::new(script).arg(dir.path()).status().expect("runs");
        assert!(status.success(), "make-media-fixtures failed");
        dir
    })
    .path()
}

/// `studio --data-dir DATA --json`, ignoring any STUDIO_DATA_DIR of the environment.
#[allow(dead_code)] // not every test binary runs the CLI this way
pub fn studio(data: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("studio").expect("binary");
    c.env_remove("STUDIO_DATA_DIR").arg("--data-dir").arg(data).arg("--json");
    c
}

/// A few seconds of real H.264 made with the ffmpeg CLI.
#[allow(dead_code)]
pub fn tiny_video(dir: &Path, name: &str, secs: u32) -> std::path::PathBuf {
    let out = dir.join(name);
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=180x320:rate=30", "-t", &secs.to_string()])
        .args(["-pix_fmt", "yuv420p", "-c:v", "libx264"])
        .arg(&out)
        .status()
        .expect("ffmpeg");
    assert!(status.success(), "ffmpeg could not make {name}");
    out
}

/// A command's stdout as JSON, or a failure showing what it printed instead.
#[allow(dead_code)]
pub fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Every file under `dir` with its bytes (database, WAL, logs, caches): where a leaked secret
/// would be found.
#[allow(dead_code)]
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                out.push((p.display().to_string(), b));
            }
        }
    }
    out
}

#[allow(dead_code)]
pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}
