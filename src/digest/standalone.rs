//! A digest as one self-contained HTML file for download: inline CSS, no script, no request
//! to anywhere, links back to the site made absolute so they still work from a local file.

use std::sync::LazyLock;

use askama::Template;
use base64::Engine;
use sha2::{Digest as _, Sha256};

use crate::domain::{PublicReport, Taxonomy, enum_str};
use crate::error::{AppError, AppResult};
use crate::store::Digest;

/// The download's only stylesheet, inlined into its `<style>` element.
const CSS: &str = include_str!("../../web/static/digest-download.css");

/// The policy for the downloaded file, sent as the response header and repeated in a `<meta>`
/// element so it still holds when the file is opened from disk (where no header exists).
/// The site-wide policy only allows `style-src 'self'`, which would leave the file unstyled;
/// this one allows exactly the bundled stylesheet by its hash (not `'unsafe-inline'`, so an
/// injected `style` attribute stays blocked), data: images only, and nothing else at all:
/// no script, no fetch, no external image that could track who opens the file.
pub static CONTENT_SECURITY_POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; form-action 'none'; \
         frame-ancestors 'none'; base-uri 'none'"
    )
});

/// One selected report as the download shows it.
struct ReportSection {
    title: String,
    href: String,
    severity: String,
    kind: String,
    period: String,
    technologies: Vec<String>,
    factors: Vec<String>,
    summary_html: String,
    lessons_html: String,
}

#[derive(Template)]
#[template(path = "digest_download.html")]
struct DigestDownload<'a> {
    title: &'a str,
    href: String,
    css: &'static str,
    policy: &'a str,
    commentary_html: String,
    reports: Vec<ReportSection>,
}

/// The digest as a complete HTML document; user text is escaped by the template and Markdown
/// goes through the same sanitiser as the digest page.
pub fn to_html(digest: &Digest, reports: &[PublicReport], base_url: &str) -> AppResult<String> {
    let taxonomy = Taxonomy::bundled();
    let base = base_url.trim_end_matches('/');
    let reports = reports
        .iter()
        .map(|r| {
            let c = &r.content;
            ReportSection {
                title: c.title.clone(),
                href: format!("{base}/reports/{}", r.id),
                severity: enum_str(&c.severity),
                kind: enum_str(&c.kind).replace('_', " "),
                period: c.period.clone(),
                technologies: c
                    .technologies
                    .iter()
                    .map(|t| taxonomy.technology_label(&t.id).to_string())
                    .collect(),
                factors: c
                    .contributing_factors
                    .iter()
                    .map(|f| taxonomy.factor_label(&f.id).to_string())
                    .collect(),
                summary_html: super::render_markdown_detached(&c.summary, base),
                lessons_html: super::render_markdown_detached(&c.lessons, base),
            }
        })
        .collect();
    DigestDownload {
        title: &digest.title,
        href: format!("{base}/digests/{}", digest.slug),
        css: CSS,
        policy: &CONTENT_SECURITY_POLICY,
        commentary_html: super::render_markdown_detached(&digest.commentary, base),
        reports,
    }
    .render()
    .map_err(|e| AppError::Internal(format!("template: {e}")))
}
