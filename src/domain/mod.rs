//! Pure domain types and validation: submissions, taxonomies, published reports.
//! Nothing here touches the database, the index or HTTP.

pub mod report;
pub mod submission;
pub mod taxonomy;
pub mod validate;

pub use report::{PublicReport, ReportTags};
pub use submission::Submission;
pub use taxonomy::Taxonomy;
pub use validate::{FieldError, validate_submission};

/// The serde name of a unit enum variant (`sev1`, `near_miss`, `15m_to_1h`).
pub fn enum_str<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The JSON Schema of a submission, generated from the Rust types (checked in as
/// `schema/submission.schema.json`; a test fails when the two drift apart).
pub fn submission_schema_json() -> String {
    let schema = schemars::schema_for!(Submission);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
