//! The embedded backend: one SQLite file in WAL mode with foreign keys and a busy timeout.
//! The SQL itself lives in `sql.rs`, shared with PostgreSQL.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::sql::*;
use super::*;
use crate::domain::ReportTags;
use crate::scrub::counts_by_kind;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool })
    }
}

impl_sql_store!(
    SqliteStore,
    sqlx::Sqlite,
    sqlx::migrate!("migrations/sqlite")
);
