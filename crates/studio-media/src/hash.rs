//! Streaming BLAKE3 of a file: constant memory, cancellable between chunks.
use std::io::Read;
use std::path::Path;

use studio_core::progress::CancelToken;

use crate::MediaError;

const CHUNK: usize = 1 << 20;

/// Hex BLAKE3 of the file's bytes and its length.
pub fn hash_file(path: &Path, cancel: &CancelToken) -> Result<(String, u64), MediaError> {
    let mut f = std::fs::File::open(path).map_err(MediaError::Unreadable)?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; CHUNK];
    let mut len = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(MediaError::Cancelled);
        }
        let n = f.read(&mut buf).map_err(MediaError::Unreadable)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hasher.finalize().to_hex().to_string(), len))
}
