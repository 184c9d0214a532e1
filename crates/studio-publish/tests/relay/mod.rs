//! A media relay for the Instagram and Threads contract tests: it serves the file from its own
//! local HTTP route and hands out that http://127.0.0.1 URL, and the contract servers fetch the
//! video from it over HTTP the way Meta fetches from a public URL. Proves the relay contract:
//! the URL is published before the container, serves the exact bytes, and is released after.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use studio_publish::media::MediaFile;
use studio_publish::relay::MediaRelay;
use studio_publish::PublishError;

use crate::common::Server;

#[derive(Default)]
pub struct Hosted {
    /// token -> file
    pub files: HashMap<String, PathBuf>,
    pub published: Vec<String>,
    pub released: Vec<String>,
    /// GETs served (the platform's fetches).
    pub served: usize,
    /// Serve 404s, as a relay that lost the file would.
    pub broken: bool,
}

pub struct TestRelay {
    server: Server,
    pub hosted: Arc<Mutex<Hosted>>,
}

async fn serve(State(h): State<Arc<Mutex<Hosted>>>, Path((token, _name)): Path<(String, String)>) -> Response {
    let path = {
        let mut st = h.lock().expect("lock");
        st.served += 1;
        match st.files.get(&token) {
            Some(p) if !st.broken => p.clone(),
            _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
        }
    };
    match std::fs::read(&path) {
        Ok(bytes) => ([("content-type", "video/mp4")], bytes).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "gone").into_response(),
    }
}

impl TestRelay {
    pub fn start() -> Arc<Self> {
        let hosted = Arc::new(Mutex::new(Hosted::default()));
        let router = Router::new().route("/relay/{token}/{name}", get(serve)).with_state(hosted.clone());
        Arc::new(Self { server: Server::start(router), hosted })
    }

    /// Files still hosted (published, not released).
    pub fn live(&self) -> usize {
        self.hosted.lock().expect("lock").files.len()
    }
}

impl MediaRelay for TestRelay {
    fn publish(&self, media: &MediaFile) -> Result<String, PublishError> {
        let mut st = self.hosted.lock().expect("lock");
        let token = format!("t{}", st.published.len() + 1);
        st.files.insert(token.clone(), media.path.clone());
        let url = format!("{}/relay/{token}/{}", self.server.url, media.file_name());
        st.published.push(url.clone());
        Ok(url)
    }

    fn release(&self, url: &str) -> Result<(), PublishError> {
        let mut st = self.hosted.lock().expect("lock");
        if let Some(token) = url.split("/relay/").nth(1).and_then(|rest| rest.split('/').next()) {
            st.files.remove(token);
        }
        st.released.push(url.to_string());
        Ok(())
    }
}

/// What the platform does with `video_url`: an HTTP GET from its own servers.
pub async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let resp = reqwest::Client::new().get(url).send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status()));
    }
    resp.bytes().await.map(|b| b.to_vec()).map_err(|e| e.to_string())
}

/// Meta's timestamp format (`2024-05-01T12:00:00+0000`), `secs_ago` in the past.
pub fn meta_time(secs_ago: i64) -> String {
    let t = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(secs_ago);
    t.strftime("%Y-%m-%dT%H:%M:%S+0000").to_string()
}
