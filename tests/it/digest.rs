//! Digest downloads (standalone HTML, JSON) and the Atom feeds of digests and reports, with
//! XSS payloads in a digest's title and commentary and in a report title.

use std::str::FromStr;

use atom_syndication::Feed;
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::both_backends;
use crate::common::*;
use commonplace::store::Digest;

const XSS_TITLE: &str = "<script>alert(1)</script> pool exhaustion";
const PAYLOADS: &str = include_str!("../fixtures/xss-payloads.txt");

/// Every payload of the fixture, as Markdown blocks (`\n` in the file stands for a newline).
fn commentary() -> String {
    let blocks: Vec<String> = PAYLOADS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.replace("\\n", "\n"))
        .collect();
    format!("Why **budgets** matter.\n\n{}", blocks.join("\n\n"))
}

/// The tags of an HTML text; escaped payloads have no raw `<` and are not tags.
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or("").to_lowercase())
        .collect()
}

/// No element or attribute that could run or fetch anything came through from the payloads;
/// `styles` is how many `<style>` elements the document itself has.
fn assert_inert(html: &str, what: &str, styles: usize) {
    let quoted = regex::Regex::new(r#""[^"]*"|'[^']*'"#).expect("regex");
    let handler = regex::Regex::new(r"[\s/]on[a-z]+\s*=").expect("regex");
    let url =
        regex::Regex::new(r#"(href|src|action)\s*=\s*["']?\s*(javascript|vbscript|data:text)"#)
            .expect("regex");
    let mut seen_styles = 0;
    for tag in tags(html) {
        // Attribute values are text; only the tag's own structure can carry a handler.
        let skeleton = quoted.replace_all(&tag, "\"\"");
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            !matches!(
                name.as_str(),
                "script" | "svg" | "math" | "iframe" | "object" | "embed" | "img" | "base" | "form"
            ),
            "{what} has a <{name}> element: <{tag}>"
        );
        seen_styles += usize::from(name == "style");
        assert!(
            !handler.is_match(&skeleton),
            "{what} has an event handler: <{tag}>"
        );
        assert!(!url.is_match(&tag), "{what} has a script URL: <{tag}>");
        assert!(
            !skeleton.contains("style="),
            "{what} has a style attribute: <{tag}>"
        );
    }
    assert_eq!(seen_styles, styles, "{what}: <style> elements");
}

/// Askama writes `<` and `>` as numeric references; compare in named entities.
fn entities(html: &str) -> String {
    html.replace("&#60;", "&lt;").replace("&#62;", "&gt;")
}

async fn downloads_and_feeds(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.k_anonymity = 1).await else {
        return;
    };
    let http = client();
    let (_, org) = app.org_with_token(acme()).await;
    let moderator = app.moderator().await;
    let base = app
        .state
        .config
        .public_url
        .trim_end_matches('/')
        .to_string();

    let first = app.publish(&org, &moderator, &fixture_submission()).await;
    let mut second_body = fixture_submission();
    second_body["title"] = json!(XSS_TITLE);
    let second = app.publish(&org, &moderator, &second_body).await;

    // An older digest straight into the store, so the feed's order does not hang on a clock.
    app.store()
        .create_digest(&Digest {
            slug: "older-digest".into(),
            title: "Older digest".into(),
            commentary: "From *last year*.".into(),
            created_at: 1_700_000_000,
            report_ids: vec![first.clone()],
        })
        .await
        .expect("older digest");
    let digest_title = "<script>alert(1)</script> Budgets";
    let created = http
        .post(app.url("/api/v1/digests"))
        .bearer_auth(&moderator)
        .json(&json!({
            "title": digest_title,
            "slug": "budgets",
            "commentary": commentary(),
            "report_ids": [second, first],
        }))
        .send()
        .await
        .expect("digest");
    assert_eq!(created.status(), 201);
    let slug = created.json::<Value>().await.expect("json")["slug"]
        .as_str()
        .expect("slug")
        .to_string();

    // The standalone HTML download.
    let r = http
        .get(app.url(&format!("/digests/{slug}.html")))
        .send()
        .await
        .expect("html");
    assert_eq!(r.status(), 200);
    let headers = r.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"{slug}.html\"").as_str()
    );
    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(
        csp.contains("default-src 'none'")
            && !csp.contains("unsafe-inline")
            && !csp.contains("script-src"),
        "{csp}"
    );
    let html = r.text().await.expect("body");
    assert!(html.starts_with("<!doctype html>"), "{html}");
    assert!(html.trim_end().ends_with("</html>"));
    assert_inert(&html, "the HTML download", 1);
    let html = entities(&html);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Budgets"));
    assert!(html.contains("<strong>budgets</strong>"));
    // The policy rides along inside the file, and its hash admits exactly the inline sheet.
    let document_policy = csp
        .strip_suffix("; frame-ancestors 'none'")
        .expect("frame-ancestors in the header only");
    assert!(
        html.contains(&format!(
            "http-equiv=\"Content-Security-Policy\" content=\"{}\"",
            document_policy.replace('\'', "&#39;")
        )),
        "{html}"
    );
    let style = html
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(css, _)| css)
        .expect("an inline stylesheet");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp} vs {hash}");
    // Opening the file requests nothing, and every link is absolute.
    assert!(!style.contains("url(") && !style.contains("@import"));
    let href = regex::Regex::new(r#"href="([^"]*)""#).expect("regex");
    for tag in tags(&html) {
        assert!(!tag.starts_with("link"), "<{tag}> in the download");
        assert!(!tag.contains(" src="), "<{tag}> in the download");
        for value in href.captures_iter(&tag) {
            assert!(
                ["https://", "http://", "mailto:", "#"]
                    .iter()
                    .any(|p| value[1].starts_with(p)),
                "relative link <{tag}> in the download"
            );
        }
    }
    // Reports in the moderator's order, with absolute links and their facts.
    let at_second = html
        .find(&format!("href=\"{base}/reports/{second}\""))
        .expect("second report linked");
    let at_first = html
        .find(&format!("href=\"{base}/reports/{first}\""))
        .expect("first report linked");
    assert!(at_second < at_first);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; pool exhaustion"));
    assert!(html.contains("MySQL replication lag during failover"));
    for fact in ["SEV", "2025-Q2", "MySQL", "Kubernetes", "Lessons"] {
        assert!(html.contains(fact), "no `{fact}` in the download");
    }
    assert!(html.contains(&format!("{base}/digests/{slug}")));

    // The JSON download is the API's answer, as an attachment.
    let api = http
        .get(app.url(&format!("/api/v1/digests/{slug}")))
        .send()
        .await
        .expect("api")
        .text()
        .await
        .expect("body");
    let r = http
        .get(app.url(&format!("/digests/{slug}.json")))
        .send()
        .await
        .expect("json");
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/json")
    );
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"{slug}.json\"").as_str()
    );
    assert_eq!(r.text().await.expect("body"), api);

    // The digests feed: newest first, linking to the pages, commentary sanitised.
    let r = http
        .get(app.url("/digests.atom"))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/atom+xml")
    );
    let xml = r.text().await.expect("body");
    let feed = Feed::from_str(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(titles, [digest_title, "Older digest"]);
    let newest = &feed.entries()[0];
    assert_eq!(newest.links()[0].href(), format!("{base}/digests/{slug}"));
    let content = newest.content().and_then(|c| c.value()).expect("content");
    assert!(content.contains("<strong>budgets</strong>"));
    assert_inert(content, "a digest's feed content", 0);
    assert_eq!(
        feed.entries()[1].updated().timestamp(),
        1_700_000_000,
        "a digest is dated as its public JSON is"
    );

    // The reports feed: newest first, dated no finer than the report's public month.
    let r = http
        .get(app.url("/reports.atom"))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), 200);
    let xml = r.text().await.expect("body");
    assert!(!xml.to_lowercase().contains("<script"), "{xml}");
    let feed = Feed::from_str(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let ids: Vec<&str> = feed.entries().iter().map(|e| e.links()[0].href()).collect();
    assert_eq!(
        ids,
        [
            format!("{base}/reports/{second}"),
            format!("{base}/reports/{first}")
        ]
    );
    assert_eq!(feed.entries()[0].title().as_str(), XSS_TITLE);
    let report: Value = http
        .get(app.url(&format!("/api/v1/reports/{first}")))
        .send()
        .await
        .expect("report")
        .json()
        .await
        .expect("json");
    let month = report["published"].as_str().expect("published month");
    for entry in feed.entries() {
        let published = entry.published().expect("published");
        assert_eq!(published.to_rfc3339(), format!("{month}-01T00:00:00+00:00"));
        assert_eq!(entry.updated(), published);
        let summary = entry.summary().expect("summary");
        assert!(summary.as_str().contains("replica"), "{}", summary.as_str());
        let terms: Vec<&str> = entry.categories().iter().map(|c| c.term()).collect();
        assert_eq!(
            terms,
            [
                "mysql",
                "kubernetes",
                "replication-failover",
                "detection-gap"
            ]
        );
    }
    assert_no_planted(&xml, "the reports feed");

    // Unknown digests are 404 pages in every format.
    for path in [
        "/digests/no-such-digest.html",
        "/digests/no-such-digest.json",
        "/digests/no-such-digest.md",
        "/digests/no-such-digest",
    ] {
        let r = http.get(app.url(path)).send().await.expect("get");
        assert_eq!(r.status(), 404, "{path}");
        assert!(r.headers().get("content-disposition").is_none(), "{path}");
        assert!(r.text().await.expect("body").contains("<html"), "{path}");
    }

    // The pages point at the downloads and the feeds.
    for path in ["/digests", &format!("/digests/{slug}")] {
        let page = http
            .get(app.url(path))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        assert!(page.contains("rel=\"alternate\" type=\"application/atom+xml\""));
        for href in [".md\"", ".html\"", ".json\"", "/digests.atom\""] {
            assert!(page.contains(href), "{path} lacks {href}");
        }
    }
}
both_backends!(digest_downloads_and_feeds, downloads_and_feeds);

#[tokio::test]
async fn empty_feeds_are_valid() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    for path in ["/digests.atom", "/reports.atom"] {
        let xml = client()
            .get(app.url(path))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        let feed = Feed::from_str(&xml).unwrap_or_else(|e| panic!("{path}: {e}:\n{xml}"));
        assert!(feed.entries().is_empty());
        assert_eq!(feed.links()[0].rel(), "self");
    }
}
