//! Intake: parse and validate a submission, scrub it with the organisation's profile and
//! store it privately. Also the submitter's preview revisions (add terms, keep values).

pub mod markdown;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{FieldError, Submission, Taxonomy, validate_submission};
use crate::error::{AppError, AppResult};
use crate::scrub::Finding;
use crate::state::AppState;
use crate::store::{Actor, NewSubmission, StatusChange, SubmissionRecord, SubmissionStatus};

/// What the submitter gets back: the scrubbed version exactly as it would be published, and
/// every redaction made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: String,
    pub status: SubmissionStatus,
    pub scrubbed: Submission,
    pub findings: Vec<Finding>,
    pub finding_counts: std::collections::BTreeMap<String, usize>,
    /// The moderator's reason, for a rejected submission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Public id of the report, once published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
}

impl From<SubmissionRecord> for SubmissionView {
    fn from(r: SubmissionRecord) -> Self {
        SubmissionView {
            id: r.id,
            status: r.status,
            scrubbed: r.scrubbed,
            findings: r.findings.unwrap_or_default(),
            finding_counts: r.finding_counts,
            reason: r.reason,
            report_id: r.report_id,
        }
    }
}

/// Parses a JSON body, naming the field that failed.
pub fn parse_json(body: &[u8]) -> AppResult<Submission> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        AppError::Invalid(vec![FieldError::new(field, e.inner().to_string())])
    })
}

/// Validates, scrubs and stores a submission for an organisation.
pub async fn submit(
    state: &AppState,
    org_id: &str,
    submission: Submission,
    status: SubmissionStatus,
) -> AppResult<SubmissionView> {
    let submission =
        validate_submission(submission, Taxonomy::bundled()).map_err(AppError::Invalid)?;
    let org = state.store.org(org_id).await?.ok_or(AppError::Forbidden)?;
    let outcome = state
        .scrubber
        .scrub_submission(&submission, &org.profile, &[]);
    let id = state
        .store
        .insert_submission(NewSubmission {
            org_id: org_id.to_string(),
            status,
            raw: submission,
            scrubbed: outcome.scrubbed,
            findings: outcome.findings,
        })
        .await?;
    let record = state
        .store
        .submission(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(record.into())
}

/// Loads a submission the given organisation owns; other organisations get NotFound so ids
/// of other organisations' submissions cannot be probed.
pub async fn owned(state: &AppState, org_id: &str, id: &str) -> AppResult<SubmissionRecord> {
    match state.store.submission(id).await? {
        Some(r) if r.org_id == org_id => Ok(r),
        _ => Err(AppError::NotFound),
    }
}

/// The submitter's preview changes: new terms join the organisation's profile for this and
/// future submissions; kept values are un-redacted in this draft (never secrets).
pub async fn revise(
    state: &AppState,
    org_id: &str,
    id: &str,
    add_terms: Vec<String>,
    keep: Vec<String>,
) -> AppResult<SubmissionRecord> {
    let record = owned(state, org_id, id).await?;
    if !matches!(
        record.status,
        SubmissionStatus::Draft | SubmissionStatus::ChangesRequested
    ) {
        return Err(AppError::Conflict(
            "only a draft or a submission sent back for changes can be revised".into(),
        ));
    }
    let raw = record
        .raw
        .ok_or(AppError::Conflict("the draft's text is gone".into()))?;
    let mut org = state.store.org(org_id).await?.ok_or(AppError::Forbidden)?;
    let mut changed = false;
    for term in add_terms
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| t.chars().count() >= 2)
    {
        if !org
            .profile
            .extra_terms
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&term))
        {
            org.profile.extra_terms.push(term);
            changed = true;
        }
    }
    if changed {
        state.store.update_org_profile(org_id, &org.profile).await?;
    }
    let mut keep_terms = record.keep_terms;
    for k in keep
        .into_iter()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
    {
        if !keep_terms.contains(&k) {
            keep_terms.push(k);
        }
    }
    let outcome = state
        .scrubber
        .scrub_submission(&raw, &org.profile, &keep_terms);
    state
        .store
        .rescrub_submission(id, &outcome.scrubbed, &outcome.findings, &keep_terms)
        .await?;
    state.store.submission(id).await?.ok_or(AppError::NotFound)
}

/// The submitter confirms the preview: the draft (or a submission revised after a request
/// for changes) enters the moderation queue.
pub async fn confirm(state: &AppState, org_id: &str, id: &str, actor: &Actor) -> AppResult<()> {
    owned(state, org_id, id).await?;
    state
        .store
        .move_submission(
            id,
            &[SubmissionStatus::Draft, SubmissionStatus::ChangesRequested],
            SubmissionStatus::Submitted,
            actor,
            StatusChange::default(),
        )
        .await?;
    Ok(())
}
