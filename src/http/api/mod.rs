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
use crate::domain::{FieldError, PublicReport, Submission};
use crate::error::AppError;
use crate::intake::{self, SubmissionView};
use crate::patterns::{self, PatternMatrix};
use crate::search::{SearchQuery, SearchResults, SortOrder};
use crate::state::AppState;
use crate::store::{Digest, SubmissionStatus, SubmissionSummary};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/submissions", post(create_submission).get(my_submissions))
        .route("/submissions/{id}", get(get_submission))
        .route("/submissions/{id}/publish", post(publish_submission))
        .route("/submissions/{id}/reject", post(reject_submission))
        .route("/moderation/queue", get(moderation_queue))
        .route("/reports", get(list_reports))
        .route("/reports/{id}", get(get_report))
        .route("/search", get(search))
        .route("/patterns", get(get_patterns))
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
        create_submission, my_submissions, get_submission, publish_submission, reject_submission,
        moderation_queue, list_reports, get_report, search, get_patterns, list_digests, create_digest,
        get_digest
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldError, RejectRequest, Published, NewDigest, ReportPage)),
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
    ApiDoc::openapi()
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
    let org_id = caller.org_id()?.to_string();
    let submission = intake::parse_json(&body)?;
    let view = intake::submit(&state, &org_id, submission, SubmissionStatus::Submitted).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The caller organisation's submissions with their status and any rejection reason.
#[utoipa::path(get, path = "/api/v1/submissions", responses((status = 200, body = Vec<SubmissionSummary>)),
    security(("bearer" = [])))]
async fn my_submissions(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<SubmissionSummary>>, ApiError> {
    Ok(Json(state.store.org_submissions(caller.org_id()?).await?))
}

/// One submission: to its organisation, or to a moderator.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", responses((status = 200, body = SubmissionView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_submission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<SubmissionView>, ApiError> {
    let record = if caller.0.role.can_moderate() {
        state
            .store
            .submission(&id)
            .await?
            .ok_or(AppError::NotFound)?
    } else {
        intake::owned(&state, caller.org_id()?, &id).await?
    };
    Ok(Json(record.into()))
}

#[derive(Serialize, ToSchema)]
struct Published {
    report_id: String,
}

/// Publish a submitted report (moderators).
#[utoipa::path(post, path = "/api/v1/submissions/{id}/publish", responses((status = 200, body = Published), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn publish_submission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Published>, ApiError> {
    caller.require_moderator()?;
    let report_id = crate::publish::publish(&state, &id).await?;
    Ok(Json(Published { report_id }))
}

#[derive(Deserialize, ToSchema)]
struct RejectRequest {
    /// Shown to the submitter.
    reason: String,
}

/// Reject a submitted report with a reason (moderators).
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
    let request: RejectRequest = serde_json::from_slice(&body)
        .map_err(|e| AppError::Invalid(vec![FieldError::new("reason", e.to_string())]))?;
    crate::publish::reject(&state, &id, &request.reason).await?;
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
    Ok(Json(
        state
            .store
            .submissions_with_status(SubmissionStatus::Submitted)
            .await?,
    ))
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
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
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
        patterns::matrix(state.store.as_ref(), state.config.k_anonymity).await?,
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
        state.store.digest(&slug).await?.ok_or(AppError::NotFound)?,
    ))
}
