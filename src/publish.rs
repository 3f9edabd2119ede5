//! Moderation decisions: publish (re-scrub with the latest profile, coarsen, write the public
//! report and outbox row) or reject with a reason. Raw text is purged either way.

use crate::domain::PublicReport;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::SubmissionStatus;

/// Publishes a submitted report and returns its public id.
pub async fn publish(state: &AppState, submission_id: &str) -> AppResult<String> {
    let record = state
        .store
        .submission(submission_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if record.status != SubmissionStatus::Submitted {
        return Err(AppError::Conflict(format!(
            "only a submitted report can be published; this one is {}",
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

pub async fn reject(state: &AppState, submission_id: &str, reason: &str) -> AppResult<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::BadRequest(
            "a rejection needs a reason the submitter will see".into(),
        ));
    }
    state
        .store
        .submission(submission_id)
        .await?
        .ok_or(AppError::NotFound)?;
    state.store.reject(submission_id, reason).await?;
    Ok(())
}

/// A short random public id, unrelated to the submission id.
fn public_id() -> String {
    let bytes: [u8; 6] = rand::random();
    hex::encode(bytes)
}
