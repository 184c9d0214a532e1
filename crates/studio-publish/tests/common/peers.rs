//! Real local peers from npm (tests/peers): started as child processes that print one JSON line
//! when ready and exit when their stdin closes, so a crashed test leaves nothing running.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};

pub struct Peer {
    pub info: serde_json::Value,
    child: Child,
    _stdin: ChildStdin,
    // Kept open: a peer that logs to stdout after its ready line must not die of EPIPE.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn peers_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers")
}

/// Starts `tests/peers/<script>` with node. Fails (never skips) when the peers are not installed.
pub fn start(script: &str) -> Peer {
    let dir = peers_dir();
    assert!(
        dir.join("node_modules").is_dir(),
        "tests/peers/node_modules is missing: run `make peers` (npm ci in tests/peers) first"
    );
    let mut child = Command::new("node")
        .arg(dir.join(script))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start node (is Node.js installed?)");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    let mut stdout = BufReader::new(stdout);
    stdout.read_line(&mut line).expect("read peer's ready line");
    let info: serde_json::Value =
        serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("{script} did not start: {e} ({line:?})"));
    Peer { info, child, _stdin: stdin, _stdout: stdout }
}
