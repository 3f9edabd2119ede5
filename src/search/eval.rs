//! Relevance evaluation: indexes a fixture corpus through the real document builder, runs
//! judged queries and scores them with nDCG@10 and recall@20 (see eval/search/).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{SearchIndex, SearchQuery, index_reports};
use crate::domain::submission::{ReportKind, Severity};
use crate::domain::{PublicReport, Submission, Taxonomy, validate_submission};

/// One judged query of `eval/search/queries.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct JudgedQuery {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub technology: Option<String>,
    #[serde(default)]
    pub factor: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub kind: Option<ReportKind>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Report id → grade 0–3.
    #[serde(default)]
    pub judgments: BTreeMap<String, u8>,
}

#[derive(Deserialize)]
struct QueryFile {
    query: Vec<JudgedQuery>,
}

/// Scores of one query.
#[derive(Debug, Clone)]
pub struct QueryScore {
    pub id: String,
    pub text: String,
    pub ndcg10: f64,
    pub recall20: f64,
    /// What the engine understood, and the top five as `id:grade`.
    pub understood: Vec<String>,
    pub top: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EvalReport {
    pub queries: Vec<QueryScore>,
    pub mean_ndcg10: f64,
    pub mean_recall20: f64,
}

/// Reads a corpus: one submission JSON object a line with an extra `"id"`, validated and
/// normalised (aliases → ids) like any submission.
pub fn read_corpus(text: &str) -> anyhow::Result<Vec<PublicReport>> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let mut value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| anyhow::anyhow!("line {}: {e}", i + 1))?;
        let id = value
            .as_object_mut()
            .and_then(|o| o.remove("id"))
            .and_then(|v| v.as_str().map(str::to_string))
            .ok_or_else(|| anyhow::anyhow!("line {}: no \"id\"", i + 1))?;
        let sub: Submission =
            serde_json::from_value(value).map_err(|e| anyhow::anyhow!("line {}: {e}", i + 1))?;
        let content = validate_submission(sub, Taxonomy::bundled()).map_err(|errors| {
            let fields: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            anyhow::anyhow!("line {}: {}", i + 1, fields.join("; "))
        })?;
        out.push(PublicReport {
            id,
            published: "2026-01".into(),
            content,
        });
    }
    Ok(out)
}

pub fn read_queries(text: &str) -> anyhow::Result<Vec<JudgedQuery>> {
    Ok(toml::from_str::<QueryFile>(text)?.query)
}

fn ndcg(ranked: &[String], judgments: &BTreeMap<String, u8>, k: usize) -> f64 {
    let gain = |g: u8| f64::from((1u32 << g) - 1);
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, id)| gain(*judgments.get(id).unwrap_or(&0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u8> = judgments.values().copied().filter(|g| *g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    if idcg == 0.0 { 1.0 } else { dcg / idcg }
}

/// Recall of the reports graded 2 or 3, out of at most `k` (a list of k cannot hold more).
fn recall(ranked: &[String], judgments: &BTreeMap<String, u8>, k: usize) -> f64 {
    let relevant: Vec<&String> = judgments
        .iter()
        .filter(|(_, g)| **g >= 2)
        .map(|(id, _)| id)
        .collect();
    if relevant.is_empty() {
        return 1.0;
    }
    let found = ranked
        .iter()
        .take(k)
        .filter(|id| relevant.contains(id))
        .count();
    found as f64 / relevant.len().min(k) as f64
}

/// Builds an index of `corpus` in `dir` (which should be empty) and scores every query.
pub fn evaluate(
    corpus: Vec<PublicReport>,
    queries: &[JudgedQuery],
    dir: &Path,
) -> anyhow::Result<EvalReport> {
    let index = SearchIndex::open(dir)?;
    index_reports(&index, corpus, 0)?;
    let mut scores = Vec::new();
    for q in queries {
        let query = SearchQuery {
            text: q.text.clone(),
            technologies: q.technology.iter().cloned().collect(),
            factors: q.factor.iter().cloned().collect(),
            severity: q.severity,
            kind: q.kind,
            period_from: q.from.clone(),
            period_to: q.to.clone(),
            limit: 20,
            ..SearchQuery::default()
        };
        let results = index.search_blocking(&query)?;
        let understood = results.understood.clone();
        let ranked: Vec<String> = results.hits.into_iter().map(|h| h.id).collect();
        scores.push(QueryScore {
            id: q.id.clone(),
            text: q.text.clone(),
            ndcg10: ndcg(&ranked, &q.judgments, 10),
            recall20: recall(&ranked, &q.judgments, 20),
            understood,
            top: ranked
                .iter()
                .take(5)
                .map(|id| format!("{id}:{}", q.judgments.get(id).unwrap_or(&0)))
                .collect(),
        });
    }
    let n = scores.len().max(1) as f64;
    Ok(EvalReport {
        mean_ndcg10: scores.iter().map(|s| s.ndcg10).sum::<f64>() / n,
        mean_recall20: scores.iter().map(|s| s.recall20).sum::<f64>() / n,
        queries: scores,
    })
}

/// The report as a plain-text table; `verbose` adds what was understood and the top five.
pub fn render(report: &EvalReport, verbose: bool) -> String {
    let mut out = format!("{:<5} {:>8} {:>9}  query\n", "id", "nDCG@10", "recall@20");
    for q in &report.queries {
        out.push_str(&format!(
            "{:<5} {:>8.3} {:>9.3}  {}\n",
            q.id, q.ndcg10, q.recall20, q.text
        ));
        if verbose {
            out.push_str(&format!(
                "      understood {:?}; top {}\n",
                q.understood,
                q.top.join(" ")
            ));
        }
    }
    out.push_str(&format!(
        "{:<5} {:>8.3} {:>9.3}  ({} queries)\n",
        "mean",
        report.mean_ndcg10,
        report.mean_recall20,
        report.queries.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_and_recall() {
        let j: BTreeMap<String, u8> = [("a".to_string(), 3), ("b".to_string(), 1)].into();
        let perfect = vec!["a".to_string(), "b".to_string()];
        assert!((ndcg(&perfect, &j, 10) - 1.0).abs() < 1e-9);
        let swapped = vec!["b".to_string(), "a".to_string()];
        assert!(ndcg(&swapped, &j, 10) < 1.0);
        assert_eq!(recall(&swapped, &j, 20), 1.0);
        assert_eq!(recall(&["b".to_string()], &j, 20), 0.0);
    }
}
