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
    /// Claimed by a moderator who is reviewing it.
    InReview,
    /// Sent back to the submitter with a note; they revise and confirm again.
    ChangesRequested,
    /// Accepted; published with the next batch.
    Approved,
    Published,
    /// Declined with a reason the submitter sees.
    Rejected,
    /// Taken back by the submitter before publication.
    Withdrawn,
    /// Taken down after publication: gone from every public surface.
    Retracted,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Draft => "draft",
            SubmissionStatus::Submitted => "submitted",
            SubmissionStatus::InReview => "in_review",
            SubmissionStatus::ChangesRequested => "changes_requested",
            SubmissionStatus::Approved => "approved",
            SubmissionStatus::Published => "published",
            SubmissionStatus::Rejected => "rejected",
            SubmissionStatus::Withdrawn => "withdrawn",
            SubmissionStatus::Retracted => "retracted",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
    pub const ALL: [SubmissionStatus; 9] = [
        SubmissionStatus::Draft,
        SubmissionStatus::Submitted,
        SubmissionStatus::InReview,
        SubmissionStatus::ChangesRequested,
        SubmissionStatus::Approved,
        SubmissionStatus::Published,
        SubmissionStatus::Rejected,
        SubmissionStatus::Withdrawn,
        SubmissionStatus::Retracted,
    ];
    /// Whether the raw submitted text is still kept (it is purged at the end of the road).
    pub fn keeps_raw(self) -> bool {
        !matches!(
            self,
            SubmissionStatus::Published
                | SubmissionStatus::Rejected
                | SubmissionStatus::Withdrawn
                | SubmissionStatus::Retracted
        )
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
    /// What the token may do.
    pub scopes: Vec<Scope>,
    /// The API token's id (for the audit trail and self-revocation).
    pub token_id: Option<String>,
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Create submissions and withdraw them.
    Submit,
    /// Read the organisation's own submissions.
    ReadOwn,
    /// Moderate (moderators' and admins' tokens).
    Moderate,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Submit => "submit",
            Scope::ReadOwn => "read-own",
            Scope::Moderate => "moderate",
        }
    }
    pub fn parse(s: &str) -> Option<Scope> {
        [Scope::Submit, Scope::ReadOwn, Scope::Moderate]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
    /// The scopes a signed-in user of this role may hand to a token.
    pub fn for_role(role: Role) -> Vec<Scope> {
        match role {
            Role::Submitter => vec![Scope::Submit, Scope::ReadOwn],
            Role::Moderator | Role::Admin => vec![Scope::Moderate],
        }
    }
    /// Space-separated, as stored.
    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
    /// Parses the stored form; unknown names are ignored.
    pub fn split(stored: &str) -> Vec<Scope> {
        stored.split_whitespace().filter_map(Scope::parse).collect()
    }
}

/// Whose tokens a caller may list and revoke: their organisation's, or (without one) their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenOwner {
    Org(String),
    User(String),
}

/// A new API token as stored (the plain value is never stored).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token_hash: String,
    pub org_id: Option<String>,
    pub user_id: Option<String>,
    pub label: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<i64>,
}

/// An API token as listed: never its value or hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: String,
    pub label: String,
    pub scopes: Vec<Scope>,
    pub created_at: i64,
    /// Unix seconds; `null` never expires.
    pub expires_at: Option<i64>,
    /// Unix seconds; `null` while active.
    pub revoked_at: Option<i64>,
}

/// An admin-issued invitation, stored by the hash of its one-time token.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub email: String,
    pub role: Role,
    pub org_id: Option<String>,
    pub created_by: String,
    pub expires_at: i64,
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
    /// The moderator's latest note to the submitter (changes requested).
    pub note: Option<String>,
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
    /// The rejection reason, or the moderator's latest note (changes requested).
    pub reason: Option<String>,
    pub created_at: i64,
}

/// Who made a change, for the audit log: a user id, a token id or `system`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Actor {
    pub id: String,
    pub role: String,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            id: "system".into(),
            role: "system".into(),
        }
    }
}

/// What a status change writes besides the status.
#[derive(Debug, Clone, Default)]
pub struct StatusChange {
    /// A note to the submitter (changes requested); replaces the previous one.
    pub note: Option<String>,
    /// A rejection reason.
    pub reason: Option<String>,
    /// Set the claiming moderator (`Some(None)` clears the claim).
    pub claimed_by: Option<Option<String>>,
    /// Purge the raw text and findings (end states).
    pub purge: bool,
}

/// One row of a submission's audit log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    pub actor: String,
    pub actor_role: String,
    pub from: SubmissionStatus,
    pub to: SubmissionStatus,
    pub note: Option<String>,
    pub at: i64,
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

/// Which published reports a distribution counts: all, or those tagged with a technology
/// and/or a contributing factor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PatternScope {
    pub technology: Option<String>,
    pub factor: Option<String>,
}

/// How many published reports of one organisation share one combination of enumerated
/// facts. `organisation` is an ordinal within one answer, never an organisation id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFacts {
    pub organisation: u32,
    pub detection_method: String,
    pub time_to_detect: String,
    pub duration: String,
    pub change_type: String,
    pub severity: String,
    /// Year the incident happened in (`2024`), from its period.
    pub year: String,
    pub reports: i64,
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

    // Accounts, scoped tokens and one-time links (private).
    /// Stores a token with explicit scopes and expiry.
    async fn create_scoped_token(&self, token: &NewToken) -> StoreResult<TokenInfo>;
    /// The owner's tokens, newest first, revoked and expired ones included.
    async fn tokens_of(&self, owner: &TokenOwner) -> StoreResult<Vec<TokenInfo>>;
    /// Revokes one of the owner's tokens; `NotFound` for anyone else's (or no such token).
    async fn revoke_token(&self, id: &str, owner: &TokenOwner, now: i64) -> StoreResult<()>;
    async fn set_password(&self, user_id: &str, password_hash: &str) -> StoreResult<()>;
    /// Deletes every session of a user except `keep` (a session id hash).
    async fn delete_user_sessions(&self, user_id: &str, keep: Option<&str>) -> StoreResult<()>;
    async fn create_invitation(&self, token_hash: &str, invitation: &Invitation)
    -> StoreResult<()>;
    /// The invitation if it is unused and not expired.
    async fn invitation(&self, token_hash: &str, now: i64) -> StoreResult<Option<Invitation>>;
    /// Uses an invitation once and creates its user, in one transaction. `NotFound` if the
    /// invitation is unknown, used or expired; `Conflict` if the email is taken meanwhile.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> StoreResult<User>;
    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// Whether a reset link is unused and not expired.
    async fn password_reset_valid(&self, token_hash: &str, now: i64) -> StoreResult<bool>;
    /// Uses a reset link once: sets the password, voids the user's other reset links and
    /// deletes all their sessions, in one transaction. `NotFound` if unknown, used or expired.
    async fn use_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> StoreResult<User>;

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
    /// Publishes an approved report: writes the public report, its tags and an outbox row,
    /// marks the submission published, purges its raw text and logs it, in one transaction.
    async fn publish(&self, submission_id: &str, report: &PublicReport) -> StoreResult<()>;
    /// Moves a submission that is in one of `from` to `to`, applies `change` and records the
    /// move in the audit log, in one transaction. `Conflict` if it is in none of `from`.
    async fn move_submission(
        &self,
        id: &str,
        from: &[SubmissionStatus],
        to: SubmissionStatus,
        actor: &Actor,
        change: StatusChange,
    ) -> StoreResult<SubmissionStatus>;
    async fn audit_log(&self, submission_id: &str) -> StoreResult<Vec<AuditEntry>>;
    /// Ids of approved submissions waiting for the next publication batch, oldest first.
    async fn approved_submission_ids(&self) -> StoreResult<Vec<String>>;
    /// Takes a published report down: deletes the public rows (report, tags, digest links),
    /// queues an outbox delete and marks the submission retracted, in one transaction.
    async fn retract(&self, report_id: &str, actor: &Actor, reason: &str) -> StoreResult<()>;

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
    /// Counts of published reports in `scope` per organisation and combination of facts,
    /// for distributions with small-cell suppression.
    async fn report_facts(&self, scope: &PatternScope) -> StoreResult<Vec<ReportFacts>>;
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
