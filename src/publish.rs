//! The moderation workflow after intake: claim, request changes, approve, reject, withdraw,
//! batch publication (re-scrub, coarsen, write the public report) and retraction.
//!
//! ```text
//! draft ─► submitted ─► in_review ─► approved ─(next batch)─► published ─► retracted
//!    ▲          │           │  └──► changes_requested ──(revise, confirm)──► submitted
//!    └──────────┴───────────┴──► rejected (reason)      any unpublished ──► withdrawn
//! ```
//! Every move is role-checked by the caller and written to the audit log by the store.

use crate::domain::PublicReport;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{Actor, StatusChange, SubmissionStatus};

use SubmissionStatus::*;

/// A moderator takes a submission for review.
pub async fn claim(state: &AppState, id: &str, actor: &Actor) -> AppResult<()> {
    let change = StatusChange {
        claimed_by: Some(Some(actor.id.clone())),
        ..Default::default()
    };
    state
        .store
        .move_submission(id, &[Submitted], InReview, actor, change)
        .await?;
    Ok(())
}

/// Sends a submission back to its submitter with a note saying what to change.
pub async fn request_changes(
    state: &AppState,
    id: &str,
    actor: &Actor,
    note: &str,
) -> AppResult<()> {
    let note = required(
        note,
        "a request for changes needs a note the submitter will see",
    )?;
    let change = StatusChange {
        note: Some(note),
        claimed_by: Some(None),
        ..Default::default()
    };
    state
        .store
        .move_submission(id, &[Submitted, InReview], ChangesRequested, actor, change)
        .await?;
    Ok(())
}

/// Approves a submission for publication. It is published with the next batch, or at
/// once (returning the report id) when the batch interval is zero.
pub async fn approve(state: &AppState, id: &str, actor: &Actor) -> AppResult<Option<String>> {
    state
        .store
        .move_submission(
            id,
            &[Submitted, InReview],
            Approved,
            actor,
            StatusChange::default(),
        )
        .await?;
    if state.config.publish_interval_secs == 0 {
        return publish_approved(state, id).await.map(Some);
    }
    Ok(None)
}

pub async fn reject(state: &AppState, id: &str, actor: &Actor, reason: &str) -> AppResult<()> {
    let reason = required(reason, "a rejection needs a reason the submitter will see")?;
    let change = StatusChange {
        reason: Some(reason),
        purge: true,
        ..Default::default()
    };
    state
        .store
        .move_submission(
            id,
            &[Submitted, InReview, Approved],
            Rejected,
            actor,
            change,
        )
        .await?;
    Ok(())
}

/// The submitter takes back a submission that is not published yet; its raw text is purged.
pub async fn withdraw(state: &AppState, org_id: &str, id: &str, actor: &Actor) -> AppResult<()> {
    crate::intake::owned(state, org_id, id).await?;
    let change = StatusChange {
        purge: true,
        claimed_by: Some(None),
        ..Default::default()
    };
    state
        .store
        .move_submission(
            id,
            &[Draft, Submitted, InReview, ChangesRequested, Approved],
            Withdrawn,
            actor,
            change,
        )
        .await?;
    Ok(())
}

/// Takes a published report down from every public surface.
pub async fn retract(
    state: &AppState,
    report_id: &str,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    let reason = required(reason, "a retraction needs a reason")?;
    state.store.retract(report_id, actor, &reason).await?;
    state.indexer.notify();
    Ok(())
}

/// The moderation queue: waiting, being reviewed, and approved for the next batch.
pub async fn queue(state: &AppState) -> AppResult<Vec<crate::store::SubmissionSummary>> {
    let mut rows = Vec::new();
    for status in [Submitted, InReview, Approved] {
        rows.extend(state.store.submissions_with_status(status).await?);
    }
    Ok(rows)
}

/// Publishes every approved submission (the batch). Returns the new report ids.
pub async fn publish_due(state: &AppState) -> AppResult<Vec<String>> {
    let mut published = Vec::new();
    for id in state.store.approved_submission_ids().await? {
        match publish_approved(state, &id).await {
            Ok(report_id) => published.push(report_id),
            // Withdrawn or rejected between the listing and now: nothing to publish.
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(published)
}

/// Runs `publish_due` every `publish_interval_secs` (nothing to do when it is zero: approval
/// publishes at once). Failures are logged and retried at the next tick.
pub fn spawn_batch_publisher(state: AppState) {
    let secs = state.config.publish_interval_secs;
    if secs == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(std::time::Duration::from_secs(secs));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            match publish_due(&state).await {
                Ok(ids) if !ids.is_empty() => {
                    tracing::info!(count = ids.len(), "published a batch of approved reports");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "publication batch failed"),
            }
        }
    });
}

/// Approves (as the system) and publishes at once: demo data and `import --publish`.
pub async fn publish_now(state: &AppState, id: &str) -> AppResult<String> {
    state
        .store
        .move_submission(
            id,
            &[Submitted, InReview],
            Approved,
            &Actor::system(),
            StatusChange::default(),
        )
        .await?;
    publish_approved(state, id).await
}

/// Publishes one approved submission and returns its public id.
async fn publish_approved(state: &AppState, submission_id: &str) -> AppResult<String> {
    let record = state
        .store
        .submission(submission_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if record.status != Approved {
        return Err(AppError::Conflict(format!(
            "only an approved report can be published; this one is {}",
            record.status.as_str()
        )));
    }
    let org = state
        .store
        .org(&record.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Scrub again with the profile as it is now: terms added since the preview are applied.
    let content = match &record.raw {
        Some(raw) => state
            .scrubber
            .scrub_submission(raw, &org.profile, &record.keep_terms)
            .scrubbed
            .into_content(),
        None => record.scrubbed,
    };
    let report = PublicReport {
        id: public_id(),
        published: chrono::Utc::now().format("%Y-%m").to_string(),
        content,
    };
    state.store.publish(submission_id, &report).await?;
    state.indexer.notify();
    Ok(report.id)
}

fn required(text: &str, message: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        Err(AppError::BadRequest(message.into()))
    } else {
        Ok(text.to_string())
    }
}

/// A short random public id, unrelated to the submission id.
fn public_id() -> String {
    let bytes: [u8; 6] = rand::random();
    hex::encode(bytes)
}
