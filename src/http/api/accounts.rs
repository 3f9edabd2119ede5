//! Account endpoints: the caller's API tokens (list, create, revoke) and the admin's
//! invitations and password reset links. The logic lives in `crate::accounts`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::ErrorBody;
use crate::accounts::{self, IssuedLink, NewTokenRequest, TokenHolder};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::http::error::ApiError;
use crate::http::extract::ApiCaller;
use crate::state::AppState;
use crate::store::{Role, Scope, TokenInfo};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
        .route("/admin/invitations", post(create_invitation))
        .route("/admin/users/reset", post(reset_link))
}

#[derive(OpenApi)]
#[openapi(
    paths(list_tokens, create_token, revoke_token, create_invitation, reset_link),
    components(schemas(
        TokenInfo,
        Scope,
        NewTokenRequest,
        CreatedToken,
        NewInvitation,
        Invited,
        ResetRequest,
        IssuedLink
    ))
)]
pub struct AccountsApi;

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        AppError::Invalid(vec![FieldError::new(
            e.path().to_string(),
            e.inner().to_string(),
        )])
    })
}

/// The caller's organisation's API tokens (or, for a caller without one, their own), newest
/// first, revoked and expired ones included. Never the token values.
#[utoipa::path(get, path = "/api/v1/tokens",
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_tokens(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    let holder = TokenHolder::from_principal(&caller.0);
    Ok(Json(
        accounts::list_tokens(state.store.as_ref(), &holder).await?,
    ))
}

/// A new token; its value is in this answer only.
#[derive(Serialize, ToSchema)]
struct CreatedToken {
    /// The token value, shown once: `Authorization: Bearer <token>`.
    token: String,
    #[serde(flatten)]
    info: TokenInfo,
}

/// Create an API token for the caller's organisation with some of the caller's own scopes.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewTokenRequest,
    responses((status = 201, body = CreatedToken), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let request: NewTokenRequest = parse(&body)?;
    let holder = TokenHolder::from_principal(&caller.0);
    let (token, info) = accounts::create_token(state.store.as_ref(), &holder, request).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, info })))
}

/// Revoke one of the caller's organisation's tokens (404 for any other id).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}",
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn revoke_token(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let holder = TokenHolder::from_principal(&caller.0);
    accounts::revoke_token(state.store.as_ref(), &holder, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewInvitation {
    email: String,
    role: Role,
    /// The organisation's name (required for submitters).
    org: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct Invited {
    email: String,
    role: Role,
    /// The one-time link (`/invite/{token}`), shown once; valid for 7 days.
    link: String,
    expires_at: i64,
}

/// Invite a user (admins): returns a one-time link where they choose a password.
#[utoipa::path(post, path = "/api/v1/admin/invitations", request_body = NewInvitation,
    responses((status = 201, body = Invited), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_invitation(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> Result<(StatusCode, Json<Invited>), ApiError> {
    let admin = caller.require_admin()?;
    let request: NewInvitation = parse(&body)?;
    let issued = accounts::invite(
        state.store.as_ref(),
        &state.config.public_url,
        &request.email,
        request.role,
        request.org.as_deref(),
        &admin.id,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Invited {
            email: request.email.trim().to_lowercase(),
            role: request.role,
            link: issued.link,
            expires_at: issued.expires_at,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ResetRequest {
    email: String,
}

/// Issue a one-time password reset link (admins), valid for 1 hour. Every email gets the same
/// answer; a link for an unknown email leads nowhere.
#[utoipa::path(post, path = "/api/v1/admin/users/reset", request_body = ResetRequest,
    responses((status = 200, body = IssuedLink), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reset_link(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> Result<Json<IssuedLink>, ApiError> {
    caller.require_admin()?;
    let request: ResetRequest = parse(&body)?;
    Ok(Json(
        accounts::issue_reset(
            state.store.as_ref(),
            &state.config.public_url,
            &request.email,
        )
        .await?,
    ))
}
