//! Ranking the matches: the best of a union of per-field and tag scorers (pruned with
//! block-max WAND unless typo tolerance is on), then phrase proximity over a rescoring window.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};

use tantivy::postings::Postings;
use tantivy::query::{Bm25Weight, BooleanQuery, EnableScoring, Occur, Query, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::SearchError;
use super::collect::{DocBits, Tally};

/// Phrase proximity re-orders this many of the best matches; below them the order is the
/// scorers' alone. Proximity only refines: a report outside the window would need a score
/// far below the window's last to begin with.
pub(crate) const RESCORE_WINDOW: usize = 40;
/// From this many matches on, rank with the pruned union. Scoring each match directly (every
/// scorer seeking to it) measured slower at every size on the benchmark, down to a few
/// thousand matches, so pruning applies whenever the scorers allow it (no typo tolerance);
/// tests force the other path to check that both rank alike.
pub(crate) const PRUNE_FROM: u64 = 0;

/// A segment whose matches are fewer than one in this many of its documents has them scored
/// directly rather than through the pruned union (measured at 1M reports: the crossover
/// lies between 1/64 and 1/32; see BENCHMARKS.md).
const DIRECT_BELOW_SHARE: u64 = 64;

/// Candidates kept beyond the page and the rescoring window.
const CUT_MARGIN: usize = 10;

/// What ranks a search's matches.
pub(crate) struct Ranking<'a> {
    /// Per-field BM25 and tag scorers; a report's score is their sum.
    pub scorers: &'a [Box<dyn Query>],
    /// Every scorer is a plain term query with frequencies, so block-max WAND applies.
    pub prunable: bool,
    /// Phrase proximity, added within the rescoring window.
    pub proximity: &'a [Proximity],
    /// Prune from this many matches on (`PRUNE_FROM`; tests force either way).
    pub prune_from: u64,
    /// Proximity re-orders this many of the best (`RESCORE_WINDOW`; tests shrink it to make
    /// the kept candidates few).
    pub window: usize,
}

/// The query's words close together and in order in one field: at most `slop` other words
/// between them in all. Scored like one term with BM25 (idf summed over the words,
/// frequency the number of such runs), times `boost`.
pub(crate) struct Proximity {
    pub field: Field,
    pub words: Vec<String>,
    pub slop: u32,
    pub boost: Score,
}

/// The page `offset..offset + limit` of the matches counted in `tally`, best first; ties go
/// to the earlier document.
pub(crate) fn top(
    searcher: &Searcher,
    ranking: &Ranking,
    tally: &Tally,
    offset: usize,
    limit: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    // A few more than the page needs, so that near-ties at the cut cannot change the page.
    let want = (offset + limit).max(ranking.window) + CUT_MARGIN;
    let prune = ranking.prunable && tally.total >= ranking.prune_from;
    let coverage = Coverage::of(searcher, tally);
    let mut best = if prune && !tally.matches.is_empty() {
        pruned(searcher, ranking.scorers, tally, &coverage, want)?
    } else {
        every_match(searcher, ranking.scorers, tally, &coverage, want)?
    };
    rescore_in_order(searcher, ranking.scorers, &coverage, &mut best)?;
    rescore(searcher, ranking.proximity, ranking.window, &mut best)?;
    let best = newest_first_among_equals(searcher, best)?;
    Ok(best.into_iter().skip(offset).take(limit).collect())
}

/// How much of the query a report matches, when matching relaxed to part of its units: the
/// share of the units' summed IDF that the report's units carry, squared. A report matching
/// two rare units of three then ranks above one matching a single common word that scores
/// high in a title. Units no report matches weigh nothing, so a word found nowhere costs no
/// one; with every unit required the factor is 1 for every match.
struct Coverage<'a> {
    sets: &'a [(SegmentOrdinal, Vec<std::sync::Arc<DocBits>>)],
    weights: Vec<Score>,
    total: Score,
}

impl<'a> Coverage<'a> {
    fn of(searcher: &Searcher, tally: &'a Tally) -> Coverage<'a> {
        let docs = searcher.num_docs() as Score;
        let weights: Vec<Score> = tally
            .unit_docs
            .iter()
            .map(|&df| {
                if df == 0 {
                    0.0
                } else {
                    let df = df as Score;
                    (1.0 + (docs - df + 0.5).max(0.0) / (df + 0.5)).ln()
                }
            })
            .collect();
        let total = weights.iter().sum();
        Coverage {
            sets: &tally.unit_sets,
            weights,
            total,
        }
    }

    /// The factor (at most 1) a document's score is multiplied by, for the documents of one
    /// segment: the segment's unit sets are looked up once, not per document.
    fn in_segment(&self, segment: SegmentOrdinal) -> impl Fn(DocId) -> Score + '_ {
        let sets = (self.total > 0.0)
            .then(|| self.sets.iter().find(|(s, _)| *s == segment))
            .flatten()
            .map(|(_, sets)| sets.as_slice());
        move |doc| {
            let Some(sets) = sets else {
                return 1.0;
            };
            let got: Score = sets
                .iter()
                .zip(&self.weights)
                .filter(|(set, _)| set.contains(doc))
                .map(|(_, w)| w)
                .sum();
            (got / self.total).powi(2)
        }
    }
}

/// Orders reports of equal score newest first (by outbox position) rather than by where
/// they happen to sit in the index, which depends on how indexing threads split them into
/// segments: the same corpus then ranks the same way on every build.
fn newest_first_among_equals(
    searcher: &Searcher,
    best: Vec<(Score, DocAddress)>,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    // `best` is in rank order already; without equal scores there is nothing to settle.
    if !best.windows(2).any(|pair| pair[0].0 == pair[1].0) {
        return Ok(best);
    }
    let mut columns = std::collections::HashMap::new();
    let mut keyed = Vec::with_capacity(best.len());
    for (score, address) in best {
        let column = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .i64("position")?,
            ),
        };
        let position = column.first(address.doc_id).unwrap_or(i64::MIN);
        keyed.push((score, position, address));
    }
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    Ok(keyed.into_iter().map(|(s, _, a)| (s, a)).collect())
}

/// The page `offset..offset + limit` of the matches kept in `tally`, newest (highest outbox
/// position) first.
pub(crate) fn newest(
    searcher: &Searcher,
    tally: &Tally,
    offset: usize,
    limit: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let want = offset + limit;
    let mut best: Vec<(i64, DocAddress)> = Vec::new();
    for (segment, matches) in &tally.matches {
        let reader = searcher.segment_reader(*segment);
        let position = reader.fast_fields().i64("position")?;
        let mut heap: BinaryHeap<std::cmp::Reverse<(i64, DocAddress)>> = BinaryHeap::new();
        // Documents are added in publication order, so from the highest id down the heap
        // fills with the newest at once and later documents rarely displace anything.
        for doc in matches.docs_descending() {
            let entry = (
                position.first(doc).unwrap_or(i64::MIN),
                DocAddress::new(*segment, doc),
            );
            if heap.len() < want {
                heap.push(std::cmp::Reverse(entry));
            } else if heap.peek().is_some_and(|worst| entry > worst.0) {
                heap.pop();
                heap.push(std::cmp::Reverse(entry));
            }
        }
        best.extend(heap.into_iter().map(|std::cmp::Reverse(e)| e));
    }
    best.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(best
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(_, a)| (0.0, a))
        .collect())
}

fn by_rank(a: &(Score, DocAddress), b: &(Score, DocAddress)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Scores every match: each scorer seeks to the matches in document order.
fn every_match(
    searcher: &Searcher,
    scorers: &[Box<dyn Query>],
    tally: &Tally,
    coverage: &Coverage,
    want: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let mut all: Vec<(Score, DocAddress)> = tally
        .matches
        .iter()
        .flat_map(|(segment, docs)| docs.docs().map(|d| (0.0, DocAddress::new(*segment, d))))
        .collect();
    rescore_in_order(searcher, scorers, coverage, &mut all)?;
    all.truncate(want);
    Ok(all)
}

/// Walks the union of the scorers with block-max WAND, which skips blocks of documents that
/// cannot beat the current `want`-th score, and keeps only documents that matched. Every
/// match carries at least one scorer's term (a tag or a word of the text), so none is
/// missed. Segments run on the searcher's executor.
fn pruned(
    searcher: &Searcher,
    scorers: &[Box<dyn Query>],
    tally: &Tally,
    coverage: &Coverage,
    want: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    // The best `want`-th score any segment has found so far (f32 bits; 0 for none yet):
    // a report scoring below it in another segment cannot make the page either.
    let shared = AtomicU32::new(0);
    let publish = |own: Score| {
        if own > 0.0 {
            shared.fetch_max(own.to_bits(), AtomicOrdering::Relaxed);
        }
    };
    // One ulp below, so that a report tying with it still reaches the tie-break.
    let bound = || match f32::from_bits(shared.load(AtomicOrdering::Relaxed)) {
        known if known > 0.0 => known.next_down(),
        _ => Score::MIN,
    };
    let segments = searcher.segment_readers().iter().enumerate();
    let per_segment = searcher.index().search_executor().map(
        |(ord, reader)| -> tantivy::Result<Vec<(Score, DocAddress)>> {
            let ord = ord as SegmentOrdinal;
            let Some(matches) = tally.matches_in(ord) else {
                return Ok(Vec::new());
            };
            // Only the scorers whose term this segment has: an absent term's empty posting
            // list reads no frequencies, and WAND needs every scorer to. Statistics stay
            // the searcher's, so scores agree across segments.
            let mut present = Vec::new();
            for scorer in scorers {
                let mut found = false;
                let mut lookup: tantivy::Result<()> = Ok(());
                scorer.query_terms(&mut |term, _| {
                    if lookup.is_ok() {
                        match reader
                            .inverted_index(term.field())
                            .and_then(|ii| Ok(ii.get_term_info(term)?))
                        {
                            Ok(info) => found |= info.is_some(),
                            Err(e) => lookup = Err(e),
                        }
                    }
                });
                lookup?;
                if found {
                    present.push((Occur::Should, scorer.box_clone()));
                }
            }
            if present.is_empty() {
                return Ok(Vec::new());
            }
            // Few matches among dense scorers: WAND's threshold rises only as matches turn
            // up, so it would visit most of the union; scoring just the matches is cheaper.
            if matches.len() * DIRECT_BELOW_SHARE <= u64::from(reader.max_doc()) {
                let weights = present
                    .iter()
                    .map(|(_, q)| q.weight(EnableScoring::enabled_from_searcher(searcher)))
                    .collect::<tantivy::Result<Vec<_>>>()?;
                let docs: Vec<DocId> = matches.docs().collect();
                let scores = score_in_segment(reader, &weights, &docs)?;
                let mut best = BestOf::new(want);
                let mut own = Score::MIN;
                let factor = coverage.in_segment(ord);
                for (doc, score) in docs.into_iter().zip(scores) {
                    own = best.offer(matches, doc, score * factor(doc));
                }
                publish(own);
                return Ok(best.into_addresses(ord));
            }
            // No minimum of optional clauses: a pure union of term scorers, which WAND handles.
            // The coverage factor only lowers scores, so a block WAND skips (its bound below
            // the threshold) holds no document that could make the page.
            let union = BooleanQuery::with_minimum_required_clauses(present, 0);
            let weight = union.weight(EnableScoring::enabled_from_searcher(searcher))?;
            let mut best = BestOf::new(want);
            let factor = coverage.in_segment(ord);
            weight.for_each_pruning(bound(), reader, &mut |doc, score| {
                let own = best.offer(matches, doc, score * factor(doc));
                publish(own);
                own.max(bound())
            })?;
            Ok(best.into_addresses(ord))
        },
        segments,
    )?;
    let mut best: Vec<(Score, DocAddress)> = per_segment.into_iter().flatten().collect();
    best.sort_by(by_rank);
    best.truncate(want);
    Ok(best)
}

/// The scores of `docs` (in increasing order) in one segment: each scorer seeks to them in
/// turn, and a document's score is the sum in the scorers' order, so that the same report
/// scores the same on every path.
fn score_in_segment(
    reader: &SegmentReader,
    weights: &[Box<dyn Weight>],
    docs: &[DocId],
) -> tantivy::Result<Vec<Score>> {
    let mut parts = vec![vec![0.0; weights.len()]; docs.len()];
    for (w, weight) in weights.iter().enumerate() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        for (doc, part) in docs.iter().zip(parts.iter_mut()) {
            if scorer.doc() < *doc {
                scorer.seek(*doc);
            }
            if scorer.doc() == *doc {
                part[w] = scorer.score();
            }
        }
    }
    Ok(parts.iter().map(|p| p.iter().sum()).collect())
}

/// The `capacity` best (score, document) pairs of one segment seen so far.
struct BestOf {
    capacity: usize,
    /// Worst on top: the lowest score, and of equal scores the later document.
    heap: BinaryHeap<Worst>,
}

struct Worst(Score, DocId);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

impl BestOf {
    fn new(capacity: usize) -> BestOf {
        BestOf {
            capacity,
            heap: BinaryHeap::with_capacity(capacity + 1),
        }
    }

    /// Takes a document the union scored if it matched; returns the score a document must
    /// now beat. Documents arrive in increasing order, so a later one with an equal score
    /// loses the tie, as the threshold's strict comparison already makes it.
    fn offer(&mut self, matches: &DocBits, doc: DocId, score: Score) -> Score {
        if matches.contains(doc) {
            self.heap.push(Worst(score, doc));
            if self.heap.len() > self.capacity {
                self.heap.pop();
            }
        }
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.capacity => worst.0,
            _ => Score::MIN,
        }
    }

    fn into_addresses(self, segment: SegmentOrdinal) -> Vec<(Score, DocAddress)> {
        self.heap
            .into_iter()
            .map(|Worst(score, doc)| (score, DocAddress::new(segment, doc)))
            .collect()
    }
}

/// Recomputes the candidates' scores as the sum of the scorers in their given order. A
/// union adds its scorers in whatever order their posting lists line up, so the same report
/// can score a few ulps apart depending on the path (pruned or not) and on how documents
/// fell into segments; equal reports would then swap places from one run to the next.
fn rescore_in_order(
    searcher: &Searcher,
    scorers: &[Box<dyn Query>],
    coverage: &Coverage,
    best: &mut [(Score, DocAddress)],
) -> Result<(), SearchError> {
    let weights = scorers
        .iter()
        .map(|q| q.weight(EnableScoring::enabled_from_searcher(searcher)))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut order: Vec<usize> = (0..best.len()).collect();
    order.sort_by_key(|&i| best[i].1);
    let mut at = 0;
    while at < order.len() {
        let segment = best[order[at]].1.segment_ord;
        let end = at
            + order[at..]
                .iter()
                .take_while(|&&i| best[i].1.segment_ord == segment)
                .count();
        let docs: Vec<DocId> = order[at..end].iter().map(|&i| best[i].1.doc_id).collect();
        let scores = score_in_segment(searcher.segment_reader(segment), &weights, &docs)?;
        let factor = coverage.in_segment(segment);
        for (&i, score) in order[at..end].iter().zip(scores) {
            best[i].0 = score * factor(best[i].1.doc_id);
        }
        at = end;
    }
    best.sort_by(by_rank);
    Ok(())
}

/// Adds phrase proximity to the first `window` entries and re-orders them. Scores
/// only grow, so the window stays ahead of everything after it. Only the window's documents
/// are looked at: their positions are read directly rather than through a phrase scorer,
/// which would first walk to the phrase's next occurrence anywhere in the segment.
fn rescore(
    searcher: &Searcher,
    proximity: &[Proximity],
    window: usize,
    best: &mut [(Score, DocAddress)],
) -> Result<(), SearchError> {
    let window = best.len().min(window);
    if window == 0 {
        return Ok(());
    }
    let mut order: Vec<usize> = (0..window).collect();
    order.sort_by_key(|&i| best[i].1);
    for p in proximity {
        let terms: Vec<Term> = p
            .words
            .iter()
            .map(|w| Term::from_field_text(p.field, w))
            .collect();
        if terms.len() < 2 {
            continue;
        }
        let weight = Bm25Weight::for_terms(searcher, &terms)?.boost_by(p.boost);
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); terms.len()];
        let mut at = 0;
        while at < order.len() {
            let segment = best[order[at]].1.segment_ord;
            let end = at
                + order[at..]
                    .iter()
                    .take_while(|&&i| best[i].1.segment_ord == segment)
                    .count();
            let reader = searcher.segment_reader(segment);
            let index = reader.inverted_index(p.field)?;
            let mut postings = Vec::with_capacity(terms.len());
            for term in &terms {
                match index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                    Some(list) => postings.push(list),
                    None => break,
                }
            }
            if postings.len() == terms.len() {
                let norms = reader.get_fieldnorms_reader(p.field)?;
                for &i in &order[at..end] {
                    let doc = best[i].1.doc_id;
                    let mut all_there = true;
                    for (list, out) in postings.iter_mut().zip(positions.iter_mut()) {
                        if list.doc() < doc {
                            list.seek(doc);
                        }
                        all_there &= list.doc() == doc;
                        if all_there {
                            out.clear();
                            list.positions(out);
                        }
                    }
                    if !all_there {
                        continue;
                    }
                    let runs = runs_in_order(&positions, p.slop);
                    if runs > 0 {
                        best[i].0 += weight.score(norms.fieldnorm_id(doc), runs);
                    }
                }
            }
            at = end;
        }
    }
    best[..window].sort_by(by_rank);
    Ok(())
}

/// How many occurrences of the first word start a run of every word in order with at most
/// `slop` other words between them in all.
fn runs_in_order(positions: &[Vec<u32>], slop: u32) -> u32 {
    let Some((first, rest)) = positions.split_first() else {
        return 0;
    };
    let mut runs = 0;
    'start: for &start in first {
        let (mut at, mut gaps) = (start, 0u32);
        for next in rest {
            let i = next.partition_point(|&p| p <= at);
            let Some(&p) = next.get(i) else {
                break 'start;
            };
            gaps += p - at - 1;
            if gaps > slop {
                continue 'start;
            }
            at = p;
        }
        runs += 1;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::runs_in_order;

    #[test]
    fn runs_count_ordered_occurrences_within_the_slop() {
        // "mysql replication": adjacent at 3-4, three words apart at 10-14.
        let positions = vec![vec![3, 10], vec![4, 14]];
        assert_eq!(runs_in_order(&positions, 0), 1);
        assert_eq!(runs_in_order(&positions, 3), 2);
        // Out of order never counts.
        assert_eq!(runs_in_order(&[vec![5], vec![2]], 10), 0);
        assert_eq!(runs_in_order(&[vec![1], vec![2], vec![9]], 5), 0);
        assert_eq!(runs_in_order(&[vec![1], vec![2], vec![9]], 6), 1);
    }
}
