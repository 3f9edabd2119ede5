//! The HTTP edge: the router, security headers, extractors and the error mapping.
//! `api/` serves JSON (and the OpenAPI document); `pages/` serves server-rendered HTML.

mod api;
mod error;
mod extract;
mod guard;
mod pages;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::state::AppState;

pub use api::openapi_document;
pub use error::{ApiError, PageError};

/// Largest request body accepted (a long postmortem with room to spare).
const MAX_BODY: usize = 2 * 1024 * 1024;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

pub fn router(state: AppState) -> Router {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let limiters = guard::RateLimiters::new(&state.config.rate_limits);
    let timeout = Duration::from_secs(state.config.request_timeout_secs.max(1));
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .layer(middleware::from_fn_with_state(limiters, guard::rate_limit))
        .layer(middleware::from_fn(guard::reject_nul))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(set(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .with_state(state)
}
