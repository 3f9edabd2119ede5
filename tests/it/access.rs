//! The access matrix: every role (anonymous included) against every API endpoint and every
//! signed-in page, on both backends. Denied means 401, 403 or 404 (another organisation's
//! submission is not even acknowledged); allowed means anything else but a 5xx.

use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

use crate::both_backends;
use crate::common::*;
use commonplace::store::Role;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    OrgA,
    OrgB,
    Moderator,
    Admin,
}

const EVERYONE: &[Who] = &[
    Who::Anonymous,
    Who::OrgA,
    Who::OrgB,
    Who::Moderator,
    Who::Admin,
];

fn allowed(status: StatusCode) -> bool {
    !matches!(status.as_u16(), 401 | 403 | 404) && !status.is_server_error()
}

async fn access_matrix(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (org_a, token_a) = app.org_with_token(acme()).await;
    let (_, token_b) = app
        .org_with_token(commonplace::scrub::IdentityProfile {
            name: "Globex".into(),
            ..Default::default()
        })
        .await;
    let moderator = app.moderator().await;
    let admin = app.admin().await;
    app.user(
        "writer@acme.example",
        "writer-password-1",
        Role::Submitter,
        Some(&org_a),
    )
    .await;
    let token = |who: Who| -> Option<&str> {
        match who {
            Who::Anonymous => None,
            Who::OrgA => Some(&token_a),
            Who::OrgB => Some(&token_b),
            Who::Moderator => Some(&moderator),
            Who::Admin => Some(&admin),
        }
    };
    let http = client();
    let submit = |t: String| {
        let http = http.clone();
        let url = app.url("/api/v1/submissions");
        async move {
            let r: serde_json::Value = http
                .post(url)
                .bearer_auth(t)
                .json(&fixture_submission())
                .send()
                .await
                .expect("submit")
                .json()
                .await
                .expect("json");
            r["id"].as_str().expect("id").to_string()
        }
    };
    // A published report for the public and moderation endpoints.
    let published = submit(token_a.clone()).await;
    let r: serde_json::Value = http
        .post(app.url(&format!("/api/v1/submissions/{published}/approve")))
        .bearer_auth(&moderator)
        .send()
        .await
        .expect("approve")
        .json()
        .await
        .expect("json");
    let report = r["report_id"]
        .as_str()
        .expect("published at once")
        .to_string();
    app.wait_indexed().await;

    // (method, path template, body, who may) — `{sub}` is a fresh submission of org A.
    type Row = (
        &'static str,
        &'static str,
        Option<serde_json::Value>,
        &'static [Who],
    );
    let mods: &[Who] = &[Who::Moderator, Who::Admin];
    let org_a_only: &[Who] = &[Who::OrgA];
    let orgs: &[Who] = &[Who::OrgA, Who::OrgB];
    let admins: &[Who] = &[Who::Admin];
    let rows: Vec<Row> = vec![
        ("GET", "/api/v1/reports", None, EVERYONE),
        ("GET", "/api/v1/reports/{report}", None, EVERYONE),
        ("GET", "/api/v1/search?q=replication", None, EVERYONE),
        ("GET", "/api/v1/patterns", None, EVERYONE),
        ("GET", "/api/v1/patterns/distributions", None, EVERYONE),
        ("GET", "/api/v1/digests", None, EVERYONE),
        ("GET", "/api/v1/openapi.json", None, EVERYONE),
        (
            "POST",
            "/api/v1/submissions",
            Some(fixture_submission()),
            orgs,
        ),
        (
            "POST",
            "/api/v1/submissions/from-markdown",
            Some(json!("# A title\n\nA summary.")),
            orgs,
        ),
        ("GET", "/api/v1/submissions", None, orgs),
        (
            "GET",
            "/api/v1/submissions/{sub}",
            None,
            &[Who::OrgA, Who::Moderator, Who::Admin],
        ),
        (
            "POST",
            "/api/v1/submissions/{sub}/withdraw",
            None,
            org_a_only,
        ),
        ("POST", "/api/v1/submissions/{sub}/claim", None, mods),
        ("POST", "/api/v1/submissions/{sub}/approve", None, mods),
        ("POST", "/api/v1/submissions/{sub}/publish", None, mods),
        (
            "POST",
            "/api/v1/submissions/{sub}/request-changes",
            Some(json!({"note": "n"})),
            mods,
        ),
        (
            "POST",
            "/api/v1/submissions/{sub}/reject",
            Some(json!({"reason": "r"})),
            mods,
        ),
        ("GET", "/api/v1/submissions/{sub}/audit", None, mods),
        ("GET", "/api/v1/moderation/queue", None, mods),
        (
            "POST",
            "/api/v1/digests",
            Some(json!({"title": "T", "commentary": "c", "report_ids": []})),
            mods,
        ),
        (
            "POST",
            "/api/v1/reports/{report}/retract",
            Some(json!({"reason": "r"})),
            mods,
        ),
        (
            "GET",
            "/api/v1/tokens",
            None,
            &[Who::OrgA, Who::OrgB, Who::Moderator, Who::Admin],
        ),
        (
            "POST",
            "/api/v1/admin/invitations",
            Some(json!({"email": "new@example.org", "role": "moderator"})),
            admins,
        ),
        (
            "POST",
            "/api/v1/admin/users/reset",
            Some(json!({"email": "mod@example.org"})),
            admins,
        ),
    ];
    let mut failures = Vec::new();
    for (method, template, body, may) in &rows {
        for &who in EVERYONE {
            // The retraction row must not remove the report the other rows read: it runs
            // last, and only its denied cells are checked before it.
            let sub = submit(token_a.clone()).await;
            let path = template.replace("{sub}", &sub).replace("{report}", &report);
            if template.contains("retract") && may.contains(&who) {
                continue;
            }
            let mut request = match *method {
                "GET" => http.get(app.url(&path)),
                _ => http.post(app.url(&path)),
            };
            if let Some(t) = token(who) {
                request = request.bearer_auth(t);
            }
            if let Some(b) = body {
                request = request.json(b);
            }
            let status = request.send().await.expect("request").status();
            let expected = may.contains(&who);
            if allowed(status) != expected {
                failures.push(format!(
                    "{method} {template} as {who:?}: {status} (expected {})",
                    if expected { "allowed" } else { "denied" }
                ));
            }
        }
    }

    // Signed-in pages: anonymous users are sent to sign in, submitters are kept out of
    // moderation, moderators out of submitting.
    let sign_in = |email: &'static str, password: &'static str| {
        let url = app.url("/login");
        async move {
            let r = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client")
                .post(url)
                .form(&[("email", email), ("password", password)])
                .send()
                .await
                .expect("login");
            let cookie = r
                .headers()
                .get_all(reqwest::header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with("cp_session="))
                .expect("session cookie")
                .split(';')
                .next()
                .expect("pair")
                .to_string();
            Some(cookie)
        }
    };
    let sessions = [
        ("anonymous", None),
        (
            "submitter",
            sign_in("writer@acme.example", "writer-password-1").await,
        ),
        (
            "moderator",
            sign_in("mod@example.org", "moderator-password").await,
        ),
    ];
    let sub = submit(token_a.clone()).await;
    let pages: Vec<(String, [bool; 3])> = vec![
        ("/submit".into(), [false, true, false]),
        ("/my/submissions".into(), [false, true, false]),
        ("/moderation".into(), [false, false, true]),
        (format!("/moderation/{sub}"), [false, false, true]),
        ("/digests/new".into(), [false, false, true]),
        ("/account".into(), [false, true, true]),
        ("/".into(), [true, true, true]),
        (format!("/reports/{report}"), [true, true, true]),
        ("/patterns".into(), [true, true, true]),
    ];
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (path, may) in &pages {
        for (i, (who, cookie)) in sessions.iter().enumerate() {
            let mut request = no_redirect.get(app.url(path));
            if let Some(c) = cookie {
                request = request.header(COOKIE, c);
            }
            let status = request.send().await.expect("page").status();
            let ok = status == StatusCode::OK;
            if ok != may[i] || status.is_server_error() {
                failures.push(format!("page {path} as {who}: {status}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "access matrix:\n{}",
        failures.join("\n")
    );
}

both_backends!(matrix, access_matrix);
