//! Shared application state: configuration, the store, the scrubber, the search index and
//! the indexer handle. Built once at start-up and cloned into every handler.

use std::sync::Arc;

use crate::config::Config;
use crate::patterns::PatternCache;
use crate::scrub::Scrubber;
use crate::search::{Indexer, IndexerHandle, SearchIndex};
use crate::store::{self, Store};

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub scrubber: Arc<Scrubber>,
    pub index: SearchIndex,
    pub indexer: IndexerHandle,
    pub patterns: Arc<PatternCache>,
}

impl AppState {
    /// Connects and migrates the database, opens the index and starts the indexer task.
    pub async fn start(config: Config) -> anyhow::Result<AppState> {
        let store = store::connect(&config.database_url).await?;
        store.migrate().await?;
        let index = SearchIndex::open(&config.index_dir)?;
        let indexer = Indexer::new(index.clone(), store.clone())?.spawn()?;
        Ok(AppState {
            config: Arc::new(config),
            store,
            scrubber: Scrubber::bundled()?,
            index,
            indexer,
            patterns: Arc::default(),
        })
    }
}
