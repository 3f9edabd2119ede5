//! Abuse resistance at the edge: per-client-IP rate limits (tower_governor) on login, the
//! password forms, submission and search, answered 429 with `Retry-After` (JSON with code
//! `rate_limited` under `/api/`), and a guard that refuses NUL bytes in URLs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::middleware::NoOpMiddleware;
use tower::{Layer, ServiceExt};
use tower_governor::GovernorError;
use tower_governor::GovernorLayer;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::PeerIpKeyExtractor;

use super::error::{ApiError, PageError};
use crate::config::{RateLimit, RateLimits};
use crate::error::AppError;

type IpConfig = GovernorConfig<PeerIpKeyExtractor, NoOpMiddleware>;
type IpLayer = GovernorLayer<PeerIpKeyExtractor, NoOpMiddleware, Body>;

/// One quota, with a JSON answer for the API and an HTML one for pages.
struct Limit {
    config: Arc<IpConfig>,
    api: IpLayer,
    page: IpLayer,
}

fn rate_limited(e: GovernorError) -> AppError {
    match e {
        GovernorError::TooManyRequests { wait_time, .. } => AppError::RateLimited {
            retry_after: wait_time.max(1),
        },
        other => AppError::Internal(format!("rate limiter: {other}")),
    }
}

impl Limit {
    fn new(limit: RateLimit) -> Option<Limit> {
        if limit.per_minute == 0 {
            return None;
        }
        let period = Duration::from_nanos(60_000_000_000 / u64::from(limit.per_minute));
        let config = Arc::new(
            GovernorConfigBuilder::default()
                .period(period.max(Duration::from_nanos(1)))
                .burst_size(limit.burst.max(1))
                .finish()?,
        );
        Some(Limit {
            api: GovernorLayer::new(config.clone())
                .error_handler(|e| ApiError(rate_limited(e)).into_response()),
            page: GovernorLayer::new(config.clone())
                .error_handler(|e| PageError(rate_limited(e)).into_response()),
            config,
        })
    }
}

/// The rate limiters of one router; their state lives as long as it does.
pub struct RateLimiters {
    login: Option<Limit>,
    submit: Option<Limit>,
    search: Option<Limit>,
    checks: AtomicU64,
}

#[derive(Clone, Copy)]
enum Bucket {
    Login,
    Submit,
    Search,
}

/// Which quota a request counts against, if any.
fn bucket(method: &Method, path: &str) -> Option<Bucket> {
    let is_post = method == Method::POST;
    let is_get = method == Method::GET || method == Method::HEAD;
    match path {
        "/login" | "/account/password" if is_post => Some(Bucket::Login),
        p if is_post && (p.starts_with("/invite/") || p.starts_with("/reset/")) => {
            Some(Bucket::Login)
        }
        "/api/v1/submissions" | "/submit" if is_post => Some(Bucket::Submit),
        "/search" | "/api/v1/search" if is_get => Some(Bucket::Search),
        _ => None,
    }
}

impl RateLimiters {
    pub fn new(limits: &RateLimits) -> Arc<RateLimiters> {
        Arc::new(RateLimiters {
            login: Limit::new(limits.login),
            submit: Limit::new(limits.submit),
            search: Limit::new(limits.search),
            checks: AtomicU64::new(0),
        })
    }

    fn limit(&self, bucket: Bucket) -> Option<&Limit> {
        match bucket {
            Bucket::Login => self.login.as_ref(),
            Bucket::Submit => self.submit.as_ref(),
            Bucket::Search => self.search.as_ref(),
        }
    }

    /// Forgets idle clients now and then so the per-IP state stays bounded.
    fn housekeeping(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            for limit in [&self.login, &self.submit, &self.search]
                .into_iter()
                .flatten()
            {
                limit.config.limiter().retain_recent();
                limit.config.limiter().shrink_to_fit();
            }
        }
    }
}

/// Middleware: counts limited requests per client IP (`ConnectInfo<SocketAddr>`; serve with
/// `into_make_service_with_connect_info`) and answers 429 once a quota is spent.
pub async fn rate_limit(
    State(limiters): State<Arc<RateLimiters>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(limit) =
        bucket(request.method(), request.uri().path()).and_then(|b| limiters.limit(b))
    else {
        return next.run(request).await;
    };
    if request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_none()
    {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            tracing::warn!("no client address on requests: rate limits are off");
        });
        return next.run(request).await;
    }
    limiters.housekeeping();
    let layer = if request.uri().path().starts_with("/api/") {
        &limit.api
    } else {
        &limit.page
    };
    match layer.layer(next).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Middleware: a NUL byte has no business in a URL (and PostgreSQL refuses it in text), so a
/// path or query carrying `%00` is a bad request before any handler sees it.
pub async fn reject_nul(request: Request, next: Next) -> Response {
    let has_nul = |s: &str| {
        s.as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"%00"))
    };
    let uri = request.uri();
    if has_nul(uri.path()) || uri.query().is_some_and(has_nul) {
        let e = AppError::BadRequest("the address contains a NUL byte".into());
        return if uri.path().starts_with("/api/") {
            ApiError(e).into_response()
        } else {
            PageError(e).into_response()
        };
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_routes_are_limited() {
        assert!(matches!(
            bucket(&Method::POST, "/login"),
            Some(Bucket::Login)
        ));
        assert!(bucket(&Method::GET, "/login").is_none());
        assert!(matches!(
            bucket(&Method::POST, "/reset/abc"),
            Some(Bucket::Login)
        ));
        assert!(matches!(
            bucket(&Method::POST, "/api/v1/submissions"),
            Some(Bucket::Submit)
        ));
        assert!(bucket(&Method::GET, "/api/v1/submissions").is_none());
        assert!(matches!(
            bucket(&Method::GET, "/api/v1/search"),
            Some(Bucket::Search)
        ));
        assert!(bucket(&Method::GET, "/reports/x").is_none());
    }
}
