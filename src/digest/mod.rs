//! Curated digests: moderator commentary in Markdown plus selected reports, rendered to
//! sanitised HTML for pages, to Markdown, HTML and JSON downloads, and to Atom feeds.

mod feed;
mod standalone;

use pulldown_cmark::{Options, Parser, html};

use crate::domain::{FieldError, PublicReport, Taxonomy};
use crate::error::{AppError, AppResult};
use crate::store::{Digest, Store};

pub use feed::{digests_feed, reports_feed};
pub use standalone::{CONTENT_SECURITY_POLICY, to_html};

/// What `/digests/{slug}` was asked for: the page itself or one of its downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Page,
    Markdown,
    Html,
    Json,
}

impl Format {
    const DOWNLOADS: [Format; 3] = [Format::Markdown, Format::Html, Format::Json];

    /// Splits a path segment such as `budgets.md` into the slug and the format; slugs never
    /// contain a dot, so a suffix cannot be part of one.
    pub fn split(segment: &str) -> (&str, Format) {
        Self::DOWNLOADS
            .iter()
            .find_map(|f| {
                segment
                    .strip_suffix(f.extension())
                    .and_then(|s| s.strip_suffix('.'))
                    .map(|s| (s, *f))
            })
            .unwrap_or((segment, Format::Page))
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Page => "",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Page | Format::Html => "text/html; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    /// The `Content-Disposition` of a download, `None` for the page.
    pub fn disposition(self, slug: &str) -> Option<String> {
        (self != Format::Page)
            .then(|| format!("attachment; filename=\"{slug}.{}\"", self.extension()))
    }
}

/// One digest as the API returns it.
pub async fn find(store: &dyn Store, slug: &str) -> AppResult<Digest> {
    store.digest(slug).await?.ok_or(AppError::NotFound)
}

/// A digest with those of its reports that are still published, in the moderator's order.
pub async fn load(store: &dyn Store, slug: &str) -> AppResult<(Digest, Vec<PublicReport>)> {
    let digest = find(store, slug).await?;
    let mut reports = Vec::with_capacity(digest.report_ids.len());
    for id in &digest.report_ids {
        if let Some(r) = store.report(id).await? {
            reports.push(r);
        }
    }
    Ok((digest, reports))
}

/// The Atom feed of every digest, newest first.
pub async fn digests_atom(store: &dyn Store, base_url: &str) -> AppResult<String> {
    digests_feed(&store.digests().await?, base_url)
}

/// The Atom feed of the newest published reports.
pub async fn reports_atom(store: &dyn Store, base_url: &str) -> AppResult<String> {
    let reports: Vec<PublicReport> = store
        .reports_page(None, feed::REPORTS_IN_FEED)
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    reports_feed(&reports, base_url)
}

/// Validates and stores a new digest; every selected report must be published.
pub async fn create(
    store: &dyn Store,
    title: String,
    commentary: String,
    report_ids: Vec<String>,
    slug: Option<String>,
) -> AppResult<Digest> {
    let mut errors = Vec::new();
    let title = title.trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new("title", "must be 1 to 200 characters"));
    }
    if commentary.chars().count() > 100_000 {
        errors.push(FieldError::new(
            "commentary",
            "must be at most 100000 characters",
        ));
    }
    let slug = slugify(slug.as_deref().unwrap_or(&title));
    if slug.is_empty() {
        errors.push(FieldError::new(
            "slug",
            "needs at least one letter or digit",
        ));
    }
    if report_ids.is_empty() {
        errors.push(FieldError::new("report_ids", "select at least one report"));
    }
    for (i, id) in report_ids.iter().enumerate() {
        if store.report(id).await?.is_none() {
            errors.push(FieldError::new(
                format!("report_ids[{i}]"),
                format!("no published report `{id}`"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let digest = Digest {
        slug,
        title,
        commentary,
        created_at: crate::store::now(),
        report_ids,
    };
    store.create_digest(&digest).await?;
    Ok(digest)
}

/// Markdown to HTML, sanitised: user Markdown can never inject script or styles.
pub fn render_markdown(markdown: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&markdown_to_html(markdown))
        .to_string()
}

/// As `render_markdown`, for documents read away from the site (downloads, feeds): relative
/// links are made absolute against `base_url`, and images are dropped because each would be
/// a request, from wherever the document is opened, to wherever the author pointed it.
pub fn render_markdown_detached(markdown: &str, base_url: &str) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(["img"]);
    match ammonia::Url::parse(&format!("{}/", base_url.trim_end_matches('/'))) {
        Ok(base) => builder.url_relative(ammonia::UrlRelative::RewriteWithBase(base)),
        Err(_) => builder.url_relative(ammonia::UrlRelative::Deny),
    };
    builder.clean(&markdown_to_html(markdown)).to_string()
}

fn markdown_to_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(markdown, options);
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, parser);
    unsafe_html
}

/// A slug from a title: lower-case ASCII words joined by hyphens.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
        if slug.len() > 60 {
            break;
        }
    }
    slug
}

/// The digest as a standalone Markdown document.
pub fn to_markdown(digest: &Digest, reports: &[PublicReport], base_url: &str) -> String {
    let taxonomy = Taxonomy::bundled();
    let mut out = format!(
        "# {}\n\n{}\n\n## Reports\n",
        digest.title,
        digest.commentary.trim()
    );
    for r in reports {
        let c = &r.content;
        let techs: Vec<&str> = c
            .technologies
            .iter()
            .map(|t| taxonomy.technology_label(&t.id))
            .collect();
        out.push_str(&format!(
            "\n### [{}]({}/reports/{})\n\n*{} · {} · {}*\n\n{}\n\n**Lessons:** {}\n",
            c.title.replace(['[', ']'], ""),
            base_url.trim_end_matches('/'),
            r.id,
            c.period,
            crate::domain::enum_str(&c.severity),
            techs.join(", "),
            c.summary.trim(),
            c.lessons.trim(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_sanitised() {
        let html = render_markdown(
            "**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onerror"));
    }

    #[test]
    fn formats_from_suffixes() {
        assert_eq!(Format::split("a-b"), ("a-b", Format::Page));
        assert_eq!(Format::split("a-b.md"), ("a-b", Format::Markdown));
        assert_eq!(Format::split("a-b.html"), ("a-b", Format::Html));
        assert_eq!(Format::split("a-b.json"), ("a-b", Format::Json));
        assert_eq!(Format::split("a-bhtml"), ("a-bhtml", Format::Page));
        assert_eq!(
            Format::Html.disposition("a-b").as_deref(),
            Some("attachment; filename=\"a-b.html\"")
        );
        assert_eq!(Format::Page.disposition("a-b"), None);
    }

    #[test]
    fn detached_markdown_has_absolute_links_and_no_images() {
        let html = render_markdown_detached(
            "[a](/reports/r1) [b](https://example.org/x) ![t](https://tracker.example/p.png) <img src=x onerror=alert(1)>",
            "https://commonplace.example/",
        );
        assert!(html.contains("href=\"https://commonplace.example/reports/r1\""));
        assert!(html.contains("href=\"https://example.org/x\""));
        assert!(
            !html.contains("<img") && !html.contains("tracker"),
            "{html}"
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Database failovers: 2025 in review!"),
            "database-failovers-2025-in-review"
        );
    }
}
