//! Curated digests: moderator commentary in Markdown plus selected reports, rendered to
//! sanitised HTML for pages and to a standalone Markdown document for download.

use pulldown_cmark::{Options, Parser, html};

use crate::domain::{FieldError, PublicReport, Taxonomy};
use crate::error::{AppError, AppResult};
use crate::store::{Digest, Store};

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
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(markdown, options);
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
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
    fn slugs() {
        assert_eq!(
            slugify("Database failovers: 2025 in review!"),
            "database-failovers-2025-in-review"
        );
    }
}
