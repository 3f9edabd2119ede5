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
        }
    }
}
