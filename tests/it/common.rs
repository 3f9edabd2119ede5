//! Test harness: a real service on 127.0.0.1 with its own SQLite file or PostgreSQL database,
//! plus helpers to create organisations, users and tokens directly in the store.

use std::sync::Arc;
use std::time::Duration;

use commonplace::auth;
use commonplace::config::Config;
use commonplace::scrub::IdentityProfile;
use commonplace::state::AppState;
use commonplace::store::{Role, Store};

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server to test against, when CI provides one.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh, uniquely named PostgreSQL database for one test (tests run in parallel).
pub async fn fresh_postgres_database() -> String {
    let base = postgres_url().expect("TEST_POSTGRES_URL");
    let name = format!("cp_test_{}", hex_id());
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("connect to TEST_POSTGRES_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').expect("database URL has a path");
    format!("{prefix}/{name}")
}

/// Drops a test database created by `fresh_postgres_database`, from a thread of its own so
/// it can run inside `Drop` (open connections of the finished test are terminated).
pub fn drop_postgres_database(url: &str) {
    let Some(base) = postgres_url() else { return };
    let Some((_, name)) = url.rsplit_once('/') else {
        return;
    };
    if !name.starts_with("cp_test_") {
        return;
    }
    let name = name.to_string();
    let _ = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            if let Ok(admin) = sqlx::PgPool::connect(&base).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&admin)
                    .await;
                admin.close().await;
            }
        });
    })
    .join();
}

fn hex_id() -> String {
    let bytes: [u8; 8] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub database_url: String,
    _dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.database_url.starts_with("postgres") {
            drop_postgres_database(&self.database_url);
        }
    }
}

impl TestApp {
    /// Starts the service, or returns `None` for PostgreSQL when no server is configured.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                if postgres_url().is_none() {
                    eprintln!("TEST_POSTGRES_URL is not set; skipping the PostgreSQL variant");
                    return None;
                }
                Some(fresh_postgres_database().await)
            }
        };
        let mut config = Config::new(dir.path().to_path_buf(), database_url, None);
        // Tests publish at approval; the batch interval has a test of its own.
        config.publish_interval_secs = 0;
        // Every test client is 127.0.0.1: quotas far above what any test sends (the rate-limit
        // test lowers them).
        let generous = commonplace::config::RateLimit {
            per_minute: 1_000_000,
            burst: 100_000,
        };
        config.rate_limits = commonplace::config::RateLimits {
            login: generous,
            submit: generous,
            search: generous,
        };
        adjust(&mut config);
        let database_url = config.database_url.clone();

        let state = AppState::start(config).await.expect("start the service");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let router = commonplace::http::router(state.clone())
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        Some(TestApp {
            base,
            state,
            database_url,
            _dir: dir,
        })
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.state.store.clone()
    }

    /// Submits `body` as the organisation of `org_token` and publishes it at once; the public
    /// report id.
    pub async fn publish(
        &self,
        org_token: &str,
        moderator: &str,
        body: &serde_json::Value,
    ) -> String {
        publish(&client(), &self.base, org_token, moderator, body).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// An organisation and an API token for it.
    pub async fn org_with_token(&self, profile: IdentityProfile) -> (String, String) {
        let org = self.store().create_org(&profile).await.expect("create org");
        let (token, hash) = auth::new_api_token();
        self.store()
            .create_token(&hash, Some(&org.id), None, "test")
            .await
            .expect("token");
        (org.id, token)
    }

    /// A user with a password and an API token.
    pub async fn user(
        &self,
        email: &str,
        password: &str,
        role: Role,
        org_id: Option<&str>,
    ) -> String {
        let hash = auth::hash_password(password.to_string())
            .await
            .expect("hash");
        let user = self
            .store()
            .create_user(email, &hash, role, org_id)
            .await
            .expect("user");
        let (token, hash) = auth::new_api_token();
        self.store()
            .create_token(&hash, user.org_id.as_deref(), Some(&user.id), "test")
            .await
            .expect("token");
        token
    }

    /// The API token of a moderator, `mod@example.org` (password `moderator-password`).
    pub async fn moderator(&self) -> String {
        self.user(
            "mod@example.org",
            "moderator-password",
            Role::Moderator,
            None,
        )
        .await
    }

    /// The API token of an admin, `admin@example.org` (password `admin-password-1`).
    pub async fn admin(&self) -> String {
        self.user("admin@example.org", "admin-password-1", Role::Admin, None)
            .await
    }

    /// Waits until everything published so far is searchable (bounded).
    pub async fn wait_indexed(&self) {
        let head = self.store().outbox_head().await.expect("head");
        self.state.indexer.notify();
        assert!(
            self.state
                .indexer
                .wait_for(head, Duration::from_secs(10))
                .await,
            "index did not catch up with outbox position {head}"
        );
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client")
}

pub fn acme() -> IdentityProfile {
    IdentityProfile {
        name: "Acme Corp".into(),
        aliases: vec!["Acme".into()],
        domains: vec!["acme.example".into()],
        products: vec!["Roadrunner".into()],
        customers: vec![],
        extra_terms: vec![],
    }
}

pub fn fixture_submission() -> serde_json::Value {
    serde_json::from_str(include_str!("../fixtures/submission.json")).expect("fixture")
}

/// The identifiers planted in the fixture; none may reach the public side.
pub const PLANTED: &[&str] = &[
    "oncall@acme.example",
    "10.20.3.41",
    "2001:db8::17",
    "db-primary-02.acme.example",
    "acme.example",
    "Acme Corp",
    "ACME",
    "acme",
    "Acme's",
];

/// Asserts that a public body contains none of the planted identifiers, in any case.
pub fn assert_no_planted(body: &str, what: &str) {
    let lower = body.to_lowercase();
    for planted in PLANTED {
        assert!(
            !lower.contains(&planted.to_lowercase()),
            "{what} leaks `{planted}`:\n{body}"
        );
    }
}

/// The CSRF token embedded in a page's forms.
pub fn csrf_from(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_string()
}

/// Runs one async test body against both backends.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $body($crate::common::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $body($crate::common::Backend::Postgres).await;
            }
        }
    };
}

/// GET `url` with a bearer token.
pub async fn get_with(http: &reqwest::Client, url: String, token: &str) -> reqwest::Response {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("GET request")
}

/// GET `url` with a bearer token and read the body as JSON.
pub async fn get_json(http: &reqwest::Client, url: String, token: &str) -> serde_json::Value {
    get_with(http, url, token)
        .await
        .json()
        .await
        .expect("JSON body")
}

/// Submits `body` as an organisation and publishes it at once; the public report id.
pub async fn publish(
    http: &reqwest::Client,
    base: &str,
    org: &str,
    moderator: &str,
    body: &serde_json::Value,
) -> String {
    let created: serde_json::Value = http
        .post(format!("{base}/api/v1/submissions"))
        .bearer_auth(org)
        .json(body)
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("json");
    let id = created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string();
    let published: serde_json::Value = http
        .post(format!("{base}/api/v1/submissions/{id}/publish"))
        .bearer_auth(moderator)
        .send()
        .await
        .expect("publish")
        .json()
        .await
        .expect("json");
    published["report_id"]
        .as_str()
        .unwrap_or_else(|| panic!("{published}"))
        .to_string()
}
