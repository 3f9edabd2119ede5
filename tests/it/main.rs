//! One integration test binary: the real router over real HTTP, against SQLite always and
//! PostgreSQL when `TEST_POSTGRES_URL` is set.

mod access;
mod api;
mod cli;
mod common;
mod digest;
mod flow;
mod markdown;
mod scrub;
mod search;
mod security;
mod store;
mod web;
mod workflow;
