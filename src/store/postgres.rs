//! The production backend: PostgreSQL through a connection pool.
//! The SQL itself lives in `sql.rs`, shared with SQLite.

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::sql::*;
use super::*;
use crate::domain::ReportTags;
use crate::scrub::counts_by_kind;

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        Ok(PostgresStore { pool })
    }
}

impl_sql_store!(
    PostgresStore,
    sqlx::Postgres,
    sqlx::migrate!("migrations/postgres")
);
