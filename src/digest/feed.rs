//! Atom feeds of digests and of the newest published reports, written with `atom_syndication`
//! so escaping and structure follow RFC 4287; times are never finer than the public JSON's.

use atom_syndication::{Category, Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{PublicReport, ReportTags, Taxonomy};
use crate::error::{AppError, AppResult};
use crate::store::Digest;

/// How many reports the reports feed carries.
pub const REPORTS_IN_FEED: i64 = 50;

/// Digests, newest first (the order the store lists them in), each with its commentary.
pub fn digests_feed(digests: &[Digest], base_url: &str) -> AppResult<String> {
    let base = base_url.trim_end_matches('/');
    let entries: Vec<Entry> = digests
        .iter()
        .map(|d| {
            let href = format!("{base}/digests/{}", d.slug);
            // The public JSON already carries `created_at` to the second; the feed says no more.
            let at = seconds(d.created_at);
            Entry {
                title: Text::plain(xml_safe(&d.title)),
                id: href.clone(),
                updated: at,
                published: Some(at),
                links: vec![alternate(&href, "text/html")],
                content: Some(Content {
                    value: Some(xml_safe(&super::render_markdown_detached(
                        &d.commentary,
                        base,
                    ))),
                    content_type: Some("html".into()),
                    ..Content::default()
                }),
                ..Entry::default()
            }
        })
        .collect();
    write(feed(
        "Commonplace digests",
        &format!("{base}/digests.atom"),
        &format!("{base}/digests"),
        entries,
    ))
}

/// The newest published reports, newest first, as `reports_page` returns them.
pub fn reports_feed(reports: &[PublicReport], base_url: &str) -> AppResult<String> {
    let base = base_url.trim_end_matches('/');
    let taxonomy = Taxonomy::bundled();
    let entries: Vec<Entry> = reports
        .iter()
        .map(|r| {
            let href = format!("{base}/reports/{}", r.id);
            // `published` is only a month because publication is batched to hide when a
            // report was submitted: the feed dates every report to the start of that month.
            let at = month_start(&r.published);
            let tags = r
                .content
                .technology_ids()
                .into_iter()
                .map(|id| category(id, "technology", taxonomy.technology_label(id), base))
                .chain(
                    r.content
                        .factor_ids()
                        .into_iter()
                        .map(|id| category(id, "factor", taxonomy.factor_label(id), base)),
                )
                .collect();
            Entry {
                title: Text::plain(xml_safe(&r.content.title)),
                id: href.clone(),
                updated: at,
                published: Some(at),
                links: vec![alternate(&href, "text/html")],
                summary: Some(Text::html(xml_safe(&super::render_markdown_detached(
                    &r.content.summary,
                    base,
                )))),
                categories: tags,
                ..Entry::default()
            }
        })
        .collect();
    write(feed(
        "Commonplace: newest reports",
        &format!("{base}/reports.atom"),
        &format!("{base}/search?sort=recent"),
        entries,
    ))
}

fn feed(title: &str, self_href: &str, page_href: &str, entries: Vec<Entry>) -> Feed {
    // An empty feed still needs an `updated`; the epoch says "nothing yet" without a clock.
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| seconds(0));
    Feed {
        title: Text::plain(title),
        id: self_href.to_string(),
        updated,
        authors: vec![Person {
            name: "Commonplace".into(),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: self_href.to_string(),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            alternate(page_href, "text/html"),
        ],
        entries,
        ..Feed::default()
    }
}

fn alternate(href: &str, mime: &str) -> Link {
    Link {
        href: href.to_string(),
        rel: "alternate".into(),
        mime_type: Some(mime.into()),
        ..Link::default()
    }
}

fn category(id: &str, kind: &str, label: &str, base: &str) -> Category {
    Category {
        term: xml_safe(id),
        scheme: Some(format!("{base}/search?{kind}=")),
        label: Some(xml_safe(label)),
    }
}

fn write(feed: Feed) -> AppResult<String> {
    let bytes = feed
        .write_to(Vec::new())
        .map_err(|e| AppError::Internal(format!("atom feed: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("atom feed: {e}")))
}

fn seconds(unix: i64) -> FixedDateTime {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .fixed_offset()
}

/// The first instant of a `YYYY-MM` month, UTC; anything else is dated to the epoch rather
/// than guessed at.
fn month_start(month: &str) -> FixedDateTime {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().fixed_offset())
        .unwrap_or_else(|| seconds(0))
}

/// Drops the characters XML 1.0 cannot carry at all (escaping does not help there), so one
/// stray control character in a report cannot make the whole feed unreadable.
fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_date_to_their_first_day() {
        assert_eq!(
            month_start("2025-07").to_rfc3339(),
            "2025-07-01T00:00:00+00:00"
        );
        assert_eq!(month_start("2025-Q3"), seconds(0));
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(xml_safe("a\u{1}b\u{FFFF}\tc\n"), "ab\tc\n");
    }
}
