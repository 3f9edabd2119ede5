//! Commonplace: a neutral place where organisations share postmortems without exposing who
//! they are. Data flows intake → scrub → store → publish → index → search / patterns / digests.

pub mod accounts;
pub mod auth;
pub mod config;
pub mod demo;
pub mod digest;
pub mod domain;
pub mod error;
pub mod http;
pub mod intake;
pub mod patterns;
pub mod publish;
pub mod scrub;
pub mod search;
pub mod state;
pub mod store;
