//! Shared pieces of the connector contract tests: a local server on 127.0.0.1 running an axum
//! router on its own runtime, a session pointed at it, a recorder for progress and checkpoints,
//! and media files.
#![allow(dead_code)]

use std::path::Path;

use serde_json::Value;
use studio_publish::connector::{Draft, Progress, PublishState, Session};
use studio_publish::endpoints::Endpoints;
use studio_publish::http::Http;
use studio_publish::media::MediaFile;
use studio_publish::rules::MediaFacts;
use studio_publish::{PlatformId, PublishError, Sensitive};

pub struct Server {
    pub url: String,
    rt: tokio::runtime::Runtime,
}

impl Server {
    /// Serves `router` on a free loopback port until dropped.
    pub fn start(router: axum::Router) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
        let addr = listener.local_addr().expect("addr");
        rt.spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url: format!("http://{addr}"), rt }
    }
}

pub fn endpoints(url: &str) -> Endpoints {
    let u = url::Url::parse(url).expect("url");
    Endpoints {
        api: u.clone(),
        upload: u.clone(),
        authorize: Some(u.join("/oauth/authorize").expect("join")),
        token: Some(u.join("/oauth/token").expect("join")),
        revoke: Some(u.join("/oauth/revoke").expect("join")),
    }
}

pub fn session(platform: PlatformId, url: &str, token: &str, user_id: Option<&str>) -> Session {
    Session {
        platform,
        endpoints: endpoints(url),
        http: Http::new(platform).expect("http"),
        access_token: Sensitive::new(token.to_string()),
        user_id: user_id.map(str::to_string),
        handle: None,
        relay: None,
    }
}

/// Records what a connector reports; can simulate a crash at the n-th checkpoint.
#[derive(Default)]
pub struct Recorder {
    pub checkpoints: Vec<PublishState>,
    pub progress: Vec<(u64, u64)>,
    pub crash_at_checkpoint: Option<usize>,
}

impl Progress for Recorder {
    fn uploaded(&mut self, done: u64, total: u64) {
        self.progress.push((done, total));
    }

    fn checkpoint(&mut self, state: &PublishState) -> Result<(), PublishError> {
        self.checkpoints.push(state.clone());
        if self.crash_at_checkpoint == Some(self.checkpoints.len()) {
            return Err(PublishError::Unsupported("simulated crash".into()));
        }
        Ok(())
    }
}

impl Recorder {
    pub fn last(&self) -> PublishState {
        self.checkpoints.last().cloned().unwrap_or_default()
    }
}

/// A file of `len` pseudo-random bytes described as a 1080x1920 30 fps H.264 video of `secs` s.
/// Contract servers check bytes and ranges, not codecs; real media is tested in studio-media.
pub fn video(dir: &Path, name: &str, len: usize, secs: f64) -> MediaFile {
    let path = dir.join(name);
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x & 0xff) as u8
        })
        .collect();
    std::fs::write(&path, bytes).expect("write media");
    let facts = MediaFacts {
        is_video: true,
        size_bytes: len as u64,
        duration_s: Some(secs),
        width: Some(1080),
        height: Some(1920),
        fps: Some(30.0),
        codec: Some("h264".into()),
    };
    MediaFile::new(&path, facts).expect("media")
}

/// The bytes of `media` as written, to compare with what a contract server put together.
pub fn file_bytes(media: &MediaFile) -> Vec<u8> {
    std::fs::read(&media.path).expect("read media")
}

/// Draft options for a test that sets none.
pub fn no_options() -> serde_json::Map<String, Value> {
    serde_json::Map::new()
}

/// A draft titled "Studio clip" for suites whose tests vary only the caption.
pub fn draft<'a>(caption: &'a str, media: &'a MediaFile, o: &'a serde_json::Map<String, Value>) -> Draft<'a> {
    Draft { caption, title: Some("Studio clip"), media, options: o, idempotency_key: "k" }
}

/// A reauth that must not be needed.
pub fn no_reauth() -> Result<Sensitive<String>, PublishError> {
    panic!("the token was refused unexpectedly")
}
