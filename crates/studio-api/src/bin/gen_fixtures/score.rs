//! Score reports for the in-memory backend: what studio-score says about a seeded asset.
//!
//! A seed's `score` section lists assets and finished renders with their media features in
//! studio-score's `MediaFeatures` shape, and the score panel's and the comparison's requests.
//! The features are written into the feature cache (keyed by content hash, as a measurement
//! would leave them), so `studio_api::score` scores them without ffmpeg. Seeding features rather
//! than generating small clips with the ffmpeg CLI keeps the answers the same on every machine
//! and every ffmpeg version (the freshness test compares them byte for byte), keeps generation
//! instant, and lets a scenario say exactly what a test needs (a tall video, a silent one)
//! instead of hoping an encoder produces it.
//!
//! The platforms the score knows are the same for every scenario: they go to
//! `score-platforms.json`, which the fake loads always.
use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use studio_api::score::{AssetScoreRequest, VariantsRequest};
use studio_api::{ApiError, Context};
use studio_core::progress::{CancelToken, Progress};
use studio_score::{MediaFeatures, FEATURES_VERSION};

type Res<T> = Result<T, Box<dyn Error>>;

#[derive(Deserialize)]
struct Seed {
    #[serde(default)]
    score: Option<ScoreSeed>,
}

#[derive(Deserialize)]
struct ScoreSeed {
    #[serde(default)]
    assets: Vec<SeedAsset>,
    #[serde(default)]
    renders: Vec<SeedRender>,
    /// What the score panel asks (`scoreAsset`).
    #[serde(default)]
    requests: Vec<AssetScoreRequest>,
    /// What Compare versions asks (`scoreVariants`).
    #[serde(default)]
    variants: Vec<VariantsRequest>,
}

/// A library asset. Other fields (the UI's `Asset`) are for the test that seeds it.
#[derive(Deserialize)]
struct SeedAsset {
    id: String,
    #[serde(default = "video")]
    kind: String,
    /// Default: "hash-<id>", as the UI's test factories name it.
    #[serde(default)]
    content_hash: Option<String>,
    /// What measuring it finds; images have none.
    #[serde(default)]
    features: Option<MediaFeatures>,
}

fn video() -> String {
    "video".into()
}

/// A finished render of a seeded asset: a file whose features are `features`.
#[derive(Deserialize)]
struct SeedRender {
    id: String,
    asset_id: String,
    #[serde(default)]
    width: Option<i64>,
    #[serde(default)]
    height: Option<i64>,
    #[serde(default)]
    duration_s: Option<f64>,
    features: MediaFeatures,
}

/// One request and what the backend said: an answer or an error, never both.
#[derive(Serialize)]
pub struct Answered<Q> {
    request: Q,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ApiError>,
}

/// A scenario's score answers, for its fixture file.
#[derive(Serialize)]
pub struct ScoreAnswers {
    pub score: Vec<Answered<AssetScoreRequest>>,
    pub variants: Vec<Answered<VariantsRequest>>,
}

/// Seed ids of this section ↔ UUIDs (a range of their own, apart from the scenario's other ids).
struct Ids(BTreeMap<String, String>);

impl Ids {
    fn uuid(&self, id: &str, other: &dyn Fn(&str) -> String) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| other(id))
    }
    fn back(&self, mut text: String) -> String {
        for (id, uuid) in &self.0 {
            text = text.replace(uuid, id);
        }
        text
    }
}

fn json<T: Serialize>(v: Result<T, ApiError>) -> Result<Value, ApiError> {
    v.and_then(|v| serde_json::to_value(v).map_err(|e| ApiError::new(studio_api::ErrorCode::Internal, e.to_string())))
}

/// Measuring never runs (the features are cached), so progress has nowhere to go.
fn quiet(_: Progress) {}

/// The scenario's score answers, or None when its seed has no `score` section. `uuid` maps the
/// scenario's other seed ids (accounts) and `back` maps them back in the answers.
pub fn answers(
    ctx: &Context,
    seed_text: &str,
    uuid: &dyn Fn(&str) -> String,
    back: &dyn Fn(String) -> String,
) -> Res<Option<ScoreAnswers>> {
    let Some(seed) = serde_json::from_str::<Seed>(seed_text)?.score else { return Ok(None) };
    let mut names: Vec<&str> = seed.assets.iter().map(|a| a.id.as_str()).collect();
    names.extend(seed.renders.iter().map(|r| r.id.as_str()));
    names.sort_unstable();
    let ids = Ids(names
        .iter()
        .enumerate()
        .map(|(i, id)| (id.to_string(), format!("00000000-0000-7000-9000-{:012x}", i + 1)))
        .collect());
    let features_dir = ctx.paths().cache.join("features");
    std::fs::create_dir_all(&features_dir)?;
    let cache = |hash: &str, f: &MediaFeatures| -> Res<()> {
        Ok(std::fs::write(features_dir.join(format!("{hash}-v{FEATURES_VERSION}.json")), serde_json::to_vec(f)?)?)
    };
    let renders_dir = ctx.paths().data.join("fixture-renders");
    std::fs::create_dir_all(&renders_dir)?;
    let mut db = ctx.db();
    for a in &seed.assets {
        let hash = a.content_hash.clone().unwrap_or_else(|| format!("hash-{}", a.id));
        db.write(|tx| {
            tx.execute(
                "INSERT INTO assets (id, kind, content_hash, storage, library_path, original_name, size_bytes, created_at, updated_at, version)
                 VALUES (?1, ?2, ?3, 'copied', ?4, ?5, 0, 0, 0, 1)",
                params![ids.uuid(&a.id, uuid), a.kind, hash, format!("/library/{}.mp4", a.id), format!("{}.mp4", a.id)],
            )?;
            Ok(())
        })?;
        if let Some(f) = &a.features {
            cache(&hash, f)?;
        }
    }
    for r in &seed.renders {
        // A render is scored from its file: one that hashes to where its features are cached.
        let out = renders_dir.join(format!("{}.mp4", r.id));
        std::fs::write(&out, format!("render {}", r.id))?;
        let (hash, _) = studio_media::hash::hash_file(&out, &CancelToken::new())?;
        cache(&hash, &r.features)?;
        db.write(|tx| {
            tx.execute(
                "INSERT INTO renders (id, asset_id, preset, settings_json, state, output_path, width, height, duration_ms,
                                      encoder, created_at, updated_at)
                 VALUES (?1, ?2, 'tiktok', '{}', 'done', ?3, ?4, ?5, ?6, 'libx264', 0, 0)",
                params![
                    ids.uuid(&r.id, uuid),
                    ids.uuid(&r.asset_id, uuid),
                    out.display().to_string(),
                    r.width,
                    r.height,
                    r.duration_s.map(|s| (s * 1000.0).round() as i64)
                ],
            )?;
            Ok(())
        })?;
    }
    drop(db);
    let cancel = CancelToken::new();
    let to_seed = |text: String| back(ids.back(text));
    let answered = |result: Result<Value, ApiError>| -> Res<(Option<Value>, Option<ApiError>)> {
        Ok(match result {
            Ok(v) => (Some(serde_json::from_str(&to_seed(serde_json::to_string(&v)?))?), None),
            Err(mut e) => {
                e.message = to_seed(e.message);
                (None, Some(e))
            }
        })
    };
    let mut score = Vec::new();
    for q in &seed.requests {
        let mut real = q.clone();
        real.asset_id = ids.uuid(&q.asset_id, uuid);
        real.account_id = q.account_id.as_deref().map(uuid);
        let (answer, error) = answered(json(studio_api::score::score_asset(ctx, &real, &quiet, &cancel)))?;
        score.push(Answered { request: q.clone(), answer, error });
    }
    let mut variants = Vec::new();
    for q in &seed.variants {
        let mut real = q.clone();
        real.inputs = q.inputs.iter().map(|i| ids.uuid(i, uuid)).collect();
        real.account_id = q.account_id.as_deref().map(uuid);
        let (answer, error) = answered(json(studio_api::score::score_variants(ctx, &real, &quiet, &cancel)))?;
        variants.push(Answered { request: q.clone(), answer, error });
    }
    Ok(Some(ScoreAnswers { score, variants }))
}

/// `score-platforms.json`: the platforms the score knows, for every scenario.
pub fn write_platforms(out: &Path) -> Res<()> {
    let platforms = studio_api::score::platforms()?;
    let lines: Vec<String> = platforms.iter().map(serde_json::to_string).collect::<Result<_, _>>()?;
    let target = out.join("score-platforms.json");
    std::fs::write(&target, format!("[\n  {}\n]\n", lines.join(",\n  ")))?;
    println!("wrote {}", target.display());
    Ok(())
}
