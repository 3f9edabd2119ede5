//! Facet counting over dense taxonomy ordinals kept in fast fields: one non-scoring pass
//! counts the matches and their technologies, factors, severities and kinds.

use std::collections::HashMap;
use std::sync::OnceLock;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
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

/// Counts per ordinal, plus the number of matching documents.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub total: u64,
    pub tech: Vec<u64>,
    pub factor: Vec<u64>,
    pub severity: [u64; 5],
    pub kind: [u64; 2],
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
        }
    }

    fn add(&mut self, other: &Tally) {
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

pub(crate) struct FacetCounter {
    pub dims: Dims,
}

pub(crate) struct SegmentCounter {
    tally: Tally,
    dims: Dims,
    pack: Option<Column<u64>>,
    buffer: Vec<Option<u64>>,
    tech: Option<Column<u64>>,
    factor: Option<Column<u64>>,
    severity: Option<Column<u64>>,
    kind: Option<Column<u64>>,
}

impl Collector for FacetCounter {
    type Fruit = Tally;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        let ff = reader.fast_fields();
        let column = |on: bool, name: &str| -> tantivy::Result<Option<Column<u64>>> {
            if on { ff.u64(name).map(Some) } else { Ok(None) }
        };
        let any = self.dims.tech || self.dims.factor || self.dims.severity || self.dims.kind;
        Ok(SegmentCounter {
            tally: Tally::new(),
            dims: self.dims,
            pack: column(any, "facet_pack")?,
            buffer: Vec::new(),
            tech: column(self.dims.tech, "tech_ord")?,
            factor: column(self.dims.factor, "factor_ord")?,
            severity: column(self.dims.severity, "severity_ord")?,
            kind: column(self.dims.kind, "kind_ord")?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut out = Tally::new();
        for f in &fruits {
            out.add(f);
        }
        Ok(out)
    }
}

impl SegmentCounter {
    fn count_packed(&mut self, doc: DocId, packed: Option<u64>) {
        let Some(v) = packed else {
            self.count_columns(doc);
            return;
        };
        if v & OVERFLOW != 0 {
            self.count_columns(doc);
            return;
        }
        let t = &mut self.tally;
        let d = self.dims;
        if d.severity {
            t.severity[(v & ((1 << SEV_BITS) - 1)) as usize % 5] += 1;
        }
        if d.kind {
            t.kind[((v >> KIND_SHIFT) & 1) as usize] += 1;
        }
        if d.tech {
            for i in 0..3 {
                let o = (v >> (TECH_SHIFT + i * TECH_BITS)) & ((1 << TECH_BITS) - 1);
                if o == 0 {
                    break;
                }
                if let Some(n) = t.tech.get_mut(o as usize - 1) {
                    *n += 1;
                }
            }
        }
        if d.factor {
            for i in 0..3 {
                let o = (v >> (FACTOR_SHIFT + i * FACTOR_BITS)) & ((1 << FACTOR_BITS) - 1);
                if o == 0 {
                    break;
                }
                if let Some(n) = t.factor.get_mut(o as usize - 1) {
                    *n += 1;
                }
            }
        }
    }

    fn count_columns(&mut self, doc: DocId) {
        let t = &mut self.tally;
        if let Some(c) = &self.tech {
            for v in c.values_for_doc(doc) {
                if let Some(n) = t.tech.get_mut(v as usize) {
                    *n += 1;
                }
            }
        }
        if let Some(c) = &self.factor {
            for v in c.values_for_doc(doc) {
                if let Some(n) = t.factor.get_mut(v as usize) {
                    *n += 1;
                }
            }
        }
        if let Some(n) = self
            .severity
            .as_ref()
            .and_then(|c| c.first(doc))
            .and_then(|v| t.severity.get_mut(v as usize))
        {
            *n += 1;
        }
        if let Some(n) = self
            .kind
            .as_ref()
            .and_then(|c| c.first(doc))
            .and_then(|v| t.kind.get_mut(v as usize))
        {
            *n += 1;
        }
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.tally.total += 1;
        if let Some(packed) = self.pack.as_ref().map(|c| c.first(doc)) {
            self.count_packed(doc, packed);
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.tally.total += docs.len() as u64;
        let Some(column) = self.pack.take() else {
            return;
        };
        self.buffer.resize(docs.len(), None);
        let mut buffer = std::mem::take(&mut self.buffer);
        column.first_vals(docs, &mut buffer);
        for (doc, v) in docs.iter().zip(&buffer) {
            self.count_packed(*doc, *v);
        }
        self.buffer = buffer;
        self.pack = Some(column);
    }

    fn harvest(self) -> Tally {
        self.tally
    }
}
