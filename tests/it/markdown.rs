//! Importing an existing Markdown postmortem: the API returns an unstored draft with notes,
//! and the submit page fills its form in from a pasted document.

use serde_json::Value;

use crate::both_backends;
use crate::common::*;
use commonplace::store::Role;

const SRE: &str = include_str!("../fixtures/markdown/sre-template.md");

async fn draft_endpoint_then_normal_submission(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (org_id, token) = app.org_with_token(acme()).await;
    let url = app.url("/api/v1/submissions/from-markdown");

    let r = http
        .post(&url)
        .header("content-type", "text/markdown")
        .body(SRE)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 401);

    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "text/markdown")
        .body(SRE)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.expect("json");
    let draft = &body["draft"];
    assert_eq!(
        draft["title"],
        "Checkout API outage after connection pool exhaustion (2024-03-14)"
    );
    assert_eq!(draft["severity"], "sev1");
    assert_eq!(draft["timeline"][1]["offset"], "T+0:09");
    let notes = body["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n["field"] == "context" && n["kind"] == "defaulted"),
        "{notes:?}"
    );
    // Nothing was stored.
    assert!(
        app.store()
            .org_submissions(&org_id)
            .await
            .expect("list")
            .is_empty()
    );

    // The draft, once checked, is an ordinary submission.
    let r = http
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&token)
        .json(draft)
        .send()
        .await
        .expect("submit");
    assert_eq!(r.status(), 201, "{:?}", r.text().await);

    for empty in ["", "  \n\n"] {
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", "text/markdown")
            .body(empty)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 422);
        let body: Value = r.json().await.expect("json error");
        assert_eq!(body["error"]["code"], "invalid_markdown");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("empty"))
        );
    }
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "text/markdown")
        .body("no heading here")
        .send()
        .await
        .expect("post");
    let body: Value = r.json().await.expect("json error");
    assert_eq!(body["error"]["code"], "invalid_markdown");
}
both_backends!(
    draft_endpoint_then_normal_submission,
    draft_endpoint_then_normal_submission
);

#[tokio::test]
async fn openapi_documents_the_markdown_endpoint() {
    let doc = serde_json::to_value(commonplace::http::openapi_document()).expect("json");
    let op = &doc["paths"]["/api/v1/submissions/from-markdown"]["post"];
    assert!(
        op["requestBody"]["content"]["text/markdown"].is_object(),
        "{op}"
    );
    assert!(doc["components"]["schemas"]["MarkdownDraft"].is_object());
}

#[tokio::test]
async fn submit_page_fills_the_form_from_markdown() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let (org_id, _) = app.org_with_token(acme()).await;
    app.user(
        "writer@acme.example",
        "submitter-password",
        Role::Submitter,
        Some(&org_id),
    )
    .await;
    let http = client();
    let r = http
        .post(app.url("/login"))
        .form(&[
            ("email", "writer@acme.example"),
            ("password", "submitter-password"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 200);
    let page = http
        .get(app.url("/submit"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    assert!(page.contains("action=\"/submit/markdown\""));
    let csrf = csrf_from(&page);

    let forged = http
        .post(app.url("/submit/markdown"))
        .form(&[("csrf", "forged"), ("markdown", SRE)])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);

    let r = http
        .post(app.url("/submit/markdown"))
        .form(&[("csrf", csrf.as_str()), ("markdown", SRE)])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("body");
    assert!(
        html.contains(
            "value=\"Checkout API outage after connection pool exhaustion (2024-03-14)\""
        )
    );
    assert!(html.contains("<option value=\"sev1\" selected>"));
    assert!(html.contains("T+0:09 Deploy completes on all pods."));
    assert!(html.contains("Check these fields"));
    // The pasted document is escaped when it is shown again.
    let hostile = "# <script>alert(1)</script> outage\n\nbody";
    let r = http
        .post(app.url("/submit/markdown"))
        .form(&[("csrf", csrf.as_str()), ("markdown", hostile)])
        .send()
        .await
        .expect("post");
    let html = r.text().await.expect("body");
    assert!(!html.contains("<script>alert(1)</script>"));

    let r = http
        .post(app.url("/submit/markdown"))
        .form(&[("csrf", csrf.as_str()), ("markdown", "")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("body").contains("empty"));
    assert!(
        app.store()
            .org_submissions(&org_id)
            .await
            .expect("list")
            .is_empty()
    );
}
