//! The postmortem submission: the structured fields an organisation sends us.
//! These types are the source of `schema/submission.schema.json` and of the OpenAPI schemas.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A structured postmortem as submitted. Free-text fields are scrubbed before anyone
/// other than the submitting organisation sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Whether something actually went wrong or nearly did.
    pub kind: ReportKind,
    /// A generic title that does not name the organisation.
    pub title: String,
    /// Markdown summary (what happened, impact, resolution) in a few paragraphs.
    pub summary: String,
    /// Markdown narrative: the full story, investigation and analysis.
    #[serde(default)]
    pub narrative: String,
    /// Year and quarter the incident happened in, e.g. `2024-Q3`. Never an exact date.
    pub period: String,
    pub severity: Severity,
    pub impact: Impact,
    pub detection: Detection,
    pub trigger: Trigger,
    /// How long the incident lasted, from start to recovery, as a band.
    pub duration: DurationBand,
    /// Technologies involved, by taxonomy id (see `schema/technologies.toml`).
    pub technologies: Vec<TechnologyUse>,
    /// Contributing factors, by taxonomy id (see `schema/contributing-factors.toml`).
    pub contributing_factors: Vec<FactorEntry>,
    /// Relative timeline: offsets from the start, like `T+0:35`, never clock times.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Markdown: how the incident was mitigated and recovered from.
    pub mitigation: String,
    /// Markdown: what went well during the response.
    #[serde(default)]
    pub what_went_well: String,
    /// Markdown: lessons written for other organisations.
    pub lessons: String,
    /// Follow-up actions. No owner names.
    #[serde(default)]
    pub action_items: Vec<ActionItem>,
    /// Coarse organisational context for judging transferability.
    pub context: OrgContext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Incident,
    NearMiss,
}

/// Normalised severity: sev1 is critical, sev5 had no customer impact.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
    Sev5,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    /// At least one kind of impact.
    pub types: Vec<ImpactType>,
    /// Whether customers or end users could see the problem.
    pub customer_visible: bool,
    /// Markdown description of the impact, without absolute figures that identify the organisation.
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImpactType {
    FullOutage,
    PartialOutage,
    ElevatedErrors,
    Latency,
    DataDelay,
    DataLoss,
    DataCorruption,
    SilentFailure,
    SecurityExposure,
    CostIncrease,
    InternalOnly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    pub method: DetectionMethod,
    /// How long it took to notice, as a band.
    pub time_to_detect: DurationBand,
    /// Markdown: what signal was missing or misleading.
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DetectionMethod {
    SyntheticCheck,
    SymptomAlert,
    CauseAlert,
    CustomerReport,
    InternalReport,
    NoticedDuringChange,
    VendorNotice,
    SocialMedia,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub change_type: ChangeType,
    /// Markdown: what changed.
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeType {
    CodeDeploy,
    ConfigChange,
    InfraChange,
    DependencyUpgrade,
    Migration,
    SchemaChange,
    TrafficChange,
    DataChange,
    ProviderEvent,
    OperatorAction,
    ScheduledJob,
    Unknown,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    ToSchema,
)]
pub enum DurationBand {
    #[serde(rename = "under_15m")]
    Under15m,
    #[serde(rename = "15m_to_1h")]
    From15mTo1h,
    #[serde(rename = "1h_to_4h")]
    From1hTo4h,
    #[serde(rename = "4h_to_24h")]
    From4hTo24h,
    #[serde(rename = "over_24h")]
    Over24h,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnologyUse {
    /// Technology id from the taxonomy, e.g. `mysql`; aliases like `postgres` are accepted and normalised.
    pub id: String,
    /// Optional version, e.g. `8.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorEntry {
    /// Contributing-factor id from the taxonomy, e.g. `replication-failover`.
    pub id: String,
    /// Markdown: how this factor contributed.
    pub description: String,
    /// Markdown: why the decisions involved made sense at the time.
    #[serde(default)]
    pub decision_context: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// Offset from the start of the incident: `T+H:MM` (or `T-H:MM` for precursors).
    pub offset: String,
    pub event: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    pub category: ActionCategory,
    pub description: String,
    #[serde(default = "ActionStatus::planned")]
    pub status: ActionStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionCategory {
    Detection,
    Observability,
    Runbook,
    Resilience,
    Capacity,
    ConfigHardening,
    Tooling,
    Process,
    Training,
    Architecture,
    Vendor,
    Staffing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Planned,
    Done,
    Abandoned,
}

impl ActionStatus {
    fn planned() -> Self {
        ActionStatus::Planned
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgContext {
    pub sector: Sector,
    pub size_band: SizeBand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Fintech,
    Ecommerce,
    Saas,
    Media,
    Transport,
    Gaming,
    Health,
    Public,
    Other,
}

/// Number of engineers in the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema)]
pub enum SizeBand {
    #[serde(rename = "under_20")]
    Under20,
    #[serde(rename = "20_to_100")]
    From20To100,
    #[serde(rename = "100_to_500")]
    From100To500,
    #[serde(rename = "500_to_2000")]
    From500To2000,
    #[serde(rename = "over_2000")]
    Over2000,
}
