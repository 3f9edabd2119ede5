//! Tests of the Markdown import over the fixtures in `tests/fixtures/markdown`: section
//! mapping, timelines, action items, taxonomy detection, notes, and that nothing is lost.

use super::*;

const FIXTURES: &[(&str, &str)] = &[
    (
        "sre-template",
        include_str!("../../../tests/fixtures/markdown/sre-template.md"),
    ),
    (
        "atlassian",
        include_str!("../../../tests/fixtures/markdown/atlassian.md"),
    ),
    (
        "pagerduty",
        include_str!("../../../tests/fixtures/markdown/pagerduty.md"),
    ),
    (
        "blog-post",
        include_str!("../../../tests/fixtures/markdown/blog-post.md"),
    ),
    (
        "github-issue",
        include_str!("../../../tests/fixtures/markdown/github-issue.md"),
    ),
    (
        "odd-headings",
        include_str!("../../../tests/fixtures/markdown/odd-headings.md"),
    ),
    (
        "front-matter",
        include_str!("../../../tests/fixtures/markdown/front-matter.md"),
    ),
    (
        "hugo-front-matter",
        include_str!("../../../tests/fixtures/markdown/hugo-front-matter.md"),
    ),
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).expect("date")
}

fn fixture(name: &str) -> Import {
    let (_, text) = FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("fixture exists");
    read(text, today()).expect("fixture reads")
}

fn timeline(import: &Import) -> Vec<(String, String)> {
    import
        .draft
        .timeline
        .iter()
        .map(|t| (t.offset.clone(), t.event.clone()))
        .collect()
}

fn offsets(import: &Import) -> Vec<&str> {
    import
        .draft
        .timeline
        .iter()
        .map(|t| t.offset.as_str())
        .collect()
}

fn tech_ids(import: &Import) -> Vec<&str> {
    import
        .draft
        .technologies
        .iter()
        .map(|t| t.id.as_str())
        .collect()
}

fn factor_ids(import: &Import) -> Vec<&str> {
    import
        .draft
        .contributing_factors
        .iter()
        .map(|f| f.id.as_str())
        .collect()
}

fn note(import: &Import, field: &str) -> Option<NoteKind> {
    import
        .notes
        .iter()
        .find(|n| n.field == field)
        .map(|n| n.kind)
}

fn has_note(import: &Import, field: &str, kind: NoteKind) -> bool {
    import
        .notes
        .iter()
        .any(|n| n.field == field && n.kind == kind)
}

#[test]
fn rules_file_is_consistent() {
    let rules = rules();
    let mut seen = std::collections::HashSet::new();
    for rule in &rules.section {
        for heading in &rule.headings {
            assert_eq!(heading, &heading_key(heading), "synonyms are normalised");
            assert!(seen.insert(heading.clone()), "{heading} maps twice");
        }
    }
    let check = |table: &CueTable, parse: &dyn Fn(&str) -> bool| {
        for (value, phrases) in table {
            assert!(parse(value), "cue value {value} is not a valid enum value");
            for p in phrases {
                assert_eq!(p, &p.to_lowercase(), "cue phrases are lower-case");
            }
        }
    };
    check(&rules.cues.kind, &|v| enum_from::<ReportKind>(v).is_some());
    check(&rules.cues.impact_types, &|v| {
        enum_from::<ImpactType>(v).is_some()
    });
    check(&rules.cues.detection_method, &|v| {
        enum_from::<DetectionMethod>(v).is_some()
    });
    check(&rules.cues.change_type, &|v| {
        enum_from::<ChangeType>(v).is_some()
    });
    check(&rules.cues.action_category, &|v| {
        enum_from::<ActionCategory>(v).is_some()
    });
}

#[test]
fn empty_and_headingless_documents_are_errors() {
    assert_eq!(read("", today()).err(), Some(MarkdownError::Empty));
    assert_eq!(read("  \n\n\t ", today()).err(), Some(MarkdownError::Empty));
    assert_eq!(
        read("Just a paragraph about an outage.", today()).err(),
        Some(MarkdownError::NoTitle)
    );
    assert_eq!(
        draft_from_bytes(&[0xff, 0xfe, 0x00]).err(),
        Some(MarkdownError::NotText)
    );
}

#[test]
fn sre_template_maps_sections_and_splits_lessons() {
    let import = fixture("sre-template");
    let d = &import.draft;
    assert_eq!(
        d.title,
        "Checkout API outage after connection pool exhaustion (2024-03-14)"
    );
    assert!(d.summary.starts_with("Checkout at Larkspur Goods"));
    assert!(d.impact.description.contains("80% of checkout requests"));
    assert!(d.trigger.description.contains("routine code deploy"));
    assert!(d.detection.notes.contains("error rate alert fired"));
    assert!(d.mitigation.contains("rolled back the deploy"));
    assert!(d.what_went_well.contains("rollback tooling"));
    assert_eq!(
        d.lessons,
        "Connection limits are a shared budget across every pod, not a per-service setting."
    );
    assert!(
        d.narrative
            .contains("## Root Causes\n\nEach Kubernetes pod")
    );
    assert!(d.narrative.contains("### What went wrong\n\n- Load tests"));
    assert!(d.narrative.contains("### Where we got lucky"));
    // Explicit cues.
    assert_eq!(d.severity, Severity::Sev1);
    assert_eq!(d.duration, DurationBand::From1hTo4h);
    assert_eq!(d.period, "2024-Q1");
    assert_eq!(d.trigger.change_type, ChangeType::CodeDeploy);
    assert_eq!(d.detection.method, DetectionMethod::SymptomAlert);
    assert!(d.impact.customer_visible);
    assert!(d.impact.types.contains(&ImpactType::ElevatedErrors));
    assert_eq!(note(&import, "severity"), Some(NoteKind::Guessed));
    assert_eq!(note(&import, "context"), Some(NoteKind::Defaulted));
}

#[test]
fn sre_template_timeline_and_action_table() {
    let import = fixture("sre-template");
    assert_eq!(
        offsets(&import),
        ["T+0:00", "T+0:09", "T+0:13", "T+0:38", "T+1:56", "T+2:15"]
    );
    assert_eq!(timeline(&import)[3].1, "Database team joins the call.");
    // The date line and the unparsable item stay in the narrative.
    assert!(
        import
            .draft
            .narrative
            .contains("2024-03-14 (all times UTC)")
    );
    assert!(
        import
            .draft
            .narrative
            .contains("- Someone noted the dashboards were slow")
    );
    assert!(has_note(&import, "timeline", NoteKind::KeptInNarrative));

    let items = &import.draft.action_items;
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[0].description,
        "Alert on PgBouncer waiting clients above 50 — detect — BUG-1101"
    );
    assert_eq!(items[0].category, ActionCategory::Detection);
    assert_eq!(items[2].category, ActionCategory::Runbook);
    for item in items {
        for owner in ["marta", "Jonas", "Weber", "priya", "@"] {
            assert!(!item.description.contains(owner), "{owner} in {item:?}");
        }
    }
    // The whole table was read, so it is not repeated in the narrative.
    assert!(!import.draft.narrative.contains("| Action item"));
}

#[test]
fn sre_template_technologies_and_factors() {
    let import = fixture("sre-template");
    let techs = tech_ids(&import);
    for id in ["postgresql", "kubernetes", "pgbouncer"] {
        assert!(techs.contains(&id), "{id} in {techs:?}");
    }
    let postgres = import
        .draft
        .technologies
        .iter()
        .find(|t| t.id == "postgresql")
        .expect("postgresql");
    assert_eq!(postgres.version.as_deref(), Some("14.2"));
    let factors = factor_ids(&import);
    assert!(factors.contains(&"resource-exhaustion"), "{factors:?}");
    let exhaustion = &import.draft.contributing_factors[0];
    assert!(!exhaustion.description.is_empty());
}

#[test]
fn atlassian_style_sections_table_timeline_and_task_list() {
    let import = fixture("atlassian");
    let d = &import.draft;
    assert_eq!(d.title, "Delayed notification emails");
    assert!(d.summary.starts_with("Between 09:10 and 13:45"));
    assert!(
        d.trigger
            .description
            .contains("upgraded the email consumer")
    );
    assert!(d.mitigation.contains("pinned the previous client version"));
    assert!(d.lessons.contains("same scrutiny"));
    for heading in ["## Fault", "## Response", "## Five whys", "## Root cause"] {
        assert!(d.narrative.contains(heading), "{heading}");
    }
    assert_eq!(
        offsets(&import),
        ["T+0:00", "T+11:40", "T+13:35", "T+13:50", "T+16:15"]
    );
    assert_eq!(timeline(&import)[0].1, "Dependency upgrade deployed");
    assert_eq!(d.detection.method, DetectionMethod::CustomerReport);
    assert_eq!(d.period, "2023-Q4");
    assert!(tech_ids(&import).contains(&"rabbitmq"));
    let items = &d.action_items;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].status, ActionStatus::Done);
    assert_eq!(
        items[0].description,
        "Lower the queue depth alert threshold"
    );
    assert_eq!(items[0].category, ActionCategory::Detection);
    assert_eq!(
        items[1].description,
        "Read release notes for every major dependency upgrade"
    );
    assert_eq!(items[2].category, ActionCategory::Observability);
    assert_eq!(d.severity, Severity::Sev3);
    assert_eq!(note(&import, "severity"), Some(NoteKind::Defaulted));
}

#[test]
fn pagerduty_style_synonyms_and_cron_timeline() {
    let import = fixture("pagerduty");
    let d = &import.draft;
    assert_eq!(d.title, "Search results stale for EU customers");
    assert!(d.summary.starts_with("Search results for EU customers"));
    assert!(d.summary.contains("**What Happened**\n\nThe indexing job"));
    assert!(d.impact.description.contains("outdated prices"));
    assert!(d.narrative.contains("## Contributing Factors"));
    assert!(d.narrative.contains("## Severity"));
    assert_eq!(d.severity, Severity::Sev2);
    assert_eq!(d.detection.method, DetectionMethod::InternalReport);
    assert_eq!(
        offsets(&import),
        ["T+0:00", "T+0:08", "T+5:53", "T+6:28", "T+7:03"]
    );
    assert_eq!(d.action_items.len(), 3);
    assert_eq!(d.action_items[1].category, ActionCategory::Detection);
    let techs = tech_ids(&import);
    assert!(
        techs.contains(&"elasticsearch") && techs.contains(&"cron"),
        "{techs:?}"
    );
    assert!(factor_ids(&import).contains(&"resource-exhaustion"));
    assert!(has_note(&import, "lessons", NoteKind::Missing));
}

#[test]
fn blog_post_uses_the_intro_as_summary_and_reads_dated_timeline() {
    let import = fixture("blog-post");
    let d = &import.draft;
    assert_eq!(d.title, "What happened during our Saturday outage");
    assert!(d.summary.starts_with("Last Saturday, March 9, 2024"));
    assert_eq!(note(&import, "summary"), Some(NoteKind::Guessed));
    assert_eq!(d.period, "2024-Q1");
    assert_eq!(
        offsets(&import),
        ["T+0:00", "T+0:07", "T+0:23", "T+1:38", "T+3:03"]
    );
    assert_eq!(
        timeline(&import)[1].1,
        "players report on social media that they cannot join games."
    );
    assert!(
        d.narrative
            .contains("## Timeline of the day\n\nHere is how the day unfolded:")
    );
    assert_eq!(d.duration, DurationBand::From1hTo4h);
    assert_eq!(tech_ids(&import), ["redis"]);
    assert!(factor_ids(&import).contains(&"retry-storm"));
    assert!(has_note(&import, "mitigation", NoteKind::Missing));
    assert!(has_note(&import, "lessons", NoteKind::Missing));
}

#[test]
fn github_issue_is_a_near_miss_with_h3_sections() {
    let import = fixture("github-issue");
    let d = &import.draft;
    assert_eq!(d.title, "nightly backups skipped for three days");
    assert_eq!(d.kind, ReportKind::NearMiss);
    assert_eq!(d.severity, Severity::Sev3);
    assert_eq!(d.period, "2025-Q1");
    assert!(d.summary.starts_with("The nightly MySQL backup"));
    assert!(d.mitigation.starts_with("Restored the permission"));
    assert!(d.narrative.contains("### Why") || d.narrative.contains("## Why"));
    assert_eq!(d.action_items.len(), 2);
    let techs = tech_ids(&import);
    for id in ["mysql", "aws-s3"] {
        assert!(techs.contains(&id), "{id} in {techs:?}");
    }
    assert!(d.timeline.is_empty());
}

#[test]
fn odd_heading_levels_and_a_timeline_across_midnight() {
    let import = fixture("odd-headings");
    let d = &import.draft;
    assert_eq!(d.title, "Rapport d'incident");
    assert!(
        d.summary
            .starts_with("In the night of 28 to 29 of June 2024")
    );
    assert_eq!(d.period, "2024-Q2");
    assert_eq!(d.duration, DurationBand::From15mTo1h);
    // 23:41 → 00:28 the next day stays monotonic.
    assert_eq!(offsets(&import), ["T+0:00", "T+0:08", "T+0:31", "T+0:47"]);
    assert!(
        d.narrative
            .contains("the post-incident meeting happened on the Monday")
    );
    // The nested heading stays with its (narrative) parent section.
    assert!(d.narrative.contains("##### Why the reminder was missed"));
    assert!(
        d.mitigation
            .starts_with("Installation of the new certificate")
    );
    assert!(d.lessons.starts_with("A manual renewal process"));
    assert_eq!(d.action_items.len(), 3);
    assert_eq!(d.detection.method, DetectionMethod::SymptomAlert);
    let techs = tech_ids(&import);
    for id in ["haproxy", "cert-manager"] {
        assert!(techs.contains(&id), "{id} in {techs:?}");
    }
    assert!(factor_ids(&import).contains(&"certificate-expiry"));
}

fn words(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect()
}

/// Every word of the source is in a text field of the draft, or was left out on purpose
/// (a heading that became a field, a clock time that became an offset, an owner's name).
#[test]
fn nothing_is_lost() {
    for (name, text) in FIXTURES {
        let import = read(text, today()).expect("reads");
        let d = &import.draft;
        let mut kept = String::new();
        for part in [
            &d.title,
            &d.summary,
            &d.narrative,
            &d.impact.description,
            &d.detection.notes,
            &d.trigger.description,
            &d.mitigation,
            &d.what_went_well,
            &d.lessons,
        ] {
            kept.push_str(part);
            kept.push('\n');
        }
        for t in &d.timeline {
            kept.push_str(&t.event);
            kept.push('\n');
        }
        for a in &d.action_items {
            kept.push_str(&a.description);
            kept.push('\n');
        }
        for o in &import.omitted {
            kept.push_str(o);
            kept.push('\n');
        }
        let kept = words(&kept);
        let lost: Vec<String> = words(text).difference(&kept).cloned().collect();
        assert!(lost.is_empty(), "{name} lost {lost:?}");
    }
}

#[test]
fn every_fixture_draft_validates_once_required_text_is_present() {
    for (name, text) in FIXTURES {
        let import = read(text, today()).expect("reads");
        let mut draft = import.draft.clone();
        for field in [
            &mut draft.summary,
            &mut draft.mitigation,
            &mut draft.lessons,
        ] {
            if field.is_empty() {
                field.push_str("written by the submitter");
            }
        }
        if draft.contributing_factors.is_empty() {
            draft.contributing_factors.push(FactorEntry {
                id: "detection-gap".into(),
                description: "chosen by the submitter".into(),
                decision_context: String::new(),
            });
        }
        if let Err(errors) = crate::domain::validate_submission(draft, Taxonomy::bundled()) {
            panic!("{name}: {errors:?}");
        }
    }
}

#[test]
fn front_matter_gives_title_and_summary_and_nothing_else() {
    let import = fixture("front-matter");
    let d = &import.draft;
    assert_eq!(d.title, "Webhook deliveries delayed for two hours");
    assert!(
        d.summary.starts_with("Webhook deliveries were delayed"),
        "{}",
        d.summary
    );
    assert_eq!(note(&import, "summary"), Some(NoteKind::Guessed));
    assert_eq!(note(&import, "title"), Some(NoteKind::Guessed));
    let left_out = import
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::LeftOut)
        .expect("a note lists the keys left out");
    assert!(left_out.message.contains("authors, incident_commander"));
    // Authors, commanders and incident ids stay out of every text field of the draft.
    let json = serde_json::to_string(d).expect("serialises");
    for absent in ["Wilhelmina", "Fairbrother", "INC-4471", "---"] {
        assert!(!json.contains(absent), "{absent} reached the draft: {json}");
    }
    // Severity and dates are still read from the front matter.
    assert_eq!(d.severity, Severity::Sev2);
    assert_eq!(d.period, "2025-Q1");
    // The first section is a section, not the title.
    assert!(
        d.narrative.contains("The rolling restart") && d.narrative.contains("At 09:12 UTC"),
        "{}",
        d.narrative
    );
}

#[test]
fn hugo_toml_front_matter_is_read_like_yaml() {
    let import = fixture("hugo-front-matter");
    let d = &import.draft;
    assert_eq!(d.title, "Checkout errors after a certificate rotation");
    assert!(
        d.summary
            .starts_with("For 47 minutes checkout calls failed"),
        "{}",
        d.summary
    );
    let json = serde_json::to_string(d).expect("serialises");
    for absent in ["Perpetua", "Villanueva", "+++"] {
        assert!(!json.contains(absent), "{absent} reached the draft: {json}");
    }
    let left_out = import
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::LeftOut)
        .expect("a note lists the keys left out");
    assert!(left_out.message.contains("author"), "{}", left_out.message);
    assert!(
        d.narrative.contains("The rotation ran at"),
        "{}",
        d.narrative
    );
}

#[test]
fn front_matter_that_is_not_a_mapping_stays_in_the_text() {
    let text = "---\njust a line of prose\n---\n\n# Outage\n\n## Summary\n\nThe cache fell over.\n";
    let import = read(text, today()).expect("reads");
    assert_eq!(import.draft.title, "Outage");
    assert!(
        import.notes.iter().all(|n| n.kind != NoteKind::LeftOut),
        "{:?}",
        import.notes
    );
}

#[test]
fn stamps() {
    let year = 2024;
    let (stamp, raw, rest) = split_stamp("**14:32** primary failed", year).expect("stamp");
    assert_eq!(
        stamp,
        Stamp::Clock {
            date: None,
            minutes: Some(14 * 60 + 32)
        }
    );
    assert_eq!((raw.as_str(), rest), ("**14:32**", "primary failed"));
    let (stamp, _, rest) = split_stamp("T+0:35 failover started", year).expect("offset");
    assert_eq!((stamp, rest), (Stamp::Offset(35), "failover started"));
    let (stamp, _, rest) = split_stamp("2:05 pm - paged", year).expect("12h clock");
    assert_eq!(
        (stamp, rest),
        (
            Stamp::Clock {
                date: None,
                minutes: Some(14 * 60 + 5)
            },
            "paged"
        )
    );
    assert!(split_stamp("Someone noted it", year).is_none());
    assert!(split_stamp("3 engineers joined", year).is_none());
}

#[test]
fn a_sentence_wrapped_over_lines_is_one_sentence() {
    let text = "Intro line.\nA customer reported the errors in our support channel after the\ndeploy; our alert fired later. Next one.\n\n- a list item";
    let at = text.find("support").expect("offset");
    assert_eq!(
        sentence_around(text, at),
        "A customer reported the errors in our support channel after the deploy; our alert fired later."
    );
    let at = text.find("list").expect("offset");
    assert_eq!(sentence_around(text, at), "a list item");
}

/// A timeline entry is joined onto one line, but spacing inside a line is the writer's: an
/// error message quoted in code keeps its double space.
#[test]
fn timeline_entries_keep_spacing_inside_code() {
    let text = "# Replica rebuild\n\n## Timeline\n\n- 23:00 UTC replica rebuild fails:\n  `FATAL:  number of requested standby connections exceeds max_wal_senders`\n- 23:10 UTC raised `max_wal_senders`\n";
    let import = read(text, today()).expect("reads");
    let entries = timeline(&import);
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(
        entries[0].1,
        "replica rebuild fails: `FATAL:  number of requested standby connections exceeds max_wal_senders`"
    );
}
