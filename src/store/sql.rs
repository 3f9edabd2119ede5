//! The SQL shared by both backends: one implementation of `Store`, instantiated per database.
//! Queries use `$n` placeholders, BIGINT epoch seconds and JSON in TEXT so one text fits both.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    Digest, Invitation, OutboxEntry, OutboxOp, PatternCell, Principal, ReportFacts, Role, Scope,
    StoreError, StoreResult, SubmissionRecord, SubmissionStatus, SubmissionSummary, TokenInfo,
    TokenOwner, User,
};
use crate::domain::PublicReport;

pub(super) fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn from_json<T: DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) type UserRow = (String, String, String, Option<String>);

pub(super) fn user_from_row((id, email, role, org_id): UserRow) -> StoreResult<User> {
    let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?;
    Ok(User {
        id,
        email,
        role,
        org_id,
    })
}

pub(super) fn principal_from_token_row(
    org_id: Option<String>,
    user: Option<UserRow>,
    token_id: String,
    scopes: &str,
) -> StoreResult<Principal> {
    let scopes = Scope::split(scopes);
    match user {
        Some(row) => {
            let user = user_from_row(row)?;
            Ok(Principal {
                org_id: user.org_id.clone().or(org_id),
                role: user.role,
                user: Some(user),
                scopes,
                token_id: Some(token_id),
            })
        }
        None => Ok(Principal {
            user: None,
            org_id,
            role: Role::Submitter,
            scopes,
            token_id: Some(token_id),
        }),
    }
}

pub(super) type TokenRow = (String, String, String, i64, Option<i64>, Option<i64>);

pub(super) fn token_from_row(
    (id, label, scopes, created_at, expires_at, revoked_at): TokenRow,
) -> TokenInfo {
    TokenInfo {
        id,
        label,
        scopes: Scope::split(&scopes),
        created_at,
        expires_at,
        revoked_at,
    }
}

pub(super) const TOKEN_COLUMNS: &str = "id, label, scopes, created_at, expires_at, revoked_at";

/// The column and value that select a token owner's rows (the column name is a constant).
pub(super) fn owner_filter(owner: &TokenOwner) -> (&'static str, &str) {
    match owner {
        TokenOwner::Org(id) => ("org_id", id),
        TokenOwner::User(id) => ("user_id", id),
    }
}

pub(super) fn invitation_from_row(
    (email, role, org_id, created_by, expires_at): (String, String, Option<String>, String, i64),
) -> StoreResult<Invitation> {
    Ok(Invitation {
        email,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        org_id,
        created_by,
        expires_at,
    })
}

pub(super) type SubmissionRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

pub(super) fn submission_from_row(row: SubmissionRow) -> StoreResult<SubmissionRecord> {
    let (
        id,
        org_id,
        status,
        raw,
        scrubbed,
        findings,
        counts,
        keep,
        reason,
        note,
        report_id,
        created,
        updated,
    ) = row;
    Ok(SubmissionRecord {
        id,
        org_id,
        status: parse_status(&status)?,
        raw: raw.as_deref().map(from_json).transpose()?,
        scrubbed: from_json(&scrubbed)?,
        findings: findings.as_deref().map(from_json).transpose()?,
        finding_counts: from_json(&counts)?,
        keep_terms: from_json(&keep)?,
        reason,
        note,
        report_id,
        created_at: created,
        updated_at: updated,
    })
}

pub(super) type SummaryRow = (String, String, String, String, Option<String>, i64);

pub(super) fn summary_from_row(row: SummaryRow) -> StoreResult<SubmissionSummary> {
    let (id, scrubbed, status, counts, reason, created_at) = row;
    let content: crate::domain::Submission = from_json(&scrubbed)?;
    let finding_counts: BTreeMap<String, usize> = from_json(&counts)?;
    Ok(SubmissionSummary {
        id,
        title: content.title,
        status: parse_status(&status)?,
        finding_counts,
        reason,
        created_at,
    })
}

pub(super) fn parse_status(s: &str) -> StoreResult<SubmissionStatus> {
    SubmissionStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))
}

pub(super) fn outbox_from_row(
    (seq, report_id, op, content): (i64, String, String, Option<String>),
) -> StoreResult<OutboxEntry> {
    let op = match op.as_str() {
        "upsert" => OutboxOp::Upsert,
        "delete" => OutboxOp::Delete,
        other => return Err(StoreError::Corrupt(format!("outbox op {other}"))),
    };
    Ok(OutboxEntry {
        seq,
        report_id,
        op,
        report: content
            .as_deref()
            .map(from_json::<PublicReport>)
            .transpose()?,
    })
}

/// A unit enum's serde name (`symptom_alert`), as stored in its column.
pub(super) fn enum_text<T: Serialize>(value: &T) -> StoreResult<String> {
    Ok(to_json(value)?.trim_matches('"').to_string())
}

type FactsRow = (String, String, String, String, String, String, String, i64);

/// Rows ordered by organisation id become facts with organisation ordinals.
pub(super) fn facts_from_rows(rows: Vec<FactsRow>) -> Vec<ReportFacts> {
    let mut ordinal = 0;
    let mut previous: Option<String> = None;
    rows.into_iter()
        .map(
            |(
                org,
                detection_method,
                time_to_detect,
                duration,
                change_type,
                severity,
                year,
                reports,
            )| {
                if previous.as_deref() != Some(org.as_str()) {
                    ordinal += 1;
                    previous = Some(org);
                }
                ReportFacts {
                    organisation: ordinal,
                    detection_method,
                    time_to_detect,
                    duration,
                    change_type,
                    severity,
                    year,
                    reports,
                }
            },
        )
        .collect()
}

pub(super) fn cell_from_row(
    (technology, factor, reports, organisations): (String, String, i64, i64),
) -> PatternCell {
    PatternCell {
        technology,
        factor,
        reports,
        organisations,
    }
}

pub(super) fn digest_from_row(
    (slug, title, commentary, created_at): (String, String, String, i64),
    report_ids: Vec<String>,
) -> Digest {
    Digest {
        slug,
        title,
        commentary,
        created_at,
        report_ids,
    }
}

pub(super) const SUBMISSION_COLUMNS: &str = "id, org_id, status, raw, scrubbed, findings, finding_counts, keep_terms, reason, note, report_id, created_at, updated_at";
pub(super) const SUMMARY_COLUMNS: &str =
    "id, scrubbed, status, finding_counts, COALESCE(reason, note), created_at";
pub(super) const USER_COLUMNS: &str = "u.id, u.email, u.role, u.org_id";

/// Implements `Store` for a backend struct with a `pool` field of the given sqlx pool type.
/// The SQL is identical for both backends; only migrations and connection setup differ.
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $migrator:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn migrate(&self) -> StoreResult<()> {
                $migrator.run(&self.pool).await?;
                Ok(())
            }

            async fn create_org(&self, profile: &IdentityProfile) -> StoreResult<OrgRecord> {
                let id = new_id("org");
                let result = sqlx::query(
                    "INSERT INTO organisations (id, name, profile, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(profile.name.trim())
                .bind(to_json(profile)?)
                .bind(now())
                .execute(&self.pool)
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        Err(StoreError::Conflict(format!("an organisation named `{}` exists", profile.name.trim())))
                    }
                    Err(e) => Err(e.into()),
                    Ok(_) => Ok(OrgRecord { id, name: profile.name.trim().to_string(), profile: profile.clone() }),
                }
            }

            async fn org_by_name(&self, name: &str) -> StoreResult<Option<OrgRecord>> {
                let row: Option<(String, String, String)> =
                    sqlx::query_as("SELECT id, name, profile FROM organisations WHERE name = $1")
                        .bind(name.trim())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|(id, name, p)| Ok(OrgRecord { id, name, profile: from_json(&p)? })).transpose()
            }

            async fn org(&self, id: &str) -> StoreResult<Option<OrgRecord>> {
                let row: Option<(String, String, String)> =
                    sqlx::query_as("SELECT id, name, profile FROM organisations WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|(id, name, p)| Ok(OrgRecord { id, name, profile: from_json(&p)? })).transpose()
            }

            async fn update_org_profile(&self, id: &str, profile: &IdentityProfile) -> StoreResult<()> {
                sqlx::query("UPDATE organisations SET profile = $1 WHERE id = $2")
                    .bind(to_json(profile)?)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_token(&self, token_hash: &str, org_id: Option<&str>, user_id: Option<&str>, label: &str) -> StoreResult<()> {
                // Default scopes by who the token acts for: moderators' and admins' tokens
                // moderate, everyone else's submit and read their own submissions.
                sqlx::query(
                    "INSERT INTO api_tokens (id, token_hash, org_id, user_id, label, created_at, scopes) VALUES ($1, $2, $3, $4, $5, $6, \
                     COALESCE((SELECT 'moderate' FROM users WHERE id = $4 AND role IN ('moderator', 'admin')), 'submit read-own'))",
                )
                .bind(new_id("tok"))
                .bind(token_hash)
                .bind(org_id)
                .bind(user_id)
                .bind(label)
                .bind(now())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn principal_for_token(&self, token_hash: &str) -> StoreResult<Option<Principal>> {
                type Row = (String, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);
                let row: Option<Row> =
                    sqlx::query_as(
                        "SELECT t.id, t.scopes, t.org_id, u.id, u.email, u.role, u.org_id FROM api_tokens t \
                         LEFT JOIN users u ON u.id = t.user_id \
                         WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
                         AND (t.expires_at IS NULL OR t.expires_at > $2)",
                    )
                    .bind(token_hash)
                    .bind(now())
                    .fetch_optional(&self.pool)
                    .await?;
                let Some((token_id, scopes, org_id, uid, email, role, user_org)) = row else { return Ok(None) };
                let user = match (uid, email, role) {
                    (Some(id), Some(email), Some(role)) => Some((id, email, role, user_org)),
                    _ => None,
                };
                principal_from_token_row(org_id, user, token_id, &scopes).map(Some)
            }

            async fn create_user(&self, email: &str, password_hash: &str, role: Role, org_id: Option<&str>) -> StoreResult<User> {
                let id = new_id("usr");
                let email = email.trim().to_lowercase();
                let result = sqlx::query(
                    "INSERT INTO users (id, email, password_hash, role, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&id)
                .bind(&email)
                .bind(password_hash)
                .bind(role.as_str())
                .bind(org_id)
                .bind(now())
                .execute(&self.pool)
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        Err(StoreError::Conflict(format!("a user with email `{email}` exists")))
                    }
                    Err(e) => Err(e.into()),
                    Ok(_) => Ok(User { id, email, role, org_id: org_id.map(str::to_string) }),
                }
            }

            async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>> {
                let row: Option<(String, String, String, Option<String>, String)> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"
                ))
                .bind(email.trim().to_lowercase())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(id, email, role, org, hash)| Ok((user_from_row((id, email, role, org))?, hash)))
                    .transpose()
            }

            async fn create_session(&self, id_hash: &str, user_id: &str, csrf_token: &str, expires_at: i64) -> StoreResult<()> {
                sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(id_hash)
                    .bind(user_id)
                    .bind(csrf_token)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session(&self, id_hash: &str, now: i64) -> StoreResult<Option<(User, String)>> {
                let row: Option<(String, String, String, Option<String>, String)> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.id_hash = $1 AND s.expires_at > $2"
                ))
                .bind(id_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(id, email, role, org, csrf)| Ok((user_from_row((id, email, role, org))?, csrf)))
                    .transpose()
            }

            async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn create_scoped_token(&self, token: &$crate::store::NewToken) -> StoreResult<TokenInfo> {
                let info = TokenInfo {
                    id: new_id("tok"),
                    label: token.label.clone(),
                    scopes: token.scopes.clone(),
                    created_at: now(),
                    expires_at: token.expires_at,
                    revoked_at: None,
                };
                sqlx::query(
                    "INSERT INTO api_tokens (id, token_hash, org_id, user_id, label, created_at, scopes, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&info.id)
                .bind(&token.token_hash)
                .bind(&token.org_id)
                .bind(&token.user_id)
                .bind(&info.label)
                .bind(info.created_at)
                .bind(Scope::join(&info.scopes))
                .bind(info.expires_at)
                .execute(&self.pool)
                .await?;
                Ok(info)
            }

            async fn tokens_of(&self, owner: &TokenOwner) -> StoreResult<Vec<TokenInfo>> {
                let (column, value) = owner_filter(owner);
                let rows: Vec<TokenRow> = sqlx::query_as(&format!(
                    "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE {column} = $1 ORDER BY created_at DESC, id"
                ))
                .bind(value)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(token_from_row).collect())
            }

            async fn revoke_token(&self, id: &str, owner: &TokenOwner, now: i64) -> StoreResult<()> {
                let (column, value) = owner_filter(owner);
                let done = sqlx::query(&format!(
                    "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND {column} = $3"
                ))
                .bind(now)
                .bind(id)
                .bind(value)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn set_password(&self, user_id: &str, password_hash: &str) -> StoreResult<()> {
                let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn delete_user_sessions(&self, user_id: &str, keep: Option<&str>) -> StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
                    .bind(user_id)
                    .bind(keep.unwrap_or(""))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_invitation(&self, token_hash: &str, invitation: &Invitation) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO invitations (token_hash, email, role, org_id, created_by, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(token_hash)
                .bind(invitation.email.trim().to_lowercase())
                .bind(invitation.role.as_str())
                .bind(&invitation.org_id)
                .bind(&invitation.created_by)
                .bind(now())
                .bind(invitation.expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn invitation(&self, token_hash: &str, now: i64) -> StoreResult<Option<Invitation>> {
                let row: Option<(String, String, Option<String>, String, i64)> = sqlx::query_as(
                    "SELECT email, role, org_id, created_by, expires_at FROM invitations \
                     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.map(invitation_from_row).transpose()
            }

            // An early return inside a transaction rolls it back first: sqlx defers the rollback
            // of a dropped transaction until its connection is used again, and on SQLite one that
            // wrote (even an UPDATE of no rows) holds the write lock until then, so the next writer
            // on another connection waits and fails with "database is locked".
            async fn accept_invitation(&self, token_hash: &str, password_hash: &str, now: i64) -> StoreResult<User> {
                let mut tx = self.pool.begin().await?;
                let row: Option<(String, String, Option<String>, String, i64)> = sqlx::query_as(
                    "UPDATE invitations SET used_at = $1 \
                     WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
                     RETURNING email, role, org_id, created_by, expires_at",
                )
                .bind(now)
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
                let invitation = row.map(invitation_from_row).transpose()?.ok_or(StoreError::NotFound)?;
                let id = new_id("usr");
                let result = sqlx::query(
                    "INSERT INTO users (id, email, password_hash, role, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&id)
                .bind(&invitation.email)
                .bind(password_hash)
                .bind(invitation.role.as_str())
                .bind(&invitation.org_id)
                .bind(now)
                .execute(&mut *tx)
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        tx.rollback().await?;
                        return Err(StoreError::Conflict(format!("a user with email `{}` exists", invitation.email)));
                    }
                    Err(e) => return Err(e.into()),
                    Ok(_) => {}
                }
                tx.commit().await?;
                Ok(User { id, email: invitation.email, role: invitation.role, org_id: invitation.org_id })
            }

            async fn create_password_reset(&self, token_hash: &str, user_id: &str, expires_at: i64) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(token_hash)
                .bind(user_id)
                .bind(now())
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn password_reset_valid(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.is_some())
            }

            async fn use_password_reset(&self, token_hash: &str, password_hash: &str, now: i64) -> StoreResult<User> {
                let mut tx = self.pool.begin().await?;
                let row: Option<(String,)> = sqlx::query_as(
                    "UPDATE password_resets SET used_at = $1 \
                     WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
                )
                .bind(now)
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
                let (user_id,) = row.ok_or(StoreError::NotFound)?;
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(&user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                    .bind(now)
                    .bind(&user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(&user_id)
                    .execute(&mut *tx)
                    .await?;
                let row: UserRow = sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"))
                    .bind(&user_id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                user_from_row(row)
            }

            async fn insert_submission(&self, new: NewSubmission) -> StoreResult<String> {
                let id = new_id("sub");
                let t = now();
                sqlx::query(
                    "INSERT INTO submissions (id, org_id, status, raw, scrubbed, findings, finding_counts, keep_terms, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, '[]', $8, $8)",
                )
                .bind(&id)
                .bind(&new.org_id)
                .bind(new.status.as_str())
                .bind(to_json(&new.raw)?)
                .bind(to_json(new.scrubbed.content())?)
                .bind(to_json(&new.findings)?)
                .bind(to_json(&counts_by_kind(&new.findings))?)
                .bind(t)
                .execute(&self.pool)
                .await?;
                Ok(id)
            }

            async fn submission(&self, id: &str) -> StoreResult<Option<SubmissionRecord>> {
                let row: Option<SubmissionRow> =
                    sqlx::query_as(&format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(submission_from_row).transpose()
            }

            async fn rescrub_submission(&self, id: &str, scrubbed: &ScrubbedSubmission, findings: &[Finding], keep_terms: &[String]) -> StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE submissions SET scrubbed = $1, findings = $2, finding_counts = $3, keep_terms = $4, updated_at = $5 \
                     WHERE id = $6 AND status = 'draft'",
                )
                .bind(to_json(scrubbed.content())?)
                .bind(to_json(&findings)?)
                .bind(to_json(&counts_by_kind(findings))?)
                .bind(to_json(&keep_terms)?)
                .bind(now())
                .bind(id)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict("only a draft can be changed".into()));
                }
                Ok(())
            }

            async fn transition(&self, id: &str, from: SubmissionStatus, to: SubmissionStatus) -> StoreResult<()> {
                let done = sqlx::query("UPDATE submissions SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                    .bind(to.as_str())
                    .bind(now())
                    .bind(id)
                    .bind(from.as_str())
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(format!("submission is not {}", from.as_str())));
                }
                Ok(())
            }

            async fn submissions_with_status(&self, status: SubmissionStatus) -> StoreResult<Vec<SubmissionSummary>> {
                let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
                    "SELECT {SUMMARY_COLUMNS} FROM submissions WHERE status = $1 ORDER BY created_at, id"
                ))
                .bind(status.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(summary_from_row).collect()
            }

            async fn org_submissions(&self, org_id: &str) -> StoreResult<Vec<SubmissionSummary>> {
                let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
                    "SELECT {SUMMARY_COLUMNS} FROM submissions WHERE org_id = $1 ORDER BY created_at DESC, id"
                ))
                .bind(org_id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(summary_from_row).collect()
            }

            async fn publish(&self, submission_id: &str, report: &PublicReport) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let t = now();
                let done = sqlx::query(
                    "UPDATE submissions SET status = 'published', raw = NULL, findings = NULL, report_id = $1, updated_at = $2 \
                     WHERE id = $3 AND status = 'approved'",
                )
                .bind(&report.id)
                .bind(t)
                .bind(submission_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict("only an approved report can be published".into()));
                }
                let c = &report.content;
                sqlx::query(
                    "INSERT INTO reports (id, published, period, kind, severity, title, content, position, \
                     detection_method, time_to_detect, duration, change_type) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(&report.id)
                .bind(&report.published)
                .bind(&c.period)
                .bind(enum_text(&c.kind)?)
                .bind(enum_text(&c.severity)?)
                .bind(&c.title)
                .bind(to_json(report)?)
                .bind(chrono::Utc::now().timestamp_micros())
                .bind(enum_text(&c.detection.method)?)
                .bind(enum_text(&c.detection.time_to_detect)?)
                .bind(enum_text(&c.duration)?)
                .bind(enum_text(&c.trigger.change_type)?)
                .execute(&mut *tx)
                .await?;
                for tech in c.technology_ids() {
                    sqlx::query("INSERT INTO report_technologies (report_id, technology_id) VALUES ($1, $2)")
                        .bind(&report.id)
                        .bind(tech)
                        .execute(&mut *tx)
                        .await?;
                }
                for factor in c.factor_ids() {
                    sqlx::query("INSERT INTO report_factors (report_id, factor_id) VALUES ($1, $2)")
                        .bind(&report.id)
                        .bind(factor)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("INSERT INTO outbox (report_id, op, created_at) VALUES ($1, 'upsert', $2)")
                    .bind(&report.id)
                    .bind(t)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO audit_log (submission_id, actor, actor_role, from_status, to_status, note, at) \
                     VALUES ($1, 'system', 'system', 'approved', 'published', NULL, $2)",
                )
                .bind(submission_id)
                .bind(t)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn move_submission(
                &self,
                id: &str,
                from: &[SubmissionStatus],
                to: SubmissionStatus,
                actor: &$crate::store::Actor,
                change: $crate::store::StatusChange,
            ) -> StoreResult<SubmissionStatus> {
                let mut tx = self.pool.begin().await?;
                let row: Option<(String,)> = sqlx::query_as("SELECT status FROM submissions WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let (current,) = row.ok_or(StoreError::NotFound)?;
                let current = parse_status(&current)?;
                if !from.contains(&current) {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict(format!(
                        "a submission that is {} cannot become {}",
                        current.as_str(),
                        to.as_str()
                    )));
                }
                let t = now();
                let (set_claim, claim) = match &change.claimed_by {
                    Some(c) => (true, c.clone()),
                    None => (false, None),
                };
                // Optimistic: the status must still be the one read above (two moderators
                // acting at once: one wins, the other gets a conflict).
                let done = sqlx::query(
                    "UPDATE submissions SET status = $1, updated_at = $2, \
                     note = CASE WHEN $3 IS NULL THEN note ELSE $3 END, \
                     reason = CASE WHEN $4 IS NULL THEN reason ELSE $4 END, \
                     claimed_by = CASE WHEN $5 = 1 THEN $6 ELSE claimed_by END, \
                     raw = CASE WHEN $7 = 1 THEN NULL ELSE raw END, \
                     findings = CASE WHEN $7 = 1 THEN NULL ELSE findings END \
                     WHERE id = $8 AND status = $9",
                )
                .bind(to.as_str())
                .bind(t)
                .bind(change.note.as_deref())
                .bind(change.reason.as_deref())
                .bind(i32::from(set_claim))
                .bind(claim.as_deref())
                .bind(i32::from(change.purge))
                .bind(id)
                .bind(current.as_str())
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict("the submission changed meanwhile".into()));
                }
                let note = change.reason.as_deref().or(change.note.as_deref());
                sqlx::query(
                    "INSERT INTO audit_log (submission_id, actor, actor_role, from_status, to_status, note, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(&actor.id)
                .bind(&actor.role)
                .bind(current.as_str())
                .bind(to.as_str())
                .bind(note)
                .bind(t)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(current)
            }

            async fn audit_log(&self, submission_id: &str) -> StoreResult<Vec<$crate::store::AuditEntry>> {
                let rows: Vec<(String, String, String, String, Option<String>, i64)> = sqlx::query_as(
                    "SELECT actor, actor_role, from_status, to_status, note, at FROM audit_log \
                     WHERE submission_id = $1 ORDER BY id",
                )
                .bind(submission_id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(actor, actor_role, from, to, note, at)| {
                        Ok($crate::store::AuditEntry {
                            actor,
                            actor_role,
                            from: parse_status(&from)?,
                            to: parse_status(&to)?,
                            note,
                            at,
                        })
                    })
                    .collect()
            }

            async fn approved_submission_ids(&self) -> StoreResult<Vec<String>> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT id FROM submissions WHERE status = 'approved' ORDER BY updated_at, id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn retract(&self, report_id: &str, actor: &$crate::store::Actor, reason: &str) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT id FROM submissions WHERE report_id = $1 AND status = 'published'",
                )
                .bind(report_id)
                .fetch_optional(&mut *tx)
                .await?;
                let (submission_id,) = row.ok_or(StoreError::NotFound)?;
                let t = now();
                for sql in [
                    "DELETE FROM digest_reports WHERE report_id = $1",
                    "DELETE FROM report_technologies WHERE report_id = $1",
                    "DELETE FROM report_factors WHERE report_id = $1",
                    "DELETE FROM reports WHERE id = $1",
                ] {
                    sqlx::query(sql).bind(report_id).execute(&mut *tx).await?;
                }
                sqlx::query("INSERT INTO outbox (report_id, op, created_at) VALUES ($1, 'delete', $2)")
                    .bind(report_id)
                    .bind(t)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE submissions SET status = 'retracted', reason = $1, updated_at = $2 WHERE id = $3")
                    .bind(reason)
                    .bind(t)
                    .bind(&submission_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO audit_log (submission_id, actor, actor_role, from_status, to_status, note, at) \
                     VALUES ($1, $2, $3, 'published', 'retracted', $4, $5)",
                )
                .bind(&submission_id)
                .bind(&actor.id)
                .bind(&actor.role)
                .bind(reason)
                .bind(t)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn report(&self, id: &str) -> StoreResult<Option<PublicReport>> {
                let row: Option<(String,)> = sqlx::query_as("SELECT content FROM reports WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|(c,)| from_json(&c)).transpose()
            }

            async fn reports_page(&self, before: Option<i64>, limit: i64) -> StoreResult<Vec<(i64, PublicReport)>> {
                let rows: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT position, content FROM reports WHERE position < $1 ORDER BY position DESC LIMIT $2",
                )
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|(p, c)| Ok((p, from_json(&c)?))).collect()
            }

            async fn report_count(&self) -> StoreResult<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reports").fetch_one(&self.pool).await?;
                Ok(n)
            }

            async fn outbox_after(&self, seq: i64, limit: i64) -> StoreResult<Vec<OutboxEntry>> {
                let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
                    "SELECT o.seq, o.report_id, o.op, r.content FROM outbox o LEFT JOIN reports r ON r.id = o.report_id \
                     WHERE o.seq > $1 ORDER BY o.seq LIMIT $2",
                )
                .bind(seq)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(outbox_from_row).collect()
            }

            async fn outbox_head(&self) -> StoreResult<i64> {
                let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM outbox").fetch_one(&self.pool).await?;
                Ok(n.unwrap_or(0))
            }

            async fn pattern_cells(&self) -> StoreResult<Vec<PatternCell>> {
                let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
                    "SELECT t.technology_id, f.factor_id, COUNT(DISTINCT t.report_id), COUNT(DISTINCT s.org_id) \
                     FROM report_technologies t \
                     JOIN report_factors f ON f.report_id = t.report_id \
                     JOIN submissions s ON s.report_id = t.report_id \
                     GROUP BY t.technology_id, f.factor_id \
                     ORDER BY t.technology_id, f.factor_id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(cell_from_row).collect())
            }

            async fn report_facts(&self, scope: &PatternScope) -> StoreResult<Vec<ReportFacts>> {
                // Grouped by organisation so suppression can count distinct organisations
                // behind any set of values; the ids are replaced by ordinals before returning.
                let rows: Vec<(String, String, String, String, String, String, String, i64)> = sqlx::query_as(
                    "SELECT s.org_id, r.detection_method, r.time_to_detect, r.duration, r.change_type, \
                     r.severity, SUBSTR(r.period, 1, 4), COUNT(*) \
                     FROM reports r JOIN submissions s ON s.report_id = r.id \
                     WHERE ($1 IS NULL OR r.id IN (SELECT report_id FROM report_technologies WHERE technology_id = $1)) \
                     AND ($2 IS NULL OR r.id IN (SELECT report_id FROM report_factors WHERE factor_id = $2)) \
                     GROUP BY s.org_id, r.detection_method, r.time_to_detect, r.duration, r.change_type, \
                     r.severity, SUBSTR(r.period, 1, 4) \
                     ORDER BY s.org_id",
                )
                .bind(scope.technology.as_deref())
                .bind(scope.factor.as_deref())
                .fetch_all(&self.pool)
                .await?;
                Ok(facts_from_rows(rows))
            }

            async fn publishing_org_count(&self) -> StoreResult<i64> {
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(DISTINCT org_id) FROM submissions WHERE report_id IS NOT NULL",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(n)
            }

            async fn create_digest(&self, digest: &Digest) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let result = sqlx::query("INSERT INTO digests (slug, title, commentary, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&digest.slug)
                    .bind(&digest.title)
                    .bind(&digest.commentary)
                    .bind(digest.created_at)
                    .execute(&mut *tx)
                    .await;
                if let Err(sqlx::Error::Database(e)) = &result {
                    if e.is_unique_violation() {
                        tx.rollback().await?;
                        return Err(StoreError::Conflict(format!("a digest `{}` exists", digest.slug)));
                    }
                }
                result?;
                for (position, report_id) in digest.report_ids.iter().enumerate() {
                    let result = sqlx::query("INSERT INTO digest_reports (slug, report_id, position) VALUES ($1, $2, $3)")
                        .bind(&digest.slug)
                        .bind(report_id)
                        .bind(position as i64)
                        .execute(&mut *tx)
                        .await;
                    if let Err(sqlx::Error::Database(e)) = &result {
                        if e.is_foreign_key_violation() {
                            tx.rollback().await?;
                            return Err(StoreError::Conflict(format!("no published report `{report_id}`")));
                        }
                        if e.is_unique_violation() {
                            tx.rollback().await?;
                            return Err(StoreError::Conflict(format!("report `{report_id}` is listed twice")));
                        }
                    }
                    result?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn digest(&self, slug: &str) -> StoreResult<Option<Digest>> {
                let row: Option<(String, String, String, i64)> =
                    sqlx::query_as("SELECT slug, title, commentary, created_at FROM digests WHERE slug = $1")
                        .bind(slug)
                        .fetch_optional(&self.pool)
                        .await?;
                let Some(row) = row else { return Ok(None) };
                let ids: Vec<(String,)> =
                    sqlx::query_as("SELECT report_id FROM digest_reports WHERE slug = $1 ORDER BY position")
                        .bind(slug)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(Some(digest_from_row(row, ids.into_iter().map(|(id,)| id).collect())))
            }

            async fn digests(&self) -> StoreResult<Vec<Digest>> {
                let rows: Vec<(String, String, String, i64)> =
                    sqlx::query_as("SELECT slug, title, commentary, created_at FROM digests ORDER BY created_at DESC, slug")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|row| digest_from_row(row, Vec::new())).collect())
            }
        }
    };
}

pub(super) use impl_sql_store;
