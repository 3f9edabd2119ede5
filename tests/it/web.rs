//! The server-rendered side: the submission form with its preview, the moderation queue,
//! digests, sessions and CSRF.

use crate::both_backends;
use crate::common::*;
use commonplace::store::Role;

async fn login(
    app: &TestApp,
    http: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    http.post(app.url("/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("login")
}

fn form_fields(csrf: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_string()),
        ("kind", "incident".into()),
        ("title", "Connection pool exhaustion after Roadrunner deploy".into()),
        ("summary", "A deploy of Roadrunner doubled connections per pod; Postgres hit max_connections. Contact sre@acme.example.".into()),
        ("narrative", "Pods on pay-api.acme.example at 10.1.2.3 could not connect.".into()),
        ("period", "2025-Q3".into()),
        ("severity", "sev2".into()),
        ("duration", "15m_to_1h".into()),
        ("impact_types", "partial_outage".into()),
        ("impact_types", "latency".into()),
        ("customer_visible", "yes".into()),
        ("detection_method", "symptom_alert".into()),
        ("time_to_detect", "under_15m".into()),
        ("change_type", "code_deploy".into()),
        ("technologies", "postgres 16, k8s 1.29".into()),
        ("factors", "resource-exhaustion: the pool size was per pod, not per database".into()),
        ("timeline", "T+0:00 deploy starts\nT+0:12 error alert fires".into()),
        ("mitigation", "Rolled back the deploy.".into()),
        ("lessons", "Budget database connections globally.".into()),
        ("action_items", "capacity: add a connection budget check to CI".into()),
        ("sector", "fintech".into()),
        ("size_band", "20_to_100".into()),
    ]
}

async fn form_preview_confirm_moderate(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (org_id, _) = app.org_with_token(acme()).await;
    app.user(
        "writer@acme.example",
        "submitter-password",
        Role::Submitter,
        Some(&org_id),
    )
    .await;
    app.moderator().await;

    // Anonymous users are sent to sign in.
    let anonymous = client();
    let r = anonymous.get(app.url("/submit")).send().await.expect("get");
    assert!(r.url().path().starts_with("/login"), "{}", r.url());

    let http = client();
    let wrong = login(&app, &http, "writer@acme.example", "not-the-password").await;
    assert_eq!(wrong.status(), 401);
    let unknown = login(&app, &http, "nobody@example.org", "whatever-password").await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("Wrong email or password"),
        unknown
            .text()
            .await
            .expect("body")
            .contains("Wrong email or password"),
        "unknown users and wrong passwords get the same answer"
    );
    let ok = login(&app, &http, "writer@acme.example", "submitter-password").await;
    assert_eq!(ok.status(), 200);

    let page = http
        .get(app.url("/submit"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    let csrf = csrf_from(&page);

    // A forged form (wrong CSRF token) is refused and stores nothing.
    let forged = http
        .post(app.url("/submit"))
        .form(&form_fields("forged"))
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    assert!(
        app.store()
            .org_submissions(&org_id)
            .await
            .expect("list")
            .is_empty()
    );

    // An invalid form comes back with errors and the typed values.
    let mut bad = form_fields(&csrf);
    bad.retain(|(k, _)| *k != "severity");
    bad.push(("technologies", "postgress".into()));
    let r = http
        .post(app.url("/submit"))
        .form(&bad)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let body = r.text().await.expect("body");
    assert!(body.contains("severity"));
    assert!(
        body.contains("Connection pool exhaustion"),
        "typed values survive"
    );
    assert!(
        app.store()
            .org_submissions(&org_id)
            .await
            .expect("list")
            .is_empty()
    );

    // A valid form shows the scrubbed preview with every redaction marked.
    let preview = http
        .post(app.url("/submit"))
        .form(&form_fields(&csrf))
        .send()
        .await
        .expect("post");
    assert_eq!(preview.status(), 200);
    let preview_url = preview.url().clone();
    assert!(preview_url.path().starts_with("/submissions/"));
    let body = preview.text().await.expect("body");
    assert!(
        body.contains("mark class=\"redaction kind-product\""),
        "{body}"
    );
    assert!(body.contains("mark class=\"redaction kind-email\""));
    assert!(body.contains("mark class=\"redaction kind-hostname\""));
    let id = preview_url
        .path()
        .trim_start_matches("/submissions/")
        .to_string();
    let summaries = app.store().org_submissions(&org_id).await.expect("list");
    assert_eq!(summaries[0].status.as_str(), "draft");

    // Adding a term at preview redacts it now and joins the organisation's profile.
    let r = http
        .post(app.url(&format!("/submissions/{id}/revise")))
        .form(&[("csrf", csrf.as_str()), ("add_terms", "max_connections")])
        .send()
        .await
        .expect("revise");
    assert_eq!(r.status(), 200);
    let record = app
        .store()
        .submission(&id)
        .await
        .expect("load")
        .expect("exists");
    assert!(
        !record.scrubbed.summary.contains("max_connections"),
        "{}",
        record.scrubbed.summary
    );
    let org = app
        .store()
        .org(&org_id)
        .await
        .expect("org")
        .expect("exists");
    assert!(
        org.profile
            .extra_terms
            .contains(&"max_connections".to_string())
    );

    let r = http
        .post(app.url(&format!("/submissions/{id}/confirm")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("confirm");
    assert_eq!(r.status(), 200);
    let mine = r.text().await.expect("body");
    assert!(mine.contains("submitted"));

    // A submitter cannot see the moderation queue.
    let r = http.get(app.url("/moderation")).send().await.expect("get");
    assert_eq!(r.status(), 403);

    // The moderator sees it in the queue and publishes it.
    let moderator = client();
    let r = login(&app, &moderator, "mod@example.org", "moderator-password").await;
    assert!(r.url().path().starts_with("/moderation"));
    let queue = r.text().await.expect("body");
    assert!(
        queue.contains("Connection pool exhaustion after Product A deploy"),
        "{queue}"
    );
    let detail = moderator
        .get(app.url(&format!("/moderation/{id}")))
        .send()
        .await
        .expect("detail")
        .text()
        .await
        .expect("body");
    let mod_csrf = csrf_from(&detail);
    let published = moderator
        .post(app.url(&format!("/moderation/{id}/publish")))
        .form(&[("csrf", mod_csrf.as_str())])
        .send()
        .await
        .expect("publish");
    assert_eq!(published.status(), 200);
    assert!(published.url().path().starts_with("/reports/"));
    let report_page = published.text().await.expect("body");
    assert!(!report_page.contains("Roadrunner") && !report_page.contains("acme.example"));

    // Digests: a moderator creates one; it renders and downloads as Markdown.
    let report_id = app
        .store()
        .submission(&id)
        .await
        .expect("load")
        .expect("exists")
        .report_id
        .expect("report id");
    let r = moderator
        .post(app.url("/digests"))
        .form(&[
            ("csrf", mod_csrf.as_str()),
            ("title", "Connection budgets"),
            (
                "commentary",
                "Why **pools** need a global budget.\n\n<script>alert(1)</script>",
            ),
            ("report", report_id.as_str()),
        ])
        .send()
        .await
        .expect("digest");
    assert_eq!(r.status(), 200);
    assert_eq!(r.url().path(), "/digests/connection-budgets");
    let digest_html = r.text().await.expect("body");
    assert!(digest_html.contains("<strong>pools</strong>"));
    assert!(!digest_html.contains("<script>alert"));
    let md = anonymous
        .get(app.url("/digests/connection-budgets.md"))
        .send()
        .await
        .expect("md");
    assert_eq!(md.status(), 200);
    assert!(
        md.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/markdown")
    );
    let md = md.text().await.expect("body");
    assert!(md.starts_with("# Connection budgets"));
    assert!(md.contains(&format!("/reports/{report_id}")));

    // Logging out ends the session.
    let r = http
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status(), 200);
    let r = http.get(app.url("/submit")).send().await.expect("get");
    assert!(r.url().path().starts_with("/login"));
}
both_backends!(form_flow, form_preview_confirm_moderate);

#[tokio::test]
async fn pages_render_and_send_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let http = client();
    for path in [
        "/",
        "/search",
        "/search?q=kubernetes&severity=sev1",
        "/patterns",
        "/digests",
        "/login",
    ] {
        let r = http.get(app.url(path)).send().await.expect("get");
        assert_eq!(r.status(), 200, "{path}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_string();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    }
    let r = http
        .get(app.url("/no/such/page"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
    assert!(r.text().await.expect("body").contains("<html"));
    let r = http
        .get(app.url("/static/style.css"))
        .send()
        .await
        .expect("get");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
}
