//! The SQL shared by both backends: one implementation of `Store`, instantiated per database.
//! Queries use `$n` placeholders, BIGINT epoch seconds and JSON in TEXT so one text fits both.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    Digest, OutboxEntry, OutboxOp, PatternCell, Principal, Role, StoreError, StoreResult,
    SubmissionRecord, SubmissionStatus, SubmissionSummary, User,
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
) -> StoreResult<Principal> {
    match user {
        Some(row) => {
            let user = user_from_row(row)?;
            Ok(Principal {
                org_id: user.org_id.clone().or(org_id),
                role: user.role,
                user: Some(user),
            })
        }
        None => Ok(Principal {
            user: None,
            org_id,
            role: Role::Submitter,
        }),
    }
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

fn parse_status(s: &str) -> StoreResult<SubmissionStatus> {
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

pub(super) const SUBMISSION_COLUMNS: &str = "id, org_id, status, raw, scrubbed, findings, finding_counts, keep_terms, reason, report_id, created_at, updated_at";
pub(super) const SUMMARY_COLUMNS: &str = "id, scrubbed, status, finding_counts, reason, created_at";
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
                sqlx::query(
                    "INSERT INTO api_tokens (id, token_hash, org_id, user_id, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
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
                let row: Option<(Option<String>, Option<String>, Option<String>, Option<String>, Option<String>)> =
                    sqlx::query_as(
                        "SELECT t.org_id, u.id, u.email, u.role, u.org_id FROM api_tokens t \
                         LEFT JOIN users u ON u.id = t.user_id \
                         WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some((org_id, uid, email, role, user_org)) = row else { return Ok(None) };
                let user = match (uid, email, role) {
                    (Some(id), Some(email), Some(role)) => Some((id, email, role, user_org)),
                    _ => None,
                };
                principal_from_token_row(org_id, user).map(Some)
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
                     WHERE id = $3 AND status = 'submitted'",
                )
                .bind(&report.id)
                .bind(t)
                .bind(submission_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict("only a submitted report can be published".into()));
                }
                let c = &report.content;
                sqlx::query(
                    "INSERT INTO reports (id, published, period, kind, severity, title, content, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&report.id)
                .bind(&report.published)
                .bind(&c.period)
                .bind(to_json(&c.kind)?.trim_matches('"').to_string())
                .bind(to_json(&c.severity)?.trim_matches('"').to_string())
                .bind(&c.title)
                .bind(to_json(report)?)
                .bind(chrono::Utc::now().timestamp_micros())
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
                tx.commit().await?;
                Ok(())
            }

            async fn reject(&self, submission_id: &str, reason: &str) -> StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE submissions SET status = 'rejected', raw = NULL, findings = NULL, reason = $1, updated_at = $2 \
                     WHERE id = $3 AND status = 'submitted'",
                )
                .bind(reason)
                .bind(now())
                .bind(submission_id)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict("only a submitted report can be rejected".into()));
                }
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
                            return Err(StoreError::Conflict(format!("no published report `{report_id}`")));
                        }
                        if e.is_unique_violation() {
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
