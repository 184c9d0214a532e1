//! What both halves of the suite build on: the HTTP client with Bluesky's error classifier, a
//! session as the app builds it, and still images — a small valid PNG encoded by hand (stored
//! deflate blocks), so no image crate is needed.

use std::path::Path;

use serde_json::Value;
use studio_publish::connector::{Connector, Session};
use studio_publish::connectors::bluesky::Bluesky;
use studio_publish::http::Http;
use studio_publish::media::MediaFile;
use studio_publish::rules::MediaFacts;
use studio_publish::tokens::TokenSet;
use studio_publish::PlatformId;

use crate::common;

pub const POST: &str = "app.bsky.feed.post";

pub fn http() -> Http {
    let c = Bluesky.classifier().expect("Bluesky classifies its errors");
    Http::new(PlatformId::Bluesky).expect("http").with_classifier(c)
}

/// A session as the app builds it: the classifier, the DID and the handle of the sign-in.
pub fn session_for(url: &str, t: &TokenSet) -> Session {
    let mut s = common::session(PlatformId::Bluesky, url, t.access.expose(), t.user_id.as_deref());
    s.http = http();
    s.handle = t.extra.get("handle").and_then(Value::as_str).map(|h| format!("@{h}"));
    s
}

pub fn image_media(dir: &Path, w: u32, h: u32) -> (MediaFile, Vec<u8>) {
    let bytes = png(w, h);
    let path = dir.join("still.png");
    std::fs::write(&path, &bytes).expect("write png");
    let facts = MediaFacts { is_video: false, width: Some(w), height: Some(h), ..Default::default() };
    (MediaFile::new(&path, facts).expect("media"), bytes)
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            raw.extend([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 128]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend(len.to_le_bytes());
        z.extend((!len).to_le_bytes());
        z.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB
    let mut out = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend(&data);
        out.extend(&crc_input);
        out.extend(crc32(&crc_input).to_be_bytes());
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
