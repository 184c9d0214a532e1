//! One test per edge of the diagram in the module doc, and a refusal test for every move from
//! every state the diagram does not allow.
use rusqlite::params;

use super::*;
use crate::Db;

const NOW: i64 = 1_000;

fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = Db::open(&dir.path().join("t.db")).expect("open");
    (dir, db)
}

/// A scheduled post with one target in `state`; returns the target id.
fn seed(db: &mut Db, state: TargetState, attention: Option<&str>) -> String {
    db.write(|tx| {
        tx.execute("INSERT INTO campaigns (id, name, timezone, created_at, updated_at) VALUES ('c', 'C', 'UTC', 0, 0)", [])?;
        tx.execute(
            "INSERT INTO accounts (id, platform, handle, created_at, updated_at) VALUES ('a', 'mastodon', '@a', 0, 0)",
            [],
        )?;
        tx.execute(
            "INSERT INTO posts (id, campaign_id, state, scheduled_at, created_at, updated_at)
             VALUES ('p', 'c', 'scheduled', 0, 0, 0)",
            [],
        )?;
        tx.execute(
            "INSERT INTO post_targets (id, post_id, account_id, state, attention, idempotency_key, created_at, updated_at)
             VALUES ('t', 'p', 'a', ?1, ?2, 'k', 0, 0)",
            params![state, attention],
        )?;
        Ok(())
    })
    .expect("seed");
    "t".into()
}

fn state_of(db: &Db, id: &str) -> TargetState {
    db.read(|c| Ok(c.query_row("SELECT state FROM post_targets WHERE id = ?1", [id], |r| r.get(0))?)).expect("state")
}

fn last_event(db: &Db, id: &str) -> Option<String> {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT state FROM target_events WHERE target_id = ?1 ORDER BY at DESC, rowid DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
    })
    .expect("event")
}

/// Runs move `m` on target `id` through its public function.
fn take(db: &mut Db, id: &str, m: Move) -> Result<()> {
    db.write(|tx| match m {
        Move::Schedule => schedule(tx, id, NOW),
        Move::Unschedule => unschedule(tx, id, NOW),
        Move::StartAttempt => start_attempt(tx, id, "attempt 1", NOW),
        Move::UploadDone => upload_done(tx, id, NOW),
        Move::Settle(to) => settle_attempt(
            tx,
            id,
            &Settled { to, detail: None, failure: Some(("x", "y")), attention: None, next_attempt_at: None },
            NOW,
        ),
        Move::RecordPublished => record_published(
            tx,
            id,
            &PublishedPost {
                platform_post_id: "42",
                url: Some("https://x/42"),
                late_by_ms: None,
                publish_state_json: None,
                detail: "https://x/42",
            },
            NOW,
        ),
        Move::Retry => retry(tx, id, NOW),
        Move::Cancel => cancel(tx, id, NOW),
        Move::MarkPosted => mark_posted(tx, id, None, NOW),
    })
}

fn edge(from: TargetState, m: Move) {
    let (_d, mut db) = db();
    let attention = (m == Move::Retry && from == S::Queued).then_some(attention::MISSED);
    let id = seed(&mut db, from, attention);
    assert!(m.allows(from, attention.is_some()), "{m:?} from {from} is not in the diagram");
    take(&mut db, &id, m).unwrap_or_else(|e| panic!("{m:?} from {from}: {e}"));
    assert_eq!(state_of(&db, &id), m.to(), "{m:?} from {from}");
    assert_eq!(last_event(&db, &id).as_deref(), Some(m.to().as_str()), "the timeline shows the move");
}

macro_rules! edges {
    ($($name:ident: $from:ident => $m:expr;)*) => {
        /// Every edge tested below, to check the list matches the diagram.
        const EDGES: &[(TargetState, Move)] = &[$((S::$from, $m)),*];
        $(
            #[test]
            fn $name() {
                edge(S::$from, $m);
            }
        )*
    };
}

edges! {
    draft_to_queued_on_schedule: Draft => Move::Schedule;
    queued_to_draft_on_unschedule: Queued => Move::Unschedule;
    queued_to_uploading_on_start: Queued => Move::StartAttempt;
    unconfirmed_to_uploading_on_start: Unconfirmed => Move::StartAttempt;
    uploading_to_processing_on_upload_done: Uploading => Move::UploadDone;

    queued_settles_queued: Queued => Move::Settle(S::Queued);
    queued_settles_unconfirmed: Queued => Move::Settle(S::Unconfirmed);
    queued_settles_failed: Queued => Move::Settle(S::Failed);
    queued_settles_needs_reconnect: Queued => Move::Settle(S::NeedsReconnect);
    uploading_settles_queued: Uploading => Move::Settle(S::Queued);
    uploading_settles_unconfirmed: Uploading => Move::Settle(S::Unconfirmed);
    uploading_settles_failed: Uploading => Move::Settle(S::Failed);
    uploading_settles_needs_reconnect: Uploading => Move::Settle(S::NeedsReconnect);
    processing_settles_queued: Processing => Move::Settle(S::Queued);
    processing_settles_unconfirmed: Processing => Move::Settle(S::Unconfirmed);
    processing_settles_failed: Processing => Move::Settle(S::Failed);
    processing_settles_needs_reconnect: Processing => Move::Settle(S::NeedsReconnect);
    unconfirmed_settles_queued: Unconfirmed => Move::Settle(S::Queued);
    unconfirmed_settles_unconfirmed: Unconfirmed => Move::Settle(S::Unconfirmed);
    unconfirmed_settles_failed: Unconfirmed => Move::Settle(S::Failed);
    unconfirmed_settles_needs_reconnect: Unconfirmed => Move::Settle(S::NeedsReconnect);

    draft_recorded_published: Draft => Move::RecordPublished;
    queued_recorded_published: Queued => Move::RecordPublished;
    uploading_recorded_published: Uploading => Move::RecordPublished;
    processing_recorded_published: Processing => Move::RecordPublished;
    published_recorded_published_again: Published => Move::RecordPublished;
    failed_recorded_published: Failed => Move::RecordPublished;
    unconfirmed_recorded_published: Unconfirmed => Move::RecordPublished;
    needs_reconnect_recorded_published: NeedsReconnect => Move::RecordPublished;
    cancelled_recorded_published: Cancelled => Move::RecordPublished;

    failed_to_queued_on_retry: Failed => Move::Retry;
    needs_reconnect_to_queued_on_retry: NeedsReconnect => Move::Retry;
    unconfirmed_to_queued_on_retry: Unconfirmed => Move::Retry;
    missed_to_queued_on_retry: Queued => Move::Retry;

    draft_to_cancelled: Draft => Move::Cancel;
    queued_to_cancelled: Queued => Move::Cancel;
    failed_to_cancelled: Failed => Move::Cancel;
    needs_reconnect_to_cancelled: NeedsReconnect => Move::Cancel;

    draft_marked_posted: Draft => Move::MarkPosted;
    queued_marked_posted: Queued => Move::MarkPosted;
    failed_marked_posted: Failed => Move::MarkPosted;
    unconfirmed_marked_posted: Unconfirmed => Move::MarkPosted;
    needs_reconnect_marked_posted: NeedsReconnect => Move::MarkPosted;
    cancelled_marked_posted: Cancelled => Move::MarkPosted;
}

fn all_moves() -> Vec<Move> {
    let mut moves = vec![
        Move::Schedule,
        Move::Unschedule,
        Move::StartAttempt,
        Move::UploadDone,
        Move::RecordPublished,
        Move::Retry,
        Move::Cancel,
        Move::MarkPosted,
    ];
    moves.extend(TargetState::ALL.into_iter().map(Move::Settle));
    moves
}

#[test]
fn the_edge_tests_cover_the_diagram_exactly() {
    let mut diagram: Vec<(TargetState, Move)> = Vec::new();
    for m in all_moves() {
        for from in m.sources() {
            diagram.push((*from, m));
        }
    }
    assert_eq!(diagram.len(), EDGES.len());
    for e in &diagram {
        assert!(EDGES.contains(e), "edge {e:?} has no test");
    }
}

#[test]
fn every_move_the_diagram_lacks_is_refused_and_changes_nothing() {
    for m in all_moves() {
        // Scheduling leaves targets past queuing alone (tested below), it does not refuse them.
        if m == Move::Schedule {
            continue;
        }
        for from in TargetState::ALL {
            if m.allows(from, false) {
                continue;
            }
            let (_d, mut db) = db();
            let id = seed(&mut db, from, None);
            match take(&mut db, &id, m) {
                Err(StoreError::IllegalTransition { from: f, to, .. }) => {
                    assert_eq!((f, to), (from, m.to()), "{m:?} from {from}");
                }
                other => panic!("{m:?} from {from} should be refused, got {other:?}"),
            }
            assert_eq!(state_of(&db, &id), from, "{m:?} from {from} changed the row");
            assert_eq!(last_event(&db, &id), None, "{m:?} from {from} wrote a timeline entry");
        }
    }
}

#[test]
fn a_plain_queued_target_cannot_be_retried_but_a_missed_one_can() {
    assert!(!Move::Retry.allows(S::Queued, false));
    assert!(Move::Retry.allows(S::Queued, true));
}

#[test]
fn scheduling_leaves_started_and_finished_targets_alone_and_unflags_a_missed_one() {
    for from in TargetState::ALL.into_iter().filter(|s| !s.is_waiting()) {
        let (_d, mut db) = db();
        let id = seed(&mut db, from, None);
        take(&mut db, &id, Move::Schedule).expect("no-op");
        assert_eq!((state_of(&db, &id), last_event(&db, &id)), (from, None));
    }
    let (_d, mut db) = db();
    let id = seed(&mut db, S::Queued, Some(attention::MISSED));
    take(&mut db, &id, Move::Schedule).expect("reschedule");
    let attention: Option<String> = db
        .read(|c| Ok(c.query_row("SELECT attention FROM post_targets WHERE id = ?1", [&id], |r| r.get(0))?))
        .expect("a");
    assert_eq!((state_of(&db, &id), attention), (S::Queued, None));
}

#[test]
fn settling_to_a_state_outside_the_attempt_ends_is_refused() {
    for to in [S::Draft, S::Uploading, S::Processing, S::Published, S::Cancelled] {
        assert!(Move::Settle(to).sources().is_empty(), "{to}");
    }
}

#[test]
fn publishing_the_last_target_finishes_the_post() {
    let (_d, mut db) = db();
    let id = seed(&mut db, S::Processing, None);
    take(&mut db, &id, Move::RecordPublished).expect("published");
    let post_state: String =
        db.read(|c| Ok(c.query_row("SELECT state FROM posts WHERE id = 'p'", [], |r| r.get(0))?)).expect("post");
    assert_eq!(post_state, "done");
}

#[test]
fn the_write_ahead_mark_needs_the_job_lease_and_a_plain_checkpoint_does_not() {
    let (_d, mut db) = db();
    let id = seed(&mut db, S::Uploading, None);
    let job = db
        .write(|tx| {
            let job = crate::jobs::enqueue(tx, JobKind::Publish, &id, 0, 0)?;
            tx.execute(
                "UPDATE jobs SET state = 'running', lease_owner = 'me', lease_expires_at = ?2 WHERE id = ?1",
                params![job, NOW + 10],
            )?;
            Ok(job)
        })
        .expect("job");
    let cp = Checkpoint { publish_state_json: "{\"final_sent\":true}", media_id: Some("m1"), ..Default::default() };
    let saved = |db: &Db| -> Option<String> {
        db.read(|c| Ok(c.query_row("SELECT publish_state_json FROM post_targets WHERE id = 't'", [], |r| r.get(0))?))
            .expect("read")
    };
    let other = JobLease { job_id: &job, owner: "someone else" };
    let r = db.write(|tx| save_checkpoint(tx, &id, &cp, Some(other), NOW));
    assert!(matches!(r, Err(StoreError::LeaseMoved)), "{r:?}");
    assert_eq!(saved(&db), None, "nothing written without the lease");
    let expired = db.write(|tx| save_checkpoint(tx, &id, &cp, Some(JobLease { job_id: &job, owner: "me" }), NOW + 11));
    assert!(matches!(expired, Err(StoreError::LeaseMoved)), "an expired lease is not held");
    db.write(|tx| save_checkpoint(tx, &id, &cp, Some(JobLease { job_id: &job, owner: "me" }), NOW)).expect("mine");
    assert_eq!(saved(&db).as_deref(), Some("{\"final_sent\":true}"));
    let plain = Checkpoint { publish_state_json: "{}", ..Default::default() };
    db.write(|tx| save_checkpoint(tx, &id, &plain, None, NOW + 100)).expect("plain checkpoint");
    assert_eq!(saved(&db).as_deref(), Some("{}"));
}
