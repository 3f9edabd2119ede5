//! Account pages: `/account` (password change, the organisation's API tokens), and the
//! one-time `/invite/{token}` and `/reset/{token}` links where a password is chosen.
//! Forms of signed-in users carry the session's CSRF token; the link pages are anonymous and
//! guarded by the unguessable token in their address.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::form::{all, first, pairs};
use super::{Chrome, PageResult, render};
use crate::accounts::{self, NewTokenRequest, TokenHolder};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::http::error::PageError;
use crate::http::extract::Session;
use crate::state::AppState;
use crate::store::{Scope, TokenInfo, User, now};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(account_page))
        .route("/account/password", post(password_post))
        .route("/account/tokens", post(token_create_post))
        .route("/account/tokens/{id}/revoke", post(token_revoke_post))
        .route("/invite/{token}", get(invite_form).post(invite_post))
        .route("/reset/{token}", get(reset_form).post(reset_post))
}

/// One token as listed on the account page.
pub struct TokenLine {
    pub id: String,
    pub label: String,
    pub scopes: String,
    pub created: String,
    pub expires: String,
    pub state: &'static str,
}

fn date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

impl TokenLine {
    fn new(t: TokenInfo, at: i64) -> TokenLine {
        let state = if t.revoked_at.is_some() {
            "revoked"
        } else if t.expires_at.is_some_and(|e| e <= at) {
            "expired"
        } else {
            "active"
        };
        TokenLine {
            scopes: Scope::join(&t.scopes),
            created: date(t.created_at),
            expires: t.expires_at.map(date).unwrap_or_else(|| "never".into()),
            id: t.id,
            label: t.label,
            state,
        }
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    email: String,
    role: &'static str,
    tokens: Vec<TokenLine>,
    scopes: Vec<&'static str>,
    new_token: Option<String>,
    flash: Option<&'static str>,
    errors: Vec<FieldError>,
}

fn holder(user: &User) -> (Option<&str>, Option<&str>, Vec<Scope>) {
    (
        user.org_id.as_deref(),
        Some(user.id.as_str()),
        Scope::for_role(user.role),
    )
}

async fn account_view(state: &AppState, session: &Session) -> Result<AccountPage, PageError> {
    let user = session.require_user()?;
    let (org_id, user_id, scopes) = holder(user);
    let holder = TokenHolder {
        org_id,
        user_id,
        scopes: &scopes,
    };
    let at = now();
    let tokens = accounts::list_tokens(state.store.as_ref(), &holder)
        .await?
        .into_iter()
        .map(|t| TokenLine::new(t, at))
        .collect();
    Ok(AccountPage {
        chrome: Chrome::new(session, "account"),
        email: user.email.clone(),
        role: user.role.as_str(),
        tokens,
        scopes: scopes.iter().map(|s| s.as_str()).collect(),
        new_token: None,
        flash: None,
        errors: Vec::new(),
    })
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn account_page(
    State(state): State<AppState>,
    session: Session,
    Query(done): Query<Done>,
) -> PageResult {
    let mut page = account_view(&state, &session).await?;
    page.flash = match done.done.as_deref() {
        Some("password") => Some("Your password was changed; your other sessions were signed out."),
        Some("revoked") => Some("The token was revoked."),
        _ => None,
    };
    no_store(render(&page)?)
}

/// Re-renders the account page with the form's errors.
async fn account_errors(
    state: &AppState,
    session: &Session,
    errors: Vec<FieldError>,
) -> PageResult {
    let mut page = account_view(state, session).await?;
    page.errors = errors;
    let mut response = render(&page)?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    no_store(response)
}

async fn password_post(State(state): State<AppState>, session: Session, body: Bytes) -> PageResult {
    let user = session.require_user()?.clone();
    let p = pairs(&body);
    session.check_csrf(&first(&p, "csrf"))?;
    let new = first(&p, "new_password");
    if new != first(&p, "confirm_password") {
        let e = FieldError::new("confirm_password", "the two new passwords differ");
        return account_errors(&state, &session, vec![e]).await;
    }
    let result = accounts::change_password(
        state.store.as_ref(),
        &user,
        first(&p, "current_password"),
        new,
        session.id_hash.as_deref(),
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/account?done=password").into_response()),
        Err(AppError::Invalid(errors)) => account_errors(&state, &session, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn token_create_post(
    State(state): State<AppState>,
    session: Session,
    body: Bytes,
) -> PageResult {
    let user = session.require_user()?;
    let p = pairs(&body);
    session.check_csrf(&first(&p, "csrf"))?;
    let days = first(&p, "expires_in_days");
    let expires_in_days = match days.trim() {
        "" => None,
        d => match d.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = FieldError::new("expires_in_days", "a number of days, or empty");
                return account_errors(&state, &session, vec![e]).await;
            }
        },
    };
    let request = NewTokenRequest {
        label: first(&p, "label"),
        scopes: all(&p, "scope"),
        expires_in_days,
    };
    let (org_id, user_id, scopes) = holder(user);
    let holder = TokenHolder {
        org_id,
        user_id,
        scopes: &scopes,
    };
    match accounts::create_token(state.store.as_ref(), &holder, request).await {
        Ok((token, _)) => {
            let mut page = account_view(&state, &session).await?;
            page.new_token = Some(token);
            no_store(render(&page)?)
        }
        Err(AppError::Invalid(errors)) => account_errors(&state, &session, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn token_revoke_post(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let user = session.require_user()?;
    session.check_csrf(&first(&pairs(&body), "csrf"))?;
    let (org_id, user_id, scopes) = holder(user);
    let holder = TokenHolder {
        org_id,
        user_id,
        scopes: &scopes,
    };
    accounts::revoke_token(state.store.as_ref(), &holder, &id).await?;
    Ok(Redirect::to("/account?done=revoked").into_response())
}

// ---------------------------------------------------------------- one-time links

#[derive(Template)]
#[template(path = "set_password.html")]
struct SetPasswordPage {
    chrome: Chrome,
    heading: &'static str,
    intro: String,
    action: String,
    button: &'static str,
    errors: Vec<FieldError>,
}

/// Pages behind secret links are neither cached nor stored.
fn no_store(mut response: Response) -> PageResult {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn password_pair(body: &[u8]) -> Result<String, Vec<FieldError>> {
    let p = pairs(body);
    let password = first(&p, "password");
    if password != first(&p, "confirm_password") {
        return Err(vec![FieldError::new(
            "confirm_password",
            "the two passwords differ",
        )]);
    }
    accounts::check_new_password("password", &password).map_err(|e| match e {
        AppError::Invalid(errors) => errors,
        other => vec![FieldError::new("password", other.to_string())],
    })?;
    Ok(password)
}

fn invite_page(session: &Session, email: &str, token: &str, errors: Vec<FieldError>) -> PageResult {
    let mut response = render(&SetPasswordPage {
        chrome: Chrome::new(session, "login"),
        heading: "Accept your invitation",
        intro: format!(
            "Choose a password for {email} (at least {} characters).",
            accounts::MIN_PASSWORD_CHARS
        ),
        action: format!("/invite/{token}"),
        button: "Create my account",
        errors: errors.clone(),
    })?;
    if !errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    no_store(response)
}

async fn invite_form(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> PageResult {
    let invitation = accounts::invitation(state.store.as_ref(), &token).await?;
    invite_page(&session, &invitation.email, &token, Vec::new())
}

async fn invite_post(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    body: Bytes,
) -> PageResult {
    let invitation = accounts::invitation(state.store.as_ref(), &token).await?;
    let password = match password_pair(&body) {
        Ok(p) => p,
        Err(errors) => return invite_page(&session, &invitation.email, &token, errors),
    };
    accounts::accept_invitation(state.store.as_ref(), &token, password).await?;
    Ok(Redirect::to("/login").into_response())
}

fn reset_page(session: &Session, token: &str, errors: Vec<FieldError>) -> PageResult {
    let mut response = render(&SetPasswordPage {
        chrome: Chrome::new(session, "login"),
        heading: "Choose a new password",
        intro: format!(
            "At least {} characters. Every session of your account will be signed out.",
            accounts::MIN_PASSWORD_CHARS
        ),
        action: format!("/reset/{token}"),
        button: "Set the new password",
        errors: errors.clone(),
    })?;
    if !errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    no_store(response)
}

async fn reset_form(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> PageResult {
    accounts::reset_link_valid(state.store.as_ref(), &token).await?;
    reset_page(&session, &token, Vec::new())
}

async fn reset_post(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    body: Bytes,
) -> PageResult {
    accounts::reset_link_valid(state.store.as_ref(), &token).await?;
    let password = match password_pair(&body) {
        Ok(p) => p,
        Err(errors) => return reset_page(&session, &token, errors),
    };
    accounts::reset_password(state.store.as_ref(), &token, password).await?;
    Ok(Redirect::to("/login").into_response())
}
