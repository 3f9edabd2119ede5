//! Aggregates over published reports with small-cell suppression: a cell backed by fewer
//! than k distinct organisations is withheld, and no margins are published to recompute it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{FieldError, Taxonomy};
use crate::store::{PatternCell, PatternScope, Store, StoreResult};

mod distributions;

pub use distributions::{
    Distribution, DistributionCell, Fact, PatternProfile, ScopeQuery, profile, summarise,
};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Axis {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisibleCell {
    pub technology: String,
    pub factor: String,
    /// Number of published reports tagged with both.
    pub reports: i64,
}

/// The technology × contributing-factor matrix as the public may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PatternMatrix {
    /// Minimum distinct organisations behind a shown cell.
    pub k: i64,
    /// Rows and columns that have at least one shown cell.
    pub technologies: Vec<Axis>,
    pub factors: Vec<Axis>,
    pub cells: Vec<VisibleCell>,
    /// How many non-empty cells were withheld.
    pub suppressed: usize,
}

impl PatternMatrix {
    /// The shown count of a cell, or `None` when it is withheld or empty.
    pub fn count(&self, technology: &str, factor: &str) -> Option<i64> {
        self.cells
            .iter()
            .find(|c| c.technology == technology && c.factor == factor)
            .map(|c| c.reports)
    }

    pub fn max_count(&self) -> i64 {
        self.cells.iter().map(|c| c.reports).max().unwrap_or(0)
    }
}

/// Builds the matrix from raw cells. Only counts cross this function; which organisations
/// are behind a cell never does.
pub fn suppress(raw: Vec<PatternCell>, k: i64, taxonomy: &Taxonomy) -> PatternMatrix {
    let k = k.max(1);
    let (shown, hidden): (Vec<_>, Vec<_>) = raw.into_iter().partition(|c| c.organisations >= k);
    let mut technologies: Vec<Axis> = Vec::new();
    let mut factors: Vec<Axis> = Vec::new();
    for c in &shown {
        if !technologies.iter().any(|a| a.id == c.technology) {
            technologies.push(Axis {
                id: c.technology.clone(),
                label: taxonomy.technology_label(&c.technology).to_string(),
            });
        }
        if !factors.iter().any(|a| a.id == c.factor) {
            factors.push(Axis {
                id: c.factor.clone(),
                label: taxonomy.factor_label(&c.factor).to_string(),
            });
        }
    }
    let total = |id: &str, by_tech: bool| -> i64 {
        shown
            .iter()
            .filter(|c| {
                if by_tech {
                    c.technology == id
                } else {
                    c.factor == id
                }
            })
            .map(|c| c.reports)
            .sum()
    };
    technologies.sort_by(|a, b| {
        total(&b.id, true)
            .cmp(&total(&a.id, true))
            .then(a.label.cmp(&b.label))
    });
    factors.sort_by(|a, b| {
        total(&b.id, false)
            .cmp(&total(&a.id, false))
            .then(a.label.cmp(&b.label))
    });
    PatternMatrix {
        k,
        technologies,
        factors,
        cells: shown
            .into_iter()
            .map(|c| VisibleCell {
                technology: c.technology,
                factor: c.factor,
                reports: c.reports,
            })
            .collect(),
        suppressed: hidden.len(),
    }
}

pub async fn matrix(store: &dyn Store, k: i64) -> StoreResult<PatternMatrix> {
    Ok(suppress(
        store.pattern_cells().await?,
        k,
        Taxonomy::bundled(),
    ))
}

/// Aggregates answered from memory until the public store changes. Every change to it
/// (a publication batch, a retraction) appends to the outbox, so its head is the version:
/// at a million reports one aggregate scans them all, and the public pages must not.
#[derive(Default)]
pub struct PatternCache {
    state: std::sync::Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    head: i64,
    matrix: Option<PatternMatrix>,
    profiles: std::collections::HashMap<PatternScope, PatternProfile>,
}

/// Scopes kept at most; the taxonomy allows far more combinations than are ever asked for.
const CACHED_SCOPES: usize = 512;

impl PatternCache {
    /// The cache's state for `head`, emptied first if the store has changed since.
    fn at(&self, head: i64) -> std::sync::MutexGuard<'_, CacheState> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.head != head {
            *state = CacheState {
                head,
                ..Default::default()
            };
        }
        state
    }

    pub async fn matrix(&self, store: &dyn Store, k: i64) -> StoreResult<PatternMatrix> {
        let head = store.outbox_head().await?;
        if let Some(m) = &self.at(head).matrix {
            return Ok(m.clone());
        }
        let m = matrix(store, k).await?;
        self.at(head).matrix = Some(m.clone());
        Ok(m)
    }

    pub async fn profile(
        &self,
        store: &dyn Store,
        k: i64,
        scope: &PatternScope,
    ) -> StoreResult<PatternProfile> {
        let head = store.outbox_head().await?;
        if let Some(p) = self.at(head).profiles.get(scope) {
            return Ok(p.clone());
        }
        let p = profile(store, k, scope).await?;
        let mut state = self.at(head);
        if state.profiles.len() >= CACHED_SCOPES {
            state.profiles.clear();
        }
        state.profiles.insert(scope.clone(), p.clone());
        Ok(p)
    }
}

/// The scope a query names, by taxonomy id or alias; empty parameters mean no filter.
pub fn resolve_scope(
    query: &ScopeQuery,
    taxonomy: &Taxonomy,
) -> Result<PatternScope, Vec<FieldError>> {
    let mut errors = Vec::new();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let technology = given(&query.technology).and_then(|key| match taxonomy.technology(&key) {
        Some(t) => Some(t.id.clone()),
        None => {
            errors.push(unknown(
                "technology",
                &key,
                taxonomy.suggest_technologies(&key),
            ));
            None
        }
    });
    let factor = given(&query.factor).and_then(|key| match taxonomy.factor(&key) {
        Some(f) => Some(f.id.clone()),
        None => {
            errors.push(unknown("factor", &key, taxonomy.suggest_factors(&key)));
            None
        }
    });
    if errors.is_empty() {
        Ok(PatternScope { technology, factor })
    } else {
        Err(errors)
    }
}

fn unknown(field: &str, key: &str, suggestions: Vec<String>) -> FieldError {
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    };
    FieldError::new(field, format!("unknown {field} `{key}`{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(t: &str, f: &str, reports: i64, orgs: i64) -> PatternCell {
        PatternCell {
            technology: t.into(),
            factor: f.into(),
            reports,
            organisations: orgs,
        }
    }

    #[test]
    fn cells_below_k_organisations_are_withheld() {
        let m = suppress(
            vec![
                cell("mysql", "replication-failover", 9, 5),
                cell("mysql", "locking-deadlock", 7, 4),
                cell("redis", "resource-exhaustion", 2, 1),
            ],
            5,
            Taxonomy::bundled(),
        );
        assert_eq!(m.count("mysql", "replication-failover"), Some(9));
        assert_eq!(m.count("mysql", "locking-deadlock"), None);
        assert_eq!(m.suppressed, 2);
        assert_eq!(m.technologies.len(), 1);
        assert!(m.factors.iter().all(|f| f.id != "locking-deadlock"));
    }
}
