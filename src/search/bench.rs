//! Benchmark support: bulk-indexes a synthetic corpus, times a fixed set of searches (top-10
//! plus facet counts) in process, and runs the PostgreSQL full-text alternative side by side.

use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use sqlx::postgres::PgPoolCopyExt;

use super::{SearchIndex, SearchQuery, SortOrder, index_reports, period_key};
use crate::domain::submission::Severity;
use crate::domain::{PublicReport, ReportTags, Submission, Taxonomy, enum_str};

/// Streams a corpus of JSON lines (submission shape plus `"id"`), without validation.
pub fn read_reports(path: &Path) -> anyhow::Result<impl Iterator<Item = PublicReport>> {
    let file = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    Ok(file.lines().map_while(Result::ok).filter_map(|line| {
        let mut value: serde_json::Value = serde_json::from_str(&line).ok()?;
        let id = value.as_object_mut()?.remove("id")?.as_str()?.to_string();
        let content: Submission = serde_json::from_value(value).ok()?;
        Some(PublicReport {
            id,
            published: "2026-01".into(),
            content,
        })
    }))
}

/// Indexes the corpus into an empty `dir`; returns (documents, seconds, bytes on disk).
pub fn build(corpus: &Path, dir: &Path) -> anyhow::Result<(u64, f64, u64)> {
    let started = Instant::now();
    let index = SearchIndex::open(dir)?;
    let n = index_reports(&index, read_reports(corpus)?, 512 * 1024 * 1024)?;
    Ok((n, started.elapsed().as_secs_f64(), dir_size(dir)))
}

pub fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        limit: 10,
        ..SearchQuery::default()
    }
}

/// The fixed query set: free text, aliases, typos, natural language, filters, facets only.
pub fn queries() -> Vec<SearchQuery> {
    let mut out = vec![
        q("mysql replication"),
        q("replication lag failover"),
        q("pg failover"),
        q("k8s oom"),
        q("out of memory"),
        q("certificate expired"),
        q("connection pool exhausted"),
        q("retries without backoff"),
        q("transactions deadlocked"),
        q("redis cache keys expired together"),
        q("query scanned the whole table"),
        q("kubernets memory"),
        q("why did the dns fail"),
        q("network problem during diagnosis"),
        q("relational database"),
    ];
    let mut filtered = q("timeout");
    filtered.factors = vec!["config-mismatch".into()];
    out.push(filtered);
    let mut facets_only = q("");
    facets_only.technologies = vec!["postgresql".into()];
    facets_only.severity = Some(Severity::Sev1);
    out.push(facets_only);
    let mut period = q("outage");
    period.period_from = Some("2022-Q1".into());
    period.period_to = Some("2023-Q4".into());
    period.technologies = vec!["kafka".into()];
    out.push(period);
    let mut recent = q("kafka");
    recent.sort = SortOrder::Recent;
    out.push(recent);
    out
}

/// The same queries as API paths, for HTTP load generators.
pub fn query_paths() -> Vec<String> {
    queries()
        .iter()
        .map(|q| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            s.append_pair("q", &q.text);
            if !q.technologies.is_empty() {
                s.append_pair("technology", &q.technologies.join(","));
            }
            if !q.factors.is_empty() {
                s.append_pair("factor", &q.factors.join(","));
            }
            if let Some(sev) = q.severity {
                s.append_pair("severity", &enum_str(&sev));
            }
            if let Some(from) = &q.period_from {
                s.append_pair("from", from);
            }
            if let Some(to) = &q.period_to {
                s.append_pair("to", to);
            }
            if q.sort == SortOrder::Recent {
                s.append_pair("sort", "recent");
            }
            format!("/api/v1/search?{}", s.finish())
        })
        .collect()
}

/// Per query: its description, median milliseconds and number of hits.
pub type PerQuery<T> = Vec<(String, f64, T)>;

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub samples: usize,
}

pub fn percentiles(mut ms: Vec<f64>) -> Latency {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| {
        ms.get(((ms.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    Latency {
        p50: at(0.50),
        p99: at(0.99),
        max: ms.last().copied().unwrap_or(0.0),
        samples: ms.len(),
    }
}

/// Runs every query (or those whose description contains `only`) `rounds` times after one
/// warm-up round; also returns per-query medians.
pub fn measure(
    index: &SearchIndex,
    rounds: usize,
    only: Option<&str>,
) -> anyhow::Result<(Latency, PerQuery<usize>)> {
    let qs: Vec<SearchQuery> = queries()
        .into_iter()
        .filter(|q| only.is_none_or(|o| describe(q).contains(o)))
        .collect();
    let mut all = Vec::new();
    let mut per_query = Vec::new();
    for query in &qs {
        let total = index.search_blocking(query)?.total;
        let mut mine = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            let r = index.search_blocking(query)?;
            mine.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(r);
        }
        all.extend(mine.iter().copied());
        per_query.push((describe(query), percentiles(mine).p50, total));
    }
    Ok((percentiles(all), per_query))
}

fn describe(q: &SearchQuery) -> String {
    let mut s = format!("{:?}", q.text);
    for t in &q.technologies {
        s.push_str(&format!(" technology={t}"));
    }
    for f in &q.factors {
        s.push_str(&format!(" factor={f}"));
    }
    if let Some(sev) = q.severity {
        s.push_str(&format!(" severity={}", enum_str(&sev)));
    }
    if let (Some(a), Some(b)) = (&q.period_from, &q.period_to) {
        s.push_str(&format!(" {a}..{b}"));
    }
    if q.sort == SortOrder::Recent {
        s.push_str(" sort=recent");
    }
    s
}

// ------------------------------------------------------------ PostgreSQL full-text search

fn copy_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn pg_array(items: &[&str]) -> String {
    format!("{{{}}}", items.join(","))
}

/// Loads the corpus into `bench_reports` with a weighted tsvector and a GIN index;
/// returns (rows, load seconds, index-build seconds, table + index bytes).
pub async fn pg_load(url: &str, corpus: &Path) -> anyhow::Result<(u64, f64, f64, i64)> {
    let pool = sqlx::PgPool::connect(url).await?;
    sqlx::query("DROP TABLE IF EXISTS bench_reports")
        .execute(&pool)
        .await?;
    sqlx::query(
        "CREATE TABLE bench_reports (id TEXT PRIMARY KEY, title TEXT, summary TEXT, narrative TEXT, \
         techs TEXT[], factors TEXT[], severity TEXT, kind TEXT, period_key INT, position BIGINT)",
    )
    .execute(&pool)
    .await?;
    let started = Instant::now();
    let mut copy = pool.copy_in_raw("COPY bench_reports FROM STDIN").await?;
    let mut buf = String::with_capacity(8 << 20);
    let mut n = 0u64;
    for report in read_reports(corpus)? {
        n += 1;
        let c = &report.content;
        buf.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            copy_escape(&report.id),
            copy_escape(&c.title),
            copy_escape(&c.summary),
            copy_escape(&c.narrative),
            pg_array(&c.technology_ids()),
            pg_array(&c.factor_ids()),
            enum_str(&c.severity),
            enum_str(&c.kind),
            period_key(&c.period).unwrap_or(0),
            n
        ));
        if buf.len() > 4 << 20 {
            copy.send(buf.as_bytes()).await?;
            buf.clear();
        }
    }
    copy.send(buf.as_bytes()).await?;
    copy.finish().await?;
    let loaded = started.elapsed().as_secs_f64();
    let started = Instant::now();
    sqlx::query(
        "ALTER TABLE bench_reports ADD COLUMN tsv tsvector GENERATED ALWAYS AS ( \
         setweight(to_tsvector('english', coalesce(title, '')), 'A') || \
         setweight(to_tsvector('english', coalesce(summary, '')), 'B') || \
         setweight(to_tsvector('english', coalesce(narrative, '')), 'C')) STORED",
    )
    .execute(&pool)
    .await?;
    sqlx::query("CREATE INDEX bench_reports_tsv ON bench_reports USING GIN (tsv)")
        .execute(&pool)
        .await?;
    sqlx::query("CREATE INDEX bench_reports_position ON bench_reports (position)")
        .execute(&pool)
        .await?;
    sqlx::query("ANALYZE bench_reports").execute(&pool).await?;
    let indexed = started.elapsed().as_secs_f64();
    let (bytes,): (i64,) = sqlx::query_as("SELECT pg_total_relation_size('bench_reports')")
        .fetch_one(&pool)
        .await?;
    pool.close().await;
    Ok((n, loaded, indexed, bytes))
}

const PG_SEARCH: &str = "WITH m AS MATERIALIZED ( \
    SELECT id, techs, factors, position, CASE WHEN $1 = '' THEN 0 ELSE ts_rank_cd(tsv, websearch_to_tsquery('english', $1)) END AS rank \
    FROM bench_reports \
    WHERE ($1 = '' OR tsv @@ websearch_to_tsquery('english', $1)) \
      AND ($2::text[] IS NULL OR techs && $2) \
      AND ($3::text[] IS NULL OR factors && $3) \
      AND ($4::text IS NULL OR severity = $4) \
      AND ($5::int IS NULL OR period_key >= $5) \
      AND ($6::int IS NULL OR period_key <= $6)) \
  SELECT \
    (SELECT coalesce(json_agg(id), '[]') FROM (SELECT id FROM m ORDER BY CASE WHEN $7 THEN position ELSE 0 END DESC, rank DESC LIMIT 10) t)::text, \
    (SELECT count(*) FROM m), \
    (SELECT coalesce(json_agg(json_build_array(t, n)), '[]') FROM (SELECT t, count(*) n FROM m, unnest(m.techs) t GROUP BY t) x)::text, \
    (SELECT coalesce(json_agg(json_build_array(f, n)), '[]') FROM (SELECT f, count(*) n FROM m, unnest(m.factors) f GROUP BY f) y)::text";

/// A technology or factor filter as the ids it stands for (a category expands to its members).
fn expand(values: &[String], tech: bool) -> Option<Vec<String>> {
    let t = Taxonomy::bundled();
    let v = values.first()?;
    Some(if tech {
        match t.technology(v) {
            Some(x) => vec![x.id.clone()],
            None => t
                .technologies
                .iter()
                .filter(|x| &x.category == v)
                .map(|x| x.id.clone())
                .collect(),
        }
    } else {
        match t.factor(v) {
            Some(x) => vec![x.id.clone()],
            None => t
                .factors
                .iter()
                .filter(|x| &x.group == v)
                .map(|x| x.id.clone())
                .collect(),
        }
    })
}

/// The same queries on PostgreSQL: top 10 by `ts_rank_cd` plus facet counts by GROUP BY.
pub async fn pg_measure(url: &str, rounds: usize) -> anyhow::Result<(Latency, PerQuery<i64>)> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await?;
    let mut all = Vec::new();
    let mut per_query = Vec::new();
    for query in queries() {
        let run = || {
            sqlx::query_as::<_, (String, i64, String, String)>(PG_SEARCH)
                .bind(query.text.clone())
                .bind(expand(&query.technologies, true))
                .bind(expand(&query.factors, false))
                .bind(query.severity.map(|s| enum_str(&s)))
                .bind(
                    query
                        .period_from
                        .as_deref()
                        .and_then(period_key)
                        .map(|k| k as i32),
                )
                .bind(
                    query
                        .period_to
                        .as_deref()
                        .and_then(period_key)
                        .map(|k| k as i32),
                )
                .bind(query.sort == SortOrder::Recent)
                .fetch_one(&pool)
        };
        let (_, total, _, _) = run().await?;
        let mut mine = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            let r = run().await?;
            mine.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(r);
        }
        all.extend(mine.iter().copied());
        per_query.push((describe(&query), percentiles(mine).p50, total));
    }
    pool.close().await;
    Ok((percentiles(all), per_query))
}

pub async fn pg_drop(url: &str) -> anyhow::Result<()> {
    let pool = sqlx::PgPool::connect(url).await?;
    sqlx::query("DROP TABLE IF EXISTS bench_reports")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(())
}
