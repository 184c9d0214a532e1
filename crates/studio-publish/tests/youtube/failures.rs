//! Quota and rate limits, 5xx mid-chunk, uploads that resume, tokens, and YouTube's rejections.

use serde_json::json;
use studio_publish::connector::PublishState;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use crate::common::{file_bytes, no_reauth, session, video, Recorder};
use crate::server::{server, Target, KIB256};
use crate::{draft, starts, uploaded, yt};

#[test]
fn quota_and_rate_limits_say_when_to_come_back() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let quota = json!({"error": {"code": 403,
        "message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
        "errors": [{"message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                    "domain": "youtube.quota", "reason": "quotaExceeded"}]}});
    let upload_cap = json!({"error": {"code": 400, "message": "The user has exceeded the number of videos they may upload.",
        "errors": [{"domain": "youtube.video", "reason": "uploadLimitExceeded", "message": "The user has exceeded the number of videos they may upload."}]}});
    let rate = json!({"error": {"code": 429, "message": "Too many requests.", "errors": [{"domain": "global", "reason": "rateLimitExceeded"}]}});
    {
        let mut st = state.lock().expect("lock");
        st.failures.push_back((Target::Open, 403, quota, None));
        st.failures.push_back((Target::Open, 400, upload_cap, None));
        st.failures.push_back((Target::Open, 429, rate, Some(7)));
    }
    // The quota comes back at midnight Pacific: the next 08:00 UTC at the latest.
    let now = jiff::Timestamp::now().as_second();
    let until_reset = (8 * 3600 - now.rem_euclid(86_400)).rem_euclid(86_400) as u64;
    for _ in 0..2 {
        let mut st = PublishState::default();
        let err = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
        let ErrorClass::RateLimited { retry_after_s } = err.class() else { panic!("{err}") };
        assert!(
            retry_after_s.abs_diff(until_reset) <= 5 || retry_after_s.abs_diff(until_reset + 86_400) <= 5,
            "{retry_after_s}"
        );
        assert_eq!(st, PublishState::default());
    }
    let mut st = PublishState::default();
    let err = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 7 });
    assert!(!err.to_string().contains("<a"), "{err}");
    publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("then it goes through");
    assert_eq!(state.lock().expect("lock").videos.len(), 1);
}

#[test]
fn a_503_mid_chunk_resumes_from_the_bytes_the_session_kept() {
    let (srv, state) = server();
    state.lock().expect("lock").keep_then_503 = Some((KIB256, 100_000));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 1_100_000, 30.0);
    let opts = serde_json::Map::new();
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    publish(&yt(), &mut s, &draft(&media, &opts), &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("published");
    assert_eq!(uploaded(&state), file_bytes(&media));
    let resumed = KIB256 + 100_000;
    assert_eq!(starts(&state), vec![0, KIB256, resumed, resumed + KIB256, resumed + 2 * KIB256]);
    assert!(state.lock().expect("lock").status_queries >= 1);
}

#[test]
fn an_upload_that_keeps_failing_resumes_in_the_next_run_not_from_zero() {
    let (srv, state) = server();
    {
        let mut st = state.lock().expect("lock");
        for _ in 0..4 {
            st.failures.push_back((
                Target::ChunkAt(KIB256),
                503,
                json!({"error": {"code": 503, "message": "Backend Error",
                "errors": [{"reason": "backendError", "domain": "global", "message": "Backend Error"}]}}),
                None,
            ));
        }
    }
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 700_000, 30.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let err = publish(&yt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect_err("gave up for now");
    assert_eq!(err.class(), ErrorClass::Retry);
    let saved = rec.last();
    assert_eq!((saved.uploaded_bytes, saved.media_ready, saved.final_sent), (KIB256, false, false));
    assert!(saved.upload_session_url.is_some());
    assert!(state.lock().expect("lock").videos.is_empty());

    // The next run asks the session where it stands and goes on from there, even from an older
    // checkpoint (a crash can lose the last one): the session, not the saved count, decides.
    let mut st = saved;
    st.uploaded_bytes = 0;
    publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    assert_eq!(uploaded(&state), file_bytes(&media));
    let st_server = state.lock().expect("lock");
    assert_eq!(st_server.opened.len(), 1);
    assert_eq!(st_server.puts.iter().filter(|p| p.1 == 0).count(), 1, "never restarted from 0");
}

#[test]
fn an_expired_token_is_renewed_and_the_upload_resumes() {
    let (srv, state) = server();
    state.lock().expect("lock").revoke_after_puts = Some(1);
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 700_000, 30.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let renewals = std::cell::Cell::new(0);
    let renew = || -> Result<Sensitive<String>, PublishError> {
        renewals.set(renewals.get() + 1);
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &renew).expect("published");
    assert_eq!((s.access_token.expose().as_str(), renewals.get()), ("tok-2", 1));
    assert_eq!(uploaded(&state), file_bytes(&media));
    {
        let st = state.lock().expect("lock");
        assert_eq!(st.opened.len(), 1);
        assert_eq!(st.puts.iter().filter(|p| p.1 == 0).count(), 1, "never restarted from 0");
    }

    // A token that stays refused after renewal is reported, not retried forever.
    let mut s = session(PlatformId::Youtube, &srv.url, "stale", None);
    let still = || -> Result<Sensitive<String>, PublishError> { Ok(Sensitive::new("also-stale".to_string())) };
    let err = publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &still)
        .expect_err("refused");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
}

#[test]
fn youtubes_own_rejection_is_shown_and_nothing_is_marked_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let mut opts = serde_json::Map::new();
    let many: Vec<String> = (0..60).map(|i| format!("keyword{i:03}")).collect();
    opts.insert("tags".into(), json!(many.join(",")));
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let mut st = PublishState::default();
    let err = publish(&yt(), &mut s, &draft(&media, &opts), &mut st, &mut Recorder::default(), &no_reauth)
        .expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("invalid video keywords"), "{err}");
    assert!(
        matches!(err, PublishError::Rejected { ref platform_code, .. } if platform_code.as_deref() == Some("invalidTags"))
    );
    assert!(!st.final_sent && st.upload_session_url.is_none());
    assert!(state.lock().expect("lock").sessions.is_empty());
}
