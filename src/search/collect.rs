//! Facet counting over dense taxonomy ordinals kept in fast fields: one non-scoring pass
//! counts the matches and their technologies, factors, severities and kinds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

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

impl Dims {
    pub(crate) fn only(self, keep: Dims) -> Dims {
        Dims {
            tech: self.tech && keep.tech,
            factor: self.factor && keep.factor,
            severity: self.severity && keep.severity,
            kind: self.kind && keep.kind,
        }
    }
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

    fn docs(&self) -> impl Iterator<Item = DocId> + '_ {
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
    fn build(reader: &SegmentReader) -> tantivy::Result<ValueBits> {
        let max_doc = reader.max_doc();
        let counter = SegmentCounter::open(
            reader,
            Dims {
                tech: true,
                factor: true,
                severity: true,
                kind: true,
            },
            0,
            false,
            None,
        )?;
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
            counter.visit_values(doc, &mut add);
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

pub(crate) struct FacetCounter<'a> {
    pub dims: Dims,
    /// Also keep which documents matched (`Tally::matches`).
    pub keep_matches: bool,
    pub value_bits: &'a ValueBitsCache,
}

/// From this share of a segment's documents on (1 in `DENSE_FROM`), matches are counted
/// per value with popcounts rather than per document.
const DENSE_FROM: u32 = 16;

pub(crate) struct SegmentCounter {
    tally: Tally,
    dims: Dims,
    segment: SegmentOrdinal,
    keep_matches: bool,
    /// The matches so far; counted when the segment is done.
    matched: DocBits,
    value_bits: Option<Arc<ValueBits>>,
    pack: Option<Column<u64>>,
    tech: Option<Column<u64>>,
    factor: Option<Column<u64>>,
    severity: Option<Column<u64>>,
    kind: Option<Column<u64>>,
}

impl Collector for FacetCounter<'_> {
    type Fruit = Tally;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        let any = self.dims.tech || self.dims.factor || self.dims.severity || self.dims.kind;
        // Value bits pay off on large segments; small fresh ones are counted per document.
        let value_bits = if any && reader.max_doc() >= 64 * 1024 {
            Some(self.value_bits.get(reader)?)
        } else {
            None
        };
        SegmentCounter::open(reader, self.dims, segment, self.keep_matches, value_bits)
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut out = Tally::new();
        for f in fruits {
            out.add(f);
        }
        Ok(out)
    }
}

impl SegmentCounter {
    fn open(
        reader: &SegmentReader,
        dims: Dims,
        segment: SegmentOrdinal,
        keep_matches: bool,
        value_bits: Option<Arc<ValueBits>>,
    ) -> tantivy::Result<SegmentCounter> {
        let ff = reader.fast_fields();
        let column = |on: bool, name: &str| -> tantivy::Result<Option<Column<u64>>> {
            if on { ff.u64(name).map(Some) } else { Ok(None) }
        };
        let any = dims.tech || dims.factor || dims.severity || dims.kind;
        Ok(SegmentCounter {
            tally: Tally::new(),
            dims,
            segment,
            keep_matches,
            matched: DocBits::with_max_doc(reader.max_doc()),
            value_bits,
            pack: column(any, "facet_pack")?,
            tech: column(dims.tech, "tech_ord")?,
            factor: column(dims.factor, "factor_ord")?,
            severity: column(dims.severity, "severity_ord")?,
            kind: column(dims.kind, "kind_ord")?,
        })
    }

    /// Calls `add(dimension, value, doc)` for each facet value of `doc` in the counted
    /// dimensions (0 severity, 1 kind, 2 technology, 3 factor).
    fn visit_values(&self, doc: DocId, add: &mut impl FnMut(usize, usize, DocId)) {
        let packed = self.pack.as_ref().and_then(|c| c.first(doc));
        let d = self.dims;
        match packed {
            Some(v) if v & OVERFLOW == 0 => {
                if d.severity {
                    add(0, (v & ((1 << SEV_BITS) - 1)) as usize % 5, doc);
                }
                if d.kind {
                    add(1, ((v >> KIND_SHIFT) & 1) as usize, doc);
                }
                if d.tech {
                    for i in 0..3 {
                        let o = (v >> (TECH_SHIFT + i * TECH_BITS)) & ((1 << TECH_BITS) - 1);
                        if o == 0 {
                            break;
                        }
                        add(2, o as usize - 1, doc);
                    }
                }
                if d.factor {
                    for i in 0..3 {
                        let o = (v >> (FACTOR_SHIFT + i * FACTOR_BITS)) & ((1 << FACTOR_BITS) - 1);
                        if o == 0 {
                            break;
                        }
                        add(3, o as usize - 1, doc);
                    }
                }
            }
            _ => {
                for (dim, column) in [(2, &self.tech), (3, &self.factor)] {
                    if let Some(c) = column {
                        for v in c.values_for_doc(doc) {
                            add(dim, v as usize, doc);
                        }
                    }
                }
                for (dim, column) in [(0, &self.severity), (1, &self.kind)] {
                    if let Some(v) = column.as_ref().and_then(|c| c.first(doc)) {
                        add(dim, v as usize, doc);
                    }
                }
            }
        }
    }

    /// Counts the matches one document at a time.
    fn count_each(&mut self) {
        let mut tally = std::mem::take(&mut self.tally);
        let mut add = |dim: usize, value: usize, _doc: DocId| {
            let slot = match dim {
                0 => tally.severity.get_mut(value),
                1 => tally.kind.get_mut(value),
                2 => tally.tech.get_mut(value),
                _ => tally.factor.get_mut(value),
            };
            if let Some(n) = slot {
                *n += 1;
            }
        };
        for doc in self.matched.docs() {
            self.visit_values(doc, &mut add);
        }
        self.tally = tally;
    }

    /// Counts the matches per value: one AND and popcount each.
    fn count_by_value(&mut self, values: &ValueBits) {
        let d = self.dims;
        let t = &mut self.tally;
        let matched = &self.matched;
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
        fill(d.severity, &mut t.severity, &values.severity);
        fill(d.kind, &mut t.kind, &values.kind);
        fill(d.tech, &mut t.tech, &values.tech);
        fill(d.factor, &mut t.factor, &values.factor);
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.tally.total += 1;
        self.matched.insert(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.tally.total += docs.len() as u64;
        for doc in docs {
            self.matched.insert(*doc);
        }
    }

    fn harvest(mut self) -> Tally {
        let dense =
            self.tally.total * u64::from(DENSE_FROM) >= self.matched.words.len() as u64 * 64;
        match self.value_bits.take() {
            Some(values) if dense => self.count_by_value(&values),
            _ => self.count_each(),
        }
        if self.keep_matches {
            let matched = std::mem::take(&mut self.matched);
            self.tally.matches.push((self.segment, matched));
        }
        self.tally
    }
}
