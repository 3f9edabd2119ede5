//! Runtime configuration: where the database and index live, how the server listens,
//! and the privacy knobs. Defaults run everything embedded under `./data`.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (default, under the data dir) or `postgres://…`.
    pub database_url: String,
    /// Directory of the search index.
    pub index_dir: PathBuf,
    pub listen: SocketAddr,
    /// Base URL used in links inside downloads and feeds.
    pub public_url: String,
    /// Minimum number of distinct organisations behind any aggregate cell.
    pub k_anonymity: i64,
    /// Mark session cookies `Secure` (set when served over TLS).
    pub secure_cookies: bool,
    /// Approved reports are published together every this many seconds, so publication
    /// time does not reveal submission time. 0 publishes at approval (tests, small setups).
    pub publish_interval_secs: u64,
    /// Per-client-IP request quotas on login, submission and search.
    pub rate_limits: RateLimits,
    /// Requests taking longer are answered 408.
    pub request_timeout_secs: u64,
}

/// One quota: `per_minute` requests a minute on average, up to `burst` at once.
/// `per_minute = 0` turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// The rate-limited routes, keyed by client IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `POST /login` and the password forms (`/account/password`, `/invite/…`, `/reset/…`).
    pub login: RateLimit,
    /// `POST /api/v1/submissions` and `POST /submit`.
    pub submit: RateLimit,
    /// `GET /search` and `GET /api/v1/search`.
    pub search: RateLimit,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            login: RateLimit {
                per_minute: 10,
                burst: 5,
            },
            submit: RateLimit {
                per_minute: 30,
                burst: 10,
            },
            search: RateLimit {
                per_minute: 600,
                burst: 100,
            },
        }
    }
}

impl Config {
    pub fn new(
        data_dir: PathBuf,
        database_url: Option<String>,
        index_dir: Option<PathBuf>,
    ) -> Config {
        let database_url = database_url
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("commonplace.db").display()));
        Config {
            database_url,
            index_dir: index_dir.unwrap_or_else(|| data_dir.join("index")),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://127.0.0.1:8080".to_string(),
            k_anonymity: 5,
            secure_cookies: false,
            publish_interval_secs: 24 * 60 * 60,
            rate_limits: RateLimits::default(),
            request_timeout_secs: 30,
        }
    }
}
