//! A published report: the scrubbed submission plus its public id and publication month.
//! This is the only shape of incident data that ever leaves the private side.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::submission::Submission;

/// A report as the public sees it. Holds nothing that links it to an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicReport {
    /// Public identifier, unrelated to the submission id.
    pub id: String,
    /// Month of publication (`YYYY-MM`); publication is batched so this says little.
    pub published: String,
    /// The scrubbed postmortem.
    #[serde(flatten)]
    pub content: Submission,
}

/// The taxonomy tags of a report, in the order they were given.
pub trait ReportTags {
    fn technology_ids(&self) -> Vec<&str>;
    fn factor_ids(&self) -> Vec<&str>;
}

impl ReportTags for Submission {
    fn technology_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for t in &self.technologies {
            if !ids.contains(&t.id.as_str()) {
                ids.push(&t.id);
            }
        }
        ids
    }

    fn factor_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for f in &self.contributing_factors {
            if !ids.contains(&f.id.as_str()) {
                ids.push(&f.id);
            }
        }
        ids
    }
}
