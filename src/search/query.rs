//! Query understanding and execution: free text over title/summary/body, taxonomy concepts
//! found in the query boost tagged reports, filters narrow, facets count, snippets highlight.

use std::ops::Bound;

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, MoreLikeThisQuery,
    Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, OwnedValue, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use utoipa::ToSchema;

use super::collect::{self, Clause, Dims, Filter, KINDS, SEVERITIES, Tally};
use super::rank::{self, Proximity, Ranking};
use super::{Fields, SearchError, SearchIndex, understand};
use crate::domain::submission::{ReportKind, Severity};
use crate::domain::taxonomy::Concept;
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
    /// Period range, inclusive (`2024-Q1`); either end may be open.
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    /// Only reports indexed at or before this outbox position (from a first page's
    /// `snapshot`), so later pages do not shift while new reports arrive.
    pub snapshot: Option<i64>,
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
    pub severities: Vec<FacetCount>,
    pub kinds: Vec<FacetCount>,
    /// Taxonomy concepts recognised in the query text, as `technology:mysql` etc.; a misspelt
    /// word read as a concept shows as `kuberntes→technology:kubernetes`.
    pub understood: Vec<String>,
    /// Whether typo-tolerant matching was used because exact terms found too little.
    pub fuzzy: bool,
    /// Pass back as `snapshot` for the next pages.
    pub snapshot: i64,
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
const TECH_BOOST: f32 = 8.0;
const FACTOR_BOOST: f32 = 5.0;
const CATEGORY_BOOST: f32 = 6.0;
const TITLE_BOOST: f32 = 3.0;
const SUMMARY_BOOST: f32 = 1.5;
/// Phrase proximity: the query's words close together, in order.
const PHRASE_SLOP: u32 = 3;
const PHRASE_TITLE_BOOST: f32 = 3.0;
const PHRASE_SUMMARY_BOOST: f32 = 1.5;
/// Typo tolerance joins in when exact terms find fewer results than this.
const FUZZY_BELOW: u64 = 5;
/// Matching relaxes from every unit to fewer while it finds fewer reports than a page.
const RELAX_BELOW: u64 = 10;
const FUZZY_BOOST: f32 = 0.5;
/// Text weight of a word that names a recognised technology, category or factor.
const COVERED_TEXT_WEIGHT: f32 = 0.4;
/// An identifier found whole (`Seconds_Behind_Master`) is stronger evidence than its words
/// found apart, which score too: weighted like a title match.
const JOINED_WEIGHT: f32 = 6.0;

/// `2024-Q3` → 20243, for period ranges.
pub fn period_key(period: &str) -> Option<i64> {
    let (year, quarter) = period.trim().split_once("-Q")?;
    let year: i64 = year.parse().ok()?;
    let quarter: i64 = quarter.parse().ok()?;
    (1..=4).contains(&quarter).then_some(year * 10 + quarter)
}

/// Per-field term queries for each stemmed term: what free text matches, with field weights.
/// Words that name a recognised concept count less as text: the tag is the better signal.
fn text_clauses(f: &Fields, terms: &[String], covered: &[String]) -> Vec<(Occur, Box<dyn Query>)> {
    terms
        .iter()
        .flat_map(|t| {
            let weight = if covered.contains(t) {
                COVERED_TEXT_WEIGHT
            } else {
                1.0
            };
            field_scorers(f, t, weight, false)
        })
        .map(|q| (Occur::Should, q))
        .collect()
}

/// Matches without scoring: the score comes from the plan's scorers.
fn unscored(q: impl Query) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
}

/// A word anywhere in title, summary or body: one posting list. With `fuzzy`, a word within
/// one or two edits also matches.
/// A synonym's words score at this share of the word typed.
const SYNONYM_WEIGHT: f32 = 0.5;

fn anywhere(f: &Fields, stem: &str, fuzzy: bool) -> Box<dyn Query> {
    let term = Term::from_field_text(f.text, stem);
    let exact = unscored(TermQuery::new(term.clone(), IndexRecordOption::Basic));
    match fuzzy_distance(stem, fuzzy) {
        Some(distance) => Box::new(BooleanQuery::new(vec![
            (Occur::Should, exact),
            (
                Occur::Should,
                unscored(FuzzyTermQuery::new(term, distance, true)),
            ),
        ])),
        None => exact,
    }
}

fn fuzzy_distance(stem: &str, fuzzy: bool) -> Option<u8> {
    let len = stem.chars().count();
    (fuzzy && len >= 4).then_some(if len >= 8 { 2 } else { 1 })
}

/// How a word scores where it appears: BM25 per field with field weights; with `fuzzy`,
/// near spellings add a little.
fn field_scorers(f: &Fields, stem: &str, weight: f32, fuzzy: bool) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = [
        (f.title, TITLE_BOOST),
        (f.summary, SUMMARY_BOOST),
        (f.body, 1.0),
    ]
    .into_iter()
    .map(|(field, boost)| -> Box<dyn Query> {
        let q = TermQuery::new(
            Term::from_field_text(field, stem),
            IndexRecordOption::WithFreqs,
        );
        Box::new(BoostQuery::new(Box::new(q), boost * weight))
    })
    .collect();
    if let Some(distance) = fuzzy_distance(stem, fuzzy) {
        let near = FuzzyTermQuery::new(Term::from_field_text(f.text, stem), distance, true);
        out.push(Box::new(BoostQuery::new(Box::new(near), FUZZY_BOOST)));
    }
    out
}

/// What the query asks for, in two parts. `units` decide what matches, one per thing the
/// query names: a recognised concept (its tag, or the words that named it) or a free word
/// (anywhere in the text); they walk one posting list per word and score nothing. `scorers`
/// rank the matches: per-field BM25 of every word and the concepts' tag boosts. Keeping the
/// scorers out of the matching means they are only consulted on reports that match.
struct Plan {
    units: Vec<Box<dyn Query>>,
    scorers: Vec<Box<dyn Query>>,
    /// Every scorer is a plain term query (no typo tolerance), so ranking can prune.
    prunable: bool,
}

fn plan(
    searcher: &Searcher,
    f: &Fields,
    taxonomy: &Taxonomy,
    u: &understand::Understanding,
    fuzzy: bool,
) -> Plan {
    let mut units: Vec<Box<dyn Query>> = Vec::new();
    let mut scorers: Vec<Box<dyn Query>> = Vec::new();
    let mut claimed: Vec<&str> = Vec::new();
    for (concept, stems) in u.concepts.iter().zip(&u.concept_stems) {
        let Some(named) = concept_clause(searcher, f, taxonomy, concept) else {
            continue;
        };
        let tagged = TermQuery::new(named.tagged, IndexRecordOption::Basic);
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, unscored(tagged))];
        let mut words: Vec<Box<dyn Query>> = stems.iter().map(|s| anywhere(f, s, fuzzy)).collect();
        if words.len() == 1 {
            alternatives.extend(words.pop().map(|w| (Occur::Should, w)));
        } else if !words.is_empty() {
            let all = words.into_iter().map(|w| (Occur::Must, w)).collect();
            alternatives.push((Occur::Should, Box::new(BooleanQuery::new(all))));
        }
        units.push(Box::new(BooleanQuery::new(alternatives)));
        scorers.extend(named.boost);
        for s in stems {
            scorers.extend(field_scorers(f, s, COVERED_TEXT_WEIGHT, fuzzy));
        }
        claimed.extend(stems.iter().map(String::as_str));
    }
    // Two words the reports also write as one match either way, as one unit.
    for (a, b, word) in &u.compounds {
        if claimed.contains(&a.as_str()) || claimed.contains(&b.as_str()) {
            continue;
        }
        let apart = BooleanQuery::new(vec![
            (Occur::Must, anywhere(f, a, fuzzy)),
            (Occur::Must, anywhere(f, b, fuzzy)),
        ]);
        units.push(Box::new(BooleanQuery::new(vec![
            (Occur::Should, Box::new(apart) as Box<dyn Query>),
            (Occur::Should, anywhere(f, word, false)),
        ])));
        for t in [a, b, word] {
            scorers.extend(field_scorers(f, t, 1.0, fuzzy && t != word));
        }
        claimed.extend([a.as_str(), b.as_str()]);
    }
    for t in &u.terms {
        if claimed.contains(&t.as_str()) {
            continue;
        }
        let others = u
            .synonyms
            .iter()
            .find(|(term, _)| term == t)
            .map_or(&[][..], |(_, o)| o.as_slice());
        if others.is_empty() {
            units.push(anywhere(f, t, fuzzy));
        } else {
            // "config" also matches "configuration", "timeouts" also "timed out".
            let mut alternatives = vec![(Occur::Should, anywhere(f, t, fuzzy))];
            for other in others {
                let all = other
                    .iter()
                    .map(|s| (Occur::Must, anywhere(f, s, false)))
                    .collect();
                alternatives.push((
                    Occur::Should,
                    Box::new(BooleanQuery::new(all)) as Box<dyn Query>,
                ));
            }
            units.push(Box::new(BooleanQuery::new(alternatives)));
            for other in others.iter().filter(|o| o.len() == 1) {
                scorers.extend(field_scorers(f, &other[0], SYNONYM_WEIGHT, false));
            }
        }
        scorers.extend(field_scorers(f, t, 1.0, fuzzy));
    }
    for identifier in &u.joined {
        scorers.extend(field_scorers(f, identifier, JOINED_WEIGHT, false));
    }
    Plan {
        units,
        scorers,
        prunable: !fuzzy,
    }
}

/// How many units each matching attempt requires, strictest first: every unit, then all but
/// one, then any.
fn requirement_levels(units: usize) -> Vec<usize> {
    let mut levels = vec![units];
    if units >= 3 {
        levels.push(units - 1);
    }
    if units >= 2 {
        levels.push(1);
    }
    levels
}

fn phrase_clauses(f: &Fields, terms: &[String]) -> Vec<Proximity> {
    if terms.len() < 2 || terms.len() > 6 {
        return Vec::new();
    }
    [
        (f.title, PHRASE_TITLE_BOOST),
        (f.summary, PHRASE_SUMMARY_BOOST),
    ]
    .into_iter()
    .map(|(field, boost)| Proximity {
        field,
        words: terms.to_vec(),
        slop: PHRASE_SLOP,
        boost,
    })
    .collect()
}

/// A taxonomy concept in a query: its label, the tag term a report carries when tagged with
/// it, and its boost as two tag scorers (reports tagged with it get half, reports whose
/// first, main, tag it is get the whole boost).
struct NamedConcept {
    label: String,
    tagged: Term,
    boost: Vec<Box<dyn Query>>,
}

/// The tag token of the `concepts` field: `tech:mysql`, or `tech1:mysql` for a main tag.
pub(crate) fn concept_token(kind: &str, main: bool, id: &str) -> String {
    format!("{kind}{}:{id}", if main { "1" } else { "" })
}

/// A term query on a tag token that scores exactly `points` on every report carrying it.
/// Tag tokens occur once per report in a field without norms, so their BM25 is one constant
/// per token; dividing the boost by it gives fixed points while the clause stays a plain
/// term scorer, which is what block-max WAND prunes with.
fn tag_points(searcher: &Searcher, term: Term, points: f32) -> Box<dyn Query> {
    let per_report = Bm25Weight::for_terms(searcher, std::slice::from_ref(&term))
        .map(|w| w.score(FieldNormReader::fieldnorm_to_id(1), 1))
        .unwrap_or(0.0);
    let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
    if per_report > 0.0 {
        Box::new(BoostQuery::new(Box::new(query), points / per_report))
    } else {
        Box::new(query)
    }
}

fn concept_clause(
    searcher: &Searcher,
    f: &Fields,
    taxonomy: &Taxonomy,
    concept: &Concept,
) -> Option<NamedConcept> {
    let (kind, id, facet, label, boost) = match concept {
        Concept::Technology(id) => {
            let t = taxonomy.technology(id)?;
            (
                "tech",
                t.id.as_str(),
                Facet::from_path(["tech", t.category.as_str(), t.id.as_str()]),
                format!("technology:{}", t.id),
                TECH_BOOST,
            )
        }
        Concept::Category(id) => (
            "category",
            id.as_str(),
            Facet::from_path(["tech", id.as_str()]),
            format!("category:{id}"),
            CATEGORY_BOOST,
        ),
        Concept::Factor(id) => {
            let fac = taxonomy.factor(id)?;
            (
                "factor",
                fac.id.as_str(),
                Facet::from_path(["factor", fac.group.as_str(), fac.id.as_str()]),
                format!("factor:{}", fac.id),
                FACTOR_BOOST,
            )
        }
    };
    let field = if kind == "factor" { f.factor } else { f.tech };
    let half = |main| {
        let token = concept_token(kind, main, id);
        tag_points(
            searcher,
            Term::from_field_text(f.concepts, &token),
            boost / 2.0,
        )
    };
    Some(NamedConcept {
        label,
        tagged: Term::from_facet(field, &facet),
        boost: vec![half(false), half(true)],
    })
}

pub(super) fn run(index: &SearchIndex, q: &SearchQuery) -> Result<SearchResults, SearchError> {
    run_with(index, q, rank::PRUNE_FROM, rank::RESCORE_WINDOW)
}

fn run_with(
    index: &SearchIndex,
    q: &SearchQuery,
    prune_from: u64,
    window: usize,
) -> Result<SearchResults, SearchError> {
    let taxonomy = Taxonomy::bundled();
    let f = index.fields;
    let searcher = index.reader.searcher();
    let mut analyzer = index.index.tokenizer_for_field(f.body)?;
    let known = |stem: &str| {
        searcher.segment_readers().iter().any(|r| {
            r.inverted_index(f.text)
                .ok()
                .and_then(|ii| ii.get_term_info(&Term::from_field_text(f.text, stem)).ok())
                .flatten()
                .is_some()
        })
    };
    let u = understand::understand(&q.text, &mut analyzer, known);

    let mut highlighted = u.terms.clone();
    highlighted.extend(u.compounds.iter().map(|(_, _, word)| word.clone()));
    let snippet_terms = text_clauses(&f, &highlighted, &u.covered);
    let text_query: Option<Box<dyn Query>> = (!snippet_terms.is_empty())
        .then(|| Box::new(BooleanQuery::new(snippet_terms)) as Box<dyn Query>);
    // Phrase proximity only ranks: it never matches a document the units do not.
    let proximity = phrase_clauses(&f, &u.terms);
    let mut understood = Vec::new();
    for concept in &u.concepts {
        if let Some(named) = concept_clause(&searcher, &f, taxonomy, concept) {
            understood.push(named.label);
        }
    }
    for (word, concept) in &u.corrections {
        if let Some(named) = concept_clause(&searcher, &f, taxonomy, concept) {
            understood.push(format!("{word}→{}", named.label));
        }
    }
    let exact = plan(&searcher, &f, taxonomy, &u, false);
    let ranked = !exact.units.is_empty();

    // Filters by dimension, for drill-sideways facet counts.
    let mut filters: Vec<Filter> = Vec::new();
    let tech_dim = Dims {
        tech: true,
        ..Dims::default()
    };
    let factor_dim = Dims {
        factor: true,
        ..Dims::default()
    };
    if !q.technologies.is_empty() {
        filters.push(Filter {
            dims: tech_dim,
            clauses: q
                .technologies
                .iter()
                .map(|t| technology_filter(f.tech, taxonomy, t))
                .collect(),
        });
    }
    if !q.factors.is_empty() {
        filters.push(Filter {
            dims: factor_dim,
            clauses: q
                .factors
                .iter()
                .map(|x| factor_filter(f.factor, taxonomy, x))
                .collect(),
        });
    }
    if let Some(sev) = q.severity {
        let name = enum_str(&sev);
        let term = Term::from_field_text(f.severity, &name);
        filters.push(Filter {
            dims: Dims {
                severity: true,
                ..Dims::default()
            },
            clauses: vec![Clause {
                query: Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                values: Some((0, vec![collect::severity_ord(&name) as usize])),
            }],
        });
    }
    if let Some(kind) = q.kind {
        let name = enum_str(&kind);
        let term = Term::from_field_text(f.kind, &name);
        filters.push(Filter {
            dims: Dims {
                kind: true,
                ..Dims::default()
            },
            clauses: vec![Clause {
                query: Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                values: Some((1, vec![collect::kind_ord(&name) as usize])),
            }],
        });
    }
    let from = q.period_from.as_deref().and_then(period_key);
    let to = q.period_to.as_deref().and_then(period_key);
    if from.is_some() || to.is_some() {
        let bound = |v: Option<i64>| match v {
            Some(v) => Bound::Included(Term::from_field_i64(f.period_key, v)),
            None => Bound::Unbounded,
        };
        filters.push(Filter {
            dims: Dims::default(),
            clauses: vec![Clause {
                query: Box::new(RangeQuery::new(bound(from), bound(to))),
                values: None,
            }],
        });
    }
    let snapshot = q.snapshot.unwrap_or_else(|| index.visible_seq());
    if q.snapshot.is_some() {
        filters.push(Filter {
            dims: Dims::default(),
            clauses: vec![Clause {
                query: Box::new(RangeQuery::new(
                    Bound::Unbounded,
                    Bound::Included(Term::from_field_i64(f.position, snapshot)),
                )),
                values: None,
            }],
        });
    }

    let all_dims = Dims {
        tech: true,
        factor: true,
        severity: true,
        kind: true,
    };
    let limit = q.limit.clamp(1, 100);
    let by_score = q.sort == SortOrder::Relevance && ranked;
    // One counting pass: the total, the facets, drill-sideways counts of filtered
    // dimensions, and the matches themselves for ranking.
    let mut own = all_dims;
    for flt in &filters {
        own = Dims {
            tech: own.tech && !flt.dims.tech,
            factor: own.factor && !flt.dims.factor,
            severity: own.severity && !flt.dims.severity,
            kind: own.kind && !flt.dims.kind,
        };
    }
    let count = |plan: &Plan, required: usize| -> Result<Tally, SearchError> {
        let tally = collect::count(
            &searcher,
            &plan.units,
            required,
            &filters,
            own,
            &index.sets,
            true,
        )?;
        Ok(tally)
    };
    // Strictest first: a report that matches everything the query names beats one that
    // matches part of it; requirements relax only while too little is found.
    let levels = requirement_levels(exact.units.len());
    let mut tally = count(&exact, levels[0])?;
    for &required in &levels[1..] {
        if tally.total >= RELAX_BELOW {
            break;
        }
        tally = count(&exact, required)?;
    }
    let mut chosen = exact;
    let mut fuzzy = false;
    if tally.total < FUZZY_BELOW && !u.terms.is_empty() {
        let tolerant = plan(&searcher, &f, taxonomy, &u, true);
        let t = count(&tolerant, 1)?;
        if t.total > tally.total {
            (tally, chosen) = (t, tolerant);
            fuzzy = true;
        }
    }
    let addresses = if by_score {
        let ranking = Ranking {
            scorers: &chosen.scorers,
            prunable: chosen.prunable,
            proximity: &proximity,
            prune_from,
            window,
        };
        rank::top(&searcher, &ranking, &tally, q.offset, limit)?
    } else {
        rank::newest(&searcher, &tally, q.offset, limit)?
    };

    let snippets = match &text_query {
        Some(tq) => {
            let mut s = SnippetGenerator::create(&searcher, tq.as_ref(), f.summary)?;
            s.set_max_num_chars(220);
            let mut b = SnippetGenerator::create(&searcher, tq.as_ref(), f.body)?;
            b.set_max_num_chars(220);
            Some((s, b))
        }
        None => None,
    };
    let mut hits = Vec::with_capacity(addresses.len());
    for (score, address) in addresses {
        hits.push(hit(&searcher, index, address, score, snippets.as_ref())?);
    }
    Ok(SearchResults {
        total: tally.total as usize,
        hits,
        technologies: counts(&tally.tech, |i| {
            taxonomy
                .technologies
                .get(i)
                .map(|t| (t.id.clone(), t.label.clone(), t.category.clone()))
        }),
        factors: counts(&tally.factor, |i| {
            taxonomy
                .factors
                .get(i)
                .map(|x| (x.id.clone(), x.label.clone(), x.group.clone()))
        }),
        severities: counts(&tally.severity, |i| {
            SEVERITIES
                .get(i)
                .map(|s| (s.to_string(), s.to_uppercase(), String::new()))
        }),
        kinds: counts(&tally.kind, |i| {
            KINDS.get(i).map(|k| {
                let label = if *k == "near_miss" {
                    "Near miss"
                } else {
                    "Incident"
                };
                (k.to_string(), label.to_string(), String::new())
            })
        }),
        understood,
        fuzzy,
        snapshot,
    })
}

fn counts(
    values: &[u64],
    describe: impl Fn(usize) -> Option<(String, String, String)>,
) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = values
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .filter_map(|(i, &count)| {
            describe(i).map(|(id, label, parent)| FacetCount {
                id,
                label,
                parent,
                count,
            })
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    out
}

/// Reports like `report_id`: the same technologies and factors and shared distinctive terms
/// (MoreLikeThis over title, summary and body), never the report itself.
pub(super) fn similar(
    index: &SearchIndex,
    report_id: &str,
    limit: usize,
) -> Result<Vec<Hit>, SearchError> {
    let taxonomy = Taxonomy::bundled();
    let f = index.fields;
    let searcher = index.reader.searcher();
    let id_term = Term::from_field_text(f.id, report_id);
    let found = searcher.search(
        &TermQuery::new(id_term.clone(), IndexRecordOption::Basic),
        &TopDocs::with_limit(1),
    )?;
    let Some((_, address)) = found.first() else {
        return Ok(Vec::new());
    };
    let doc: TantivyDocument = searcher.doc(*address)?;
    let meta: HitMeta = doc
        .get_first(f.meta)
        .and_then(|v| v.as_str())
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or_else(|| SearchError::Task("index document without metadata".into()))?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let concepts = meta
        .technologies
        .iter()
        .map(|id| Concept::Technology(id.clone()))
        .chain(meta.factors.iter().map(|id| Concept::Factor(id.clone())));
    for concept in concepts {
        if let Some(named) = concept_clause(&searcher, &f, taxonomy, &concept) {
            clauses.extend(named.boost.into_iter().map(|q| (Occur::Should, q)));
        }
    }
    let text = |field| -> Vec<OwnedValue> {
        doc.get_all(field)
            .filter_map(|v| v.as_str())
            .map(|s| OwnedValue::Str(s.to_string()))
            .collect()
    };
    let mlt = MoreLikeThisQuery::builder()
        .with_min_doc_frequency(2)
        .with_max_doc_frequency((searcher.num_docs() / 5).max(10))
        .with_min_term_frequency(1)
        .with_max_query_terms(30)
        .with_min_word_length(3)
        .with_document_fields(vec![(f.title, text(f.title)), (f.summary, text(f.summary))]);
    clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(mlt), 0.5))));
    clauses.push((
        Occur::MustNot,
        Box::new(TermQuery::new(id_term, IndexRecordOption::Basic)),
    ));
    let top = searcher.search(
        &BooleanQuery::new(clauses),
        &TopDocs::with_limit(limit.clamp(1, 20)),
    )?;
    top.into_iter()
        .map(|(score, a)| hit(&searcher, index, a, score, None))
        .collect()
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
fn technology_filter(field: tantivy::schema::Field, taxonomy: &Taxonomy, value: &str) -> Clause {
    let (term, ids): (Term, Vec<&str>) = if let Some(t) = taxonomy.technology(value) {
        (
            tech_facet_term(field, &t.category, Some(&t.id)),
            vec![t.id.as_str()],
        )
    } else if taxonomy.category(value).is_some() {
        let members = taxonomy
            .technologies
            .iter()
            .filter(|t| t.category == value)
            .map(|t| t.id.as_str())
            .collect();
        (tech_facet_term(field, value, None), members)
    } else {
        (tech_facet_term(field, "unknown", Some(value)), Vec::new())
    };
    let ords = ids
        .into_iter()
        .filter_map(collect::tech_ord)
        .map(|o| o as usize)
        .collect();
    Clause {
        query: Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        values: Some((2, ords)),
    }
}

/// A factor id, or a factor group id, as a filter. Unknown values match nothing.
fn factor_filter(field: tantivy::schema::Field, taxonomy: &Taxonomy, value: &str) -> Clause {
    let (term, ids): (Term, Vec<&str>) = if let Some(x) = taxonomy.factor(value) {
        (
            factor_facet_term(field, &x.group, Some(&x.id)),
            vec![x.id.as_str()],
        )
    } else if taxonomy.group(value).is_some() {
        let members = taxonomy
            .factors
            .iter()
            .filter(|x| x.group == value)
            .map(|x| x.id.as_str())
            .collect();
        (factor_facet_term(field, value, None), members)
    } else {
        (factor_facet_term(field, "unknown", Some(value)), Vec::new())
    };
    let ords = ids
        .into_iter()
        .filter_map(collect::factor_ord)
        .map(|o| o as usize)
        .collect();
    Clause {
        query: Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        values: Some((3, ords)),
    }
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
    use crate::search::{eval, index_reports};

    /// The judged relevance fixture: its reports and its queries.
    fn judged_fixture() -> (Vec<PublicReport>, Vec<eval::JudgedQuery>) {
        let corpus = eval::read_corpus(include_str!("../../eval/search/corpus.jsonl")).unwrap();
        let judged = eval::read_queries(include_str!("../../eval/search/queries.toml")).unwrap();
        (corpus, judged)
    }

    /// Dense units' document sets are cached per segment: answers with the cache (first
    /// filling it, then reading it) equal those that walk every posting list, and a report
    /// deleted after its units were cached is gone from the next answer.
    #[test]
    fn cached_unit_sets_answer_as_walking_the_postings_does() {
        let (corpus, judged) = judged_fixture();
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let n = index_reports(&index, corpus, 0).unwrap();
        let answer = |r: &SearchResults| {
            format!(
                "{} {:?} {:?} {:?} {:?} {:?}",
                r.total,
                r.hits.iter().map(|h| &h.id).collect::<Vec<_>>(),
                r.technologies,
                r.factors,
                r.severities,
                r.kinds
            )
        };
        let query = |text: &str, technologies: Vec<String>, factors: Vec<String>| SearchQuery {
            text: text.to_string(),
            technologies,
            factors,
            limit: 10,
            ..SearchQuery::default()
        };
        let queries: Vec<SearchQuery> = judged
            .iter()
            .map(|j| {
                query(
                    &j.text,
                    j.technology.iter().cloned().collect(),
                    j.factor.iter().cloned().collect(),
                )
            })
            .collect();
        index.set_unit_cache(0);
        let walked: Vec<String> = queries
            .iter()
            .map(|q| answer(&run(&index, q).unwrap()))
            .collect();
        assert_eq!(index.sets.units.len(), 0);
        index.set_unit_cache(collect::UNIT_CACHE_BYTES);
        for (q, expected) in queries.iter().zip(&walked) {
            assert_eq!(
                &answer(&run(&index, q).unwrap()),
                expected,
                "{:?} cold",
                q.text
            );
            assert_eq!(
                &answer(&run(&index, q).unwrap()),
                expected,
                "{:?} warm",
                q.text
            );
        }
        assert!(
            index.sets.units.len() > 0,
            "no unit was dense enough to cache"
        );

        let q = query("database replication", Vec::new(), Vec::new());
        let before = run(&index, &q).unwrap();
        let victim = before.hits[0].id.clone();
        let mut writer: tantivy::IndexWriter = index.index.writer(15_000_000).unwrap();
        writer.delete_term(Term::from_field_text(index.fields.id, &victim));
        writer.commit().unwrap();
        index.reload(n as i64 + 1).unwrap();
        let after = run(&index, &q).unwrap();
        assert_eq!(after.total, before.total - 1);
        assert!(after.hits.iter().all(|h| h.id != victim));
    }

    /// An identifier typed whole ranks the reports that carry it whole above those that only
    /// use its words (here in titles, which weigh more): found by the corpus, not listed.
    #[test]
    fn reports_with_the_exact_identifier_rank_first() {
        let (corpus, _) = judged_fixture();
        let carriers: std::collections::BTreeSet<String> = corpus
            .iter()
            .filter(|r| {
                [&r.content.title, &r.content.summary, &r.content.narrative]
                    .iter()
                    .any(|t| t.contains("Seconds_Behind_Master"))
            })
            .map(|r| r.id.clone())
            .collect();
        assert!(
            carriers.len() >= 2,
            "the fixture no longer has the identifier"
        );
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        index_reports(&index, corpus, 0).unwrap();
        let found = run(
            &index,
            &SearchQuery {
                text: "Seconds_Behind_Master".into(),
                limit: 10,
                ..SearchQuery::default()
            },
        )
        .unwrap();
        assert!(found.total > carriers.len(), "its words alone match more");
        let top: std::collections::BTreeSet<String> = found
            .hits
            .iter()
            .take(carriers.len())
            .map(|h| h.id.clone())
            .collect();
        assert_eq!(top, carriers);
    }

    /// Pruning is an optimisation: block-max WAND over the union of scorers, kept to the
    /// matches, must rank exactly as scoring every match does, on every page.
    #[test]
    fn pruned_ranking_equals_scoring_every_match() {
        let (corpus, _) = judged_fixture();
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        index_reports(&index, corpus, 0).unwrap();
        let compared = compare_pruned_with_every_match(&index);
        assert!(compared > 300, "only {compared} hits compared");
    }

    /// Three or more segments holding the same reports: every score ties across segments,
    /// and segments fill their best-of lists, so the threshold one segment shares prunes
    /// the others at the ties. (The cut margin absorbs a threshold a few percent too high;
    /// one twice too high fails here.)
    #[test]
    fn a_threshold_shared_across_segments_keeps_ranking_exact() {
        let (corpus, _) = judged_fixture();
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        for copy in 0..3 {
            let reports = corpus.iter().cloned().map(|mut r| {
                r.id = format!("{}-{copy}", r.id);
                r
            });
            index_reports(&index, reports, 0).unwrap();
        }
        let segments = index.reader.searcher().segment_readers().len();
        assert!(segments >= 3, "{segments} segments");
        let compared = compare_pruned_with_every_match(&index);
        assert!(compared > 300, "only {compared} hits compared");
    }

    /// The same reports split into segments differently (one indexing pass, or three) give
    /// the same pages for every judged query: ties do not fall back on index layout.
    #[test]
    fn rankings_do_not_depend_on_how_reports_fall_into_segments() {
        let (corpus, judged) = judged_fixture();
        let whole_dir = tempfile::tempdir().unwrap();
        let whole = SearchIndex::open(whole_dir.path()).unwrap();
        index_reports(&whole, corpus.clone(), 0).unwrap();
        let split_dir = tempfile::tempdir().unwrap();
        let split = SearchIndex::open(split_dir.path()).unwrap();
        let mut indexed = 0;
        for chunk in corpus.chunks(corpus.len().div_ceil(3)) {
            let reports = chunk.to_vec();
            indexed += crate::search::indexer::index_reports_after(&split, reports, 0, indexed)
                .unwrap() as i64;
        }
        assert!(split.reader.searcher().segment_readers().len() >= 3);
        let pages = |index: &SearchIndex| -> Vec<Vec<String>> {
            judged
                .iter()
                .map(|j| {
                    let q = SearchQuery {
                        text: j.text.clone(),
                        technologies: j.technology.iter().cloned().collect(),
                        factors: j.factor.iter().cloned().collect(),
                        limit: 20,
                        ..SearchQuery::default()
                    };
                    let found = run(index, &q).unwrap();
                    found.hits.into_iter().map(|h| h.id).collect()
                })
                .collect()
        };
        assert_eq!(pages(&whole), pages(&split));
    }

    /// Runs every judged query at three offsets both pruned and scoring every match, and
    /// returns how many hits were compared.
    fn compare_pruned_with_every_match(index: &SearchIndex) -> usize {
        let (_, judged) = judged_fixture();
        let mut compared = 0;
        for j in &judged {
            for (offset, limit, window) in [
                (0, 10, rank::RESCORE_WINDOW),
                (10, 10, rank::RESCORE_WINDOW),
                (35, 10, rank::RESCORE_WINDOW),
                // Few candidates kept: thresholds close to the page's own cut.
                (0, 1, 0),
                (3, 2, 0),
            ] {
                let q = SearchQuery {
                    text: j.text.clone(),
                    technologies: j.technology.iter().cloned().collect(),
                    factors: j.factor.iter().cloned().collect(),
                    offset,
                    limit,
                    ..SearchQuery::default()
                };
                let every = run_with(index, &q, u64::MAX, window).unwrap();
                let pruned = run_with(index, &q, 0, window).unwrap();
                let ids =
                    |r: &SearchResults| r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
                let sc = |r: &SearchResults| {
                    r.hits
                        .iter()
                        .map(|h| (h.id.clone(), h.score))
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    ids(&every),
                    ids(&pruned),
                    "{:?} at {offset}: {:?} {:?}",
                    q.text,
                    sc(&every),
                    sc(&pruned)
                );
                for (a, b) in every.hits.iter().zip(&pruned.hits) {
                    assert!(
                        (a.score - b.score).abs() < 1e-3,
                        "{:?}: {a:?} {b:?}",
                        q.text
                    );
                }
                assert_eq!(every.total, pruned.total);
                compared += every.hits.len();
            }
        }
        compared
    }
}
