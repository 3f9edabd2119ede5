//! Query understanding and execution: free text over title/summary/body, taxonomy concepts
//! found in the query boost tagged reports, filters narrow, facets count, snippets highlight.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, QueryParser, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};
use utoipa::ToSchema;

use super::{SearchError, SearchIndex};
use crate::domain::submission::{ReportKind, Severity};
use crate::domain::taxonomy::{Concept, normalise_key};
use crate::domain::{PublicReport, ReportTags, Taxonomy, enum_str};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Relevance,
    Recent,
}

/// A search request. Technology and factor filters accept ids, aliases, category or group ids.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub technologies: Vec<String>,
    pub factors: Vec<String>,
    pub severity: Option<Severity>,
    pub kind: Option<ReportKind>,
    pub sort: SortOrder,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub severity: String,
    pub period: String,
    pub technologies: Vec<String>,
    pub factors: Vec<String>,
    /// HTML-escaped excerpt with matching terms wrapped in `<b>`.
    pub snippet_html: String,
    pub score: f32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FacetCount {
    pub id: String,
    pub label: String,
    /// Category (technologies) or group (factors) the value belongs to.
    pub parent: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub technologies: Vec<FacetCount>,
    pub factors: Vec<FacetCount>,
    /// Taxonomy concepts recognised in the query text, as `technology:mysql` etc.
    pub understood: Vec<String>,
}

/// What a hit shows without a database round trip; stored in the index document.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct HitMeta {
    id: String,
    title: String,
    kind: String,
    severity: String,
    period: String,
    technologies: Vec<String>,
    factors: Vec<String>,
}

impl HitMeta {
    pub(crate) fn from_report(report: &PublicReport) -> HitMeta {
        let c = &report.content;
        HitMeta {
            id: report.id.clone(),
            title: c.title.clone(),
            kind: enum_str(&c.kind),
            severity: enum_str(&c.severity),
            period: c.period.clone(),
            technologies: c.technology_ids().into_iter().map(str::to_string).collect(),
            factors: c.factor_ids().into_iter().map(str::to_string).collect(),
        }
    }
}

/// Boost given to reports tagged with a technology or factor the query names.
const CONCEPT_BOOST: f32 = 4.0;
const TITLE_BOOST: f32 = 3.0;
const SUMMARY_BOOST: f32 = 1.5;

pub(super) fn run(index: &SearchIndex, q: &SearchQuery) -> Result<SearchResults, SearchError> {
    let taxonomy = Taxonomy::bundled();
    let f = index.fields;
    let searcher = index.reader.searcher();
    let (concepts, free_text) = understand(&q.text, taxonomy);

    let mut scoring: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let text_query: Option<Box<dyn Query>> = if q.text.trim().is_empty() {
        None
    } else {
        let mut parser = QueryParser::for_index(&index.index, vec![f.title, f.summary, f.body]);
        parser.set_field_boost(f.title, TITLE_BOOST);
        parser.set_field_boost(f.summary, SUMMARY_BOOST);
        let (parsed, _errors) = parser.parse_query_lenient(&q.text);
        Some(parsed)
    };
    if let Some(t) = &text_query {
        scoring.push((Occur::Should, t.box_clone()));
    }
    let mut understood = Vec::new();
    for concept in &concepts {
        let (term, label) = match concept {
            Concept::Technology(id) => match taxonomy.technology(id) {
                Some(t) => (
                    tech_facet_term(f.tech, &t.category, Some(&t.id)),
                    format!("technology:{}", t.id),
                ),
                None => continue,
            },
            Concept::Category(id) => (tech_facet_term(f.tech, id, None), format!("category:{id}")),
            Concept::Factor(id) => match taxonomy.factor(id) {
                Some(fac) => (
                    factor_facet_term(f.factor, &fac.group, Some(&fac.id)),
                    format!("factor:{}", fac.id),
                ),
                None => continue,
            },
        };
        understood.push(label);
        let tagged = TermQuery::new(term, IndexRecordOption::Basic);
        scoring.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(ConstScoreQuery::new(Box::new(tagged), 1.0)),
                CONCEPT_BOOST,
            )),
        ));
    }
    let _ = free_text;

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if scoring.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    } else {
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(scoring))));
    }
    for tech in &q.technologies {
        clauses.push((Occur::Must, technology_filter(f.tech, taxonomy, tech)));
    }
    for factor in &q.factors {
        clauses.push((Occur::Must, factor_filter(f.factor, taxonomy, factor)));
    }
    if let Some(sev) = q.severity {
        let term = Term::from_field_text(f.severity, &enum_str(&sev));
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
    }
    if let Some(kind) = q.kind {
        let term = Term::from_field_text(f.kind, &enum_str(&kind));
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
    }
    let query = BooleanQuery::new(clauses);

    let mut tech_facets = FacetCollector::for_field("tech");
    for c in &taxonomy.categories {
        tech_facets.add_facet(Facet::from_path(["tech", c.id.as_str()]));
    }
    let mut factor_facets = FacetCollector::for_field("factor");
    for g in &taxonomy.groups {
        factor_facets.add_facet(Facet::from_path(["factor", g.id.as_str()]));
    }
    let limit = q.limit.clamp(1, 100);
    let (addresses, total, tech_counts, factor_counts) = match q.sort {
        SortOrder::Relevance if text_query.is_some() || !concepts.is_empty() => {
            let top = TopDocs::with_limit(limit).and_offset(q.offset);
            let (docs, total, tc, fc) =
                searcher.search(&query, &(top, Count, tech_facets, factor_facets))?;
            (docs, total, tc, fc)
        }
        _ => {
            let top = TopDocs::with_limit(limit)
                .and_offset(q.offset)
                .order_by_fast_field::<i64>("position", Order::Desc);
            let (docs, total, tc, fc) =
                searcher.search(&query, &(top, Count, tech_facets, factor_facets))?;
            (
                docs.into_iter().map(|(_, a)| (0.0, a)).collect::<Vec<_>>(),
                total,
                tc,
                fc,
            )
        }
    };

    let snippets = match &text_query {
        Some(tq) => Some((
            SnippetGenerator::create(&searcher, tq.as_ref(), f.summary)?,
            SnippetGenerator::create(&searcher, tq.as_ref(), f.body)?,
        )),
        None => None,
    };
    let mut hits = Vec::with_capacity(addresses.len());
    for (score, address) in addresses {
        hits.push(hit(&searcher, index, address, score, snippets.as_ref())?);
    }

    let technologies = facet_counts(
        &tech_counts,
        taxonomy.categories.iter().map(|c| ("tech", c.id.as_str())),
        |id| taxonomy.technology_label(id).to_string(),
    );
    let factors = facet_counts(
        &factor_counts,
        taxonomy.groups.iter().map(|g| ("factor", g.id.as_str())),
        |id| taxonomy.factor_label(id).to_string(),
    );
    Ok(SearchResults {
        total,
        hits,
        technologies,
        factors,
        understood,
    })
}

fn hit(
    searcher: &Searcher,
    index: &SearchIndex,
    address: DocAddress,
    score: f32,
    snippets: Option<&(SnippetGenerator, SnippetGenerator)>,
) -> Result<Hit, SearchError> {
    let f = index.fields;
    let doc: TantivyDocument = searcher.doc(address)?;
    let meta: HitMeta = doc
        .get_first(f.meta)
        .and_then(|v| v.as_str())
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or_else(|| SearchError::Task("index document without metadata".into()))?;
    let summary_text = doc
        .get_first(f.summary)
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let snippet_html = match snippets {
        Some((summary_gen, body_gen)) => {
            let s = summary_gen.snippet_from_doc(&doc);
            if s.highlighted().is_empty() {
                let b = body_gen.snippet_from_doc(&doc);
                if b.highlighted().is_empty() {
                    s.to_html()
                } else {
                    b.to_html()
                }
            } else {
                s.to_html()
            }
        }
        None => String::new(),
    };
    let snippet_html = if snippet_html.is_empty() {
        html_escape(&truncate(summary_text, 240))
    } else {
        snippet_html
    };
    Ok(Hit {
        id: meta.id,
        title: meta.title,
        kind: meta.kind,
        severity: meta.severity,
        period: meta.period,
        technologies: meta.technologies,
        factors: meta.factors,
        snippet_html,
        score,
    })
}

/// Finds taxonomy concepts in the query (longest phrase first) and returns them with the
/// words that named no concept.
fn understand(text: &str, taxonomy: &Taxonomy) -> (Vec<Concept>, String) {
    static PHRASES: std::sync::OnceLock<BTreeMap<String, Concept>> = std::sync::OnceLock::new();
    let phrases = PHRASES.get_or_init(|| taxonomy.concept_phrases().into_iter().collect());
    let words: Vec<String> = normalise_key(text)
        .split(' ')
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '+' && c != '#')
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut concepts = Vec::new();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut matched = false;
        for len in (1..=4.min(words.len() - i)).rev() {
            let phrase = words[i..i + len].join(" ");
            if let Some(c) = phrases.get(&phrase) {
                if !concepts.contains(c) {
                    concepts.push(c.clone());
                }
                i += len;
                matched = true;
                break;
            }
        }
        if !matched {
            rest.push(words[i].clone());
            i += 1;
        }
    }
    (concepts, rest.join(" "))
}

fn tech_facet_term(field: tantivy::schema::Field, category: &str, id: Option<&str>) -> Term {
    let facet = match id {
        Some(id) => Facet::from_path(["tech", category, id]),
        None => Facet::from_path(["tech", category]),
    };
    Term::from_facet(field, &facet)
}

fn factor_facet_term(field: tantivy::schema::Field, group: &str, id: Option<&str>) -> Term {
    let facet = match id {
        Some(id) => Facet::from_path(["factor", group, id]),
        None => Facet::from_path(["factor", group]),
    };
    Term::from_facet(field, &facet)
}

/// A technology id/alias, or a category id, as a filter. Unknown values match nothing.
fn technology_filter(
    field: tantivy::schema::Field,
    taxonomy: &Taxonomy,
    value: &str,
) -> Box<dyn Query> {
    let term = if let Some(t) = taxonomy.technology(value) {
        tech_facet_term(field, &t.category, Some(&t.id))
    } else if taxonomy.category(value).is_some() {
        tech_facet_term(field, value, None)
    } else {
        tech_facet_term(field, "unknown", Some(value))
    };
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn factor_filter(
    field: tantivy::schema::Field,
    taxonomy: &Taxonomy,
    value: &str,
) -> Box<dyn Query> {
    let term = if let Some(f) = taxonomy.factor(value) {
        factor_facet_term(field, &f.group, Some(&f.id))
    } else if taxonomy.group(value).is_some() {
        factor_facet_term(field, value, None)
    } else {
        factor_facet_term(field, "unknown", Some(value))
    };
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn facet_counts<'a>(
    counts: &tantivy::collector::FacetCounts,
    parents: impl Iterator<Item = (&'a str, &'a str)>,
    label: impl Fn(&str) -> String,
) -> Vec<FacetCount> {
    let mut out = Vec::new();
    for (root, parent) in parents {
        let path = format!("/{root}/{parent}");
        for (facet, count) in counts.get(&path) {
            let id = facet
                .to_path()
                .last()
                .map(|s| s.to_string())
                .unwrap_or_default();
            out.push(FacetCount {
                label: label(&id),
                id,
                parent: parent.to_string(),
                count,
            });
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

fn html_escape(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn understands_aliases_and_multiword_phrases() {
        let t = Taxonomy::bundled();
        let (concepts, rest) = understand("postgres upgrade problems on k8s", t);
        assert!(concepts.contains(&Concept::Technology("postgresql".into())));
        assert!(concepts.contains(&Concept::Technology("kubernetes".into())));
        assert!(rest.contains("problems"), "{rest}");
    }
}
