//! Shared by the CLI's integration tests: the generated media corpus, made once per test binary.
use std::path::Path;
use std::sync::OnceLock;

/// `scripts/make-media-fixtures` output (good/, bad/, render/), generated on first use.
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
