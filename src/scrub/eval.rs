//! Measuring the scrubber on a labelled corpus (`eval/redaction/corpus.jsonl`): entity
//! recall for direct and quasi identifiers, retention of technical terms, false positives.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{IdentityProfile, Scrubber};

/// One labelled document.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalDoc {
    pub id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub split: String,
    /// The organisation's identity profile; `null` for clean control texts.
    #[serde(default)]
    pub profile: Option<IdentityProfile>,
    pub text: String,
    #[serde(default)]
    pub spans: Vec<GoldSpan>,
}

/// A labelled span in UTF-8 byte offsets; `class` is `direct`, `quasi` or `keep`.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub class: String,
    #[serde(default)]
    pub entity: String,
}

/// Predicted masked spans for one document (ours, or a peer's from a predictions file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prediction {
    pub id: String,
    pub spans: Vec<(usize, usize)>,
    /// The published text, when the system produced one (for the verbatim-survivor check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Ratio {
    pub hit: usize,
    pub total: usize,
}

impl Ratio {
    pub fn value(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.hit as f64 / self.total as f64
        }
    }
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.hit += usize::from(ok);
    }
}

/// The figures for one system on one slice of the corpus.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    pub documents: usize,
    /// An entity counts as protected only if every mention is fully masked.
    pub direct_entities: Ratio,
    pub quasi_entities: Ratio,
    /// Mention recall per label (direct and quasi), retention per label (keep).
    pub mentions_by_label: BTreeMap<String, Ratio>,
    pub entities_by_label: BTreeMap<String, Ratio>,
    pub retention: Ratio,
    pub retention_by_label: BTreeMap<String, Ratio>,
    pub control_words: usize,
    pub control_false_positives: usize,
    /// Gold direct-identifier strings found verbatim in the output (case-insensitive).
    pub verbatim_survivors: usize,
    pub survivor_examples: Vec<String>,
    pub missed_examples: Vec<String>,
    pub false_positive_examples: Vec<String>,
    pub bytes: usize,
    pub seconds: f64,
}

impl Scores {
    pub fn false_positives_per_1000_words(&self) -> f64 {
        if self.control_words == 0 {
            0.0
        } else {
            self.control_false_positives as f64 * 1000.0 / self.control_words as f64
        }
    }
    pub fn megabytes_per_second(&self) -> f64 {
        if self.seconds == 0.0 {
            0.0
        } else {
            self.bytes as f64 / 1e6 / self.seconds
        }
    }
}

/// Parses a JSON-lines corpus.
pub fn read_corpus(text: &str) -> Result<Vec<EvalDoc>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Runs the scrubber over every document and returns its predictions and the time taken.
pub fn predict(scrubber: &Scrubber, docs: &[EvalDoc]) -> (Vec<Prediction>, f64) {
    let started = Instant::now();
    let predictions = docs
        .iter()
        .map(|d| {
            let profile = d.profile.clone().unwrap_or_default();
            let (spans, output) = scrubber.detect(&d.text, &profile);
            Prediction {
                id: d.id.clone(),
                spans,
                output: Some(output),
            }
        })
        .collect();
    (predictions, started.elapsed().as_secs_f64())
}

fn is_significant(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Scores predictions against the gold spans; documents without a prediction count as
/// unmasked.
pub fn score(docs: &[EvalDoc], predictions: &[Prediction]) -> Scores {
    let by_id: HashMap<&str, &Prediction> =
        predictions.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut s = Scores::default();
    for doc in docs {
        s.documents += 1;
        s.bytes += doc.text.len();
        let bytes = doc.text.as_bytes();
        let mut masked = vec![false; bytes.len()];
        let pred = by_id.get(doc.id.as_str());
        let spans: &[(usize, usize)] = pred.map_or(&[], |p| p.spans.as_slice());
        for &(a, b) in spans {
            for m in masked.iter_mut().take(b.min(bytes.len())).skip(a) {
                *m = true;
            }
        }
        let covered = |g: &GoldSpan| {
            (g.start..g.end.min(bytes.len())).all(|i| masked[i] || !is_significant(bytes[i]))
        };
        let touched = |g: &GoldSpan| {
            (g.start..g.end.min(bytes.len())).any(|i| masked[i] && is_significant(bytes[i]))
        };
        if doc.kind == "control" {
            s.control_words += doc.text.split_whitespace().count();
            s.control_false_positives += spans.len();
            for &(a, b) in spans.iter().take(20) {
                if s.false_positive_examples.len() < 400 {
                    s.false_positive_examples.push(format!(
                        "{} {:?}: {:?}",
                        doc.id,
                        doc.text.get(a..b).unwrap_or(""),
                        context(&doc.text, a, b)
                    ));
                }
            }
        }
        let mut entities: BTreeMap<(String, String), (String, bool)> = BTreeMap::new();
        for (n, g) in doc.spans.iter().enumerate() {
            match g.class.as_str() {
                "direct" | "quasi" => {
                    let ok = covered(g);
                    s.mentions_by_label
                        .entry(g.label.clone())
                        .or_default()
                        .add(ok);
                    let entity = if g.entity.is_empty() {
                        format!("#{n}")
                    } else {
                        g.entity.clone()
                    };
                    let e = entities
                        .entry((g.class.clone(), entity))
                        .or_insert((g.label.clone(), true));
                    e.1 &= ok;
                    if !ok && s.missed_examples.len() < 400 {
                        s.missed_examples.push(format!(
                            "{} {} {:?}: {:?}",
                            doc.id,
                            g.label,
                            doc.text.get(g.start..g.end).unwrap_or(""),
                            context(&doc.text, g.start, g.end)
                        ));
                    }
                }
                "keep" => {
                    let ok = !touched(g);
                    s.retention.add(ok);
                    s.retention_by_label
                        .entry(g.label.clone())
                        .or_default()
                        .add(ok);
                }
                _ => {}
            }
        }
        for ((class, _), (label, ok)) in entities {
            if class == "direct" {
                s.direct_entities.add(ok);
            } else {
                s.quasi_entities.add(ok);
            }
            s.entities_by_label.entry(label).or_default().add(ok);
        }
        if let Some(output) = pred.and_then(|p| p.output.as_deref()) {
            let lower = output.to_lowercase();
            for g in doc.spans.iter().filter(|g| g.class == "direct") {
                let surface = doc.text.get(g.start..g.end).unwrap_or("").to_lowercase();
                // Short or single-word surfaces ("Will", "Beacon") can be ordinary words.
                if surface.len() >= 6
                    && surface.bytes().any(|b| !b.is_ascii_alphabetic())
                    && lower.contains(&surface)
                {
                    s.verbatim_survivors += 1;
                    if s.survivor_examples.len() < 50 {
                        s.survivor_examples
                            .push(format!("{} {} {surface:?}", doc.id, g.label));
                    }
                }
            }
        }
    }
    s
}

fn context(text: &str, start: usize, end: usize) -> String {
    let mut from = start.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 40).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    text[from..to].replace('\n', " ")
}

/// A fixed-width text table of several systems' scores.
pub fn render_table(systems: &[(String, Scores)]) -> String {
    let mut out = String::new();
    let pct = |r: &Ratio| format!("{:.2}% ({}/{})", r.value() * 100.0, r.hit, r.total);
    let mut line = |label: &str, cells: Vec<String>| {
        out.push_str(&format!("{label:<34}"));
        for c in cells {
            out.push_str(&format!("{c:>26}"));
        }
        out.push('\n');
    };
    line("", systems.iter().map(|(n, _)| n.clone()).collect());
    line(
        "documents",
        systems
            .iter()
            .map(|(_, s)| s.documents.to_string())
            .collect(),
    );
    line(
        "direct-identifier entity recall",
        systems
            .iter()
            .map(|(_, s)| pct(&s.direct_entities))
            .collect(),
    );
    line(
        "quasi-identifier entity recall",
        systems
            .iter()
            .map(|(_, s)| pct(&s.quasi_entities))
            .collect(),
    );
    line(
        "retention (keep spans untouched)",
        systems.iter().map(|(_, s)| pct(&s.retention)).collect(),
    );
    line(
        "false positives / 1,000 words",
        systems
            .iter()
            .map(|(_, s)| format!("{:.2}", s.false_positives_per_1000_words()))
            .collect(),
    );
    line(
        "verbatim survivors",
        systems
            .iter()
            .map(|(_, s)| {
                if s.seconds == 0.0 && s.verbatim_survivors == 0 {
                    "n/a".to_string()
                } else {
                    s.verbatim_survivors.to_string()
                }
            })
            .collect(),
    );
    line(
        "throughput",
        systems
            .iter()
            .map(|(_, s)| {
                if s.seconds > 0.0 {
                    let mbs = s.megabytes_per_second();
                    if mbs >= 1.0 {
                        format!("{mbs:.1} MB/s")
                    } else {
                        format!("{:.1} KB/s", mbs * 1000.0)
                    }
                } else {
                    "n/a".to_string()
                }
            })
            .collect(),
    );
    let mut labels: Vec<&String> = systems
        .iter()
        .flat_map(|(_, s)| s.entities_by_label.keys())
        .collect();
    labels.sort();
    labels.dedup();
    out.push_str("\nentity recall by label\n");
    for l in labels {
        let mut cells = Vec::new();
        for (_, s) in systems {
            cells.push(s.entities_by_label.get(l).map_or("-".to_string(), pct));
        }
        let mut line2 = format!("  {l:<32}");
        for c in cells {
            line2.push_str(&format!("{c:>26}"));
        }
        out.push_str(&line2);
        out.push('\n');
    }
    let mut keep: Vec<&String> = systems
        .iter()
        .flat_map(|(_, s)| s.retention_by_label.keys())
        .collect();
    keep.sort();
    keep.dedup();
    out.push_str("\nretention by label\n");
    for l in keep {
        let mut line2 = format!("  {l:<32}");
        for (_, s) in systems {
            let c = s.retention_by_label.get(l).map_or("-".to_string(), pct);
            line2.push_str(&format!("{c:>26}"));
        }
        out.push_str(&line2);
        out.push('\n');
    }
    out
}
