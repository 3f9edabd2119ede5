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

/// The policy inside the downloaded file, in a `<meta>` element so it holds when the file is
/// opened from disk, where no header exists. The site-wide policy only allows
/// `style-src 'self'`, which would leave the file unstyled; this one allows exactly the
/// bundled stylesheet by its hash (not `'unsafe-inline'`, so an injected `style` attribute
/// stays blocked), `data:` images, and nothing else: no script, no fetch, no external image
/// that could tell anyone who opened the file.
static DOCUMENT_POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; form-action 'none'; \
         base-uri 'none'"
    )
});

/// The same policy as the download's response header, which replaces the site-wide one;
/// `frame-ancestors` only works in a header (browsers ignore it in `<meta>`).
pub static CONTENT_SECURITY_POLICY: LazyLock<String> =
    LazyLock::new(|| format!("{}; frame-ancestors 'none'", DOCUMENT_POLICY.as_str()));

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
        policy: &DOCUMENT_POLICY,
        commentary_html: super::render_markdown_detached(&digest.commentary, base),
        reports,
    }
    .render()
    .map_err(|e| AppError::Internal(format!("template: {e}")))
}
