//! Semantic validation of a submission beyond what its types enforce.
//! Normalises taxonomy aliases to canonical ids and reports every bad field at once.

use serde::Serialize;
use utoipa::ToSchema;

use super::submission::Submission;
use super::taxonomy::Taxonomy;

/// One problem with one field, addressed by a JSON path like `technologies[1].id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

const MAX_TITLE: usize = 200;
const MAX_SHORT_TEXT: usize = 20_000;
const MAX_LONG_TEXT: usize = 200_000;
const MAX_LIST: usize = 200;

/// Checks a submission and rewrites taxonomy aliases to canonical ids.
/// Returns every problem found, not just the first.
pub fn validate_submission(
    mut sub: Submission,
    taxonomy: &Taxonomy,
) -> Result<Submission, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &str, required: bool, max: usize| {
        if required && value.trim().is_empty() {
            errors.push(FieldError::new(field, "must not be empty"));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(
                field,
                format!("must be at most {max} characters"),
            ));
        }
    };
    text("title", &sub.title, true, MAX_TITLE);
    text("summary", &sub.summary, true, MAX_SHORT_TEXT);
    text("narrative", &sub.narrative, false, MAX_LONG_TEXT);
    text(
        "impact.description",
        &sub.impact.description,
        false,
        MAX_SHORT_TEXT,
    );
    text(
        "detection.notes",
        &sub.detection.notes,
        false,
        MAX_SHORT_TEXT,
    );
    text(
        "trigger.description",
        &sub.trigger.description,
        false,
        MAX_SHORT_TEXT,
    );
    text("mitigation", &sub.mitigation, true, MAX_SHORT_TEXT);
    text("what_went_well", &sub.what_went_well, false, MAX_SHORT_TEXT);
    text("lessons", &sub.lessons, true, MAX_SHORT_TEXT);
    for (i, f) in sub.contributing_factors.iter().enumerate() {
        text(
            &format!("contributing_factors[{i}].description"),
            &f.description,
            true,
            MAX_SHORT_TEXT,
        );
        text(
            &format!("contributing_factors[{i}].decision_context"),
            &f.decision_context,
            false,
            MAX_SHORT_TEXT,
        );
    }
    for (i, t) in sub.timeline.iter().enumerate() {
        text(
            &format!("timeline[{i}].event"),
            &t.event,
            true,
            MAX_SHORT_TEXT,
        );
    }
    for (i, a) in sub.action_items.iter().enumerate() {
        text(
            &format!("action_items[{i}].description"),
            &a.description,
            true,
            MAX_SHORT_TEXT,
        );
    }

    if !is_period(&sub.period) {
        errors.push(FieldError::new(
            "period",
            "must be a year and quarter like 2024-Q3 (exact dates are not accepted)",
        ));
    }
    if sub.impact.types.is_empty() {
        errors.push(FieldError::new(
            "impact.types",
            "name at least one kind of impact",
        ));
    }

    if sub.technologies.is_empty() {
        errors.push(FieldError::new(
            "technologies",
            "name at least one technology",
        ));
    }
    for (i, tech) in sub.technologies.iter_mut().enumerate() {
        match taxonomy.technology(&tech.id) {
            Some(found) => tech.id = found.id.clone(),
            None => errors.push(FieldError::new(
                format!("technologies[{i}].id"),
                unknown_message(
                    "technology",
                    &tech.id,
                    taxonomy.suggest_technologies(&tech.id),
                ),
            )),
        }
        if tech
            .version
            .as_ref()
            .is_some_and(|v| v.chars().count() > 40)
        {
            errors.push(FieldError::new(
                format!("technologies[{i}].version"),
                "must be at most 40 characters",
            ));
        }
    }
    if sub.contributing_factors.is_empty() {
        errors.push(FieldError::new(
            "contributing_factors",
            "name at least one contributing factor",
        ));
    }
    for (i, factor) in sub.contributing_factors.iter_mut().enumerate() {
        match taxonomy.factor(&factor.id) {
            Some(found) => factor.id = found.id.clone(),
            None => errors.push(FieldError::new(
                format!("contributing_factors[{i}].id"),
                unknown_message(
                    "contributing factor",
                    &factor.id,
                    taxonomy.suggest_factors(&factor.id),
                ),
            )),
        }
    }
    for (i, entry) in sub.timeline.iter().enumerate() {
        if !is_offset(&entry.offset) {
            errors.push(FieldError::new(
                format!("timeline[{i}].offset"),
                "must be a relative offset like T+0:35 or T-1:00, not a clock time",
            ));
        }
    }
    for (name, len) in [
        ("technologies", sub.technologies.len()),
        ("contributing_factors", sub.contributing_factors.len()),
        ("timeline", sub.timeline.len()),
        ("action_items", sub.action_items.len()),
    ] {
        if len > MAX_LIST {
            errors.push(FieldError::new(
                name,
                format!("must have at most {MAX_LIST} entries"),
            ));
        }
    }

    if errors.is_empty() {
        Ok(sub)
    } else {
        Err(errors)
    }
}

fn unknown_message(what: &str, id: &str, suggestions: Vec<String>) -> String {
    if suggestions.is_empty() {
        format!("unknown {what} `{id}`")
    } else {
        format!(
            "unknown {what} `{id}`; did you mean {}?",
            suggestions.join(", ")
        )
    }
}

/// `YYYY-Qn` with a plausible year.
pub fn is_period(s: &str) -> bool {
    let Some((year, quarter)) = s.split_once("-Q") else {
        return false;
    };
    year.len() == 4
        && year
            .parse::<u32>()
            .is_ok_and(|y| (1990..=2100).contains(&y))
        && matches!(quarter, "1" | "2" | "3" | "4")
}

/// `T+H:MM` or `T-H:MM`; hours may be several digits.
pub fn is_offset(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("T+").or_else(|| s.strip_prefix("T-")) else {
        return false;
    };
    let Some((h, m)) = rest.split_once(':') else {
        return false;
    };
    !h.is_empty()
        && h.len() <= 4
        && h.chars().all(|c| c.is_ascii_digit())
        && m.len() == 2
        && m.parse::<u8>().is_ok_and(|m| m < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_offsets() {
        assert!(is_period("2024-Q3"));
        assert!(!is_period("2024-03-14"));
        assert!(!is_period("2024-Q5"));
        assert!(is_offset("T+0:35"));
        assert!(is_offset("T-12:00"));
        assert!(is_offset("T+100:05"));
        assert!(!is_offset("09:35"));
        assert!(!is_offset("T+0:75"));
    }
}
