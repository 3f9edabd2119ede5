//! Markdown import: reads an existing postmortem document into a submission draft plus notes
//! telling the submitter what was guessed, defaulted or missing (rules in `schema/`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use regex::Regex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Taxonomy;
use crate::domain::submission::*;
use crate::domain::taxonomy::Concept;

const RULES_TOML: &str = include_str!("../../schema/markdown-import.toml");

/// A draft read from a Markdown document. It is not stored: the submitter completes it and
/// submits it like any other submission.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MarkdownDraft {
    pub draft: Submission,
    /// What the submitter must check before submitting, one note per field.
    pub notes: Vec<DraftNote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DraftNote {
    /// The draft field concerned, as a JSON path like `severity` or `impact.types`.
    pub field: String,
    pub kind: NoteKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Read from the document, but by interpretation: confirm it.
    Guessed,
    /// The document says nothing usable; a documented default was filled in: confirm it.
    Defaulted,
    /// A required text field the document does not provide: write it.
    Missing,
    /// Part of a section could not be read into structured entries and stayed in the narrative.
    KeptInNarrative,
    /// Part of the document was deliberately left out of the draft (front matter keys that
    /// name people and internal records): confirm nothing the report needs is missing.
    LeftOut,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkdownError {
    #[error("the Markdown document is empty")]
    Empty,
    #[error("the Markdown document has no heading to take a title from")]
    NoTitle,
    #[error("the Markdown document is not UTF-8 text")]
    NotText,
}

/// Reads a Markdown postmortem. Clock-less defaults (the period) use today's date.
pub fn draft_from_markdown(text: &str) -> Result<MarkdownDraft, MarkdownError> {
    draft_from_markdown_on(text, chrono::Utc::now().date_naive())
}

/// Reads a request body as a Markdown postmortem.
pub fn draft_from_bytes(body: &[u8]) -> Result<MarkdownDraft, MarkdownError> {
    let text = std::str::from_utf8(body).map_err(|_| MarkdownError::NotText)?;
    draft_from_markdown(text)
}

/// Like `draft_from_markdown`, with the date that stands in for "now" given.
pub fn draft_from_markdown_on(
    text: &str,
    today: NaiveDate,
) -> Result<MarkdownDraft, MarkdownError> {
    read(text, today).map(|import| MarkdownDraft {
        draft: import.draft,
        notes: import.notes,
    })
}

// ---------------------------------------------------------------- rules (data)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Field {
    Summary,
    Impact,
    RootCause,
    Trigger,
    Detection,
    Timeline,
    Mitigation,
    WhatWentWell,
    WhatWentWrong,
    Lessons,
    ActionItems,
}

#[derive(Debug, Deserialize)]
struct SectionRule {
    field: Field,
    headings: Vec<String>,
    #[serde(default)]
    splits_recognised_children: bool,
}

type CueTable = BTreeMap<String, Vec<String>>;

#[derive(Debug, Deserialize)]
struct Cues {
    kind: CueTable,
    impact_types: CueTable,
    detection_method: CueTable,
    change_type: CueTable,
    action_category: CueTable,
}

#[derive(Debug, Deserialize)]
struct Defaults {
    kind: ReportKind,
    severity: Severity,
    impact_type: ImpactType,
    detection_method: DetectionMethod,
    time_to_detect: DurationBand,
    change_type: ChangeType,
    duration: DurationBand,
    sector: Sector,
    size_band: SizeBand,
    action_category: ActionCategory,
}

#[derive(Debug, Deserialize)]
struct TechnologyWords {
    case_sensitive: Vec<String>,
    ignored: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Rules {
    section: Vec<SectionRule>,
    cues: Cues,
    defaults: Defaults,
    technologies: TechnologyWords,
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        toml::from_str(RULES_TOML).expect("schema/markdown-import.toml is checked by tests")
    })
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("patterns in this module are checked by tests")
}

// ---------------------------------------------------------------- reading

/// The draft, the notes, and the text deliberately left out (headings that became field
/// names, clock times that became offsets, owner names): the "nothing lost" test needs them.
struct Import {
    draft: Submission,
    notes: Vec<DraftNote>,
    #[cfg_attr(not(test), allow(dead_code))]
    omitted: Vec<String>,
}

struct Heading {
    level: u8,
    range: Range<usize>,
    text: String,
}

struct Section {
    heading: usize,
    field: Option<Field>,
    body: Range<usize>,
}

fn read(text: &str, today: NaiveDate) -> Result<Import, MarkdownError> {
    if text.trim().is_empty() {
        return Err(MarkdownError::Empty);
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(text, options).into_offset_iter().collect();
    let headings = headings(&events);
    let front = FrontMatter::read(&events);
    let mut reader = Reader {
        text,
        events: &events,
        notes: Vec::new(),
        omitted: Vec::new(),
        today,
    };
    // The title: the top-level heading, else the front matter's title, else the first heading.
    // `title_index` is the heading that gave the title, if one did.
    let top = headings.iter().position(|h| h.level == 1);
    let (title, title_index) = match (top, front.as_ref().and_then(|f| f.title.clone())) {
        (Some(i), _) => (reader.title(&headings[i].text), Some(i)),
        (None, Some(title)) => {
            reader.note(
                "title",
                NoteKind::Guessed,
                "the document has no top-level heading; the title was taken from its front matter",
            );
            (reader.title(&title), None)
        }
        (None, None) if !headings.is_empty() => {
            reader.note(
                "title",
                NoteKind::Guessed,
                "the document has no top-level heading; its first heading was taken as the title",
            );
            (reader.title(&headings[0].text), Some(0))
        }
        (None, None) => return Err(MarkdownError::NoTitle),
    };
    let sections = sections(&headings, title_index);

    // Content outside every section: before the first heading and right after the title.
    let mut boundaries: Vec<Range<usize>> = sections
        .iter()
        .map(|s| headings[s.heading].range.clone())
        .collect();
    if let Some(i) = title_index {
        boundaries.push(headings[i].range.clone());
    }
    boundaries.sort_by_key(|r| r.start);
    let mut preamble = String::new();
    let body_start = front.as_ref().map_or(0, |f| f.range.end);
    let first_start = boundaries.first().map_or(text.len(), |r| r.start);
    push_block(
        &mut preamble,
        &text[body_start.min(first_start)..first_start],
    );
    if let Some(i) = title_index {
        let title_end = headings[i].range.end;
        let after_title = boundaries
            .iter()
            .map(|r| r.start)
            .find(|&s| s >= title_end)
            .unwrap_or(text.len());
        push_block(&mut preamble, &text[title_end..after_title]);
    }

    let mut fields = Fields::default();
    for section in &sections {
        reader.section(section, &headings[section.heading], &mut fields);
    }
    if let Some(front) = front {
        reader.front_matter(front, &mut fields);
    }
    Ok(reader.finish(title, preamble, fields))
}

/// YAML front matter (Jekyll, Hugo, incident tools' exports). Its title and summary can fill
/// the draft; every other key (authors, commanders, incident ids, tags) stays out of it,
/// because such keys mostly name people and internal records.
struct FrontMatter {
    range: Range<usize>,
    title: Option<String>,
    summary: Option<String>,
    keys: Vec<String>,
    raw: String,
}

impl FrontMatter {
    fn read(events: &[(Event<'_>, Range<usize>)]) -> Option<FrontMatter> {
        let mut block = None;
        let mut raw = String::new();
        for (event, span) in events {
            match event {
                Event::Start(Tag::MetadataBlock(kind)) => block = Some((span.clone(), *kind)),
                Event::Text(t) if block.is_some() => raw.push_str(t),
                Event::End(TagEnd::MetadataBlock(_)) => break,
                _ if block.is_none() => return None,
                _ => {}
            }
        }
        let (range, kind) = block?;
        // A block that is not a mapping is left to the narrative like any other text.
        let entries = match kind {
            MetadataBlockKind::YamlStyle => yaml_entries(&raw)?,
            MetadataBlockKind::PlusesStyle => toml_entries(&raw)?,
        };
        let mut front = FrontMatter {
            range,
            title: None,
            summary: None,
            keys: Vec::new(),
            raw,
        };
        for (key, value) in entries {
            let value = value.filter(|v| !v.trim().is_empty());
            match key.to_lowercase().as_str() {
                "title" => front.title = value,
                "summary" | "description" | "excerpt" | "abstract" | "tldr" | "tl;dr" => {
                    front.summary = front.summary.or(value)
                }
                _ => front.keys.push(key),
            }
        }
        Some(front)
    }
}

/// The keys of YAML front matter (Jekyll, most tools), each with its value when it is a
/// scalar; `None` when the block is not a YAML mapping.
fn yaml_entries(raw: &str) -> Option<Vec<(String, Option<String>)>> {
    let docs = yaml_rust2::YamlLoader::load_from_str(raw).ok()?;
    let yaml_rust2::Yaml::Hash(map) = docs.into_iter().next()? else {
        return None;
    };
    Some(
        map.iter()
            .filter_map(|(k, v)| Some((yaml_scalar(k)?, yaml_scalar(v))))
            .collect(),
    )
}

/// The same for TOML front matter between `+++` lines (Hugo).
fn toml_entries(raw: &str) -> Option<Vec<(String, Option<String>)>> {
    let table: toml::Table = raw.parse().ok()?;
    Some(
        table
            .into_iter()
            .map(|(k, v)| {
                let value = match v {
                    toml::Value::String(s) => Some(s.trim().to_string()),
                    toml::Value::Integer(i) => Some(i.to_string()),
                    toml::Value::Float(f) => Some(f.to_string()),
                    toml::Value::Boolean(b) => Some(b.to_string()),
                    toml::Value::Datetime(d) => Some(d.to_string()),
                    _ => None,
                };
                (k, value)
            })
            .collect(),
    )
}

fn yaml_scalar(value: &yaml_rust2::Yaml) -> Option<String> {
    use yaml_rust2::Yaml;
    match value {
        Yaml::String(s) => Some(s.trim().to_string()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn headings(events: &[(Event<'_>, Range<usize>)]) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut current: Option<Heading> = None;
    for (event, range) in events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some(Heading {
                    level: *level as u8,
                    range: range.clone(),
                    text: String::new(),
                });
            }
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(h) = current.as_mut() {
                    h.text.push(' ');
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(mut h) = current.take() {
                    h.text = h.text.split_whitespace().collect::<Vec<_>>().join(" ");
                    out.push(h);
                }
            }
            _ => {}
        }
    }
    out
}

/// Splits the document into sections at the shallowest heading level below the title.
/// Deeper headings stay in their parent section, except recognised sub-headings of a
/// section whose rule splits them out.
fn sections(headings: &[Heading], title_index: Option<usize>) -> Vec<Section> {
    let section_level = headings
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != title_index)
        .map(|(_, h)| h.level)
        .min()
        .unwrap_or(1);
    let mut starts: Vec<(usize, Option<Field>)> = Vec::new();
    let mut parent: Option<(Option<Field>, bool)> = None;
    for (i, h) in headings.iter().enumerate() {
        if Some(i) == title_index {
            continue;
        }
        let rule = section_rule(&h.text);
        let field = rule.map(|r| r.field);
        if h.level <= section_level {
            parent = Some((field, rule.is_some_and(|r| r.splits_recognised_children)));
            starts.push((i, field));
        } else if let Some((parent_field, true)) = parent
            && field.is_some()
            && field != parent_field
        {
            starts.push((i, field));
        }
    }
    let mut boundaries: Vec<usize> = starts
        .iter()
        .map(|(i, _)| headings[*i].range.start)
        .collect();
    if let Some(i) = title_index {
        boundaries.push(headings[i].range.start);
    }
    boundaries.sort_unstable();
    starts
        .into_iter()
        .map(|(i, field)| {
            let start = headings[i].range.end;
            let end = boundaries
                .iter()
                .copied()
                .find(|&b| b >= start)
                .unwrap_or(usize::MAX);
            Section {
                heading: i,
                field,
                body: start..end,
            }
        })
        .collect()
}

/// The rule a heading matches: exactly, or as a prefix ending at a word boundary.
fn section_rule(heading: &str) -> Option<&'static SectionRule> {
    let key = heading_key(heading);
    let mut best: Option<(&SectionRule, usize)> = None;
    for rule in &rules().section {
        for synonym in &rule.headings {
            let matches = key == *synonym
                || key
                    .strip_prefix(synonym.as_str())
                    .is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric()));
            if matches && best.is_none_or(|(_, len)| synonym.len() > len) {
                best = Some((rule, synonym.len()));
            }
        }
    }
    best.map(|(rule, _)| rule)
}

/// Lower-cased heading text without numbering ("3.2.") or trailing punctuation.
fn heading_key(heading: &str) -> String {
    static NUMBERING: OnceLock<Regex> = OnceLock::new();
    let numbering = NUMBERING.get_or_init(|| regex(r"^(?:\d+[.)])+\d*\s*|^[ivx]+[.)]\s+"));
    let lowered = heading.trim().to_lowercase();
    let stripped = numbering.replace(&lowered, "");
    stripped
        .trim_matches(|c: char| c == ':' || c == '.' || c.is_whitespace())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text fields collected from sections, in document order.
#[derive(Default)]
struct Fields {
    summary: String,
    impact: String,
    trigger: String,
    detection: String,
    mitigation: String,
    what_went_well: String,
    lessons: String,
    narrative: Vec<String>,
    timeline: Vec<TimelineEntry>,
    action_items: Vec<ActionItem>,
    defaulted_categories: usize,
    /// Field name → heading text it was filled from, for the notes.
    sources: Vec<(&'static str, String)>,
}

struct Reader<'a> {
    text: &'a str,
    events: &'a [(Event<'a>, Range<usize>)],
    notes: Vec<DraftNote>,
    #[cfg_attr(not(test), allow(dead_code))]
    omitted: Vec<String>,
    today: NaiveDate,
}

/// One list item, table row or paragraph line of a timeline or action-items section.
struct Entry {
    range: Range<usize>,
    text: String,
    checked: Option<bool>,
    cells: Option<Vec<String>>,
    /// A line of a plain paragraph: prose unless it starts with a time.
    is_line: bool,
}

impl Reader<'_> {
    fn note(&mut self, field: &str, kind: NoteKind, message: impl Into<String>) {
        self.notes.push(DraftNote {
            field: field.to_string(),
            kind,
            message: message.into(),
        });
    }

    fn title(&mut self, heading: &str) -> String {
        static PREFIX: OnceLock<Regex> = OnceLock::new();
        let prefix = PREFIX.get_or_init(|| {
            regex(
                r"(?i)^\s*(?:post[- ]?mortem|post[- ]incident review|incident(?: report| review| post[- ]?mortem)?|retrospective|pir)\s*(?:[:\-–—|]\s*|$)",
            )
        });
        match prefix.find(heading) {
            Some(m) if m.end() < heading.len() => {
                self.omitted.push(m.as_str().to_string());
                heading[m.end()..].trim().to_string()
            }
            _ => heading.trim().to_string(),
        }
    }

    fn section(&mut self, section: &Section, heading: &Heading, fields: &mut Fields) {
        let body = section.body.start..section.body.end.min(self.text.len());
        let text = self.text[body.clone()].trim();
        let Some(field) = section.field else {
            fields
                .narrative
                .push(with_heading(&heading.text, text, heading.level));
            return;
        };
        let (target, name): (&mut String, &'static str) = match field {
            Field::Summary => (&mut fields.summary, "summary"),
            Field::Impact => (&mut fields.impact, "impact.description"),
            Field::Trigger => (&mut fields.trigger, "trigger.description"),
            Field::Detection => (&mut fields.detection, "detection.notes"),
            Field::Mitigation => (&mut fields.mitigation, "mitigation"),
            Field::WhatWentWell => (&mut fields.what_went_well, "what_went_well"),
            Field::Lessons => (&mut fields.lessons, "lessons"),
            Field::RootCause | Field::WhatWentWrong => {
                fields
                    .narrative
                    .push(with_heading(&heading.text, text, heading.level));
                return;
            }
            Field::Timeline => {
                let rest = self.timeline(body, fields);
                self.keep_rest(heading, rest, "timeline", fields);
                return;
            }
            Field::ActionItems => {
                let rest = self.action_items(body, fields);
                self.keep_rest(heading, rest, "action_items", fields);
                return;
            }
        };
        if text.is_empty() {
            self.omitted.push(heading.text.clone());
        } else if target.is_empty() {
            self.omitted.push(heading.text.clone());
            target.push_str(text);
            fields.sources.push((name, heading.text.clone()));
        } else {
            target.push_str(&format!("\n\n**{}**\n\n{text}", heading.text));
            fields.sources.push((name, heading.text.clone()));
        }
    }

    /// What a timeline or action-items section held besides its entries goes to the narrative.
    fn keep_rest(&mut self, heading: &Heading, rest: String, field: &str, fields: &mut Fields) {
        if rest.trim().is_empty() {
            self.omitted.push(heading.text.clone());
        } else {
            self.note(
                field,
                NoteKind::KeptInNarrative,
                format!(
                    "part of the section “{}” could not be read as entries and was kept in the narrative",
                    heading.text
                ),
            );
            fields
                .narrative
                .push(with_heading(&heading.text, rest.trim(), heading.level));
        }
    }

    /// The candidate entries of a section: top-level list items, table body rows, and the
    /// lines of plain paragraphs (write-ups often put one timeline event on each line).
    fn entries(&mut self, body: &Range<usize>) -> (Vec<Entry>, Vec<TableSpan>) {
        let mut entries = Vec::new();
        let mut tables = Vec::new();
        let mut list_depth = 0usize;
        let mut in_table = false;
        let mut in_head = false;
        let mut row: Option<(Range<usize>, Vec<String>)> = None;
        let mut awaiting_task_marker = false;
        let mut in_top_paragraph = false;
        for (event, range) in self.events {
            if range.start < body.start || range.end > body.end {
                continue;
            }
            match event {
                Event::Start(Tag::List(_)) => list_depth += 1,
                Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
                Event::Start(Tag::Item) if list_depth == 1 => {
                    let raw = &self.text[range.clone()];
                    entries.push(Entry {
                        range: range.clone(),
                        text: strip_list_marker(raw).to_string(),
                        checked: None,
                        cells: None,
                        is_line: false,
                    });
                    awaiting_task_marker = true;
                }
                Event::TaskListMarker(checked) if list_depth == 1 => {
                    if let Some(entry) = entries.last_mut().filter(|_| awaiting_task_marker) {
                        awaiting_task_marker = false;
                        entry.checked = Some(*checked);
                        entry.text = strip_task_marker(&entry.text).to_string();
                    }
                }
                Event::Start(Tag::Table(_)) => {
                    in_table = true;
                    tables.push(TableSpan {
                        range: range.clone(),
                        head: Vec::new(),
                        rows: 0,
                    });
                }
                Event::End(TagEnd::Table) => in_table = false,
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableRow) => row = Some((range.clone(), Vec::new())),
                Event::Start(Tag::TableCell) if in_table => {
                    let cell = self.text[range.clone()].trim().to_string();
                    if in_head {
                        if let Some(t) = tables.last_mut() {
                            t.head.push(cell);
                        }
                    } else if let Some((_, cells)) = row.as_mut() {
                        cells.push(cell);
                    }
                }
                Event::End(TagEnd::TableRow) => {
                    if let Some((range, cells)) = row.take() {
                        if let Some(t) = tables.last_mut() {
                            t.rows += 1;
                        }
                        entries.push(Entry {
                            range,
                            text: cells.join(" "),
                            checked: None,
                            cells: Some(cells),
                            is_line: false,
                        });
                    }
                }
                Event::Start(Tag::Paragraph) => in_top_paragraph = list_depth == 0 && !in_table,
                Event::End(TagEnd::Paragraph) if in_top_paragraph => {
                    in_top_paragraph = false;
                    let mut offset = range.start;
                    for line in self.text[range.clone()].split_inclusive('\n') {
                        let content = line.trim();
                        if !content.is_empty() {
                            entries.push(Entry {
                                range: offset..offset + line.len(),
                                text: content.trim_end_matches('\\').to_string(),
                                checked: None,
                                cells: None,
                                is_line: true,
                            });
                        }
                        offset += line.len();
                    }
                }
                _ => {}
            }
        }
        (entries, tables)
    }

    fn timeline(&mut self, body: Range<usize>, fields: &mut Fields) -> String {
        let (entries, tables) = self.entries(&body);
        let doc_date = first_date(self.text, self.today);
        let mut clock = Clock::new(doc_date.unwrap_or(self.today));
        let mut taken = Vec::new();
        let mut skipped = 0;
        for entry in &entries {
            let stamped = match &entry.cells {
                Some(cells) => stamp_from_cells(cells, clock.year()),
                None => split_stamp(&entry.text, clock.year())
                    .map(|(stamp, raw, rest)| (stamp, raw, one_line(rest))),
            };
            // A line with only a date ("2024-03-14 (all times UTC)") sets the day for the
            // times after it.
            if let Some((
                Stamp::Clock {
                    date: Some(day),
                    minutes: None,
                },
                _,
                _,
            )) = &stamped
                && entry.is_line
            {
                clock.date = *day;
                continue;
            }
            let Some((stamp, raw, event)) = stamped.filter(|(_, _, e)| !e.is_empty()) else {
                // Prose paragraphs between entries are not failed entries.
                if !entry.is_line {
                    skipped += 1;
                }
                continue;
            };
            self.omitted.push(raw);
            fields.timeline.push(TimelineEntry {
                offset: clock.offset(stamp),
                event,
            });
            taken.push(entry.range.clone());
        }
        if skipped > 0 {
            self.note(
                "timeline",
                NoteKind::KeptInNarrative,
                format!("{skipped} timeline line(s) had no time we could read; they stay in the narrative"),
            );
        }
        if !fields.timeline.is_empty() {
            self.note(
                "timeline",
                NoteKind::Guessed,
                "clock times were turned into offsets from the first entry; check them",
            );
        }
        self.remainder(&body, taken, &tables)
    }

    fn action_items(&mut self, body: Range<usize>, fields: &mut Fields) -> String {
        let (entries, tables) = self.entries(&body);
        let mut taken = Vec::new();
        for entry in &entries {
            if entry.is_line {
                continue;
            }
            let (description, status) = match &entry.cells {
                Some(cells) => {
                    let head = tables
                        .iter()
                        .find(|t| {
                            t.range.start <= entry.range.start && entry.range.end <= t.range.end
                        })
                        .map(|t| t.head.clone())
                        .unwrap_or_default();
                    self.action_from_cells(cells, &head)
                }
                None => {
                    let status = match entry.checked {
                        Some(true) => ActionStatus::Done,
                        _ => ActionStatus::Planned,
                    };
                    (self.drop_owners(&entry.text), status)
                }
            };
            if description.is_empty() {
                continue;
            }
            let category =
                match best_cue(&rules().cues.action_category, &description.to_lowercase()) {
                    Some(c) => c,
                    None => {
                        fields.defaulted_categories += 1;
                        rules().defaults.action_category
                    }
                };
            fields.action_items.push(ActionItem {
                category,
                description,
                status,
            });
            taken.push(entry.range.clone());
        }
        if !fields.action_items.is_empty() {
            self.note(
                "action_items",
                NoteKind::Guessed,
                "categories were guessed from each action's wording; owners were left out",
            );
        }
        self.remainder(&body, taken, &tables)
    }

    fn action_from_cells(&mut self, cells: &[String], head: &[String]) -> (String, ActionStatus) {
        static OWNER: OnceLock<Regex> = OnceLock::new();
        static STATUS: OnceLock<Regex> = OnceLock::new();
        let owner = OWNER.get_or_init(|| {
            regex(r"(?i)^(?:owners?|assignee|assigned to|who|responsible|dri|team|lead|reviewers?|approvers?)$")
        });
        let status_header = STATUS.get_or_init(|| regex(r"(?i)^(?:status|state|done\??)$"));
        let mut parts = Vec::new();
        let mut status = ActionStatus::Planned;
        for (i, cell) in cells.iter().enumerate() {
            let header = head.get(i).map(String::as_str).unwrap_or("");
            if owner.is_match(header.trim()) {
                self.omitted.push(cell.clone());
            } else if status_header.is_match(header.trim()) {
                status = status_word(cell);
                self.omitted.push(cell.clone());
            } else {
                let text = self.drop_owners(cell);
                if !text.is_empty() {
                    parts.push(text);
                }
            }
        }
        (parts.join(" — "), status)
    }

    /// Removes `@name` mentions and `Owner: name` notes; the schema forbids owner names.
    fn drop_owners(&mut self, text: &str) -> String {
        static OWNERS: OnceLock<Regex> = OnceLock::new();
        let owners = OWNERS.get_or_init(|| {
            regex(
                r"(?i)[(\[]?\b(?:owners?|assignee|assigned to|dri)\s*[:=]\s*[^)\];,\n]*[)\]]?|[(\[]?@[\w][\w.\-]*[)\]]?",
            )
        });
        for m in owners.find_iter(text) {
            self.omitted.push(m.as_str().to_string());
        }
        let cleaned = owners.replace_all(text, "");
        one_line(cleaned.trim().trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | ',' | ';')
        }))
    }

    /// The section's text with the taken entries cut out; a table whose rows were all taken
    /// goes entirely (its header row names columns, not content).
    fn remainder(
        &mut self,
        body: &Range<usize>,
        mut cuts: Vec<Range<usize>>,
        tables: &[TableSpan],
    ) -> String {
        for table in tables {
            let taken = cuts
                .iter()
                .filter(|c| table.range.start <= c.start && c.end <= table.range.end)
                .count();
            if table.rows > 0 && taken == table.rows {
                self.omitted.extend(table.head.iter().cloned());
                cuts.retain(|c| !(table.range.start <= c.start && c.end <= table.range.end));
                cuts.push(table.range.clone());
            }
        }
        cuts.sort_by_key(|c| c.start);
        let mut out = String::new();
        let mut cursor = body.start;
        for cut in cuts {
            if cut.start >= cursor {
                out.push_str(&self.text[cursor..cut.start]);
                cursor = cut.end;
            }
        }
        out.push_str(&self.text[cursor.min(body.end)..body.end]);
        tidy(&out)
    }

    /// Takes the front matter's summary when no section gave one and leaves the rest out,
    /// telling the submitter which keys were left out.
    fn front_matter(&mut self, front: FrontMatter, fields: &mut Fields) {
        if let Some(summary) = front.summary {
            if fields.summary.trim().is_empty() {
                fields.summary = summary;
                fields.sources.push(("summary", "front matter".to_string()));
            } else {
                fields.narrative.insert(0, summary);
            }
        }
        if let Some(title) = front.title {
            self.omitted.push(title);
        }
        if !front.keys.is_empty() {
            self.note(
                "narrative",
                NoteKind::LeftOut,
                format!(
                    "the front matter's other keys ({}) were left out of the draft; severity and dates were still read from them",
                    front.keys.join(", ")
                ),
            );
        }
        self.omitted.push(front.raw);
    }

    fn finish(mut self, title: String, preamble: String, mut fields: Fields) -> Import {
        let preamble = preamble.trim().to_string();
        let whole = self.text;
        if fields.summary.trim().is_empty() && !preamble.is_empty() {
            fields.summary = preamble;
            self.note(
                "summary",
                NoteKind::Guessed,
                "there is no summary section; the text before the first section was used",
            );
        } else if !preamble.is_empty() {
            fields.narrative.insert(0, preamble);
        }
        for (field, heading) in std::mem::take(&mut fields.sources) {
            self.note(
                field,
                NoteKind::Guessed,
                format!("filled from the section “{heading}”"),
            );
        }
        for (field, value) in [
            ("summary", &fields.summary),
            ("mitigation", &fields.mitigation),
            ("lessons", &fields.lessons),
        ] {
            if value.trim().is_empty() {
                self.note(
                    field,
                    NoteKind::Missing,
                    "the document has no section for this required field; write it before submitting",
                );
            }
        }
        if fields.defaulted_categories > 0 {
            self.note(
                "action_items",
                NoteKind::Defaulted,
                format!(
                    "{} action item(s) gave no clue to their category and were filed under `{}`",
                    fields.defaulted_categories,
                    enum_name(&rules().defaults.action_category)
                ),
            );
        }

        let lower = whole.to_lowercase();
        let scope = |section: &str| {
            if section.trim().is_empty() {
                lower.clone()
            } else {
                section.to_lowercase()
            }
        };
        let defaults = &rules().defaults;
        let kind = self.cue_or_default("kind", &rules().cues.kind, &lower, defaults.kind);
        let impact_text = scope(&format!("{}\n{}", fields.impact, fields.summary));
        let impact_types = self.impact_types(&impact_text);
        let customer_visible = self.customer_visible(&impact_text, &impact_types);
        let severity = self.severity(whole);
        let detection_text = scope(&fields.detection);
        let method = self.cue_or_default(
            "detection.method",
            &rules().cues.detection_method,
            &detection_text,
            defaults.detection_method,
        );
        self.note(
            "detection.time_to_detect",
            NoteKind::Defaulted,
            format!(
                "not read from documents; set to `{}`",
                enum_name(&defaults.time_to_detect)
            ),
        );
        let trigger_text = scope(&fields.trigger);
        let change_type = self.cue_or_default(
            "trigger.change_type",
            &rules().cues.change_type,
            &trigger_text,
            defaults.change_type,
        );
        let duration = self.duration(whole, &fields.timeline);
        let period = self.period(whole);
        let technologies = self.technologies(whole);
        let contributing_factors = self.factors(whole);
        self.note(
            "context",
            NoteKind::Defaulted,
            format!(
                "sector and size are not read from documents; set to `{}` and `{}`",
                enum_name(&defaults.sector),
                enum_name(&defaults.size_band)
            ),
        );

        let mut narrative = String::new();
        for part in &fields.narrative {
            push_block(&mut narrative, part);
        }
        Import {
            draft: Submission {
                kind,
                title,
                summary: fields.summary,
                narrative: narrative.trim().to_string(),
                period,
                severity,
                impact: Impact {
                    types: impact_types,
                    customer_visible,
                    description: fields.impact,
                },
                detection: Detection {
                    method,
                    time_to_detect: defaults.time_to_detect,
                    notes: fields.detection,
                },
                trigger: Trigger {
                    change_type,
                    description: fields.trigger,
                },
                duration,
                technologies,
                contributing_factors,
                timeline: fields.timeline,
                mitigation: fields.mitigation,
                what_went_well: fields.what_went_well,
                lessons: fields.lessons,
                action_items: fields.action_items,
                context: OrgContext {
                    sector: defaults.sector,
                    size_band: defaults.size_band,
                },
            },
            notes: self.notes,
            omitted: self.omitted,
        }
    }

    fn cue_or_default<T: DeserializeOwned + Serialize + Copy>(
        &mut self,
        field: &str,
        table: &CueTable,
        text: &str,
        default: T,
    ) -> T {
        match best_cue(table, text) {
            Some(value) => {
                self.note(
                    field,
                    NoteKind::Guessed,
                    format!(
                        "read as `{}` from the document's wording",
                        enum_name(&value)
                    ),
                );
                value
            }
            None => {
                self.note(
                    field,
                    NoteKind::Defaulted,
                    format!(
                        "the document gives no clue; set to `{}`",
                        enum_name(&default)
                    ),
                );
                default
            }
        }
    }

    fn impact_types(&mut self, text: &str) -> Vec<ImpactType> {
        let mut scored: Vec<(usize, ImpactType)> = rules()
            .cues
            .impact_types
            .iter()
            .filter_map(|(value, phrases)| {
                let hits: usize = phrases.iter().map(|p| count_phrase(text, p)).sum();
                let value = enum_from(value)?;
                (hits > 0).then_some((hits, value))
            })
            .collect();
        scored.sort_by_key(|(hits, _)| std::cmp::Reverse(*hits));
        let types: Vec<ImpactType> = scored.into_iter().take(3).map(|(_, t)| t).collect();
        if types.is_empty() {
            let default = rules().defaults.impact_type;
            self.note(
                "impact.types",
                NoteKind::Defaulted,
                format!(
                    "the document gives no clue; set to `{}`",
                    enum_name(&default)
                ),
            );
            vec![default]
        } else {
            self.note(
                "impact.types",
                NoteKind::Guessed,
                "read from the impact section's wording; check the kinds of impact",
            );
            types
        }
    }

    fn customer_visible(&mut self, text: &str, types: &[ImpactType]) -> bool {
        let internal = types.contains(&ImpactType::InternalOnly);
        let visible = !internal
            && [
                "customer",
                "customers",
                "users",
                "user-facing",
                "clients",
                "merchants",
            ]
            .iter()
            .any(|p| count_phrase(text, p) > 0);
        self.note(
            "impact.customer_visible",
            NoteKind::Guessed,
            format!("set to {visible} from whether the impact text mentions customers or users"),
        );
        visible
    }

    fn severity(&mut self, text: &str) -> Severity {
        static NUMBERED: OnceLock<Regex> = OnceLock::new();
        static WORDED: OnceLock<Regex> = OnceLock::new();
        let numbered = NUMBERED.get_or_init(|| {
            regex(r"(?i)\b(?:sev(?:erity)?|priority)[\s:=*]*(?:sev|p)?\s*-?\s*([0-5])\b")
        });
        let worded = WORDED.get_or_init(|| {
            regex(r"(?i)\bseverity[\s:=*]*(critical|high|major|medium|moderate|low|minor)\b")
        });
        let found = numbered
            .captures(text)
            .and_then(|c| c.get(1))
            .map(|m| match m.as_str() {
                "0" | "1" => Severity::Sev1,
                "2" => Severity::Sev2,
                "3" => Severity::Sev3,
                "4" => Severity::Sev4,
                _ => Severity::Sev5,
            })
            .or_else(|| {
                worded.captures(text).and_then(|c| c.get(1)).map(|m| {
                    match m.as_str().to_lowercase().as_str() {
                        "critical" => Severity::Sev1,
                        "high" | "major" => Severity::Sev2,
                        "medium" | "moderate" => Severity::Sev3,
                        _ => Severity::Sev4,
                    }
                })
            });
        match found {
            Some(s) => {
                self.note(
                    "severity",
                    NoteKind::Guessed,
                    format!("read as `{}`; check it against our scale (sev1 critical … sev5 no customer impact)", enum_name(&s)),
                );
                s
            }
            None => {
                let s = rules().defaults.severity;
                self.note(
                    "severity",
                    NoteKind::Defaulted,
                    format!("the document names no severity; set to `{}`", enum_name(&s)),
                );
                s
            }
        }
    }

    fn duration(&mut self, text: &str, timeline: &[TimelineEntry]) -> DurationBand {
        static STATED: OnceLock<Regex> = OnceLock::new();
        let stated = STATED.get_or_init(|| {
            regex(
                r"(?i)\b(?:duration|lasted(?: for)?|total downtime|downtime)[\s:=*]*(?:about |around |roughly |approximately |~)?(?:(\d+)\s*(?:d|days?)\s*)?(?:(\d+)\s*(?:h|hours?|hrs?)\s*)?(?:(\d+)\s*(?:m|mins?|minutes?))?",
            )
        });
        let minutes = stated.captures_iter(text).find_map(|c| {
            let part = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
            let (d, h, m) = (part(1), part(2), part(3));
            (d.is_some() || h.is_some() || m.is_some())
                .then(|| d.unwrap_or(0) * 1440 + h.unwrap_or(0) * 60 + m.unwrap_or(0))
        });
        if let Some(minutes) = minutes {
            let band = band(minutes);
            self.note(
                "duration",
                NoteKind::Guessed,
                format!("read as `{}` from the stated duration", enum_name(&band)),
            );
            return band;
        }
        let offsets: Vec<i64> = timeline
            .iter()
            .filter_map(|t| offset_minutes(&t.offset))
            .collect();
        if let (Some(first), Some(last)) = (offsets.iter().min(), offsets.iter().max())
            && last > first
        {
            let band = band(last - first);
            self.note(
                "duration",
                NoteKind::Guessed,
                format!(
                    "set to `{}` from the span of the timeline; the incident may have started or ended outside it",
                    enum_name(&band)
                ),
            );
            return band;
        }
        let band = rules().defaults.duration;
        self.note(
            "duration",
            NoteKind::Defaulted,
            format!(
                "the document states no duration; set to `{}`",
                enum_name(&band)
            ),
        );
        band
    }

    fn period(&mut self, text: &str) -> String {
        match first_date(text, self.today) {
            Some(date) => {
                let period = quarter(date);
                self.note(
                    "period",
                    NoteKind::Guessed,
                    format!("{period}, from the first date in the document"),
                );
                period
            }
            None => {
                let period = quarter(self.today);
                self.note(
                    "period",
                    NoteKind::Defaulted,
                    format!("the document has no date; set to the current quarter, {period}"),
                );
                period
            }
        }
    }

    fn technologies(&mut self, text: &str) -> Vec<TechnologyUse> {
        static VERSION: OnceLock<Regex> = OnceLock::new();
        let version = VERSION.get_or_init(|| regex(r"^\s+v?(\d+\.\d+(?:\.\d+){0,2})\b"));
        let mut found: Vec<TechnologyUse> = Vec::new();
        for (id, end) in concept_matches(text, |c| matches!(c, Concept::Technology(_))) {
            let v = version
                .captures(&text[end..])
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string());
            match found.iter_mut().find(|t| t.id == id) {
                Some(t) => {
                    if t.version.is_none() {
                        t.version = v;
                    }
                }
                None => found.push(TechnologyUse { id, version: v }),
            }
        }
        if found.is_empty() {
            self.note(
                "technologies",
                NoteKind::Missing,
                "no technology from the taxonomy is named; add at least one",
            );
        } else {
            self.note(
                "technologies",
                NoteKind::Guessed,
                "found by name in the text; remove any that were only mentioned in passing",
            );
        }
        found
    }

    fn factors(&mut self, text: &str) -> Vec<FactorEntry> {
        let mut found: Vec<FactorEntry> = Vec::new();
        for (id, end) in concept_matches(text, |c| matches!(c, Concept::Factor(_))) {
            if found.iter().any(|f| f.id == id) {
                continue;
            }
            found.push(FactorEntry {
                id,
                description: sentence_around(text, end),
                decision_context: String::new(),
            });
        }
        if found.is_empty() {
            self.note(
                "contributing_factors",
                NoteKind::Missing,
                "the document names no contributing factor from the taxonomy clearly enough; choose at least one",
            );
        } else {
            self.note(
                "contributing_factors",
                NoteKind::Guessed,
                "found by name in the text, each described by the sentence that names it; check them",
            );
        }
        found
    }
}

struct TableSpan {
    range: Range<usize>,
    head: Vec<String>,
    rows: usize,
}

// ---------------------------------------------------------------- helpers

fn with_heading(heading: &str, body: &str, level: u8) -> String {
    let hashes = "#".repeat(usize::from(level.clamp(2, 6)));
    if body.is_empty() {
        format!("{hashes} {heading}")
    } else {
        format!("{hashes} {heading}\n\n{body}")
    }
}

fn push_block(out: &mut String, block: &str) {
    let block = block.trim();
    if block.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(block);
}

/// Drops whitespace-only lines left where entries were cut, keeping paragraph breaks.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

/// Joins the lines of an entry, leaving the spacing inside each line alone: an error message
/// quoted in code (`FATAL:  number of requested standby connections`) must stay verbatim.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn strip_list_marker(item: &str) -> &str {
    let trimmed = item.trim_start();
    let rest = if let Some(rest) = trimmed.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
        match trimmed[digits..].strip_prefix(['.', ')']) {
            Some(rest) if digits > 0 => rest,
            _ => trimmed,
        }
    };
    rest.trim()
}

fn strip_task_marker(item: &str) -> &str {
    let t = item.trim_start();
    for marker in ["[ ]", "[x]", "[X]"] {
        if let Some(rest) = t.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    t
}

fn status_word(cell: &str) -> ActionStatus {
    let lower = cell.to_lowercase();
    if ["won't", "wont", "abandon", "cancel", "dropped"]
        .iter()
        .any(|w| lower.contains(w))
    {
        ActionStatus::Abandoned
    } else if [
        "done", "complete", "closed", "fixed", "shipped", "✅", "[x]",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        ActionStatus::Done
    } else {
        ActionStatus::Planned
    }
}

/// How often `phrase` occurs in `text` (both lower-case) as whole words.
fn count_phrase(text: &str, phrase: &str) -> usize {
    text.match_indices(phrase)
        .filter(|(i, m)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + m.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
        .count()
}

/// The value whose phrases occur most often in `text`; ties go to the table's order.
fn best_cue<T: DeserializeOwned>(table: &CueTable, text: &str) -> Option<T> {
    let mut best: Option<(&String, usize)> = None;
    for (value, phrases) in table {
        let hits: usize = phrases.iter().map(|p| count_phrase(text, p)).sum();
        if hits > 0 && best.is_none_or(|(_, h)| hits > h) {
            best = Some((value, hits));
        }
    }
    best.and_then(|(value, _)| enum_from(value))
}

fn enum_from<T: DeserializeOwned>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_string())).ok()
}

fn enum_name<T: Serialize>(value: &T) -> String {
    crate::domain::enum_str(value)
}

fn band(minutes: i64) -> DurationBand {
    match minutes {
        m if m < 15 => DurationBand::Under15m,
        m if m < 60 => DurationBand::From15mTo1h,
        m if m < 240 => DurationBand::From1hTo4h,
        m if m < 1440 => DurationBand::From4hTo24h,
        _ => DurationBand::Over24h,
    }
}

fn quarter(date: NaiveDate) -> String {
    format!("{}-Q{}", date.year(), date.month0() / 3 + 1)
}

fn offset_minutes(offset: &str) -> Option<i64> {
    let (sign, rest) = if let Some(r) = offset.strip_prefix("T+") {
        (1, r)
    } else {
        (-1, offset.strip_prefix("T-")?)
    };
    let (h, m) = rest.split_once(':')?;
    Some(sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?))
}

fn format_offset(minutes: i64) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("T{sign}{}:{:02}", m / 60, m % 60)
}

const MONTHS: &str = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec";

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    MONTHS
        .split('|')
        .position(|m| lower.starts_with(m))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// The first full date in the text (ISO, "March 14, 2024" or "14 March 2024").
fn first_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    static DATE: OnceLock<Regex> = OnceLock::new();
    let date = DATE.get_or_init(|| {
        regex(&format!(
            r"(?i)\b(?:(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})|(?P<mn>(?:{MONTHS})[a-z]*)\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})|(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mn3>(?:{MONTHS})[a-z]*)\.?,?\s+(?P<y3>\d{{4}}))\b"
        ))
    });
    date.captures_iter(text).find_map(|c| {
        let num = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
        let (y, m, d) = if let Some(y) = num("y") {
            (y, num("m")?, num("d")?)
        } else if let Some(y) = num("y2") {
            (y, month_number(c.name("mn")?.as_str())?, num("d2")?)
        } else {
            (
                num("y3")?,
                month_number(c.name("mn3")?.as_str())?,
                num("d3")?,
            )
        };
        let year = i32::try_from(y).ok()?;
        NaiveDate::from_ymd_opt(year, m, d).filter(|d| d.year() <= today.year() + 1)
    })
}

/// A time at the start of a timeline line.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stamp {
    Offset(i64),
    Clock {
        date: Option<NaiveDate>,
        minutes: Option<u32>,
    },
}

/// Splits `14:32 UTC - primary failed`, `**14:32** primary failed`, `T+0:35 ...` or
/// `March 3, 09:10: ...` into the time, its text as written and the rest.
fn split_stamp(line: &str, year: i32) -> Option<(Stamp, String, &str)> {
    static OFFSET: OnceLock<Regex> = OnceLock::new();
    static CLOCK: OnceLock<Regex> = OnceLock::new();
    let offset = OFFSET.get_or_init(|| {
        regex(r"^(?:\*\*|__|`)?\s*T\s*(?P<sign>[+-])\s*(?P<h>\d{1,4}):(?P<m>[0-5]\d)\s*(?:\*\*|__|`)?")
    });
    let clock = CLOCK.get_or_init(|| {
        regex(&format!(
            r"(?ix)^(?:\*\*|__|`)?\s*
            (?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})
              |(?P<mn>(?:{MONTHS})[a-z]*)\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?
              |(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mn2>(?:{MONTHS})[a-z]*)\.?(?:,?\s+(?P<y2>\d{{4}}))?
            )?
            (?:\s*(?:T|,|\s|at)\s*)?
            (?:(?P<h>\d{{1,2}})[:h](?P<min>[0-5]\d)(?::[0-5]\d)?(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?)?
               (?:\s*(?-i:UTC|GMT|Z|CET|CEST|BST|IST|JST|PST|PDT|EST|EDT|CST|CDT|MST|MDT|AEST|AEDT))?)?
            \s*(?:\*\*|__|`)?\s*(?:[-–—:|,]+\s*)?"
        ))
    });
    if let Some(c) = offset.captures(line) {
        let whole = c.get(0)?;
        let h: i64 = c.name("h")?.as_str().parse().ok()?;
        let m: i64 = c.name("m")?.as_str().parse().ok()?;
        let sign = if &c["sign"] == "-" { -1 } else { 1 };
        let rest = line[whole.end()..].trim_start_matches(|ch: char| {
            ch.is_whitespace() || matches!(ch, '-' | '–' | '—' | ':' | '|' | ',')
        });
        return Some((
            Stamp::Offset(sign * (h * 60 + m)),
            whole.as_str().trim().to_string(),
            rest,
        ));
    }
    let c = clock.captures(line)?;
    let whole = c.get(0)?;
    let num = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let date = if let Some(iso) = c.name("iso") {
        NaiveDate::parse_from_str(iso.as_str(), "%Y-%m-%d").ok()
    } else if let Some(mn) = c.name("mn") {
        let y = num("y").and_then(|y| i32::try_from(y).ok()).unwrap_or(year);
        NaiveDate::from_ymd_opt(y, month_number(mn.as_str())?, num("d")?)
    } else if let Some(mn) = c.name("mn2") {
        let y = num("y2")
            .and_then(|y| i32::try_from(y).ok())
            .unwrap_or(year);
        NaiveDate::from_ymd_opt(y, month_number(mn.as_str())?, num("d2")?)
    } else {
        None
    };
    let minutes = match (num("h"), num("min")) {
        (Some(mut h), Some(m)) => {
            let ampm = c.name("ampm").map(|a| a.as_str().to_lowercase());
            match ampm.as_deref().map(|a| a.starts_with('p')) {
                Some(true) if h < 12 => h += 12,
                Some(false) if h == 12 => h = 0,
                _ => {}
            }
            (h < 24).then_some(h * 60 + m)
        }
        _ => None,
    };
    if date.is_none() && minutes.is_none() {
        return None;
    }
    Some((
        Stamp::Clock { date, minutes },
        whole.as_str().trim().to_string(),
        &line[whole.end()..],
    ))
}

/// A table row whose first time-like cell is the stamp; the other cells are the event.
fn stamp_from_cells(cells: &[String], year: i32) -> Option<(Stamp, String, String)> {
    let (i, stamp) = cells.iter().enumerate().find_map(|(i, cell)| {
        split_stamp(cell, year)
            .filter(|(_, _, rest)| rest.trim().is_empty())
            .map(|(stamp, _, _)| (i, stamp))
    })?;
    let event = cells
        .iter()
        .enumerate()
        .filter(|(j, c)| *j != i && !c.trim().is_empty())
        .map(|(_, c)| one_line(c))
        .collect::<Vec<_>>()
        .join(" — ");
    Some((stamp, cells[i].clone(), event))
}

/// Turns stamps into offsets from the first clock time. A time earlier than the one before
/// it, with no date of its own, is taken to be on the next day (timelines cross midnight).
struct Clock {
    date: NaiveDate,
    start: Option<NaiveDateTime>,
    last: Option<NaiveDateTime>,
}

impl Clock {
    fn new(date: NaiveDate) -> Clock {
        Clock {
            date,
            start: None,
            last: None,
        }
    }

    fn year(&self) -> i32 {
        self.date.year()
    }

    fn offset(&mut self, stamp: Stamp) -> String {
        let (date, minutes) = match stamp {
            Stamp::Offset(m) => return format_offset(m),
            Stamp::Clock { date, minutes } => (date, minutes),
        };
        let time = minutes
            .and_then(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0))
            .unwrap_or(NaiveTime::MIN);
        let mut at = date.unwrap_or(self.date).and_time(time);
        if date.is_none()
            && let Some(last) = self.last
            && at < last
        {
            at += chrono::Duration::days(1);
        }
        self.date = at.date();
        self.last = Some(at);
        let start = *self.start.get_or_insert(at);
        format_offset((at - start).num_minutes())
    }
}

/// Every taxonomy concept of one kind named in the text, as (id, end offset), in order.
fn concept_matches(text: &str, want: impl Fn(&Concept) -> bool) -> Vec<(String, usize)> {
    struct Matcher {
        automaton: AhoCorasick,
        concepts: Vec<(String, Concept)>,
    }
    static MATCHER: OnceLock<Option<Matcher>> = OnceLock::new();
    let matcher = MATCHER.get_or_init(|| {
        let taxonomy = Taxonomy::bundled();
        let words = &rules().technologies;
        let mut concepts: Vec<(String, Concept)> = taxonomy
            .concept_phrases()
            .into_iter()
            .filter(|(_, c)| !matches!(c, Concept::Category(_)))
            .collect();
        for f in &taxonomy.factors {
            concepts.push((f.id.clone(), Concept::Factor(f.id.clone())));
        }
        concepts.retain(|(p, _)| p.chars().count() >= 2 && !words.ignored.contains(p));
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(concepts.iter().map(|(p, _)| p.as_str()))
            .ok()?;
        Some(Matcher {
            automaton,
            concepts,
        })
    });
    let Some(matcher) = matcher else {
        return Vec::new();
    };
    let case_sensitive = &rules().technologies.case_sensitive;
    let mut out = Vec::new();
    for m in matcher.automaton.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let written = &text[m.start()..m.end()];
        if let Some(exact) = case_sensitive
            .iter()
            .find(|w| w.eq_ignore_ascii_case(written))
            && exact != written
        {
            continue;
        }
        let (_, concept) = &matcher.concepts[m.pattern().as_usize()];
        if !want(concept) {
            continue;
        }
        let id = match concept {
            Concept::Technology(id) | Concept::Factor(id) | Concept::Category(id) => id.clone(),
        };
        out.push((id, m.end()));
    }
    out
}

/// The sentence (or list line) around a byte offset, without list markers. A line break
/// inside a paragraph is a soft wrap, not the end of a sentence.
fn sentence_around(text: &str, at: usize) -> String {
    let is_end = |i: usize, c: char| c != '\n' || hard_break(text, i);
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|&(i, c)| matches!(c, '\n' | '.' | '!' | '?') && is_end(i, c))
        .map_or(0, |(i, _)| i + 1);
    let end = text[at..]
        .char_indices()
        .find(|&(i, c)| matches!(c, '\n' | '.' | '!' | '?') && is_end(at + i, c))
        .map_or(text.len(), |(i, _)| at + i + 1);
    let sentence = strip_list_marker(text[start..end].trim());
    one_line(sentence.trim_start_matches(['|', '#', '>', ' ']))
}

/// Whether the line break at byte `i` ends a block: a blank line, a list item, heading,
/// table row or quote next, or the end of the text.
fn hard_break(text: &str, i: usize) -> bool {
    let next = text[i + 1..].trim_start_matches([' ', '\t']);
    let previous_line = text[..i].rsplit('\n').next().unwrap_or("").trim();
    next.is_empty()
        || next.starts_with(['\n', '-', '*', '+', '#', '|', '>'])
        || next
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        || previous_line.is_empty()
        || previous_line.starts_with(['-', '*', '+', '#', '|', '>'])
}

#[cfg(test)]
mod tests;
