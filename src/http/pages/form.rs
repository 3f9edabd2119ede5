//! The web submission form: its raw field values (kept for re-rendering with errors) and the
//! conversion to a `Submission`. Line-oriented fields keep the form usable without JavaScript.

use serde::de::DeserializeOwned;

use crate::domain::FieldError;
use crate::domain::submission::*;

/// Form fields as typed by the user.
#[derive(Debug, Clone, Default)]
pub struct SubmissionForm {
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub narrative: String,
    pub period: String,
    pub severity: String,
    pub impact_types: Vec<String>,
    pub customer_visible: bool,
    pub impact_description: String,
    pub detection_method: String,
    pub time_to_detect: String,
    pub detection_notes: String,
    pub change_type: String,
    pub trigger_description: String,
    pub duration: String,
    /// `id [version]`, comma- or line-separated: `mysql 8.0, kubernetes 1.29`.
    pub technologies: String,
    /// One per line: `factor-id: how it contributed`.
    pub factors: String,
    /// One per line: `T+0:35 what happened`.
    pub timeline: String,
    pub mitigation: String,
    pub what_went_well: String,
    pub lessons: String,
    /// One per line: `category: description`.
    pub action_items: String,
    pub sector: String,
    pub size_band: String,
    pub csrf: String,
}

/// Parsed `application/x-www-form-urlencoded` pairs.
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

pub fn first(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

pub fn all(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

impl SubmissionForm {
    pub fn from_pairs(p: &[(String, String)]) -> SubmissionForm {
        SubmissionForm {
            kind: first(p, "kind"),
            title: first(p, "title"),
            summary: first(p, "summary"),
            narrative: first(p, "narrative"),
            period: first(p, "period"),
            severity: first(p, "severity"),
            impact_types: all(p, "impact_types"),
            customer_visible: !first(p, "customer_visible").is_empty(),
            impact_description: first(p, "impact_description"),
            detection_method: first(p, "detection_method"),
            time_to_detect: first(p, "time_to_detect"),
            detection_notes: first(p, "detection_notes"),
            change_type: first(p, "change_type"),
            trigger_description: first(p, "trigger_description"),
            duration: first(p, "duration"),
            technologies: first(p, "technologies"),
            factors: first(p, "factors"),
            timeline: first(p, "timeline"),
            mitigation: first(p, "mitigation"),
            what_went_well: first(p, "what_went_well"),
            lessons: first(p, "lessons"),
            action_items: first(p, "action_items"),
            sector: first(p, "sector"),
            size_band: first(p, "size_band"),
            csrf: first(p, "csrf"),
        }
    }

    /// The form filled in from a submission (a draft read from a Markdown document), in the
    /// same line-oriented formats `to_submission` reads back.
    pub fn from_submission(sub: &Submission) -> SubmissionForm {
        use crate::domain::enum_str as name;
        let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        SubmissionForm {
            kind: name(&sub.kind),
            title: sub.title.clone(),
            summary: sub.summary.clone(),
            narrative: sub.narrative.clone(),
            period: sub.period.clone(),
            severity: name(&sub.severity),
            impact_types: sub.impact.types.iter().map(name).collect(),
            customer_visible: sub.impact.customer_visible,
            impact_description: sub.impact.description.clone(),
            detection_method: name(&sub.detection.method),
            time_to_detect: name(&sub.detection.time_to_detect),
            detection_notes: sub.detection.notes.clone(),
            change_type: name(&sub.trigger.change_type),
            trigger_description: sub.trigger.description.clone(),
            duration: name(&sub.duration),
            technologies: sub
                .technologies
                .iter()
                .map(|t| match &t.version {
                    Some(v) => format!("{} {v}", t.id),
                    None => t.id.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            factors: sub
                .contributing_factors
                .iter()
                .map(|f| format!("{}: {}", f.id, one_line(&f.description)))
                .collect::<Vec<_>>()
                .join("\n"),
            timeline: sub
                .timeline
                .iter()
                .map(|t| format!("{} {}", t.offset, one_line(&t.event)))
                .collect::<Vec<_>>()
                .join("\n"),
            mitigation: sub.mitigation.clone(),
            what_went_well: sub.what_went_well.clone(),
            lessons: sub.lessons.clone(),
            action_items: sub
                .action_items
                .iter()
                .map(|a| format!("{}: {}", name(&a.category), one_line(&a.description)))
                .collect::<Vec<_>>()
                .join("\n"),
            sector: name(&sub.context.sector),
            size_band: name(&sub.context.size_band),
            csrf: String::new(),
        }
    }

    pub fn has_impact(&self, value: &str) -> bool {
        self.impact_types.iter().any(|v| v == value)
    }

    /// Builds the submission; every field problem is reported with the form field's name.
    pub fn to_submission(&self) -> Result<Submission, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = choice::<ReportKind>("kind", &self.kind, &mut errors);
        let severity = choice::<Severity>("severity", &self.severity, &mut errors);
        let method =
            choice::<DetectionMethod>("detection_method", &self.detection_method, &mut errors);
        let time_to_detect =
            choice::<DurationBand>("time_to_detect", &self.time_to_detect, &mut errors);
        let change_type = choice::<ChangeType>("change_type", &self.change_type, &mut errors);
        let duration = choice::<DurationBand>("duration", &self.duration, &mut errors);
        let sector = choice::<Sector>("sector", &self.sector, &mut errors);
        let size_band = choice::<SizeBand>("size_band", &self.size_band, &mut errors);
        let impact_types: Vec<ImpactType> = self
            .impact_types
            .iter()
            .filter_map(|v| choice::<ImpactType>("impact_types", v, &mut errors))
            .collect();

        let technologies = self
            .technologies
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|entry| {
                let mut parts = entry.splitn(2, char::is_whitespace);
                let id = parts.next().unwrap_or_default().to_string();
                let version = parts
                    .next()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty());
                TechnologyUse { id, version }
            })
            .collect();
        let contributing_factors = lines(&self.factors)
            .map(|line| match line.split_once(':') {
                Some((id, rest)) => FactorEntry {
                    id: id.trim().to_string(),
                    description: rest.trim().to_string(),
                    decision_context: String::new(),
                },
                None => FactorEntry {
                    id: line.to_string(),
                    description: String::new(),
                    decision_context: String::new(),
                },
            })
            .collect();
        let timeline = lines(&self.timeline)
            .map(|line| {
                let (offset, event) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                TimelineEntry {
                    offset: offset.trim().to_string(),
                    event: event.trim().to_string(),
                }
            })
            .collect();
        let mut action_items = Vec::new();
        for (i, line) in lines(&self.action_items).enumerate() {
            let (category, description) = line.split_once(':').unwrap_or(("", line));
            let field = format!("action_items[{i}].category");
            if let Some(category) = choice::<ActionCategory>(&field, category.trim(), &mut errors) {
                action_items.push(ActionItem {
                    category,
                    description: description.trim().to_string(),
                    status: ActionStatus::Planned,
                });
            }
        }
        let (
            Some(kind),
            Some(severity),
            Some(method),
            Some(time_to_detect),
            Some(change_type),
            Some(duration),
            Some(sector),
            Some(size_band),
        ) = (
            kind,
            severity,
            method,
            time_to_detect,
            change_type,
            duration,
            sector,
            size_band,
        )
        else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Submission {
            kind,
            title: self.title.clone(),
            summary: self.summary.clone(),
            narrative: self.narrative.clone(),
            period: self.period.trim().to_string(),
            severity,
            impact: Impact {
                types: impact_types,
                customer_visible: self.customer_visible,
                description: self.impact_description.clone(),
            },
            detection: Detection {
                method,
                time_to_detect,
                notes: self.detection_notes.clone(),
            },
            trigger: Trigger {
                change_type,
                description: self.trigger_description.clone(),
            },
            duration,
            technologies,
            contributing_factors,
            timeline,
            mitigation: self.mitigation.clone(),
            what_went_well: self.what_went_well.clone(),
            lessons: self.lessons.clone(),
            action_items,
            context: OrgContext { sector, size_band },
        })
    }
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn choice<T: DeserializeOwned>(
    field: &str,
    value: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "choose a value"));
        return None;
    }
    match serde_json::from_value(serde_json::Value::String(value.trim().to_string())) {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                format!("unknown value `{}`", value.trim()),
            ));
            None
        }
    }
}

/// (value, label) pairs for the form's select boxes and checkboxes.
pub struct Choices {
    pub kinds: Vec<(&'static str, &'static str)>,
    pub severities: Vec<(&'static str, &'static str)>,
    pub impacts: Vec<(&'static str, &'static str)>,
    pub detection: Vec<(&'static str, &'static str)>,
    pub durations: Vec<(&'static str, &'static str)>,
    pub changes: Vec<(&'static str, &'static str)>,
    pub sectors: Vec<(&'static str, &'static str)>,
    pub sizes: Vec<(&'static str, &'static str)>,
    pub action_categories: Vec<&'static str>,
}

impl Choices {
    pub fn new() -> Choices {
        Choices {
            kinds: vec![("incident", "Incident"), ("near_miss", "Near miss")],
            severities: vec![
                ("sev1", "SEV1 — critical"),
                ("sev2", "SEV2 — major"),
                ("sev3", "SEV3 — moderate"),
                ("sev4", "SEV4 — minor"),
                ("sev5", "SEV5 — no customer impact"),
            ],
            impacts: vec![
                ("full_outage", "Full outage"),
                ("partial_outage", "Partial outage"),
                ("elevated_errors", "Elevated errors"),
                ("latency", "Latency"),
                ("data_delay", "Data delay / backlog"),
                ("data_loss", "Data loss"),
                ("data_corruption", "Data corruption"),
                ("silent_failure", "Silent / grey failure"),
                ("security_exposure", "Security exposure"),
                ("cost_increase", "Cost increase"),
                ("internal_only", "Internal only"),
            ],
            detection: vec![
                ("synthetic_check", "Synthetic / end-to-end check"),
                ("symptom_alert", "Symptom-based alert"),
                ("cause_alert", "Cause-based alert"),
                ("customer_report", "Customer report"),
                ("internal_report", "Internal user report"),
                ("noticed_during_change", "Noticed during a change"),
                ("vendor_notice", "Vendor notice"),
                ("social_media", "Social media"),
            ],
            durations: vec![
                ("under_15m", "Under 15 minutes"),
                ("15m_to_1h", "15 minutes to 1 hour"),
                ("1h_to_4h", "1 to 4 hours"),
                ("4h_to_24h", "4 to 24 hours"),
                ("over_24h", "Over 24 hours"),
            ],
            changes: vec![
                ("code_deploy", "Code deploy"),
                ("config_change", "Configuration change"),
                ("infra_change", "Infrastructure change"),
                ("dependency_upgrade", "Dependency upgrade"),
                ("migration", "Migration step"),
                ("schema_change", "Schema change"),
                ("traffic_change", "Traffic / load change"),
                ("data_change", "Data shape change"),
                ("provider_event", "Provider event"),
                ("operator_action", "Operator action"),
                ("scheduled_job", "Scheduled job"),
                ("unknown", "Unknown"),
            ],
            sectors: vec![
                ("fintech", "Payments / fintech"),
                ("ecommerce", "E-commerce"),
                ("saas", "SaaS / developer tools"),
                ("media", "Media / streaming"),
                ("transport", "Transport / mobility"),
                ("gaming", "Gaming / betting"),
                ("health", "Health"),
                ("public", "Public sector"),
                ("other", "Other"),
            ],
            sizes: vec![
                ("under_20", "Fewer than 20 engineers"),
                ("20_to_100", "20–100 engineers"),
                ("100_to_500", "100–500 engineers"),
                ("500_to_2000", "500–2,000 engineers"),
                ("over_2000", "More than 2,000 engineers"),
            ],
            action_categories: vec![
                "detection",
                "observability",
                "runbook",
                "resilience",
                "capacity",
                "config_hardening",
                "tooling",
                "process",
                "training",
                "architecture",
                "vendor",
                "staffing",
            ],
        }
    }

    /// The label of a value in one of the lists, or the value itself.
    pub fn label<'a>(list: &'a [(&'static str, &'static str)], value: &'a str) -> &'a str {
        list.iter()
            .find(|(v, _)| *v == value)
            .map_or(value, |(_, l)| l)
    }
}
