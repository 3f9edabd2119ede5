//! The one task that owns the `IndexWriter`: it follows the outbox, applies changes in
//! batches and commits with the outbox position as payload, so a restart resumes exactly.

use std::sync::Arc;
use std::time::Duration;

use tantivy::schema::Facet;
use tantivy::{IndexWriter, TantivyDocument, Term};
use tokio::sync::{Notify, watch};

use super::{Fields, SearchError, SearchIndex};
use crate::domain::{PublicReport, ReportTags, Taxonomy, enum_str};
use crate::store::{OutboxOp, Store};

const BATCH: i64 = 1_000;
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// How often the indexer looks at the outbox when nobody told it something was published
/// (another replica, or the `import` command, may have written to the database).
const POLL: Duration = Duration::from_millis(500);

/// Handle to the running indexer: wake it after a publish, watch how far it has got.
#[derive(Clone)]
pub struct IndexerHandle {
    wake: Arc<Notify>,
    indexed: watch::Receiver<i64>,
}

impl IndexerHandle {
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// The outbox position visible to searches.
    pub fn indexed_seq(&self) -> i64 {
        *self.indexed.borrow()
    }

    /// Waits until everything up to `seq` is searchable, or the timeout passes.
    pub async fn wait_for(&self, seq: i64, timeout: Duration) -> bool {
        let mut rx = self.indexed.clone();
        tokio::time::timeout(timeout, rx.wait_for(|&s| s >= seq))
            .await
            .is_ok_and(|r| r.is_ok())
    }
}

pub struct Indexer {
    index: SearchIndex,
    writer: Arc<std::sync::Mutex<IndexWriter>>,
    store: Arc<dyn Store>,
}

impl Indexer {
    pub fn new(index: SearchIndex, store: Arc<dyn Store>) -> Result<Indexer, SearchError> {
        let writer = index.index.writer(WRITER_MEMORY)?;
        Ok(Indexer {
            index,
            writer: Arc::new(std::sync::Mutex::new(writer)),
            store,
        })
    }

    /// Starts following the outbox in the background.
    pub fn spawn(self) -> Result<IndexerHandle, SearchError> {
        let wake = Arc::new(Notify::new());
        let (tx, rx) = watch::channel(self.index.committed_seq()?);
        let handle = IndexerHandle {
            wake: wake.clone(),
            indexed: rx,
        };
        tokio::spawn(async move {
            loop {
                match self.catch_up(|_, _| {}).await {
                    Ok(seq) => {
                        tx.send_replace(seq);
                    }
                    Err(e) => tracing::error!(error = %e, "indexer failed; retrying"),
                }
                let _ = tokio::time::timeout(POLL, wake.notified()).await;
            }
        });
        Ok(handle)
    }

    /// Applies every outbox entry after the committed position; returns the new position.
    /// `progress` is told (done, total) after each batch.
    pub async fn catch_up(&self, mut progress: impl FnMut(i64, i64)) -> Result<i64, anyhow::Error> {
        let mut seq = self.index.committed_seq()?;
        let head = self.store.outbox_head().await?;
        loop {
            let batch = self.store.outbox_after(seq, BATCH).await?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                return Ok(seq);
            };
            let writer = self.writer.clone();
            let fields = self.index.fields;
            tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
                let mut writer = writer
                    .lock()
                    .map_err(|_| SearchError::Task("writer lock poisoned".into()))?;
                // Every entry first removes the report's document, so replaying an entry (after
                // a crash between commit and restart) never duplicates it. A `delete` entry, or
                // an `upsert` whose report row is gone, leaves the report out of the index.
                for entry in &batch {
                    writer.delete_term(Term::from_field_text(fields.id, &entry.report_id));
                    if let (OutboxOp::Upsert, Some(report)) = (entry.op, &entry.report) {
                        writer.add_document(document(&fields, report, entry.seq))?;
                    }
                }
                let mut prepared = writer.prepare_commit()?;
                prepared.set_payload(&last.to_string());
                prepared.commit()?;
                Ok(())
            })
            .await??;
            self.index.reload(last)?;
            seq = last;
            progress(seq, head.max(seq));
        }
    }

    /// Empties the index and its payload so the next catch-up rebuilds it from the outbox.
    pub async fn clear(&self) -> Result<(), anyhow::Error> {
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
            let mut writer = writer
                .lock()
                .map_err(|_| SearchError::Task("writer lock poisoned".into()))?;
            writer.delete_all_documents()?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload("0");
            prepared.commit()?;
            Ok(())
        })
        .await??;
        self.index.reload(0)?;
        Ok(())
    }
}

/// Indexes reports directly, without a database: the documents are built exactly as the
/// indexer builds them, positions are 1, 2, … in iteration order. One commit at the end.
/// Used by `eval-search` and the benchmarks; returns the number of documents written.
pub fn index_reports(
    index: &SearchIndex,
    reports: impl IntoIterator<Item = PublicReport>,
    memory_bytes: usize,
) -> Result<u64, SearchError> {
    index_reports_after(index, reports, memory_bytes, 0)
}

/// As `index_reports`, with positions continuing after `last_position`.
pub(crate) fn index_reports_after(
    index: &SearchIndex,
    reports: impl IntoIterator<Item = PublicReport>,
    memory_bytes: usize,
    last_position: i64,
) -> Result<u64, SearchError> {
    let fields = index.fields;
    let mut writer: IndexWriter = index.index.writer(memory_bytes.max(WRITER_MEMORY))?;
    let mut n = last_position;
    for report in reports {
        n += 1;
        writer.add_document(document(&fields, &report, n))?;
    }
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&n.to_string());
    prepared.commit()?;
    writer.wait_merging_threads()?;
    index.reload(n)?;
    Ok((n - last_position) as u64)
}

/// A report's tag tokens, each once: its technologies, their categories and its factors,
/// and the same with a `1` for the first (main) one of each.
fn concept_tokens(report: &PublicReport) -> std::collections::BTreeSet<String> {
    let taxonomy = Taxonomy::bundled();
    let c = &report.content;
    let mut tokens = std::collections::BTreeSet::new();
    for (i, id) in c.technology_ids().into_iter().enumerate() {
        if let Some(t) = taxonomy.technology(id) {
            for main in [false, i == 0] {
                tokens.insert(super::query::concept_token("tech", main, &t.id));
                tokens.insert(super::query::concept_token("category", main, &t.category));
            }
        }
    }
    for (i, id) in c.factor_ids().into_iter().enumerate() {
        if let Some(fac) = taxonomy.factor(id) {
            for main in [false, i == 0] {
                tokens.insert(super::query::concept_token("factor", main, &fac.id));
            }
        }
    }
    tokens
}

/// The search document of a report. Ordering position is the outbox sequence, so the order
/// of publication survives a rebuild.
fn document(f: &Fields, report: &PublicReport, seq: i64) -> TantivyDocument {
    let taxonomy = Taxonomy::bundled();
    let c = &report.content;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &report.id);
    doc.add_text(f.title, &c.title);
    doc.add_text(f.summary, &c.summary);
    doc.add_text(f.text, &c.title);
    doc.add_text(f.text, &c.summary);
    let mut body: Vec<&str> = vec![
        &c.narrative,
        &c.impact.description,
        &c.detection.notes,
        &c.trigger.description,
    ];
    for factor in &c.contributing_factors {
        body.push(&factor.description);
        body.push(&factor.decision_context);
        body.push(taxonomy.factor_label(&factor.id));
    }
    for t in &c.timeline {
        body.push(&t.event);
    }
    body.extend([c.mitigation.as_str(), &c.what_went_well, &c.lessons]);
    for a in &c.action_items {
        body.push(&a.description);
    }
    for t in &c.technologies {
        body.push(taxonomy.technology_label(&t.id));
    }
    let body = body
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n");
    doc.add_text(f.text, &body);
    doc.add_text(f.body, body);
    for (i, id) in c.technology_ids().into_iter().enumerate() {
        if let Some(t) = taxonomy.technology(id) {
            let facet = Facet::from_path(["tech", t.category.as_str(), t.id.as_str()]);
            if i == 0 {
                doc.add_facet(f.tech_primary, facet.clone());
            }
            doc.add_facet(f.tech, facet);
        }
    }
    for (i, id) in c.factor_ids().into_iter().enumerate() {
        if let Some(fac) = taxonomy.factor(id) {
            let facet = Facet::from_path(["factor", fac.group.as_str(), fac.id.as_str()]);
            if i == 0 {
                doc.add_facet(f.factor_primary, facet.clone());
            }
            doc.add_facet(f.factor, facet);
        }
    }
    for token in concept_tokens(report) {
        doc.add_text(f.concepts, token);
    }
    for id in c.technology_ids() {
        if let Some(i) = super::collect::tech_ord(id) {
            doc.add_u64(f.tech_ord, i);
        }
    }
    for id in c.factor_ids() {
        if let Some(i) = super::collect::factor_ord(id) {
            doc.add_u64(f.factor_ord, i);
        }
    }
    let tech_ords: Vec<u64> = c
        .technology_ids()
        .into_iter()
        .filter_map(super::collect::tech_ord)
        .collect();
    let factor_ords: Vec<u64> = c
        .factor_ids()
        .into_iter()
        .filter_map(super::collect::factor_ord)
        .collect();
    let severity = enum_str(&c.severity);
    doc.add_u64(
        f.facet_pack,
        super::collect::pack(
            super::collect::severity_ord(&severity),
            super::collect::kind_ord(&enum_str(&c.kind)),
            &tech_ords,
            &factor_ords,
        ),
    );
    let kind = enum_str(&c.kind);
    doc.add_u64(f.severity_ord, super::collect::severity_ord(&severity));
    doc.add_u64(f.kind_ord, super::collect::kind_ord(&kind));
    doc.add_i64(
        f.period_key,
        super::query::period_key(&c.period).unwrap_or(0),
    );
    doc.add_text(f.severity, severity);
    doc.add_text(f.kind, kind);
    doc.add_text(f.period, &c.period);
    doc.add_i64(f.position, seq);
    let meta = super::query::HitMeta::from_report(report);
    doc.add_text(f.meta, serde_json::to_string(&meta).unwrap_or_default());
    doc
}
