//! Fails when ui/src/backend/bindings.ts no longer matches the Rust commands and types.
#[test]
fn committed_bindings_match_the_rust_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fresh_path = dir.path().join("bindings.ts");
    viral_studio_lib::bindings::export(&fresh_path).expect("export bindings");
    let fresh = std::fs::read_to_string(&fresh_path).expect("read fresh");
    let committed_path = viral_studio_lib::bindings::default_path();
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(fresh == committed, "{} is stale: run `make bindings` and commit the result", committed_path.display());
}
