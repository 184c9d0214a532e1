//! The post as a record (`app.bsky.feed.post`): its key derived from the idempotency key, its
//! text facets and embed, creating it, finding it again, replies and the counters.
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::xrpc::{get_record, parse_at_uri, post_url, xrpc, NAME, POST};
use crate::connector::{Draft, Metrics, PublishState, Published, Reply, Session};
use crate::connectors::json::{s, u};
use crate::error::ErrorClass;
use crate::http::Step;
use crate::{PublishError, Result};

/// The record key of the post for one idempotency key: a TID (the key type `app.bsky.feed.post`
/// requires; the PDS refuses any other syntax) made from a hash of the key instead of the clock.
///
/// 64 bits: 0, 53 bits of microseconds, 10 bits of clock id, in base32-sortable. The
/// microseconds are 2023-01-01T00:00:00Z plus 43 hash bits (a window of about 102 days), so the
/// keys lie in the past and never meet the TIDs servers mint for new records today, while 53
/// bits of hash keep two keys of one account apart. Keys containing "gg" are skipped: the PDS
/// refuses record keys matching its slur list, and that is the only entry of it a 13-character
/// base32 word can match.
pub fn record_key(idempotency_key: &str) -> String {
    const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
    const BASE_US: u64 = 1_672_531_200_000_000;
    let mut key = String::new();
    for n in 0u32..64 {
        let digest = Sha256::digest(format!("viral-studio/bluesky-rkey/{n}/{idempotency_key}").as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let h = u64::from_be_bytes(first);
        let micros = BASE_US + ((h >> 21) & ((1 << 43) - 1));
        let tid = (micros << 10) | (h & 0x3ff);
        key = (0..13).map(|i| ALPHABET[((tid >> (5 * (12 - i))) & 31) as usize] as char).collect();
        if !key.contains("gg") {
            break;
        }
    }
    key
}

/// Links (http/https) and hashtags as `app.bsky.richtext.facet`s, indexed in UTF-8 bytes as the
/// lexicon requires. Mentions are not linked: that needs a handle resolution per name.
pub fn facets(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(st)) => {
                if let Some(f) = facet(&text[st..i], st) {
                    out.push(f);
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn facet(word: &str, at: usize) -> Option<Value> {
    let index = |len: usize| json!({ "byteStart": at, "byteEnd": at + len });
    if word.starts_with("https://") || word.starts_with("http://") {
        let mut uri = word.trim_end_matches(['.', ',', ';', ':', '!', '?', '"', '\'']);
        if uri.ends_with(')') && !uri.contains('(') {
            uri = &uri[..uri.len() - 1];
        }
        let host = uri.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
        if host.is_empty() {
            return None;
        }
        return Some(json!({
            "index": index(uri.len()),
            "features": [{ "$type": "app.bsky.richtext.facet#link", "uri": uri }],
        }));
    }
    let tag = word.strip_prefix('#')?.trim_end_matches(|c: char| c.is_ascii_punctuation());
    // The app's own rule: not only digits, at most 64 characters (facet `tag` maxGraphemes 64).
    if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit()) || tag.chars().count() > 64 {
        return None;
    }
    Some(json!({
        "index": index(1 + tag.len()),
        "features": [{ "$type": "app.bsky.richtext.facet#tag", "tag": tag }],
    }))
}

/// `{uri, cid}` of a post, as a reply names its root and parent.
fn strong_ref(s_: &Session, uri: &str) -> Result<Value> {
    let (repo, collection, rkey) =
        parse_at_uri(uri).ok_or_else(|| PublishError::Invalid(format!("{uri} is not an at:// post URI")))?;
    let rec = get_record(s_, repo, collection, rkey)?
        .ok_or_else(|| PublishError::Invalid(format!("the post being answered ({uri}) was deleted")))?;
    let cid = s(&rec, "cid").ok_or_else(|| PublishError::retry(NAME, "getRecord answered without a cid"))?;
    Ok(json!({ "uri": s(&rec, "uri").unwrap_or_else(|| uri.to_string()), "cid": cid }))
}

fn record(d: &Draft<'_>, blob: &Value) -> Value {
    let facts = &d.media.facts;
    let aspect = match (facts.width, facts.height) {
        (Some(w), Some(h)) if w > 0 && h > 0 => Some(json!({ "width": w, "height": h })),
        _ => None,
    };
    let alt = d.option("alt_text").unwrap_or_default();
    let embed = if d.media.is_video() {
        let mut e = json!({ "$type": "app.bsky.embed.video", "video": blob });
        if !alt.is_empty() {
            e["alt"] = json!(alt);
        }
        if let Some(a) = &aspect {
            e["aspectRatio"] = a.clone();
        }
        e
    } else {
        // `alt` is required for images (empty when the creator gave none).
        let mut image = json!({ "image": blob, "alt": alt });
        if let Some(a) = &aspect {
            image["aspectRatio"] = a.clone();
        }
        json!({ "$type": "app.bsky.embed.images", "images": [image] })
    };
    let now = jiff::Timestamp::now();
    let created = jiff::Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now);
    let mut record = json!({
        "$type": POST,
        "text": d.caption,
        "createdAt": created.to_string(),
        "embed": embed,
    });
    let facets = facets(d.caption);
    if !facets.is_empty() {
        record["facets"] = Value::Array(facets);
    }
    if let Some(lang) = d.option("lang").filter(|l| !l.is_empty()) {
        record["langs"] = json!([lang]);
    }
    record
}

pub(super) fn create_post(s_: &Session, d: &Draft<'_>, st: &mut PublishState) -> Result<Published> {
    let did = s_.user_id()?;
    let rkey = record_key(d.idempotency_key);
    // Already there (an earlier attempt whose answer was lost): that is the post. The PDS
    // answers a create on an existing key with a 500, not a conflict, so ask first.
    if let Some(found) = find_post(s_, d)? {
        return Ok(found);
    }
    let blob = st
        .extra
        .get("blob")
        .cloned()
        .ok_or_else(|| PublishError::Invalid("the media was not uploaded before the post".into()))?;
    let body = json!({
        "repo": did,
        "collection": POST,
        "rkey": rkey,
        "record": record(d, &blob),
    });
    let req = s_.bearer(s_.http.client().post(xrpc(&s_.endpoints.api, "com.atproto.repo.createRecord"))).json(&body);
    let created: Value = s_.http.json(req, Step::Final)?;
    let uri = s(&created, "uri").ok_or_else(|| PublishError::OutcomeUnknown {
        platform: NAME.into(),
        message: "createRecord answered without a uri".into(),
    })?;
    if let Some(cid) = s(&created, "cid") {
        st.extra.insert("cid".into(), Value::String(cid));
    }
    Ok(Published { post_id: uri, url: Some(post_url(s_, did, &rkey)) })
}

pub(super) fn find_post(s_: &Session, d: &Draft<'_>) -> Result<Option<Published>> {
    let did = s_.user_id()?;
    let rkey = record_key(d.idempotency_key);
    // getRecord reads the repository itself: "not found" there is proof.
    Ok(get_record(s_, did, POST, &rkey)?.map(|r| Published {
        post_id: s(&r, "uri").unwrap_or_else(|| format!("at://{did}/{POST}/{rkey}")),
        url: Some(post_url(s_, did, &rkey)),
    }))
}

pub(super) fn reply(s_: &Session, r: &Reply<'_>) -> Result<Published> {
    if let Some(found) = find_reply(s_, r)? {
        return Ok(found);
    }
    let did = s_.user_id()?;
    let rkey = record_key(r.key);
    let now = jiff::Timestamp::now();
    let created = jiff::Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now);
    let mut record = json!({
        "$type": POST,
        "text": r.text,
        "createdAt": created.to_string(),
        "reply": { "root": strong_ref(s_, &r.root.post_id)?, "parent": strong_ref(s_, &r.parent.post_id)? },
    });
    let facets = facets(r.text);
    if !facets.is_empty() {
        record["facets"] = Value::Array(facets);
    }
    if let Some(lang) = r.option("lang").filter(|l| !l.is_empty()) {
        record["langs"] = json!([lang]);
    }
    let body = json!({ "repo": did, "collection": POST, "rkey": rkey, "record": record });
    let req = s_.bearer(s_.http.client().post(xrpc(&s_.endpoints.api, "com.atproto.repo.createRecord"))).json(&body);
    let created: Value = s_.http.json(req, Step::Final)?;
    let uri = s(&created, "uri").ok_or_else(|| PublishError::OutcomeUnknown {
        platform: NAME.into(),
        message: "createRecord answered the reply without a uri".into(),
    })?;
    Ok(Published { post_id: uri, url: Some(post_url(s_, did, &rkey)) })
}

pub(super) fn find_reply(s_: &Session, r: &Reply<'_>) -> Result<Option<Published>> {
    let did = s_.user_id()?;
    let rkey = record_key(r.key);
    Ok(get_record(s_, did, POST, &rkey)?.map(|rec| Published {
        post_id: s(&rec, "uri").unwrap_or_else(|| format!("at://{did}/{POST}/{rkey}")),
        url: Some(post_url(s_, did, &rkey)),
    }))
}

/// Counters come from the AppView (`app.bsky.feed.getPosts`, proxied by the PDS). A PDS
/// without an AppView (self-hosted without one, or a test PDS) answers 400: then the record
/// itself is read, proving the post exists, and every counter is unknown.
pub(super) fn metrics(s_: &Session, post_id: &str) -> Result<Metrics> {
    let (repo, collection, rkey) =
        parse_at_uri(post_id).ok_or_else(|| PublishError::Invalid(format!("{post_id} is not an at:// post URI")))?;
    let req =
        s_.bearer(s_.http.client().get(xrpc(&s_.endpoints.api, "app.bsky.feed.getPosts")).query(&[("uris", post_id)]));
    match s_.http.json::<Value>(req, Step::Repeatable) {
        Ok(v) => {
            if let Some(post) = v.get("posts").and_then(Value::as_array).and_then(|a| a.first()) {
                return Ok(Metrics {
                    likes: u(post, "likeCount"),
                    comments: u(post, "replyCount"),
                    shares: u(post, "repostCount"),
                    raw: post.clone(),
                    ..Default::default()
                });
            }
        }
        Err(e) if e.class() == ErrorClass::BadRequest => {
            tracing::debug!("no AppView behind this PDS ({e}); reading the record instead");
        }
        Err(e) => return Err(e),
    }
    match get_record(s_, repo, collection, rkey)? {
        Some(record) => Ok(Metrics { raw: json!({ "record": record, "appview": false }), ..Default::default() }),
        None => Err(PublishError::rejected(NAME, format!("the post {post_id} no longer exists"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_are_valid_stable_tids() {
        let a = record_key("target-1");
        assert_eq!(a, record_key("target-1"));
        assert_ne!(a, record_key("target-2"));
        assert_eq!(a.len(), 13);
        assert!(a.starts_with(|c: char| "234567abcdefghij".contains(c)), "{a}");
        assert!(a.chars().all(|c| "234567abcdefghijklmnopqrstuvwxyz".contains(c)), "{a}");
        for i in 0..2000 {
            assert!(!record_key(&format!("k{i}")).contains("gg"));
        }
    }

    #[test]
    fn facets_use_utf8_byte_offsets() {
        let text = "Café ☕ #ViralStudio see https://example.com/a?b=1. #2024 (#no) #tag!";
        let f = facets(text);
        let spans: Vec<(String, &str)> = f
            .iter()
            .map(|v| {
                let a = v["index"]["byteStart"].as_u64().unwrap_or(0) as usize;
                let b = v["index"]["byteEnd"].as_u64().unwrap_or(0) as usize;
                (text[a..b].to_string(), v["features"][0]["$type"].as_str().unwrap_or(""))
            })
            .collect();
        assert_eq!(
            spans,
            vec![
                ("#ViralStudio".to_string(), "app.bsky.richtext.facet#tag"),
                ("https://example.com/a?b=1".to_string(), "app.bsky.richtext.facet#link"),
                ("#tag".to_string(), "app.bsky.richtext.facet#tag"),
            ]
        );
        assert_eq!(f[0]["features"][0]["tag"], "ViralStudio");
        assert_eq!(f[0]["index"]["byteStart"], 10);
    }
}
