//! Technology and contributing-factor taxonomies, loaded from the TOML files in `schema/`.
//! Owns id normalisation (aliases → canonical ids) and "did you mean" suggestions.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const TECHNOLOGIES_TOML: &str = include_str!("../../schema/technologies.toml");
const FACTORS_TOML: &str = include_str!("../../schema/contributing-factors.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Technology {
    pub id: String,
    pub label: String,
    pub category: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The provider as a whole ("AWS (general)"): a search naming it means every
    /// technology of its category (`aws` finds reports tagged S3 or Kinesis).
    #[serde(default)]
    pub umbrella: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FactorGroup {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Factor {
    pub id: String,
    pub group: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Deserialize)]
struct TechnologyFile {
    category: Vec<Category>,
    technology: Vec<Technology>,
}

#[derive(Deserialize)]
struct FactorFile {
    group: Vec<FactorGroup>,
    factor: Vec<Factor>,
}

/// Both taxonomies with lookup tables. Loaded once from the files compiled into the binary.
#[derive(Debug)]
pub struct Taxonomy {
    pub categories: Vec<Category>,
    pub technologies: Vec<Technology>,
    pub groups: Vec<FactorGroup>,
    pub factors: Vec<Factor>,
    tech_by_key: HashMap<String, usize>,
    factor_by_key: HashMap<String, usize>,
}

/// What a phrase in a search query names, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Concept {
    Technology(String),
    Category(String),
    Factor(String),
}

#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    #[error("taxonomy file is invalid: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("taxonomy is inconsistent: {0}")]
    Inconsistent(String),
}

impl Taxonomy {
    /// The taxonomy bundled with the binary.
    pub fn bundled() -> &'static Taxonomy {
        static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
        TAXONOMY.get_or_init(|| {
            Taxonomy::parse(TECHNOLOGIES_TOML, FACTORS_TOML)
                .expect("bundled taxonomy is checked by tests")
        })
    }

    pub fn parse(technologies: &str, factors: &str) -> Result<Self, TaxonomyError> {
        let tech: TechnologyFile = toml::from_str(technologies)?;
        let fac: FactorFile = toml::from_str(factors)?;
        let mut tech_by_key = HashMap::new();
        for (i, t) in tech.technology.iter().enumerate() {
            if !tech.category.iter().any(|c| c.id == t.category) {
                return Err(TaxonomyError::Inconsistent(format!(
                    "technology {} has unknown category {}",
                    t.id, t.category
                )));
            }
            for key in std::iter::once(&t.id).chain(t.aliases.iter()) {
                if tech_by_key
                    .insert(normalise_key(key), i)
                    .is_some_and(|prev| prev != i)
                {
                    return Err(TaxonomyError::Inconsistent(format!(
                        "technology key {key} is used twice"
                    )));
                }
            }
        }
        let mut factor_by_key = HashMap::new();
        for (i, f) in fac.factor.iter().enumerate() {
            if !fac.group.iter().any(|g| g.id == f.group) {
                return Err(TaxonomyError::Inconsistent(format!(
                    "factor {} has unknown group {}",
                    f.id, f.group
                )));
            }
            for key in std::iter::once(&f.id).chain(f.aliases.iter()) {
                if factor_by_key
                    .insert(normalise_key(key), i)
                    .is_some_and(|prev| prev != i)
                {
                    return Err(TaxonomyError::Inconsistent(format!(
                        "factor key {key} is used twice"
                    )));
                }
            }
        }
        Ok(Taxonomy {
            categories: tech.category,
            technologies: tech.technology,
            groups: fac.group,
            factors: fac.factor,
            tech_by_key,
            factor_by_key,
        })
    }

    /// Resolves an id or alias (any case) to the canonical technology.
    pub fn technology(&self, key: &str) -> Option<&Technology> {
        self.tech_by_key
            .get(&normalise_key(key))
            .map(|&i| &self.technologies[i])
    }

    /// Resolves an id or alias (any case) to the canonical factor.
    pub fn factor(&self, key: &str) -> Option<&Factor> {
        self.factor_by_key
            .get(&normalise_key(key))
            .map(|&i| &self.factors[i])
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn group(&self, id: &str) -> Option<&FactorGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn technology_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.technology(id).map_or(id, |t| t.label.as_str())
    }

    pub fn factor_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.factor(id).map_or(id, |f| f.label.as_str())
    }

    /// Up to three known technology ids closest to an unknown one.
    pub fn suggest_technologies(&self, key: &str) -> Vec<String> {
        suggest(
            key,
            self.tech_by_key
                .iter()
                .map(|(k, &i)| (k, &self.technologies[i].id)),
        )
    }

    /// Up to three known factor ids closest to an unknown one.
    pub fn suggest_factors(&self, key: &str) -> Vec<String> {
        suggest(
            key,
            self.factor_by_key
                .iter()
                .map(|(k, &i)| (k, &self.factors[i].id)),
        )
    }

    /// Every phrase (id, label, alias) that names a concept, lower-cased, for query understanding.
    pub fn concept_phrases(&self) -> Vec<(String, Concept)> {
        let mut out = Vec::new();
        for t in &self.technologies {
            let concept = Concept::Technology(t.id.clone());
            for p in [&t.id, &t.label].into_iter().chain(t.aliases.iter()) {
                out.push((normalise_key(p), concept.clone()));
            }
        }
        for c in &self.categories {
            let concept = Concept::Category(c.id.clone());
            for p in c.aliases.iter().chain(std::iter::once(&c.label)) {
                out.push((normalise_key(p), concept.clone()));
            }
        }
        for f in &self.factors {
            let concept = Concept::Factor(f.id.clone());
            for p in f.aliases.iter().chain(std::iter::once(&f.label)) {
                out.push((normalise_key(p), concept.clone()));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }
}

/// Lower-case, trim, and collapse separators so `Elastic-Search` and `elastic search` meet.
pub fn normalise_key(key: &str) -> String {
    let lowered = key.trim().to_lowercase();
    lowered
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn suggest<'a>(
    key: &str,
    candidates: impl Iterator<Item = (&'a String, &'a String)>,
) -> Vec<String> {
    let key = normalise_key(key);
    let mut scored: Vec<(f64, &String)> = candidates
        .map(|(k, id)| (strsim::jaro_winkler(&key, k), id))
        .filter(|(score, _)| *score > 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<String> = Vec::new();
    for (_, id) in scored {
        if !out.contains(id) {
            out.push(id.clone());
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_taxonomy_is_consistent_and_large_enough() {
        let t = Taxonomy::parse(TECHNOLOGIES_TOML, FACTORS_TOML).expect("parses");
        assert!(t.technologies.len() >= 80, "{}", t.technologies.len());
        assert!(t.factors.len() >= 20, "{}", t.factors.len());
        for id in t
            .technologies
            .iter()
            .map(|t| &t.id)
            .chain(t.factors.iter().map(|f| &f.id))
        {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "id {id} must be a facet-safe slug"
            );
        }
    }

    #[test]
    fn aliases_resolve_to_canonical_ids() {
        let t = Taxonomy::bundled();
        assert_eq!(
            t.technology("postgres").map(|t| t.id.as_str()),
            Some("postgresql")
        );
        assert_eq!(
            t.technology("K8s").map(|t| t.id.as_str()),
            Some("kubernetes")
        );
        assert_eq!(
            t.technology("mongo").map(|t| t.id.as_str()),
            Some("mongodb")
        );
        assert!(t.technology("no-such-thing").is_none());
    }

    #[test]
    fn unknown_ids_get_close_suggestions() {
        let t = Taxonomy::bundled();
        assert!(
            t.suggest_technologies("postgresqlx")
                .contains(&"postgresql".to_string())
        );
        assert!(
            t.suggest_factors("replication-failovr")
                .contains(&"replication-failover".to_string())
        );
    }
}
