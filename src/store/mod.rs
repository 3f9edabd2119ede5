//! The source of truth: private tables (organisations, accounts, submissions) and public
//! tables (published reports, outbox, digests) behind one use-case trait, two backends.

mod postgres;
mod sql;
mod sqlite;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{PublicReport, Submission};
use crate::scrub::{Finding, IdentityProfile, ScrubbedSubmission};

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("unsupported database URL `{0}`: use sqlite:// or postgres://")]
    UnsupportedUrl(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Submitter,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Submitter => "submitter",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "submitter" => Some(Role::Submitter),
            "moderator" => Some(Role::Moderator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    /// Moderators and admins may moderate.
    pub fn can_moderate(self) -> bool {
        matches!(self, Role::Moderator | Role::Admin)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Created through the web form, awaiting the submitter's confirmation of the preview.
    Draft,
    /// In the moderation queue.
    Submitted,
    Published,
    Rejected,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Draft => "draft",
            SubmissionStatus::Submitted => "submitted",
            SubmissionStatus::Published => "published",
            SubmissionStatus::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(SubmissionStatus::Draft),
            "submitted" => Some(SubmissionStatus::Submitted),
            "published" => Some(SubmissionStatus::Published),
            "rejected" => Some(SubmissionStatus::Rejected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OrgRecord {
    pub id: String,
    pub name: String,
    pub profile: IdentityProfile,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub org_id: Option<String>,
}

/// Who an API token or session acts for.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: Option<User>,
    pub org_id: Option<String>,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub org_id: String,
    pub status: SubmissionStatus,
    pub raw: Submission,
    pub scrubbed: ScrubbedSubmission,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone)]
pub struct SubmissionRecord {
    pub id: String,
    pub org_id: String,
    pub status: SubmissionStatus,
    /// The text as submitted; `None` once purged (published or rejected).
    pub raw: Option<Submission>,
    pub scrubbed: Submission,
    /// Findings with their original values; `None` once purged.
    pub findings: Option<Vec<Finding>>,
    pub finding_counts: BTreeMap<String, usize>,
    pub keep_terms: Vec<String>,
    pub reason: Option<String>,
    pub report_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A row of a submission list (moderation queue, "my submissions").
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionSummary {
    pub id: String,
    pub title: String,
    pub status: SubmissionStatus,
    pub finding_counts: BTreeMap<String, usize>,
    pub reason: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxOp {
    Upsert,
    Delete,
}

#[derive(Debug, Clone)]
pub struct OutboxEntry {
    pub seq: i64,
    pub report_id: String,
    pub op: OutboxOp,
    /// The report for an upsert, if it still exists.
    pub report: Option<PublicReport>,
}

/// Counts behind one technology × factor cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternCell {
    pub technology: String,
    pub factor: String,
    pub reports: i64,
    pub organisations: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Digest {
    pub slug: String,
    pub title: String,
    /// Markdown commentary by the moderator.
    pub commentary: String,
    pub created_at: i64,
    pub report_ids: Vec<String>,
}

/// Use cases of the whole service, implemented once per backend.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    async fn migrate(&self) -> StoreResult<()>;

    // Organisations and access (private).
    async fn create_org(&self, profile: &IdentityProfile) -> StoreResult<OrgRecord>;
    async fn org_by_name(&self, name: &str) -> StoreResult<Option<OrgRecord>>;
    async fn org(&self, id: &str) -> StoreResult<Option<OrgRecord>>;
    async fn update_org_profile(&self, id: &str, profile: &IdentityProfile) -> StoreResult<()>;
    async fn create_token(
        &self,
        token_hash: &str,
        org_id: Option<&str>,
        user_id: Option<&str>,
        label: &str,
    ) -> StoreResult<()>;
    async fn principal_for_token(&self, token_hash: &str) -> StoreResult<Option<Principal>>;
    async fn create_user(
        &self,
        email: &str,
        password_hash: &str,
        role: Role,
        org_id: Option<&str>,
    ) -> StoreResult<User>;
    /// The user and their password hash.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>>;
    async fn create_session(
        &self,
        id_hash: &str,
        user_id: &str,
        csrf_token: &str,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// The user and the session's CSRF token, if the session exists and has not expired.
    async fn session(&self, id_hash: &str, now: i64) -> StoreResult<Option<(User, String)>>;
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;

    // Submissions (private).
    async fn insert_submission(&self, new: NewSubmission) -> StoreResult<String>;
    async fn submission(&self, id: &str) -> StoreResult<Option<SubmissionRecord>>;
    /// Replaces the scrubbed version and findings (after the submitter added or kept terms).
    async fn rescrub_submission(
        &self,
        id: &str,
        scrubbed: &ScrubbedSubmission,
        findings: &[Finding],
        keep_terms: &[String],
    ) -> StoreResult<()>;
    /// Moves a submission from one status to another; `Conflict` if it is not in `from`.
    async fn transition(
        &self,
        id: &str,
        from: SubmissionStatus,
        to: SubmissionStatus,
    ) -> StoreResult<()>;
    async fn submissions_with_status(
        &self,
        status: SubmissionStatus,
    ) -> StoreResult<Vec<SubmissionSummary>>;
    async fn org_submissions(&self, org_id: &str) -> StoreResult<Vec<SubmissionSummary>>;
    /// Publishes a submitted report: writes the public report, its tags and an outbox row,
    /// marks the submission published and purges its raw text, all in one transaction.
    async fn publish(&self, submission_id: &str, report: &PublicReport) -> StoreResult<()>;
    /// Rejects a submitted report with a reason and purges its raw text.
    async fn reject(&self, submission_id: &str, reason: &str) -> StoreResult<()>;

    // Published reports (public).
    async fn report(&self, id: &str) -> StoreResult<Option<PublicReport>>;
    /// Reports in publication order, newest first, `limit` at a time after `before` (a position).
    async fn reports_page(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<(i64, PublicReport)>>;
    async fn report_count(&self) -> StoreResult<i64>;
    async fn outbox_after(&self, seq: i64, limit: i64) -> StoreResult<Vec<OutboxEntry>>;
    async fn outbox_head(&self) -> StoreResult<i64>;
    /// Technology × factor counts, with the number of distinct organisations behind each cell
    /// for small-cell suppression. The organisation link is read here and never returned.
    async fn pattern_cells(&self) -> StoreResult<Vec<PatternCell>>;
    /// The number of distinct organisations with a published report.
    async fn publishing_org_count(&self) -> StoreResult<i64>;

    // Digests (public).
    async fn create_digest(&self, digest: &Digest) -> StoreResult<()>;
    async fn digest(&self, slug: &str) -> StoreResult<Option<Digest>>;
    async fn digests(&self) -> StoreResult<Vec<Digest>>;
}

/// Opens the store named by a URL: `sqlite://path` (created if missing) or `postgres://…`.
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A random identifier with a readable prefix, e.g. `sub_3f9a…`.
pub fn new_id(prefix: &str) -> String {
    let bytes: [u8; 12] = rand::random();
    format!("{prefix}_{}", hex::encode(bytes))
}
