//! Real local peers from npm (tests/peers): started as child processes that print one JSON line
//! when ready and exit when their stdin closes, so a crashed test leaves nothing running.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

pub struct Peer {
    pub info: serde_json::Value,
    child: Child,
    _stdin: ChildStdin,
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
        .unwrap_or_else(|e| panic!("cannot start `node tests/peers/{script}` (is Node.js installed?): {e}"));
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = BufReader::new(stdout);
        let mut line = String::new();
        let _ = out.read_line(&mut line);
        let _ = tx.send(line);
        // Keep reading: a peer that logs to stdout after its ready line must not die of EPIPE.
        let _ = std::io::copy(&mut out, &mut std::io::sink());
    });
    let line = rx
        .recv_timeout(Duration::from_secs(90))
        .unwrap_or_else(|_| panic!("{script} did not report ready within 90 s; see its stderr above"));
    let info: serde_json::Value =
        serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("{script} did not start: {e} ({line:?})"));
    Peer { info, child, _stdin: stdin }
}
