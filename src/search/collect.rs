//! Matching and facet counting on per-segment document sets: the query's units walked once,
//! facet filters and counts read from per-value sets of the taxonomy ordinals in fast fields.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, Searcher, SegmentOrdinal, SegmentReader};

use crate::domain::Taxonomy;

pub(crate) const SEVERITIES: [&str; 5] = ["sev1", "sev2", "sev3", "sev4", "sev5"];
pub(crate) const KINDS: [&str; 2] = ["incident", "near_miss"];

pub(crate) fn severity_ord(s: &str) -> u64 {
    SEVERITIES.iter().position(|x| *x == s).unwrap_or(0) as u64
}

pub(crate) fn kind_ord(s: &str) -> u64 {
    KINDS.iter().position(|x| *x == s).unwrap_or(0) as u64
}

struct Ords {
    tech: HashMap<String, u64>,
    factor: HashMap<String, u64>,
}

fn ords() -> &'static Ords {
    static ORDS: OnceLock<Ords> = OnceLock::new();
    ORDS.get_or_init(|| {
        let t = Taxonomy::bundled();
        Ords {
            tech: t
                .technologies
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.clone(), i as u64))
                .collect(),
            factor: t
                .factors
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.clone(), i as u64))
                .collect(),
        }
    })
}

/// The dense ordinal of a canonical technology id.
pub(crate) fn tech_ord(id: &str) -> Option<u64> {
    ords().tech.get(id).copied()
}

/// The dense ordinal of a canonical factor id.
pub(crate) fn factor_ord(id: &str) -> Option<u64> {
    ords().factor.get(id).copied()
}

const SEV_BITS: u32 = 3;
const KIND_SHIFT: u32 = 3;
const TECH_SHIFT: u32 = 4;
const TECH_BITS: u32 = 9;
const FACTOR_SHIFT: u32 = TECH_SHIFT + 3 * TECH_BITS;
const FACTOR_BITS: u32 = 6;
/// Set when a report has more tags than the pack holds: read the multi-valued columns.
const OVERFLOW: u64 = 1 << 63;

/// Packs severity, kind, and up to three technology and factor ordinals (each stored + 1,
/// 0 meaning none) into one u64.
pub(crate) fn pack(severity: u64, kind: u64, tech: &[u64], factor: &[u64]) -> u64 {
    let mut v = (severity & ((1 << SEV_BITS) - 1)) | ((kind & 1) << KIND_SHIFT);
    let mut overflow = tech.len() > 3 || factor.len() > 3;
    for (i, t) in tech.iter().take(3).enumerate() {
        overflow |= *t + 1 >= 1 << TECH_BITS;
        v |= ((*t + 1) & ((1 << TECH_BITS) - 1)) << (TECH_SHIFT + i as u32 * TECH_BITS);
    }
    for (i, f) in factor.iter().take(3).enumerate() {
        overflow |= *f + 1 >= 1 << FACTOR_BITS;
        v |= ((*f + 1) & ((1 << FACTOR_BITS) - 1)) << (FACTOR_SHIFT + i as u32 * FACTOR_BITS);
    }
    if overflow { v | OVERFLOW } else { v }
}

/// Which facet dimensions a pass counts.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Dims {
    pub tech: bool,
    pub factor: bool,
    pub severity: bool,
    pub kind: bool,
}

/// The documents of one segment that matched: a ranking pass that visits more documents
/// than match (a union of scorers) keeps only these.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocBits {
    words: Vec<u64>,
}

impl DocBits {
    fn with_max_doc(max_doc: DocId) -> DocBits {
        DocBits {
            words: vec![0; (max_doc as usize).div_ceil(64)],
        }
    }

    fn insert(&mut self, doc: DocId) {
        if let Some(w) = self.words.get_mut(doc as usize / 64) {
            *w |= 1 << (doc % 64);
        }
    }

    pub(crate) fn contains(&self, doc: DocId) -> bool {
        self.words
            .get(doc as usize / 64)
            .is_some_and(|w| w & (1 << (doc % 64)) != 0)
    }

    /// How many documents are in both.
    fn count_common(&self, other: &DocBits) -> u64 {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has the popcnt instruction; checked just above.
            return unsafe { count_common_popcnt(&self.words, &other.words) };
        }
        count_common_portable(&self.words, &other.words)
    }

    fn and(&mut self, other: &DocBits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    fn or(&mut self, other: &DocBits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub(crate) fn len(&self) -> u64 {
        self.count_common(self)
    }

    /// The documents a query matches in a segment, deleted ones included (callers intersect
    /// with the live documents).
    fn of(weight: &dyn Weight, reader: &SegmentReader) -> tantivy::Result<DocBits> {
        let mut bits = DocBits::with_max_doc(reader.max_doc());
        weight.for_each_no_score(reader, &mut |docs| {
            for doc in docs {
                bits.insert(*doc);
            }
        })?;
        Ok(bits)
    }

    /// The segment's live documents.
    fn alive(reader: &SegmentReader) -> DocBits {
        let max_doc = reader.max_doc();
        let mut bits = DocBits::with_max_doc(max_doc);
        match reader.alive_bitset() {
            Some(alive) => {
                for doc in alive.iter_alive() {
                    bits.insert(doc);
                }
            }
            None => {
                bits.words.fill(u64::MAX);
                if !max_doc.is_multiple_of(64)
                    && let Some(last) = bits.words.last_mut()
                {
                    *last = (1 << (max_doc % 64)) - 1;
                }
            }
        }
        bits
    }

    /// The documents from the highest id down.
    pub(crate) fn docs_descending(&self) -> impl Iterator<Item = DocId> + '_ {
        self.words.iter().enumerate().rev().flat_map(|(i, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = 63 - w.leading_zeros();
                    w &= !(1 << bit);
                    (i * 64) as DocId + bit
                })
            })
        })
    }

    pub(crate) fn docs(&self) -> impl Iterator<Item = DocId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros();
                    w &= w - 1;
                    (i * 64) as DocId + bit
                })
            })
        })
    }
}

fn count_common_portable(a: &[u64], b: &[u64]) -> u64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| u64::from((x & y).count_ones()))
        .sum()
}

/// The same count with the hardware instruction: the portable build targets CPUs without
/// it, where `count_ones` costs about a dozen instructions a word.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn count_common_popcnt(a: &[u64], b: &[u64]) -> u64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| u64::from((x & y).count_ones()))
        .sum()
}

/// For each facet value (severity, kind, technology, factor ordinal), the documents of one
/// segment that carry it. A large match set is then counted with one AND and popcount per
/// value, instead of one lookup per matching document.
pub(crate) struct ValueBits {
    severity: Vec<(usize, DocBits)>,
    kind: Vec<(usize, DocBits)>,
    tech: Vec<(usize, DocBits)>,
    factor: Vec<(usize, DocBits)>,
}

impl ValueBits {
    /// The documents carrying any of `values` in dimension `dim` (0 severity, 1 kind,
    /// 2 technology, 3 factor).
    fn any_of(&self, dim: usize, values: &[usize], max_doc: DocId) -> DocBits {
        let mut out = DocBits::with_max_doc(max_doc);
        let by_value = match dim {
            0 => &self.severity,
            1 => &self.kind,
            2 => &self.tech,
            _ => &self.factor,
        };
        for (value, docs) in by_value {
            if values.contains(value) {
                out.or(docs);
            }
        }
        out
    }

    fn build(reader: &SegmentReader) -> tantivy::Result<ValueBits> {
        let max_doc = reader.max_doc();
        let columns = ValueReader::open(reader)?;
        let mut by_value: [Vec<Option<DocBits>>; 4] = Default::default();
        let mut add = |dim: usize, value: usize, doc: DocId| {
            let values = &mut by_value[dim];
            if values.len() <= value {
                values.resize(value + 1, None);
            }
            values[value]
                .get_or_insert_with(|| DocBits::with_max_doc(max_doc))
                .insert(doc);
        };
        for doc in 0..max_doc {
            columns.visit(doc, &mut add);
        }
        let [severity, kind, tech, factor] = by_value.map(|values| {
            values
                .into_iter()
                .enumerate()
                .filter_map(|(value, docs)| docs.map(|d| (value, d)))
                .collect::<Vec<_>>()
        });
        Ok(ValueBits {
            severity,
            kind,
            tech,
            factor,
        })
    }
}

/// `ValueBits` by segment, built on a segment's first large count. Segments never change
/// (deleted documents never match, so they never count), and entries of merged-away
/// segments are dropped when the reader reloads.
#[derive(Default)]
pub(crate) struct ValueBitsCache {
    segments: Mutex<HashMap<SegmentId, Arc<ValueBits>>>,
}

impl ValueBitsCache {
    fn get(&self, reader: &SegmentReader) -> tantivy::Result<Arc<ValueBits>> {
        let id = reader.segment_id();
        if let Some(found) = self.lock().get(&id) {
            return Ok(found.clone());
        }
        // Built outside the lock: two searches may both build a new segment's bits once.
        let built = Arc::new(ValueBits::build(reader)?);
        self.lock().insert(id, built.clone());
        Ok(built)
    }

    /// Keeps only the entries of `live` segments.
    pub(crate) fn retain(&self, live: &[SegmentId]) {
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<ValueBits>>> {
        // A panic while building leaves at worst a missing entry, rebuilt on next use.
        self.segments.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The document sets of dense units (a word or concept found in many reports) by segment
/// and unit. Walking a posting list of hundreds of thousands of documents costs milliseconds;
/// the same set as bits costs an eighth of a byte per document and is combined in
/// microseconds, and the frequent words are exactly the ones queries share (the same idea
/// as a search engine's filter cache). Sets of segments merged away are dropped when the
/// reader reloads; deleted documents are removed by the live set at every count, so an
/// entry never goes stale. Least recently used entries go first beyond the byte budget.
pub(crate) struct UnitBitsCache {
    state: Mutex<UnitBitsState>,
}

struct UnitBitsState {
    budget: usize,
    bytes: usize,
    entries: lru::LruCache<(SegmentId, String), Arc<DocBits>>,
}

impl UnitBitsState {
    /// Drops least recently used sets until the rest fit the budget.
    fn evict_beyond_budget(&mut self) {
        while self.bytes > self.budget {
            match self.entries.pop_lru() {
                Some((_, old)) => self.bytes -= old.words.len() * 8,
                None => break,
            }
        }
    }
}

/// How much memory the unit cache holds by default: about 500 dense units at a million
/// reports.
pub(crate) const UNIT_CACHE_BYTES: usize = 64 << 20;

impl Default for UnitBitsCache {
    fn default() -> Self {
        UnitBitsCache {
            state: Mutex::new(UnitBitsState {
                budget: UNIT_CACHE_BYTES,
                bytes: 0,
                entries: lru::LruCache::unbounded(),
            }),
        }
    }
}

impl UnitBitsCache {
    /// The documents of `reader`'s segment that `weight` (the unit `key`) matches, deleted
    /// ones included.
    fn get(
        &self,
        key: &str,
        weight: &dyn Weight,
        reader: &SegmentReader,
    ) -> tantivy::Result<Arc<DocBits>> {
        let id = (reader.segment_id(), key.to_string());
        if let Some(found) = self.lock().entries.get(&id) {
            return Ok(found.clone());
        }
        let bits = Arc::new(DocBits::of(weight, reader)?);
        let size = bits.words.len() * 8;
        // A sparse set is cheap to walk again and would crowd dense ones out.
        if bits.len() * 64 >= u64::from(reader.max_doc()) {
            let mut state = self.lock();
            if size <= state.budget && state.entries.put(id, bits.clone()).is_none() {
                state.bytes += size;
                state.evict_beyond_budget();
            }
        }
        Ok(bits)
    }

    /// Sets the byte budget (0 turns caching off, as benchmarks of the cold path do) and
    /// drops what no longer fits.
    pub(crate) fn set_budget(&self, bytes: usize) {
        let mut state = self.lock();
        state.budget = bytes;
        state.evict_beyond_budget();
    }

    /// How many sets are cached.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Keeps only the entries of `live` segments.
    pub(crate) fn retain(&self, live: &[SegmentId]) {
        let mut state = self.lock();
        let stale: Vec<_> = state
            .entries
            .iter()
            .filter(|((segment, _), _)| !live.contains(segment))
            .map(|(key, _)| key.clone())
            .collect();
        for key in stale {
            if let Some(old) = state.entries.pop(&key) {
                state.bytes -= old.words.len() * 8;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, UnitBitsState> {
        // A panic while holding the lock leaves a consistent map (each step is whole).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Per-segment document sets shared by every search on one index.
#[derive(Default)]
pub(crate) struct SegmentSets {
    pub values: ValueBitsCache,
    pub units: UnitBitsCache,
}

impl SegmentSets {
    /// Keeps only the entries of `live` segments.
    pub(crate) fn retain(&self, live: &[SegmentId]) {
        self.values.retain(live);
        self.units.retain(live);
    }
}

/// Counts per ordinal, plus the number of matching documents (and, when asked for, which).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub total: u64,
    pub tech: Vec<u64>,
    pub factor: Vec<u64>,
    pub severity: [u64; 5],
    pub kind: [u64; 2],
    /// The matching documents by segment ordinal, when the counter keeps them.
    pub matches: Vec<(SegmentOrdinal, DocBits)>,
    /// When matching relaxed to part of the query's units: each unit's documents by segment
    /// ordinal, and each unit's document count, so that ranking can favour the reports that
    /// match more of what the query names.
    pub unit_sets: Vec<(SegmentOrdinal, Vec<Arc<DocBits>>)>,
    pub unit_docs: Vec<u64>,
}

impl Tally {
    fn new() -> Tally {
        let t = Taxonomy::bundled();
        Tally {
            total: 0,
            tech: vec![0; t.technologies.len()],
            factor: vec![0; t.factors.len()],
            severity: [0; 5],
            kind: [0; 2],
            matches: Vec::new(),
            unit_sets: Vec::new(),
            unit_docs: Vec::new(),
        }
    }

    /// The matching documents of a segment, if they were kept.
    pub(crate) fn matches_in(&self, segment: SegmentOrdinal) -> Option<&DocBits> {
        self.matches
            .iter()
            .find(|(s, _)| *s == segment)
            .map(|(_, bits)| bits)
    }

    fn add(&mut self, other: Tally) {
        self.matches.extend(other.matches);
        self.unit_sets.extend(other.unit_sets);
        if self.unit_docs.len() < other.unit_docs.len() {
            self.unit_docs.resize(other.unit_docs.len(), 0);
        }
        for (a, b) in self.unit_docs.iter_mut().zip(&other.unit_docs) {
            *a += b;
        }
        self.total += other.total;
        for (a, b) in self.tech.iter_mut().zip(&other.tech) {
            *a += b;
        }
        for (a, b) in self.factor.iter_mut().zip(&other.factor) {
            *a += b;
        }
        for (a, b) in self.severity.iter_mut().zip(&other.severity) {
            *a += b;
        }
        for (a, b) in self.kind.iter_mut().zip(&other.kind) {
            *a += b;
        }
    }
}

/// One condition of a filter: a query, and when it is one facet dimension's values (a
/// technology, all technologies of a category, a severity…), those values, so that counting
/// can read the per-value document sets instead of walking posting lists.
pub(crate) struct Clause {
    pub query: Box<dyn Query>,
    /// (dimension: 0 severity, 1 kind, 2 technology, 3 factor; any of these ordinals).
    pub values: Option<(usize, Vec<usize>)>,
}

/// A filter of a search: every clause must hold. `dims` is the facet dimension it narrows,
/// which drill-sideways counts without it.
pub(crate) struct Filter {
    pub dims: Dims,
    pub clauses: Vec<Clause>,
}

/// Counts the reports that match at least `required` of `units` (every live report when
/// there are none) and every filter: the total, the facet dimensions `own` (those without an active filter), and each
/// filtered dimension with every filter but its own (drill-sideways). Works on per-segment
/// document sets: the units' posting lists are walked once, filters on facet values are read
/// from `ValueBits`, and every count is an AND and a popcount. With `keep`, the matches stay
/// in the tally for ranking.
pub(crate) fn count(
    searcher: &Searcher,
    units: &[Box<dyn Query>],
    required: usize,
    filters: &[Filter],
    own: Dims,
    sets: &SegmentSets,
    keep: bool,
) -> tantivy::Result<Tally> {
    let scoring = EnableScoring::disabled_from_searcher(searcher);
    // A unit's key is its full description: every term, field and option it matches on.
    let units = units
        .iter()
        .map(|q| Ok((format!("{q:?}"), q.weight(scoring)?)))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let filters = filters
        .iter()
        .map(|f| -> tantivy::Result<_> {
            let clauses = f
                .clauses
                .iter()
                .map(|c| -> tantivy::Result<_> {
                    Ok(match &c.values {
                        Some((dim, values)) => Err((*dim, values.as_slice())),
                        None => Ok(c.query.weight(scoring)?),
                    })
                })
                .collect::<tantivy::Result<Vec<_>>>()?;
            Ok((f.dims, clauses))
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    let segments = searcher.segment_readers().iter().enumerate();
    let tallies = searcher.index().search_executor().map(
        |(ord, reader)| -> tantivy::Result<Tally> {
            let values = sets.values.get(reader)?;
            let max_doc = reader.max_doc();
            let mut base = DocBits::alive(reader);
            let mut relaxed_units = None;
            if !units.is_empty() {
                let each = units
                    .iter()
                    .map(|(key, w)| sets.units.get(key, w.as_ref(), reader))
                    .collect::<tantivy::Result<Vec<_>>>()?;
                base.and(&at_least(&each, required, max_doc));
                if keep && required < units.len() {
                    relaxed_units = Some(each);
                }
            }
            let mut narrowed = Vec::with_capacity(filters.len());
            for (_, clauses) in &filters {
                let mut bits: Option<DocBits> = None;
                for clause in clauses {
                    let docs = match clause {
                        Err((dim, wanted)) => values.any_of(*dim, wanted, max_doc),
                        Ok(w) => DocBits::of(w.as_ref(), reader)?,
                    };
                    match &mut bits {
                        Some(b) => b.and(&docs),
                        None => bits = Some(docs),
                    }
                }
                narrowed.push(bits);
            }
            let all_but = |skip: Option<usize>| {
                let mut m = base.clone();
                for (i, bits) in narrowed.iter().enumerate() {
                    if Some(i) != skip
                        && let Some(b) = bits
                    {
                        m.and(b);
                    }
                }
                m
            };
            let matches = all_but(None);
            let mut tally = Tally::new();
            tally.total = matches.len();
            count_by_value(&matches, &values, own, &mut tally);
            for (i, (dims, _)) in filters.iter().enumerate() {
                if dims.tech || dims.factor || dims.severity || dims.kind {
                    count_by_value(&all_but(Some(i)), &values, *dims, &mut tally);
                }
            }
            if keep {
                tally.matches.push((ord as SegmentOrdinal, matches));
            }
            if let Some(each) = relaxed_units {
                tally.unit_docs = each.iter().map(|set| set.len()).collect();
                tally.unit_sets.push((ord as SegmentOrdinal, each));
            }
            Ok(tally)
        },
        segments,
    )?;
    let mut out = Tally::new();
    for t in tallies {
        out.add(t);
    }
    Ok(out)
}

/// The documents in at least `required` of `sets` (all of them when `required` is their
/// number): `reached[j]` holds the documents seen in at least j sets so far.
fn at_least(sets: &[Arc<DocBits>], required: usize, max_doc: DocId) -> DocBits {
    let required = required.clamp(1, sets.len().max(1));
    let mut reached: Vec<DocBits> = vec![DocBits::with_max_doc(max_doc); required + 1];
    reached[0].words.fill(u64::MAX);
    for set in sets {
        for j in (1..=required).rev() {
            let (below, from) = reached.split_at_mut(j);
            for ((r, b), s) in from[0]
                .words
                .iter_mut()
                .zip(&below[j - 1].words)
                .zip(&set.words)
            {
                *r |= b & s;
            }
        }
    }
    reached.pop().unwrap_or_default()
}

/// Adds the per-value counts of `matched` in dimensions `dims`: one AND and popcount each.
fn count_by_value(matched: &DocBits, values: &ValueBits, dims: Dims, t: &mut Tally) {
    let fill = |on: bool, out: &mut [u64], bits: &[(usize, DocBits)]| {
        if !on {
            return;
        }
        for (value, docs) in bits {
            if let Some(n) = out.get_mut(*value) {
                *n += matched.count_common(docs);
            }
        }
    };
    fill(dims.severity, &mut t.severity, &values.severity);
    fill(dims.kind, &mut t.kind, &values.kind);
    fill(dims.tech, &mut t.tech, &values.tech);
    fill(dims.factor, &mut t.factor, &values.factor);
}

/// Reads a segment's facet values per document: the packed column, or the multi-valued
/// columns for reports with more tags than the pack holds.
struct ValueReader {
    pack: Column<u64>,
    tech: Column<u64>,
    factor: Column<u64>,
    severity: Column<u64>,
    kind: Column<u64>,
}

impl ValueReader {
    fn open(reader: &SegmentReader) -> tantivy::Result<ValueReader> {
        let ff = reader.fast_fields();
        Ok(ValueReader {
            pack: ff.u64("facet_pack")?,
            tech: ff.u64("tech_ord")?,
            factor: ff.u64("factor_ord")?,
            severity: ff.u64("severity_ord")?,
            kind: ff.u64("kind_ord")?,
        })
    }

    /// Calls `add(dimension, value, doc)` for each facet value of `doc` (dimensions: 0
    /// severity, 1 kind, 2 technology, 3 factor).
    fn visit(&self, doc: DocId, add: &mut impl FnMut(usize, usize, DocId)) {
        match self.pack.first(doc) {
            Some(v) if v & OVERFLOW == 0 => {
                add(0, (v & ((1 << SEV_BITS) - 1)) as usize % 5, doc);
                add(1, ((v >> KIND_SHIFT) & 1) as usize, doc);
                for i in 0..3 {
                    let o = (v >> (TECH_SHIFT + i * TECH_BITS)) & ((1 << TECH_BITS) - 1);
                    if o == 0 {
                        break;
                    }
                    add(2, o as usize - 1, doc);
                }
                for i in 0..3 {
                    let o = (v >> (FACTOR_SHIFT + i * FACTOR_BITS)) & ((1 << FACTOR_BITS) - 1);
                    if o == 0 {
                        break;
                    }
                    add(3, o as usize - 1, doc);
                }
            }
            _ => {
                for (dim, column) in [(2, &self.tech), (3, &self.factor)] {
                    for v in column.values_for_doc(doc) {
                        add(dim, v as usize, doc);
                    }
                }
                for (dim, column) in [(0, &self.severity), (1, &self.kind)] {
                    if let Some(v) = column.first(doc) {
                        add(dim, v as usize, doc);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DocBits;

    #[test]
    fn document_sets_list_their_documents_both_ways() {
        let mut bits = DocBits::with_max_doc(200);
        for doc in [0, 1, 63, 64, 130, 199] {
            bits.insert(doc);
        }
        let up: Vec<_> = bits.docs().collect();
        let mut down: Vec<_> = bits.docs_descending().collect();
        assert_eq!(up, [0, 1, 63, 64, 130, 199]);
        down.reverse();
        assert_eq!(down, up);
        assert_eq!(bits.len(), 6);
    }
}
