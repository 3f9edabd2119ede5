//! Accounts: admin-issued invitations, password change and reset links, and scoped API
//! tokens. One-time link tokens are random, shown once and stored only as SHA-256 hashes.
//! The HTTP handlers and the CLI call these; they hold no logic of their own.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth;
use crate::domain::FieldError;
use crate::error::{AppError, AppResult};
use crate::store::{
    Invitation, NewToken, Principal, Role, Scope, Store, StoreError, TokenInfo, TokenOwner, User,
    now,
};

/// How long an invitation link stays valid.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;
/// How long a password reset link stays valid.
pub const RESET_SECONDS: i64 = 3600;
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longer passwords are refused rather than hashed (bounded work per request).
pub const MAX_PASSWORD_CHARS: usize = 1024;
const MAX_TOKEN_DAYS: u32 = 3650;

/// A one-time link, shown once.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct IssuedLink {
    pub link: String,
    /// Unix seconds.
    pub expires_at: i64,
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, message.into())])
}

/// The password policy: 12 to 1024 characters.
pub fn check_new_password(field: &str, password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(invalid(
            field,
            format!("use at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(invalid(
            field,
            format!("use at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

fn check_email(email: &str) -> AppResult<String> {
    let email = email.trim().to_lowercase();
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if ok {
        Ok(email)
    } else {
        Err(invalid("email", "not an email address"))
    }
}

fn link(base_url: &str, kind: &str, token: &str) -> String {
    format!("{}/{kind}/{token}", base_url.trim_end_matches('/'))
}

/// Creates an invitation and returns its one-time link (`/invite/{token}`, valid 7 days).
/// A submitter belongs to an organisation, named by `org_name`.
pub async fn invite(
    store: &dyn Store,
    base_url: &str,
    email: &str,
    role: Role,
    org_name: Option<&str>,
    created_by: &str,
) -> AppResult<IssuedLink> {
    let email = check_email(email)?;
    let org_name = org_name.map(str::trim).filter(|n| !n.is_empty());
    let org_id = match (org_name, role) {
        (Some(name), _) => Some(
            store
                .org_by_name(name)
                .await?
                .ok_or_else(|| invalid("org", format!("no organisation named `{name}`")))?
                .id,
        ),
        (None, Role::Submitter) => {
            return Err(invalid("org", "a submitter belongs to an organisation"));
        }
        (None, _) => None,
    };
    if store.user_by_email(&email).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "a user with email `{email}` exists"
        )));
    }
    let token = auth::random_token(32);
    let expires_at = now() + INVITATION_SECONDS;
    store
        .create_invitation(
            &auth::hash_secret(&token),
            &Invitation {
                email,
                role,
                org_id,
                created_by: created_by.to_string(),
                expires_at,
            },
        )
        .await?;
    Ok(IssuedLink {
        link: link(base_url, "invite", &token),
        expires_at,
    })
}

/// The invitation behind a link, if it is still usable.
pub async fn invitation(store: &dyn Store, token: &str) -> AppResult<Invitation> {
    store
        .invitation(&auth::hash_secret(token), now())
        .await?
        .ok_or(AppError::InvalidLink)
}

/// Uses an invitation: creates the user with the chosen password. Works once.
pub async fn accept_invitation(
    store: &dyn Store,
    token: &str,
    password: String,
) -> AppResult<User> {
    check_new_password("password", &password)?;
    // Fail early (and cheaply) on a dead link; the transaction below checks again.
    invitation(store, token).await?;
    let hash = auth::hash_password(password).await?;
    store
        .accept_invitation(&auth::hash_secret(token), &hash, now())
        .await
        .map_err(link_error)
}

fn link_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => AppError::InvalidLink,
        other => other.into(),
    }
}

/// Issues a password reset link (`/reset/{token}`, valid 1 hour). An unknown email gets a link
/// of the same shape that leads nowhere, so the answer does not reveal who has an account.
pub async fn issue_reset(store: &dyn Store, base_url: &str, email: &str) -> AppResult<IssuedLink> {
    let token = auth::random_token(32);
    let expires_at = now() + RESET_SECONDS;
    let known = if email.contains('\0') {
        None
    } else {
        store.user_by_email(email).await?
    };
    if let Some((user, _)) = known {
        store
            .create_password_reset(&auth::hash_secret(&token), &user.id, expires_at)
            .await?;
    }
    Ok(IssuedLink {
        link: link(base_url, "reset", &token),
        expires_at,
    })
}

/// Whether a reset link is still usable.
pub async fn reset_link_valid(store: &dyn Store, token: &str) -> AppResult<()> {
    if store
        .password_reset_valid(&auth::hash_secret(token), now())
        .await?
    {
        Ok(())
    } else {
        Err(AppError::InvalidLink)
    }
}

/// Uses a reset link: sets the new password and signs the user out everywhere. Works once.
pub async fn reset_password(store: &dyn Store, token: &str, password: String) -> AppResult<User> {
    check_new_password("password", &password)?;
    reset_link_valid(store, token).await?;
    let hash = auth::hash_password(password).await?;
    store
        .use_password_reset(&auth::hash_secret(token), &hash, now())
        .await
        .map_err(link_error)
}

/// Changes a signed-in user's password after checking the current one, and ends every other
/// session of theirs (`keep_session` is the current session's id hash).
pub async fn change_password(
    store: &dyn Store,
    user: &User,
    current: String,
    new: String,
    keep_session: Option<&str>,
) -> AppResult<()> {
    let hash = store.user_by_email(&user.email).await?.map(|(_, h)| h);
    if !auth::verify_password(current, hash).await? {
        return Err(invalid("current_password", "the current password is wrong"));
    }
    check_new_password("new_password", &new)?;
    let hash = auth::hash_password(new).await?;
    store.set_password(&user.id, &hash).await?;
    store.delete_user_sessions(&user.id, keep_session).await?;
    Ok(())
}

/// A request for a new API token.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    /// What the token is for, e.g. `CI pipeline`.
    pub label: String,
    /// `submit`, `read-own` (organisation tokens) or `moderate`; a caller can only hand on
    /// scopes it holds itself.
    pub scopes: Vec<String>,
    /// Days until the token stops working (1–3650); none: until revoked.
    pub expires_in_days: Option<u32>,
}

/// Who a caller acts for, as far as tokens go.
pub struct TokenHolder<'a> {
    pub org_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    /// The scopes the caller holds (and may hand on).
    pub scopes: &'a [Scope],
}

impl TokenHolder<'_> {
    pub fn from_principal(p: &Principal) -> TokenHolder<'_> {
        TokenHolder {
            org_id: p.org_id.as_deref(),
            user_id: p.user.as_ref().map(|u| u.id.as_str()),
            scopes: &p.scopes,
        }
    }

    /// An organisation's members manage the organisation's tokens; others their own.
    pub fn owner(&self) -> AppResult<TokenOwner> {
        match (self.org_id, self.user_id) {
            (Some(org), _) => Ok(TokenOwner::Org(org.to_string())),
            (None, Some(user)) => Ok(TokenOwner::User(user.to_string())),
            (None, None) => Err(AppError::Forbidden),
        }
    }
}

pub async fn list_tokens(store: &dyn Store, holder: &TokenHolder<'_>) -> AppResult<Vec<TokenInfo>> {
    Ok(store.tokens_of(&holder.owner()?).await?)
}

/// Creates a token; returns its plain value (shown once) and its listing.
pub async fn create_token(
    store: &dyn Store,
    holder: &TokenHolder<'_>,
    request: NewTokenRequest,
) -> AppResult<(String, TokenInfo)> {
    holder.owner()?;
    let mut errors = Vec::new();
    let label = request.label.trim().to_string();
    if label.is_empty() || label.chars().count() > 100 || label.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "label",
            "give the token a label of 1 to 100 characters".to_string(),
        ));
    }
    let mut scopes = Vec::new();
    for (i, name) in request.scopes.iter().enumerate() {
        match Scope::parse(name.trim()) {
            Some(scope) if !scopes.contains(&scope) => scopes.push(scope),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("scopes[{i}]"),
                "unknown scope; use submit, read-own or moderate".to_string(),
            )),
        }
    }
    if request.scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            "name at least one scope".to_string(),
        ));
    }
    if let Some(days) = request
        .expires_in_days
        .filter(|d| !(1..=MAX_TOKEN_DAYS).contains(d))
    {
        errors.push(FieldError::new(
            "expires_in_days",
            format!("between 1 and {MAX_TOKEN_DAYS}, not {days}"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if let Some(missing) = scopes.iter().find(|s| !holder.scopes.contains(s)) {
        return Err(AppError::InsufficientScope(missing.as_str()));
    }
    let (plain, hash) = auth::new_api_token();
    let info = store
        .create_scoped_token(&NewToken {
            token_hash: hash,
            org_id: holder.org_id.map(str::to_string),
            user_id: holder.user_id.map(str::to_string),
            label,
            scopes,
            expires_at: request
                .expires_in_days
                .map(|d| now() + i64::from(d) * 24 * 3600),
        })
        .await?;
    Ok((plain, info))
}

/// Revokes one of the holder's tokens; anyone else's is `NotFound`.
pub async fn revoke_token(store: &dyn Store, holder: &TokenHolder<'_>, id: &str) -> AppResult<()> {
    Ok(store.revoke_token(id, &holder.owner()?, now()).await?)
}
