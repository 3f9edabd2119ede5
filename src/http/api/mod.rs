//! The JSON API under `/api/v1`, documented by the OpenAPI document it serves.
//! Handlers parse, call one stage function and serialise; errors map through `ApiError`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use super::error::ApiError;
use super::extract::ApiCaller;
use crate::domain::submission::{ReportKind, Severity};
use crate::domain::{FieldError, PublicReport, Submission, Taxonomy};
use crate::error::AppError;
use crate::intake::markdown::{DraftNote, MarkdownDraft, NoteKind};
use crate::intake::{self, SubmissionView};
use crate::patterns::{self, PatternMatrix, PatternProfile, ScopeQuery};
use crate::search::{Hit, SearchQuery, SearchResults, SortOrder};
use crate::state::AppState;
use crate::store::{AuditEntry, Digest, Scope, SubmissionStatus, SubmissionSummary};

mod accounts;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(accounts::routes())
        .route("/submissions", post(create_submission).get(my_submissions))
        .route("/submissions/from-markdown", post(draft_from_markdown))
        .route("/submissions/{id}", get(get_submission))
        .route("/submissions/{id}/publish", post(approve_submission))
        .route("/submissions/{id}/approve", post(approve_submission))
        .route("/submissions/{id}/claim", post(claim_submission))
        .route("/submissions/{id}/request-changes", post(request_changes))
        .route("/submissions/{id}/reject", post(reject_submission))
        .route("/submissions/{id}/withdraw", post(withdraw_submission))
        .route("/submissions/{id}/audit", get(submission_audit))
        .route("/reports/{id}/retract", post(retract_report))
        .route("/moderation/queue", get(moderation_queue))
        .route("/reports", get(list_reports))
        .route("/reports/{id}", get(get_report))
        .route("/reports/{id}/similar", get(similar_reports))
        .route("/search", get(search))
        .route("/patterns", get(get_patterns))
        .route("/patterns/distributions", get(get_distributions))
        .route("/digests", get(list_digests).post(create_digest))
        .route("/digests/{slug}", get(get_digest))
        .route("/openapi.json", get(openapi_json))
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Commonplace API", description = "Share postmortems without exposing who you are."),
    paths(
        create_submission, draft_from_markdown, my_submissions, get_submission, approve_submission, claim_submission,
        request_changes, reject_submission, withdraw_submission, submission_audit, retract_report,
        moderation_queue, list_reports, get_report, similar_reports, search, get_patterns, get_distributions, list_digests, create_digest,
        get_digest
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldError, MarkdownDraft, DraftNote, NoteKind, RejectRequest, NoteRequest, RetractRequest, Approved, AuditEntry, NewDigest, ReportPage)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document of the whole API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(accounts::AccountsApi::openapi());
    doc
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}

/// Every API error has this shape.
#[derive(Serialize, ToSchema)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_submission`, `unauthenticated`, `not_found`.
    code: String,
    message: String,
    fields: Vec<FieldError>,
}

/// Submit a postmortem for the caller's organisation. It is scrubbed at once; the response
/// shows exactly what would be published and every redaction. It then waits for moderation.
#[utoipa::path(post, path = "/api/v1/submissions", request_body = Submission,
    responses((status = 201, body = SubmissionView), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_submission(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> Result<(StatusCode, Json<SubmissionView>), ApiError> {
    let org_id = caller.org_with_scope(Scope::Submit)?.to_string();
    let submission = intake::parse_json(&body)?;
    let view = intake::submit(&state, &org_id, submission, SubmissionStatus::Submitted).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Read an existing Markdown postmortem (the body, `Content-Type: text/markdown`) into a
/// submission draft. Nothing is stored and nothing is scrubbed yet: the draft comes back with
/// notes naming every field that was guessed, defaulted or is missing, for the client to
/// complete and then `POST /api/v1/submissions` like any other submission.
#[utoipa::path(post, path = "/api/v1/submissions/from-markdown",
    request_body(content = String, content_type = "text/markdown", description = "The postmortem as Markdown (UTF-8)."),
    responses((status = 200, body = MarkdownDraft),
        (status = 422, description = "Empty document, no heading for a title, or not UTF-8 (`invalid_markdown`)", body = ErrorBody),
        (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn draft_from_markdown(
    caller: ApiCaller,
    body: Bytes,
) -> Result<Json<MarkdownDraft>, ApiError> {
    caller.org_with_scope(Scope::Submit)?;
    Ok(Json(
        intake::markdown::draft_from_bytes(&body).map_err(AppError::from)?,
    ))
}

/// The caller organisation's submissions with their status and any rejection reason.
#[utoipa::path(get, path = "/api/v1/submissions", responses((status = 200, body = Vec<SubmissionSummary>)),
    security(("bearer" = [])))]
async fn my_submissions(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<SubmissionSummary>>, ApiError> {
    Ok(Json(
        state
            .store
            .org_submissions(caller.org_with_scope(Scope::ReadOwn)?)
            .await?,
    ))
}

/// One submission: to its organisation, or to a moderator.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", responses((status = 200, body = SubmissionView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_submission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<SubmissionView>, ApiError> {
    let record = if caller.can_moderate() {
        state
            .store
            .submission(&id)
            .await?
            .ok_or(AppError::NotFound)?
    } else {
        intake::owned(&state, caller.org_with_scope(Scope::ReadOwn)?, &id).await?
    };
    Ok(Json(record.into()))
}

#[derive(Serialize, ToSchema)]
struct Approved {
    /// `approved` (published with the next batch) or `published`.
    status: SubmissionStatus,
    /// The public report id when it was published at once (batch interval 0).
    report_id: Option<String>,
}

/// Approve a submission for publication (moderators). Approved reports are published in
/// batches (`serve --publish-interval`), or at once when the interval is 0.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/approve", responses((status = 200, body = Approved), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve_submission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Approved>, ApiError> {
    caller.require_moderator()?;
    let report_id = crate::publish::approve(&state, &id, &caller.actor()).await?;
    Ok(Json(Approved {
        status: if report_id.is_some() {
            SubmissionStatus::Published
        } else {
            SubmissionStatus::Approved
        },
        report_id,
    }))
}

/// Claim a submission for review (moderators).
#[utoipa::path(post, path = "/api/v1/submissions/{id}/claim", responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn claim_submission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require_moderator()?;
    crate::publish::claim(&state, &id, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct NoteRequest {
    /// Shown to the submitter.
    note: String,
}

/// Send a submission back to its submitter with a note (moderators).
#[utoipa::path(post, path = "/api/v1/submissions/{id}/request-changes", request_body = NoteRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn request_changes(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    caller.require_moderator()?;
    let request: NoteRequest = parse_body(&body, "note")?;
    crate::publish::request_changes(&state, &id, &caller.actor(), &request.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct RejectRequest {
    /// Shown to the submitter.
    reason: String,
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8], field: &str) -> Result<T, AppError> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::Invalid(vec![FieldError::new(field, e.to_string())]))
}

/// Reject a submission with a reason (moderators). Its raw text is purged.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/reject", request_body = RejectRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject_submission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    caller.require_moderator()?;
    let request: RejectRequest = parse_body(&body, "reason")?;
    crate::publish::reject(&state, &id, &caller.actor(), &request.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraw one of your organisation's submissions before publication. Its raw text is purged.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/withdraw", responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn withdraw_submission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let org_id = caller.org_with_scope(Scope::Submit)?.to_string();
    crate::publish::withdraw(&state, &org_id, &id, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A submission's history: every status change with who, when and why (moderators).
#[utoipa::path(get, path = "/api/v1/submissions/{id}/audit", responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn submission_audit(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    caller.require_moderator()?;
    Ok(Json(state.store.audit_log(&id).await?))
}

#[derive(Deserialize, ToSchema)]
struct RetractRequest {
    reason: String,
}

/// Retract a published report (moderators): it leaves every page, search, export, feed and
/// aggregate.
#[utoipa::path(post, path = "/api/v1/reports/{id}/retract", request_body = RetractRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn retract_report(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    caller.require_moderator()?;
    let request: RetractRequest = parse_body(&body, "reason")?;
    crate::publish::retract(&state, &id, &caller.actor(), &request.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Submissions waiting for moderation, oldest first (moderators).
#[utoipa::path(get, path = "/api/v1/moderation/queue", responses((status = 200, body = Vec<SubmissionSummary>)),
    security(("bearer" = [])))]
async fn moderation_queue(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<SubmissionSummary>>, ApiError> {
    caller.require_moderator()?;
    Ok(Json(crate::publish::queue(&state).await?))
}

#[derive(Deserialize, IntoParams)]
struct PageParams {
    /// Opaque cursor from a previous page's `next`.
    before: Option<i64>,
    /// Page size, 1–100 (default 20).
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
struct ReportPage {
    reports: Vec<PublicReport>,
    /// Cursor for the next page, if there is one.
    next: Option<i64>,
}

/// Published reports, newest first.
#[utoipa::path(get, path = "/api/v1/reports", params(PageParams), responses((status = 200, body = ReportPage)))]
async fn list_reports(
    State(state): State<AppState>,
    Query(p): Query<PageParams>,
) -> Result<Json<ReportPage>, ApiError> {
    let limit = p.limit.unwrap_or(20).clamp(1, 100);
    let rows = state.store.reports_page(p.before, limit).await?;
    let next = if rows.len() as i64 == limit {
        rows.last().map(|(pos, _)| *pos)
    } else {
        None
    };
    Ok(Json(ReportPage {
        reports: rows.into_iter().map(|(_, r)| r).collect(),
        next,
    }))
}

/// One published report: scrubbed text and coarse fields only.
#[utoipa::path(get, path = "/api/v1/reports/{id}", responses((status = 200, body = PublicReport), (status = 404, body = ErrorBody)))]
async fn get_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PublicReport>, ApiError> {
    Ok(Json(
        state.store.report(&id).await?.ok_or(AppError::NotFound)?,
    ))
}

#[derive(Deserialize, IntoParams)]
struct SimilarParams {
    /// How many, 1–20 (default 5).
    limit: Option<usize>,
}

/// Published reports most like this one (shared technologies, factors and terms).
#[utoipa::path(get, path = "/api/v1/reports/{id}/similar", params(SimilarParams),
    responses((status = 200, body = Vec<Hit>), (status = 404, body = ErrorBody)))]
async fn similar_reports(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<SimilarParams>,
) -> Result<Json<Vec<Hit>>, ApiError> {
    if state.store.report(&id).await?.is_none() {
        return Err(ApiError(AppError::NotFound));
    }
    let limit = p.limit.unwrap_or(5).clamp(1, 20);
    Ok(Json(state.index.similar(&id, limit).await?))
}

/// Search parameters shared by the API and the search page.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Free text; technology and factor names and aliases in it boost tagged reports.
    pub q: Option<String>,
    /// Technology ids, aliases or category ids, comma-separated (all must match).
    pub technology: Option<String>,
    /// Contributing-factor ids or group ids, comma-separated (all must match).
    pub factor: Option<String>,
    /// `sev1` … `sev5`.
    pub severity: Option<String>,
    /// `incident` or `near_miss`.
    pub kind: Option<String>,
    /// `relevance` (default) or `recent`.
    pub sort: Option<String>,
    /// First period included, e.g. `2024-Q1`.
    pub from: Option<String>,
    /// Last period included, e.g. `2025-Q2`.
    pub to: Option<String>,
    /// The `snapshot` of the first page: later pages leave out reports published since.
    pub snapshot: Option<i64>,
    /// 1-based page number.
    pub page: Option<usize>,
    /// Results per page, 1–50 (default 10).
    pub per_page: Option<usize>,
}

fn parse_enum<T: serde::de::DeserializeOwned>(
    field: &str,
    value: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    match serde_json::from_value(serde_json::Value::String(v.to_string())) {
        Ok(parsed) => Some(parsed),
        Err(_) => {
            errors.push(FieldError::new(field, format!("unknown value `{v}`")));
            None
        }
    }
}

fn list(value: &Option<String>) -> Vec<String> {
    value
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

impl SearchParams {
    pub fn to_query(&self) -> Result<SearchQuery, AppError> {
        let mut errors = Vec::new();
        let severity: Option<Severity> = parse_enum("severity", &self.severity, &mut errors);
        let kind: Option<ReportKind> = parse_enum("kind", &self.kind, &mut errors);
        let sort: Option<SortOrder> = parse_enum("sort", &self.sort, &mut errors);
        let mut period = |field: &str, value: &Option<String>| -> Option<String> {
            let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            if crate::search::period_key(v).is_none() {
                errors.push(FieldError::new(
                    field,
                    format!("`{v}` is not a period like 2024-Q3"),
                ));
                return None;
            }
            Some(v.to_string())
        };
        let period_from = period("from", &self.from);
        let period_to = period("to", &self.to);
        if !errors.is_empty() {
            return Err(AppError::InvalidQuery(errors));
        }
        let per_page = self.per_page.unwrap_or(10).clamp(1, 50);
        let page = self.page.unwrap_or(1).clamp(1, 1000);
        Ok(SearchQuery {
            text: self
                .q
                .clone()
                .unwrap_or_default()
                .chars()
                .take(500)
                .collect(),
            technologies: list(&self.technology),
            factors: list(&self.factor),
            severity,
            kind,
            sort: sort.unwrap_or_default(),
            period_from,
            period_to,
            snapshot: self.snapshot,
            offset: (page - 1) * per_page,
            limit: per_page,
        })
    }
}

/// Ranked search over published reports with highlighted snippets and facet counts.
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams), responses((status = 200, body = SearchResults), (status = 422, body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let query = params.to_query()?;
    Ok(Json(state.index.search(query).await?))
}

/// Technology × contributing-factor counts; cells backed by fewer than k organisations are withheld.
#[utoipa::path(get, path = "/api/v1/patterns", responses((status = 200, body = PatternMatrix)))]
async fn get_patterns(State(state): State<AppState>) -> Result<Json<PatternMatrix>, ApiError> {
    Ok(Json(
        state
            .patterns
            .matrix(state.store.as_ref(), state.config.k_anonymity)
            .await?,
    ))
}

/// How the published reports in a scope (all, or a technology and/or a contributing factor)
/// were detected, how long they lasted, what triggered them, their severities and years.
/// Values backed by fewer than k organisations are withheld, with complements.
#[utoipa::path(get, path = "/api/v1/patterns/distributions", params(ScopeQuery), responses((status = 200, body = PatternProfile), (status = 422, body = ErrorBody)))]
async fn get_distributions(
    State(state): State<AppState>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<PatternProfile>, ApiError> {
    let scope =
        patterns::resolve_scope(&query, Taxonomy::bundled()).map_err(AppError::InvalidQuery)?;
    Ok(Json(
        state
            .patterns
            .profile(state.store.as_ref(), state.config.k_anonymity, &scope)
            .await?,
    ))
}

/// All digests, newest first.
#[utoipa::path(get, path = "/api/v1/digests", responses((status = 200, body = Vec<Digest>)))]
async fn list_digests(State(state): State<AppState>) -> Result<Json<Vec<Digest>>, ApiError> {
    Ok(Json(state.store.digests().await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewDigest {
    pub title: String,
    /// Markdown commentary.
    pub commentary: String,
    /// Public ids of the selected reports, in order.
    pub report_ids: Vec<String>,
    /// Optional URL slug; derived from the title when absent.
    pub slug: Option<String>,
}

/// Create a digest (moderators).
#[utoipa::path(post, path = "/api/v1/digests", request_body = NewDigest,
    responses((status = 201, body = Digest), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_digest(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> Result<(StatusCode, Json<Digest>), ApiError> {
    caller.require_moderator()?;
    let de = &mut serde_json::Deserializer::from_slice(&body);
    let new: NewDigest = serde_path_to_error::deserialize(de).map_err(|e| {
        AppError::Invalid(vec![FieldError::new(
            e.path().to_string(),
            e.inner().to_string(),
        )])
    })?;
    let digest = crate::digest::create(
        state.store.as_ref(),
        new.title,
        new.commentary,
        new.report_ids,
        new.slug,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(digest)))
}

/// One digest with its selected report ids.
#[utoipa::path(get, path = "/api/v1/digests/{slug}", responses((status = 200, body = Digest), (status = 404, body = ErrorBody)))]
async fn get_digest(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Digest>, ApiError> {
    Ok(Json(
        crate::digest::find(state.store.as_ref(), &slug).await?,
    ))
}
