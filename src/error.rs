//! The one error type the service's stages return, and its stable API codes.
//! The HTTP edge maps it to JSON (`{error:{code,message,fields}}`) or an HTML page.

use crate::domain::FieldError;
use crate::search::SearchError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request is invalid")]
    Invalid(Vec<FieldError>),
    /// Query-string parameters of a read (search, patterns) that do not parse.
    #[error("the query is invalid")]
    InvalidQuery(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Markdown(#[from] crate::intake::markdown::MarkdownError),
    #[error("authentication required")]
    Unauthenticated,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("the form has expired or did not come from this site; reload the page and try again")]
    Csrf,
    #[error("too many requests, slow down")]
    Busy,
    #[error("too many requests; try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    #[error("this token lacks the `{0}` scope")]
    InsufficientScope(&'static str),
    #[error("this link is invalid, has already been used or has expired")]
    InvalidLink,
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Search(SearchError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The stable machine-readable code clients can rely on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid_submission",
            AppError::InvalidQuery(_) => "invalid_query",
            AppError::BadRequest(_) => "bad_request",
            AppError::Markdown(_) => "invalid_markdown",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Csrf => "csrf_failed",
            AppError::Busy => "busy",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::InsufficientScope(_) => "insufficient_scope",
            AppError::InvalidLink => "invalid_link",
            AppError::Store(_) | AppError::Search(_) | AppError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Store(other),
        }
    }
}

impl From<SearchError> for AppError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Busy => AppError::Busy,
            other => AppError::Search(other),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
