//! Distributions of published reports over one enumerated fact (how incidents were detected,
//! how long they lasted, what triggered them, by year) within a scope, with suppression.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::submission::{DurationBand, Severity};
use crate::store::{PatternScope, ReportFacts, Store, StoreResult};

/// The facts a distribution can be over, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    DetectionMethod,
    TimeToDetect,
    Duration,
    ChangeType,
    Severity,
    Year,
}

impl Fact {
    pub const ALL: [Fact; 6] = [
        Fact::DetectionMethod,
        Fact::TimeToDetect,
        Fact::Duration,
        Fact::ChangeType,
        Fact::Severity,
        Fact::Year,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Fact::DetectionMethod => "detection_method",
            Fact::TimeToDetect => "time_to_detect",
            Fact::Duration => "duration",
            Fact::ChangeType => "change_type",
            Fact::Severity => "severity",
            Fact::Year => "year",
        }
    }

    fn value(self, facts: &ReportFacts) -> &str {
        match self {
            Fact::DetectionMethod => &facts.detection_method,
            Fact::TimeToDetect => &facts.time_to_detect,
            Fact::Duration => &facts.duration,
            Fact::ChangeType => &facts.change_type,
            Fact::Severity => &facts.severity,
            Fact::Year => &facts.year,
        }
    }

    /// The values in their natural order, for facts that have one (bands, severities);
    /// `None` for categories, which are shown most frequent first.
    fn scale(self) -> Option<Vec<String>> {
        fn names<T: Serialize>(values: &[T]) -> Vec<String> {
            values
                .iter()
                .filter_map(|v| serde_json::to_string(v).ok())
                .map(|s| s.trim_matches('"').to_string())
                .collect()
        }
        const BANDS: [DurationBand; 5] = [
            DurationBand::Under15m,
            DurationBand::From15mTo1h,
            DurationBand::From1hTo4h,
            DurationBand::From4hTo24h,
            DurationBand::Over24h,
        ];
        match self {
            Fact::TimeToDetect | Fact::Duration => Some(names(&BANDS)),
            Fact::Severity => Some(names(&[
                Severity::Sev1,
                Severity::Sev2,
                Severity::Sev3,
                Severity::Sev4,
                Severity::Sev5,
            ])),
            Fact::DetectionMethod | Fact::ChangeType | Fact::Year => None,
        }
    }
}

/// Which reports to count: `?technology=kafka&factor=retry-storm` (taxonomy ids).
#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ScopeQuery {
    /// A technology id from the taxonomy.
    pub technology: Option<String>,
    /// A contributing-factor id from the taxonomy.
    pub factor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DistributionCell {
    /// The value as the submission schema spells it (`symptom_alert`, `1h_to_4h`, `2024`).
    pub value: String,
    pub reports: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Distribution {
    /// `detection_method`, `time_to_detect`, `duration`, `change_type`, `severity` or `year`.
    pub fact: String,
    /// Shown values: in their natural order for bands and severities, by year for years,
    /// most frequent first otherwise.
    pub cells: Vec<DistributionCell>,
    /// Non-empty values withheld.
    pub withheld: usize,
    /// Reports behind the shown values.
    pub shown_reports: i64,
    /// For bands: the band that the median report and the 90th-percentile report fall in,
    /// over every report in the scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90: Option<String>,
}

/// Distributions of the reports in one scope, as the public may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PatternProfile {
    /// Minimum distinct organisations behind a shown value.
    pub k: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technology: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<String>,
    /// Reports in the scope; absent when fewer than k organisations are behind them, and
    /// then nothing else is shown either.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reports: Option<i64>,
    pub distributions: Vec<Distribution>,
}

impl PatternProfile {
    pub fn distribution(&self, fact: Fact) -> Option<&Distribution> {
        self.distributions.iter().find(|d| d.fact == fact.id())
    }
}

pub async fn profile(
    store: &dyn Store,
    k: i64,
    scope: &PatternScope,
) -> StoreResult<PatternProfile> {
    Ok(summarise(&store.report_facts(scope).await?, k, scope))
}

/// Builds every distribution from per-organisation fact counts. A value backed by fewer
/// than k organisations is withheld; so are the smallest shown values alongside it until
/// the withheld values together are backed by k organisations, because the scope's total
/// is public and would otherwise give a lone withheld value away by subtraction.
pub fn summarise(facts: &[ReportFacts], k: i64, scope: &PatternScope) -> PatternProfile {
    let k = k.max(1);
    let organisations: BTreeSet<u32> = facts.iter().map(|f| f.organisation).collect();
    let total: i64 = facts.iter().map(|f| f.reports).sum();
    let enough = organisations.len() as i64 >= k;
    PatternProfile {
        k,
        technology: scope.technology.clone(),
        factor: scope.factor.clone(),
        reports: enough.then_some(total),
        distributions: Fact::ALL
            .iter()
            .map(|&fact| distribution(fact, facts, k, enough))
            .collect(),
    }
}

#[derive(Default)]
struct Tally {
    reports: i64,
    organisations: BTreeSet<u32>,
}

fn distribution(fact: Fact, facts: &[ReportFacts], k: i64, enough: bool) -> Distribution {
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for f in facts {
        let value = fact.value(f);
        if value.is_empty() {
            continue;
        }
        let tally = tallies.entry(value).or_default();
        tally.reports += f.reports;
        tally.organisations.insert(f.organisation);
    }
    let scale = fact.scale();
    let (median, p90) = match (&scale, enough) {
        (Some(scale), true) if matches!(fact, Fact::TimeToDetect | Fact::Duration) => (
            percentile_band(&tallies, scale, 0.5),
            percentile_band(&tallies, scale, 0.9),
        ),
        _ => (None, None),
    };
    let backed = |t: &Tally| enough && t.organisations.len() as i64 >= k;
    let mut withheld: Vec<&str> = tallies
        .iter()
        .filter(|(_, t)| !backed(t))
        .map(|(v, _)| *v)
        .collect();
    let mut withheld_organisations: BTreeSet<u32> = withheld
        .iter()
        .flat_map(|v| tallies[v].organisations.iter().copied())
        .collect();
    while !withheld.is_empty() && (withheld_organisations.len() as i64) < k {
        let smallest = tallies
            .iter()
            .filter(|(v, _)| !withheld.contains(v))
            .min_by_key(|(v, t)| (t.reports, t.organisations.len(), **v));
        let Some((value, tally)) = smallest else {
            break;
        };
        withheld.push(value);
        withheld_organisations.extend(tally.organisations.iter().copied());
    }
    let mut cells: Vec<DistributionCell> = tallies
        .iter()
        .filter(|(v, _)| !withheld.contains(v))
        .map(|(v, t)| DistributionCell {
            value: v.to_string(),
            reports: t.reports,
        })
        .collect();
    match (&scale, fact) {
        (Some(scale), _) => cells.sort_by_key(|c| {
            scale
                .iter()
                .position(|s| *s == c.value)
                .unwrap_or(usize::MAX)
        }),
        (None, Fact::Year) => cells.sort_by(|a, b| a.value.cmp(&b.value)),
        (None, _) => cells.sort_by(|a, b| b.reports.cmp(&a.reports).then(a.value.cmp(&b.value))),
    }
    Distribution {
        fact: fact.id().to_string(),
        shown_reports: cells.iter().map(|c| c.reports).sum(),
        cells,
        withheld: withheld.len(),
        median,
        p90,
    }
}

/// The band the report at `quantile` falls in, counting every report in natural order.
fn percentile_band(
    tallies: &BTreeMap<&str, Tally>,
    scale: &[String],
    quantile: f64,
) -> Option<String> {
    let total: i64 = tallies.values().map(|t| t.reports).sum();
    if total == 0 {
        return None;
    }
    // The smallest band whose cumulative count reaches the quantile's rank (1-based).
    let rank = ((total as f64) * quantile).ceil().max(1.0) as i64;
    let mut cumulative = 0;
    for band in scale {
        cumulative += tallies.get(band.as_str()).map_or(0, |t| t.reports);
        if cumulative >= rank {
            return Some(band.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(organisation: u32, detection: &str, duration: &str, reports: i64) -> ReportFacts {
        ReportFacts {
            organisation,
            detection_method: detection.into(),
            time_to_detect: "under_15m".into(),
            duration: duration.into(),
            change_type: "code_deploy".into(),
            severity: "sev2".into(),
            year: "2024".into(),
            reports,
        }
    }

    fn shown(d: &Distribution) -> Vec<(&str, i64)> {
        d.cells
            .iter()
            .map(|c| (c.value.as_str(), c.reports))
            .collect()
    }

    #[test]
    fn a_value_below_k_organisations_is_withheld_with_a_complement() {
        // Three organisations alert on symptoms, two on customer reports, one hears from a
        // vendor: with k = 2 the vendor value is withheld, and since the total is public the
        // smallest shown value is withheld with it.
        let rows = vec![
            facts(1, "symptom_alert", "1h_to_4h", 3),
            facts(2, "symptom_alert", "1h_to_4h", 1),
            facts(3, "symptom_alert", "under_15m", 1),
            facts(1, "customer_report", "over_24h", 1),
            facts(2, "customer_report", "1h_to_4h", 1),
            facts(3, "vendor_notice", "1h_to_4h", 2),
        ];
        let p = summarise(&rows, 2, &PatternScope::default());
        assert_eq!(p.reports, Some(9));
        let d = p.distribution(Fact::DetectionMethod).expect("detection");
        assert_eq!(shown(d), vec![("symptom_alert", 5)]);
        assert_eq!(d.withheld, 2);
        assert_eq!(d.shown_reports, 5);
    }

    #[test]
    fn no_complement_is_needed_when_nothing_is_withheld() {
        let rows = vec![
            facts(1, "symptom_alert", "1h_to_4h", 1),
            facts(2, "symptom_alert", "1h_to_4h", 1),
            facts(1, "customer_report", "1h_to_4h", 1),
            facts(2, "customer_report", "1h_to_4h", 4),
        ];
        let p = summarise(&rows, 2, &PatternScope::default());
        let d = p.distribution(Fact::DetectionMethod).expect("detection");
        assert_eq!(shown(d), vec![("customer_report", 5), ("symptom_alert", 2)]);
        assert_eq!(d.withheld, 0);
    }

    #[test]
    fn a_scope_behind_too_few_organisations_shows_nothing() {
        let rows = vec![
            facts(1, "symptom_alert", "1h_to_4h", 7),
            facts(1, "customer_report", "under_15m", 2),
        ];
        let p = summarise(&rows, 2, &PatternScope::default());
        assert_eq!(p.reports, None);
        for d in &p.distributions {
            assert!(d.cells.is_empty(), "{}", d.fact);
            assert_eq!(d.median, None);
        }
    }

    #[test]
    fn bands_keep_their_order_and_give_percentiles() {
        let rows = vec![
            facts(1, "symptom_alert", "over_24h", 1),
            facts(2, "symptom_alert", "under_15m", 2),
            facts(3, "symptom_alert", "1h_to_4h", 3),
            facts(4, "symptom_alert", "1h_to_4h", 3),
            facts(4, "symptom_alert", "under_15m", 1),
        ];
        let p = summarise(&rows, 1, &PatternScope::default());
        let d = p.distribution(Fact::Duration).expect("duration");
        assert_eq!(
            shown(d),
            vec![("under_15m", 3), ("1h_to_4h", 6), ("over_24h", 1)]
        );
        // Ten reports: the 5th falls in 1h_to_4h, the 9th too, the 10th is over 24 h.
        assert_eq!(d.median.as_deref(), Some("1h_to_4h"));
        assert_eq!(d.p90.as_deref(), Some("1h_to_4h"));
        assert_eq!(
            p.distribution(Fact::DetectionMethod)
                .and_then(|d| d.median.clone()),
            None
        );
    }
}
