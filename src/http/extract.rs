//! Request extractors: the API caller (Bearer token) and the page user (session cookie).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::auth::{SESSION_COOKIE, hash_secret};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{Actor, Principal, Role, Scope, User, now};

/// The caller of an API endpoint, identified by `Authorization: Bearer <token>`.
pub struct ApiCaller(pub Principal);

impl ApiCaller {
    /// The organisation a submitter token acts for.
    pub fn org_id(&self) -> Result<&str, AppError> {
        self.0.org_id.as_deref().ok_or(AppError::Forbidden)
    }

    /// The organisation, for a token that holds `scope` (`submit` to submit and withdraw,
    /// `read-own` to read the organisation's submissions).
    pub fn org_with_scope(&self, scope: Scope) -> Result<&str, AppError> {
        let org = self.org_id()?;
        self.require_scope(scope)?;
        Ok(org)
    }

    pub fn require_scope(&self, scope: Scope) -> Result<(), AppError> {
        if self.0.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(AppError::InsufficientScope(scope.as_str()))
        }
    }

    /// A moderator's or admin's token with the `moderate` scope.
    pub fn can_moderate(&self) -> bool {
        self.0.role.can_moderate() && self.0.scopes.contains(&Scope::Moderate)
    }

    pub fn require_moderator(&self) -> Result<(), AppError> {
        if !self.0.role.can_moderate() {
            return Err(AppError::Forbidden);
        }
        self.require_scope(Scope::Moderate)
    }

    /// An admin's token (invitations, reset links).
    pub fn require_admin(&self) -> Result<&User, AppError> {
        match &self.0.user {
            Some(user) if user.role == Role::Admin => {
                self.require_scope(Scope::Moderate)?;
                Ok(user)
            }
            _ => Err(AppError::Forbidden),
        }
    }

    /// Who this caller is in the audit log.
    pub fn actor(&self) -> Actor {
        match &self.0.user {
            Some(user) => user_actor(user),
            None => Actor {
                id: format!("org:{}", self.0.org_id.as_deref().unwrap_or("?")),
                role: self.0.role.as_str().to_string(),
            },
        }
    }
}

/// A signed-in user as an audit-log actor.
pub fn user_actor(user: &User) -> Actor {
    Actor {
        id: user.id.clone(),
        role: user.role.as_str().to_string(),
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = super::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::Unauthenticated)?;
        let principal = state
            .store
            .principal_for_token(&hash_secret(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        Ok(ApiCaller(principal))
    }
}

/// The signed-in user of a page, if any, with the session's CSRF token.
pub struct Session {
    pub user: Option<User>,
    pub csrf: String,
    pub id_hash: Option<String>,
}

impl Session {
    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    pub fn require_moderator(&self) -> Result<&User, AppError> {
        let user = self.require_user()?;
        if user.role.can_moderate() {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// A submitter's organisation.
    pub fn require_org(&self) -> Result<&str, AppError> {
        let user = self.require_user()?;
        match (&user.org_id, user.role) {
            (Some(org), Role::Submitter) => Ok(org),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if self.user.is_some() && crate::auth::tokens_match(&self.csrf, submitted) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Session {
    type Rejection = super::PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(id) = cookie_value(parts, SESSION_COOKIE) else {
            return Ok(Session {
                user: None,
                csrf: String::new(),
                id_hash: None,
            });
        };
        let id_hash = hash_secret(id);
        match state.store.session(&id_hash, now()).await? {
            Some((user, csrf)) => Ok(Session {
                user: Some(user),
                csrf,
                id_hash: Some(id_hash),
            }),
            None => Ok(Session {
                user: None,
                csrf: String::new(),
                id_hash: None,
            }),
        }
    }
}
