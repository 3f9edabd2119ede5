//! Full-text search over published reports: the tantivy schema, the single indexer task that
//! follows the outbox, and queries with taxonomy-aware boosting, filters, facets and snippets.

pub mod bench;
mod collect;
pub mod eval;
mod indexer;
mod query;
mod rank;
mod tokens;
mod understand;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use lru::LruCache;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, ReloadPolicy};

pub use indexer::{Indexer, IndexerHandle, index_reports};
pub use query::{FacetCount, Hit, SearchQuery, SearchResults, SortOrder, period_key};

/// Bump when the schema or the way documents are built changes: the index is rebuilt on start.
pub const INDEX_SCHEMA_VERSION: u32 = 7;
const VERSION_FILE: &str = "commonplace-schema-version";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory error: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("search is overloaded, try again")]
    Busy,
    #[error("search task failed: {0}")]
    Task(String),
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    /// Title, summary and body together, for matching: one posting list per word instead
    /// of a union over three fields; the per-field ones add their weights when present.
    pub text: Field,
    pub tech: Field,
    pub factor: Field,
    /// Tag tokens (`tech:mysql`, `category:database`, `factor:…`, and `tech1:…` etc. for the
    /// first, main, tag), each once per report and without norms, so a tag boost is a plain
    /// term scorer with one score on every carrier (see `query::tag_points`).
    pub concepts: Field,
    /// The first technology and factor of a report: what it is mainly about.
    pub tech_primary: Field,
    pub factor_primary: Field,
    pub severity: Field,
    pub kind: Field,
    pub period: Field,
    pub position: Field,
    pub meta: Field,
    /// Dense taxonomy ordinals as fast fields, for facet counting without term lookups.
    pub tech_ord: Field,
    pub factor_ord: Field,
    pub severity_ord: Field,
    pub kind_ord: Field,
    /// `year * 10 + quarter`, for period ranges.
    pub period_key: Field,
    /// Severity, kind, up to three technologies and factors packed in one dense column
    /// (see `collect::pack`): facet counting reads one value per document.
    pub facet_pack: Field,
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextFieldIndexing::default()
        .set_tokenizer(tokens::ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text_stored = TextOptions::default()
        .set_indexing_options(stemmed.clone())
        .set_stored();
    // Phrase proximity looks at title and summary only: the long fields need no positions.
    let frequencies = TextFieldIndexing::default()
        .set_tokenizer(tokens::ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqs);
    let body_stored = TextOptions::default()
        .set_indexing_options(frequencies)
        .set_stored();
    let matching = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokens::ANALYZER)
            .set_index_option(IndexRecordOption::Basic),
    );
    let tags = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text_stored.clone()),
        summary: b.add_text_field("summary", text_stored.clone()),
        body: b.add_text_field("body", body_stored),
        text: b.add_text_field("text", matching),
        tech: b.add_facet_field("tech", FacetOptions::default()),
        factor: b.add_facet_field("factor", FacetOptions::default()),
        concepts: b.add_text_field("concepts", tags),
        tech_primary: b.add_facet_field("tech_primary", FacetOptions::default()),
        factor_primary: b.add_facet_field("factor_primary", FacetOptions::default()),
        severity: b.add_text_field("severity", STRING),
        kind: b.add_text_field("kind", STRING),
        period: b.add_text_field("period", STRING),
        position: b.add_i64_field("position", INDEXED | FAST),
        meta: b.add_text_field("meta", STORED),
        tech_ord: b.add_u64_field("tech_ord", FAST),
        factor_ord: b.add_u64_field("factor_ord", FAST),
        severity_ord: b.add_u64_field("severity_ord", FAST),
        kind_ord: b.add_u64_field("kind_ord", FAST),
        period_key: b.add_i64_field("period_key", INDEXED | FAST),
        facet_pack: b.add_u64_field("facet_pack", FAST),
    };
    (b.build(), fields)
}

/// The index on disk plus a reader; shared by the indexer task and every search.
#[derive(Clone)]
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
    /// Bounds the number of searches running or waiting on the blocking pool.
    permits: Arc<tokio::sync::Semaphore>,
    /// The outbox position visible to the current reader; the pagination snapshot.
    visible: Arc<AtomicI64>,
    /// Recent results by query, each tagged with the reader generation it was computed on.
    /// The index changes only when the indexer commits (publication batches, retractions),
    /// so repeated searches (popular queries, paging back) skip the work; a reload makes
    /// every entry stale at once, so a retracted report never comes back from here.
    results: Arc<Mutex<Option<ResultCache>>>,
    /// Per segment, the documents carrying each facet value and those of dense units (see
    /// `collect::SegmentSets`).
    sets: Arc<collect::SegmentSets>,
}

/// Results by request key, each with the reader generation it was computed on.
type ResultCache = LruCache<String, (u64, SearchResults)>;

/// How many distinct searches the result cache keeps by default.
pub const RESULT_CACHE_ENTRIES: usize = 1024;

impl SearchIndex {
    /// Opens the index in `dir`, creating it (or rebuilding it from scratch when its schema
    /// version is stale) as needed. A fresh index has no payload, so the indexer replays the
    /// whole outbox.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir)?;
        let version_path = dir.join(VERSION_FILE);
        let current = std::fs::read_to_string(&version_path).ok();
        if current.as_deref().map(str::trim) != Some(&INDEX_SCHEMA_VERSION.to_string()) {
            if current.is_some() {
                tracing::info!("search index schema changed; rebuilding from the database");
            }
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    std::fs::remove_dir_all(&path)?;
                } else {
                    std::fs::remove_file(&path)?;
                }
            }
        }
        let (schema, fields) = build_schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let mut index = Index::open_or_create(directory, schema)?;
        index
            .tokenizers()
            .register(tokens::ANALYZER, tokens::analyzer());
        // Segments of one search are collected in parallel.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        index.set_multithread_executor(threads.clamp(1, 4))?;
        std::fs::write(&version_path, INDEX_SCHEMA_VERSION.to_string())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let mut this = SearchIndex {
            index,
            reader,
            fields,
            dir: dir.to_path_buf(),
            permits: Arc::new(tokio::sync::Semaphore::new(64)),
            visible: Arc::new(AtomicI64::new(0)),
            results: Arc::new(Mutex::new(None)),
            sets: Arc::default(),
        };
        this.set_result_cache(RESULT_CACHE_ENTRIES);
        this.visible = Arc::new(AtomicI64::new(this.committed_seq()?));
        Ok(this)
    }

    /// Reloads the reader after a commit and records the position it now shows.
    pub(crate) fn reload(&self, seq: i64) -> Result<(), SearchError> {
        self.reader.reload()?;
        self.visible.store(seq, Ordering::Release);
        let live: Vec<_> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        self.sets.retain(&live);
        if let Some(cache) = self.result_cache().as_mut() {
            cache.clear();
        }
        Ok(())
    }

    /// Lets the document sets of dense query units use up to `bytes` of memory (0 turns
    /// that cache off, as benchmarks of the cold path do; see `collect::UnitBitsCache`).
    pub fn set_unit_cache(&self, bytes: usize) {
        self.sets.units.set_budget(bytes);
    }

    /// Keeps up to `entries` recent results (0 turns the cache off, as benchmarks of the
    /// uncached path do).
    pub fn set_result_cache(&self, entries: usize) {
        *self.result_cache() = NonZeroUsize::new(entries).map(LruCache::new);
    }

    fn result_cache(&self) -> MutexGuard<'_, Option<ResultCache>> {
        // A panic while holding the lock leaves at worst a map whose entries are checked
        // against the reader generation anyway.
        self.results.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The outbox position searches currently see; pass it back as `snapshot` so later pages
    /// exclude reports published after the first page.
    pub fn visible_seq(&self) -> i64 {
        self.visible.load(Ordering::Acquire)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The outbox position the index has committed up to.
    pub fn committed_seq(&self) -> Result<i64, SearchError> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0))
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Reports similar to `report_id` (shared tags and distinctive terms), excluding itself.
    pub async fn similar(&self, report_id: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let permit = self
            .permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| SearchError::Busy)?;
        let this = self.clone();
        let id = report_id.to_string();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            query::similar(&this, &id, limit)
        })
        .await
        .map_err(|e| SearchError::Task(e.to_string()))?
    }

    /// Runs a search on the calling thread (benchmarks, evaluation).
    pub fn search_blocking(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        query::run(self, query)
    }

    /// Runs a search on the blocking pool; `Busy` when too many are already queued.
    pub async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError> {
        let permit = self
            .permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| SearchError::Busy)?;
        // The Debug form names every field of the request, so it is a complete key.
        let key = format!("{query:?}");
        let generation = self.reader.searcher().generation().generation_id();
        if let Some(cache) = self.result_cache().as_mut()
            && let Some((g, found)) = cache.get(&key)
            && *g == generation
        {
            return Ok(found.clone());
        }
        let this = self.clone();
        let (computed_on, results) = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            // Read before the query takes its own searcher: an entry is never tagged with a
            // newer generation than the one it was computed on, only an older one that no
            // lookup matches any more.
            let generation = this.reader.searcher().generation().generation_id();
            query::run(&this, &query).map(|r| (generation, r))
        })
        .await
        .map_err(|e| SearchError::Task(e.to_string()))??;
        if let Some(cache) = self.result_cache().as_mut() {
            cache.put(key, (computed_on, results.clone()));
        }
        Ok(results)
    }
}
