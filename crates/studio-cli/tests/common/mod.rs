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
