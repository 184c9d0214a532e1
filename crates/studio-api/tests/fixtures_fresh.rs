//! Fails when ui/src/backend/fixtures/*.json no longer match what studio-api answers for their
//! seeds (the in-memory backend replays them in the browser tests).
use std::path::Path;

#[test]
fn committed_fixtures_match_what_studio_api_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_gen-fixtures"))
        .arg(dir.path())
        .status()
        .expect("run gen-fixtures");
    assert!(status.success(), "gen-fixtures failed");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/backend/fixtures");
    let mut n = 0;
    for entry in std::fs::read_dir(dir.path()).expect("read fresh") {
        let fresh_path = entry.expect("entry").path();
        let name = fresh_path.file_name().expect("name");
        let fresh = std::fs::read_to_string(&fresh_path).expect("read fresh");
        let old = std::fs::read_to_string(committed.join(name)).unwrap_or_default();
        assert!(
            fresh == old,
            "ui/src/backend/fixtures/{} is stale: run `make fixtures` and commit the result",
            name.to_string_lossy()
        );
        n += 1;
    }
    assert!(n > 0, "no fixtures generated");
}
