//! Accounts and abuse resistance: scoped API tokens (list, create, revoke, expiry), admin
//! invitations and reset links, password change, sessions (cookie flags, fixation, expiry),
//! no user enumeration at login, rate limits, and SQL-injection strings everywhere.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};

use crate::both_backends;
use crate::common::*;
use commonplace::auth;
use commonplace::config::{RateLimit, RateLimits};
use commonplace::store::{Invitation, NewToken, Role, Scope, now};

/// A client that neither follows redirects nor keeps cookies: every cookie is explicit.
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cp_session="))
        .map(str::to_string)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie["cp_session=".len()..]
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Signs in with a raw client and returns the session id.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let r = raw_client()
        .post(app.url("/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {email}");
    cookie_value(&session_cookie(&r).expect("session cookie"))
}

/// Whether a session id signs its bearer in.
async fn signed_in(app: &TestApp, session: &str) -> bool {
    let r = raw_client()
        .get(app.url("/account"))
        .header(COOKIE, format!("cp_session={session}"))
        .send()
        .await
        .expect("account");
    r.status() == StatusCode::OK
}

async fn page(app: &TestApp, session: &str, path: &str) -> (StatusCode, String) {
    let r = raw_client()
        .get(app.url(path))
        .header(COOKIE, format!("cp_session={session}"))
        .send()
        .await
        .expect("get");
    (r.status(), r.text().await.expect("body"))
}

async fn post_form(
    app: &TestApp,
    session: Option<&str>,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = raw_client().post(app.url(path)).form(form);
    if let Some(s) = session {
        request = request.header(COOKIE, format!("cp_session={s}"));
    }
    request.send().await.expect("post")
}

fn globex() -> commonplace::scrub::IdentityProfile {
    let mut p = acme();
    p.name = "Globex".into();
    p.aliases = vec![];
    p.domains = vec!["globex.example".into()];
    p.products = vec![];
    p
}

/// Percent-encodes every byte but ASCII letters and digits.
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn token_path(link: &str) -> String {
    let start = link.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = link[start..].find('/').expect("path") + start;
    link[path_start..].to_string()
}

// ---------------------------------------------------------------- API tokens

async fn tokens_list_create_revoke(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (_, acme_token) = app.org_with_token(acme()).await;
    let (_, globex_token) = app.org_with_token(globex()).await;

    let list: Value = get_json(&http, app.url("/api/v1/tokens"), &acme_token).await;
    let rows = list.as_array().expect("array");
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(rows[0]["scopes"], json!(["submit", "read-own"]), "{list}");

    let r = http
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&acme_token)
        .json(&json!({"label": "CI reader", "scopes": ["read-own"], "expires_in_days": 30}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.expect("json");
    let reader = created["token"].as_str().expect("token").to_string();
    let reader_id = created["id"].as_str().expect("id").to_string();
    assert!(reader.starts_with("cp_"));
    assert_eq!(created["scopes"], json!(["read-own"]));
    assert!(created["expires_at"].as_i64().expect("expiry") > now() + 29 * 86400);

    // Listed without its value or hash.
    let text = get_with(&http, app.url("/api/v1/tokens"), &acme_token)
        .await
        .text()
        .await
        .expect("body");
    let list: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(list.as_array().expect("array").len(), 2);
    assert!(!text.contains(&reader), "the value is shown once");
    assert!(
        !text.contains(&auth::hash_secret(&reader)),
        "never the hash"
    );
    for row in list.as_array().expect("array") {
        let keys: Vec<&String> = row.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            [
                "created_at",
                "expires_at",
                "id",
                "label",
                "revoked_at",
                "scopes"
            ],
            "{row}"
        );
    }

    // A token can only hand on scopes it holds; bad requests name the field.
    let r = http
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&reader)
        .json(&json!({"label": "escalate", "scopes": ["submit"]}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "insufficient_scope");
    let r = http
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&acme_token)
        .json(&json!({"label": " ", "scopes": ["everything"], "expires_in_days": 0}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["label", "scopes[0]", "expires_in_days"], "{body}");

    // Another organisation neither sees nor revokes it (404, as for no such token).
    let other: Value = get_json(&http, app.url("/api/v1/tokens"), &globex_token).await;
    assert!(!other.to_string().contains(&reader_id));
    let r = http
        .delete(app.url(&format!("/api/v1/tokens/{reader_id}")))
        .bearer_auth(&globex_token)
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 404);
    let r = get_with(&http, app.url("/api/v1/submissions"), &reader).await;
    assert_eq!(r.status(), 200, "still works after the foreign attempt");

    let r = http
        .delete(app.url(&format!("/api/v1/tokens/{reader_id}")))
        .bearer_auth(&acme_token)
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 204);
    let r = get_with(&http, app.url("/api/v1/submissions"), &reader).await;
    assert_eq!(r.status(), 401);
    let list: Value = get_json(&http, app.url("/api/v1/tokens"), &acme_token).await;
    let row = list
        .as_array()
        .expect("array")
        .iter()
        .find(|t| t["id"] == reader_id.as_str())
        .expect("listed");
    assert!(row["revoked_at"].as_i64().is_some(), "{row}");
    let r = http
        .delete(app.url("/api/v1/tokens/tok_nonexistent"))
        .bearer_auth(&acme_token)
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 404);
}
both_backends!(tokens_list_create_revoke_, tokens_list_create_revoke);

async fn revoked_and_expired_tokens_are_rejected(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (org_id, _) = app.org_with_token(acme()).await;
    let mut tokens = Vec::new();
    for (label, expires_at) in [("expired", Some(now() - 5)), ("revoked", None)] {
        let (plain, hash) = auth::new_api_token();
        let info = app
            .store()
            .create_scoped_token(&NewToken {
                token_hash: hash,
                org_id: Some(org_id.clone()),
                user_id: None,
                label: label.into(),
                scopes: vec![Scope::Submit, Scope::ReadOwn],
                expires_at,
            })
            .await
            .expect("token");
        tokens.push((plain, info.id));
    }
    app.store()
        .revoke_token(
            &tokens[1].1,
            &commonplace::store::TokenOwner::Org(org_id.clone()),
            now(),
        )
        .await
        .expect("revoke");
    let unknown: Value = get_json(&http, app.url("/api/v1/submissions"), "cp_unknown-token").await;
    for (plain, _) in &tokens {
        for (method, path) in [("GET", "/api/v1/submissions"), ("GET", "/api/v1/tokens")] {
            let r = http
                .request(method.parse().expect("method"), app.url(path))
                .bearer_auth(plain)
                .send()
                .await
                .expect("request");
            assert_eq!(r.status(), 401, "{method} {path}");
            let body: Value = r.json().await.expect("json");
            assert_eq!(body, unknown, "same answer as an unknown token");
        }
        let r = http
            .post(app.url("/api/v1/submissions"))
            .bearer_auth(plain)
            .json(&fixture_submission())
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 401);
    }
    assert!(
        app.store()
            .org_submissions(&org_id)
            .await
            .expect("list")
            .is_empty()
    );
}
both_backends!(
    revoked_and_expired_tokens_are_rejected_,
    revoked_and_expired_tokens_are_rejected
);

async fn scopes_are_enforced(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (_, full) = app.org_with_token(acme()).await;
    let moderator = app.moderator().await;
    let new_token = |scopes: Value| {
        let http = http.clone();
        let url = app.url("/api/v1/tokens");
        let full = full.clone();
        async move {
            let created: Value = http
                .post(url)
                .bearer_auth(&full)
                .json(&json!({"label": "scoped", "scopes": scopes}))
                .send()
                .await
                .expect("create")
                .json()
                .await
                .expect("json");
            created["token"].as_str().expect("token").to_string()
        }
    };
    let submit_only = new_token(json!(["submit"])).await;
    let read_only = new_token(json!(["read-own"])).await;

    let r = http
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&read_only)
        .json(&fixture_submission())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "insufficient_scope");

    let r = http
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&submit_only)
        .json(&fixture_submission())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();

    for path in [
        "/api/v1/submissions".to_string(),
        format!("/api/v1/submissions/{id}"),
    ] {
        let r = get_with(&http, app.url(&path), &submit_only).await;
        assert_eq!(r.status(), 403, "{path} needs read-own");
        let r = get_with(&http, app.url(&path), &read_only).await;
        assert_eq!(r.status(), 200, "{path} with read-own");
    }
    let r = http
        .post(app.url(&format!("/api/v1/submissions/{id}/withdraw")))
        .bearer_auth(&read_only)
        .send()
        .await
        .expect("withdraw");
    assert_eq!(r.status(), 403, "withdrawing needs submit");
    let r = http
        .post(app.url(&format!("/api/v1/submissions/{id}/withdraw")))
        .bearer_auth(&submit_only)
        .send()
        .await
        .expect("withdraw");
    assert_eq!(r.status(), 204, "withdrawing with submit");

    // Existing moderator tokens got `moderate`; a moderator's token without it cannot moderate.
    let list: Value = get_json(&http, app.url("/api/v1/tokens"), &moderator).await;
    assert_eq!(list[0]["scopes"], json!(["moderate"]), "{list}");
    let r = get_with(&http, app.url("/api/v1/moderation/queue"), &moderator).await;
    assert_eq!(r.status(), 200);
    let (user, _) = app
        .store()
        .user_by_email("mod@example.org")
        .await
        .expect("user")
        .expect("exists");
    let (plain, hash) = auth::new_api_token();
    app.store()
        .create_scoped_token(&NewToken {
            token_hash: hash,
            org_id: None,
            user_id: Some(user.id),
            label: "no scopes".into(),
            scopes: vec![],
            expires_at: None,
        })
        .await
        .expect("token");
    let r = get_with(&http, app.url("/api/v1/moderation/queue"), &plain).await;
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "insufficient_scope");
}
both_backends!(scopes_are_enforced_, scopes_are_enforced);

async fn account_page_creates_and_revokes_tokens(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (org_id, _) = app.org_with_token(acme()).await;
    let (_, globex_token) = app.org_with_token(globex()).await;
    app.user(
        "writer@acme.example",
        "submitter-password",
        Role::Submitter,
        Some(&org_id),
    )
    .await;
    let session = sign_in(&app, "writer@acme.example", "submitter-password").await;
    let (status, html) = page(&app, &session, "/account").await;
    assert_eq!(status, 200);
    let csrf = csrf_from(&html);

    let r = post_form(
        &app,
        Some(&session),
        "/account/tokens",
        &[("label", "from the page"), ("scope", "read-own")],
    )
    .await;
    assert_eq!(r.status(), 403, "no CSRF token, no token");

    let r = post_form(
        &app,
        Some(&session),
        "/account/tokens",
        &[
            ("csrf", &csrf),
            ("label", "from the page"),
            ("scope", "read-own"),
            ("expires_in_days", "7"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("body");
    let marker = "<code id=\"new-token\">";
    let start = html.find(marker).expect("token shown once") + marker.len();
    let token = html[start..start + html[start..].find('<').expect("end")].to_string();
    let http = client();
    let r = get_with(&http, app.url("/api/v1/submissions"), &token).await;
    assert_eq!(r.status(), 200);
    let list: Value = get_json(&http, app.url("/api/v1/tokens"), &token).await;
    let id = list
        .as_array()
        .expect("array")
        .iter()
        .find(|t| t["label"] == "from the page")
        .and_then(|t| t["id"].as_str())
        .expect("listed")
        .to_string();
    let (_, html) = page(&app, &session, "/account").await;
    assert!(html.contains("from the page") && !html.contains(&token));

    // Another organisation's token id: 404, untouched.
    let globex_list: Value = get_json(&http, app.url("/api/v1/tokens"), &globex_token).await;
    let globex_id = globex_list[0]["id"].as_str().expect("id").to_string();
    let r = post_form(
        &app,
        Some(&session),
        &format!("/account/tokens/{globex_id}/revoke"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = get_with(&http, app.url("/api/v1/tokens"), &globex_token).await;
    assert_eq!(r.status(), 200);

    let r = post_form(
        &app,
        Some(&session),
        &format!("/account/tokens/{id}/revoke"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = get_with(&http, app.url("/api/v1/submissions"), &token).await;
    assert_eq!(r.status(), 401);
}
both_backends!(
    account_page_creates_and_revokes_tokens_,
    account_page_creates_and_revokes_tokens
);

// ---------------------------------------------------------------- invitations, passwords

async fn invitations_work_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (org_id, org_token) = app.org_with_token(acme()).await;
    let admin = app.admin().await;
    let moderator = app.moderator().await;
    let invite = |token: String, body: Value| {
        let http = http.clone();
        let url = app.url("/api/v1/admin/invitations");
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("invite")
        }
    };
    let body = json!({"email": "New.Writer@acme.example", "role": "submitter", "org": "Acme Corp"});
    for (who, token) in [("moderator", &moderator), ("organisation", &org_token)] {
        let r = invite(token.clone(), body.clone()).await;
        assert_eq!(r.status(), 403, "{who} cannot invite");
    }
    let r = invite(
        admin.clone(),
        json!({"email": "x@acme.example", "role": "submitter"}),
    )
    .await;
    assert_eq!(r.status(), 422, "a submitter needs an organisation");
    let r = invite(
        admin.clone(),
        json!({"email": "x@acme.example", "role": "submitter", "org": "Nope Inc"}),
    )
    .await;
    assert_eq!(r.status(), 422, "unknown organisation");
    let r = invite(
        admin.clone(),
        json!({"email": "mod@example.org", "role": "moderator"}),
    )
    .await;
    assert_eq!(r.status(), 409, "already a user");

    let r = invite(admin.clone(), body.clone()).await;
    assert_eq!(r.status(), 201);
    let invited: Value = r.json().await.expect("json");
    let link = invited["link"].as_str().expect("link").to_string();
    assert!(link.starts_with(&app.state.config.public_url), "{link}");
    let path = token_path(&link);
    assert!(path.starts_with("/invite/"), "{path}");
    assert!(invited["expires_at"].as_i64().expect("expiry") >= now() + 7 * 86400 - 60);
    // A second submitter of the same organisation.
    let second = invite(
        admin.clone(),
        json!({"email": "second@acme.example", "role": "submitter", "org": "Acme Corp"}),
    )
    .await;
    assert_eq!(second.status(), 201);

    let (status, html) = page(&app, "none", &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("new.writer@acme.example"), "{html}");
    let r = post_form(
        &app,
        None,
        &path,
        &[("password", "short"), ("confirm_password", "short")],
    )
    .await;
    assert_eq!(r.status(), 422, "too short");
    let r = post_form(
        &app,
        None,
        &path,
        &[
            ("password", "a long new passphrase"),
            ("confirm_password", "a different passphrase"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422, "mismatch");
    let form = [
        ("password", "a long new passphrase"),
        ("confirm_password", "a long new passphrase"),
    ];
    let r = post_form(&app, None, &path, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = sign_in(&app, "new.writer@acme.example", "a long new passphrase").await;
    assert!(signed_in(&app, &session).await);
    let (user, _) = app
        .store()
        .user_by_email("new.writer@acme.example")
        .await
        .expect("user")
        .expect("created");
    assert_eq!(user.role, Role::Submitter);
    assert_eq!(user.org_id.as_deref(), Some(org_id.as_str()));

    // Used: the link is dead, on both methods.
    let (status, _) = page(&app, "none", &path).await;
    assert_eq!(status, 404);
    let r = post_form(&app, None, &path, &form).await;
    assert_eq!(r.status(), 404);

    // Expired, and unknown.
    let token = auth::random_token(32);
    app.store()
        .create_invitation(
            &auth::hash_secret(&token),
            &Invitation {
                email: "late@acme.example".into(),
                role: Role::Submitter,
                org_id: Some(org_id.clone()),
                created_by: "test".into(),
                expires_at: now() - 1,
            },
        )
        .await
        .expect("invitation");
    for path in [
        format!("/invite/{token}"),
        "/invite/not-a-token".to_string(),
    ] {
        let (status, html) = page(&app, "none", &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("expired"), "{html}");
        let r = post_form(&app, None, &path, &form).await;
        assert_eq!(r.status(), 404);
    }
    assert!(
        app.store()
            .user_by_email("late@acme.example")
            .await
            .expect("lookup")
            .is_none()
    );
}
both_backends!(invitations_work_once_, invitations_work_once);

async fn password_change_signs_out_other_sessions(backend: Backend) {
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
    let here = sign_in(&app, "writer@acme.example", "submitter-password").await;
    let elsewhere = sign_in(&app, "writer@acme.example", "submitter-password").await;
    let (_, html) = page(&app, &here, "/account").await;
    let csrf = csrf_from(&html);
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        let csrf = csrf.clone();
        let here = here.clone();
        let app = &app;
        async move {
            post_form(
                app,
                Some(&here),
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", confirm),
                ],
            )
            .await
        }
    };

    let r = post_form(
        &app,
        Some(&here),
        "/account/password",
        &[
            ("current_password", "submitter-password"),
            ("new_password", "a brand new passphrase"),
            ("confirm_password", "a brand new passphrase"),
        ],
    )
    .await;
    assert_eq!(r.status(), 403, "CSRF");
    let r = change(
        "not-the-password",
        "a brand new passphrase",
        "a brand new passphrase",
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("current password is wrong")
    );
    let r = change("submitter-password", "short", "short").await;
    assert_eq!(r.status(), 422);
    let r = change(
        "submitter-password",
        "a brand new passphrase",
        "another passphrase!",
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(signed_in(&app, &elsewhere).await, "nothing changed yet");

    let r = change(
        "submitter-password",
        "a brand new passphrase",
        "a brand new passphrase",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(signed_in(&app, &here).await, "this session stays");
    assert!(!signed_in(&app, &elsewhere).await, "other sessions end");
    let r = post_form(
        &app,
        None,
        "/login",
        &[
            ("email", "writer@acme.example"),
            ("password", "submitter-password"),
        ],
    )
    .await;
    assert_eq!(r.status(), 401, "the old password is gone");
    sign_in(&app, "writer@acme.example", "a brand new passphrase").await;
}
both_backends!(
    password_change_signs_out_other_sessions_,
    password_change_signs_out_other_sessions
);

async fn reset_links_work_once_and_do_not_enumerate(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (org_id, org_token) = app.org_with_token(acme()).await;
    let admin = app.admin().await;
    app.user(
        "writer@acme.example",
        "submitter-password",
        Role::Submitter,
        Some(&org_id),
    )
    .await;
    let session = sign_in(&app, "writer@acme.example", "submitter-password").await;
    let reset = |token: String, email: &'static str| {
        let http = http.clone();
        let url = app.url("/api/v1/admin/users/reset");
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&json!({ "email": email }))
                .send()
                .await
                .expect("reset")
        }
    };
    let r = reset(org_token.clone(), "writer@acme.example").await;
    assert_eq!(r.status(), 403);

    let known = reset(admin.clone(), "writer@acme.example").await;
    let unknown = reset(admin.clone(), "nobody@acme.example").await;
    assert_eq!(known.status(), 200);
    assert_eq!(unknown.status(), known.status());
    let known: Value = known.json().await.expect("json");
    let unknown: Value = unknown.json().await.expect("json");
    let keys = |v: &Value| {
        v.as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&known), keys(&unknown), "same shape");
    let known_path = token_path(known["link"].as_str().expect("link"));
    let unknown_path = token_path(unknown["link"].as_str().expect("link"));
    assert_eq!(known_path.len(), unknown_path.len());
    assert!(known_path.starts_with("/reset/") && unknown_path.starts_with("/reset/"));
    assert!(known["expires_at"].as_i64().expect("expiry") <= now() + 3600);

    let (status, _) = page(&app, "none", &unknown_path).await;
    assert_eq!(status, 404, "the unknown email's link leads nowhere");
    let (status, _) = page(&app, "none", &known_path).await;
    assert_eq!(status, 200);
    let form = [
        ("password", "a reset passphrase"),
        ("confirm_password", "a reset passphrase"),
    ];
    let r = post_form(
        &app,
        None,
        &known_path,
        &[("password", "short"), ("confirm_password", "short")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(signed_in(&app, &session).await);
    let r = post_form(&app, None, &known_path, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!signed_in(&app, &session).await, "every session ends");
    sign_in(&app, "writer@acme.example", "a reset passphrase").await;
    let r = post_form(&app, None, &known_path, &form).await;
    assert_eq!(r.status(), 404, "used once");

    // Expired.
    let (user, _) = app
        .store()
        .user_by_email("writer@acme.example")
        .await
        .expect("user")
        .expect("exists");
    let token = auth::random_token(32);
    app.store()
        .create_password_reset(&auth::hash_secret(&token), &user.id, now() - 1)
        .await
        .expect("reset");
    let r = post_form(&app, None, &format!("/reset/{token}"), &form).await;
    assert_eq!(r.status(), 404, "expired");
}
both_backends!(
    reset_links_work_once_and_do_not_enumerate_,
    reset_links_work_once_and_do_not_enumerate
);

#[tokio::test]
async fn cli_invites_and_resets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_commonplace"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env("COMMONPLACE_PUBLIC_URL", "https://commonplace.example")
            .output()
            .expect("run");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, _, err) = run(&["org", "create", "Acme Corp"]);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&[
        "user",
        "invite",
        "writer@acme.example",
        "--role",
        "submitter",
        "--org",
        "Acme Corp",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("https://commonplace.example/invite/"), "{out}");
    let (ok, _, err) = run(&["user", "invite", "x@acme.example", "--role", "submitter"]);
    assert!(!ok && err.contains("organisation"), "{err}");
    let (ok, _, err) = run(&["user", "reset", "nobody@acme.example"]);
    assert!(!ok && err.contains("no user"), "{err}");
}

// ---------------------------------------------------------------- sessions and login

async fn login_does_not_reveal_who_has_an_account(backend: Backend) {
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
    let attempt = |email: &'static str| {
        let app = &app;
        async move {
            let r = post_form(
                app,
                None,
                "/login",
                &[("email", email), ("password", "wrong-password-x")],
            )
            .await;
            let status = r.status();
            let cookie = session_cookie(&r);
            let body = r.text().await.expect("body").replace(email, "EMAIL");
            (status, cookie, body)
        }
    };
    let wrong = attempt("writer@acme.example").await;
    let unknown = attempt("nobody@acme.example").await;
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong, unknown, "same status, cookie and page");
    assert!(wrong.2.contains("Wrong email or password."));
}
both_backends!(
    login_does_not_reveal_who_has_an_account_,
    login_does_not_reveal_who_has_an_account
);

async fn sessions_are_fresh_at_login_flagged_and_expire(backend: Backend) {
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
    let login = |planted: String| {
        let app = &app;
        async move {
            raw_client()
                .post(app.url("/login"))
                .header(COOKIE, format!("cp_session={planted}"))
                .form(&[
                    ("email", "writer@acme.example"),
                    ("password", "submitter-password"),
                ])
                .send()
                .await
                .expect("login")
        }
    };

    // Fixation: a value planted before login is not the session after it.
    let planted = "attacker-chosen-session-id".to_string();
    let r = login(planted.clone()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = session_cookie(&r).expect("cookie");
    let session = cookie_value(&set);
    assert_ne!(session, planted);
    assert!(session.len() >= 40, "{session}");
    assert!(signed_in(&app, &session).await);
    assert!(!signed_in(&app, &planted).await);
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(set.contains(flag), "{flag} in {set}");
    }
    assert!(!set.contains("Secure"), "not over plain HTTP by default");

    // Signing in again from a live session replaces it; the old id stops working.
    let r = login(session.clone()).await;
    let renewed = cookie_value(&session_cookie(&r).expect("cookie"));
    assert_ne!(renewed, session);
    assert!(!signed_in(&app, &session).await);
    assert!(signed_in(&app, &renewed).await);

    // Logout deletes the session and clears the cookie.
    let (_, html) = page(&app, &renewed, "/account").await;
    let r = post_form(
        &app,
        Some(&renewed),
        "/logout",
        &[("csrf", &csrf_from(&html))],
    )
    .await;
    let cleared = session_cookie(&r).expect("cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(!signed_in(&app, &renewed).await);

    // An expired session signs nobody in.
    let (user, _) = app
        .store()
        .user_by_email("writer@acme.example")
        .await
        .expect("user")
        .expect("exists");
    let old = auth::random_token(32);
    app.store()
        .create_session(&auth::hash_secret(&old), &user.id, "csrf", now() - 1)
        .await
        .expect("session");
    assert!(!signed_in(&app, &old).await);
}
both_backends!(
    sessions_are_fresh_at_login_flagged_and_expire_,
    sessions_are_fresh_at_login_flagged_and_expire
);

#[tokio::test]
async fn secure_cookies_when_configured() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.secure_cookies = true)
        .await
        .expect("sqlite");
    let (org_id, _) = app.org_with_token(acme()).await;
    app.user(
        "writer@acme.example",
        "submitter-password",
        Role::Submitter,
        Some(&org_id),
    )
    .await;
    let r = post_form(
        &app,
        None,
        "/login",
        &[
            ("email", "writer@acme.example"),
            ("password", "submitter-password"),
        ],
    )
    .await;
    let set = session_cookie(&r).expect("cookie");
    assert!(set.contains("; Secure"), "{set}");
    let session = cookie_value(&set);
    let (_, html) = page(&app, &session, "/account").await;
    let r = post_form(
        &app,
        Some(&session),
        "/logout",
        &[("csrf", &csrf_from(&html))],
    )
    .await;
    assert!(session_cookie(&r).expect("cleared").contains("; Secure"));
}

// ---------------------------------------------------------------- rate limits

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let tight = RateLimit {
        per_minute: 1,
        burst: 2,
    };
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.rate_limits = RateLimits {
            login: tight,
            submit: RateLimit {
                per_minute: 1,
                burst: 1,
            },
            search: tight,
        };
    })
    .await
    .expect("sqlite");
    let http = raw_client();
    let (_, token) = app.org_with_token(acme()).await;

    // Login: two attempts, then 429 as an HTML page.
    for _ in 0..2 {
        let r = post_form(
            &app,
            None,
            "/login",
            &[("email", "a@b.example"), ("password", "wrong-password")],
        )
        .await;
        assert_eq!(r.status(), 401);
    }
    let r = post_form(
        &app,
        None,
        "/login",
        &[("email", "a@b.example"), ("password", "wrong-password")],
    )
    .await;
    assert_eq!(r.status(), 429);
    let retry: u64 = r
        .headers()
        .get(RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(r.headers().get("content-security-policy").is_some());
    assert!(r.text().await.expect("body").contains("Too Many Requests"));
    // The sign-in form itself is not limited.
    let r = http.get(app.url("/login")).send().await.expect("get");
    assert_eq!(r.status(), 200);

    // Search: API and page share the quota; the API answers JSON.
    for path in ["/api/v1/search?q=x", "/search?q=x"] {
        let r = http.get(app.url(path)).send().await.expect("search");
        assert_eq!(r.status(), 200, "{path}");
    }
    let r = http
        .get(app.url("/api/v1/search?q=x"))
        .send()
        .await
        .expect("search");
    assert_eq!(r.status(), 429);
    assert!(r.headers().get(RETRY_AFTER).is_some());
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "rate_limited", "{body}");
    let r = http.get(app.url("/search?q=x")).send().await.expect("page");
    assert_eq!(r.status(), 429);

    // Submission: one, then 429 JSON; nothing stored by the refused one.
    let submit = || {
        http.post(app.url("/api/v1/submissions"))
            .bearer_auth(&token)
            .json(&fixture_submission())
            .send()
    };
    assert_eq!(submit().await.expect("post").status(), 201);
    let r = submit().await.expect("post");
    assert_eq!(r.status(), 429);
    assert!(r.headers().get(RETRY_AFTER).is_some());
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "rate_limited");

    // Other routes are not limited.
    for _ in 0..5 {
        let r = http
            .get(app.url("/api/v1/reports"))
            .send()
            .await
            .expect("reports");
        assert_eq!(r.status(), 200);
    }
}

// ---------------------------------------------------------------- SQL injection

const INJECTIONS: &[&str] = &[
    "' OR 1=1 --",
    "\"; DROP TABLE reports; --",
    "%' UNION SELECT id, content, 1, 1 FROM reports --",
    "\x00",
    "1; DELETE FROM reports",
    "') OR ('1'='1",
    "$1",
    "\\",
];

async fn sql_injection_strings_change_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (org_id, org_token) = app.org_with_token(acme()).await;
    let moderator = app.moderator().await;
    app.user(
        "writer@acme.example",
        "submitter-password",
        Role::Submitter,
        Some(&org_id),
    )
    .await;
    // One published report, and a submission still in the queue.
    for publish in [true, false] {
        let created: Value = http
            .post(app.url("/api/v1/submissions"))
            .bearer_auth(&org_token)
            .json(&fixture_submission())
            .send()
            .await
            .expect("submit")
            .json()
            .await
            .expect("json");
        if publish {
            let id = created["id"].as_str().expect("id");
            let r = http
                .post(app.url(&format!("/api/v1/submissions/{id}/approve")))
                .bearer_auth(&moderator)
                .send()
                .await
                .expect("approve");
            assert!(r.status().is_success(), "{}", r.status());
        }
    }
    let reports_before = app.store().report_count().await.expect("count");
    assert_eq!(reports_before, 1);
    let queue_before = app
        .store()
        .org_submissions(&org_id)
        .await
        .expect("list")
        .len();
    let writer = sign_in(&app, "writer@acme.example", "submitter-password").await;
    let moderator_session = sign_in(&app, "mod@example.org", "moderator-password").await;

    let search_params = [
        "q",
        "technology",
        "factor",
        "severity",
        "kind",
        "sort",
        "from",
        "to",
        "snapshot",
        "page",
        "per_page",
    ];
    for payload in INJECTIONS {
        let p = pct(payload);
        let mut gets: Vec<(String, Option<&str>)> = vec![
            (format!("/api/v1/reports?before={p}"), None),
            (format!("/api/v1/reports?limit={p}"), None),
            (format!("/api/v1/reports/{p}"), None),
            (format!("/api/v1/reports/{p}/similar?limit={p}"), None),
            (format!("/api/v1/reports/{p}/similar"), None),
            (format!("/api/v1/patterns?k={p}"), None),
            (format!("/api/v1/digests/{p}"), None),
            (format!("/api/v1/submissions/{p}"), Some(org_token.as_str())),
            (format!("/api/v1/submissions/{p}"), Some(moderator.as_str())),
            (
                format!("/api/v1/submissions/{p}/audit"),
                Some(moderator.as_str()),
            ),
            (format!("/api/v1/tokens?x={p}"), Some(org_token.as_str())),
            (format!("/reports/{p}"), None),
            (format!("/digests/{p}"), None),
            (format!("/digests/{p}.md"), None),
            (format!("/digests/{p}.html"), None),
            (format!("/digests/{p}.json"), None),
            (format!("/invite/{p}"), None),
            (format!("/reset/{p}"), None),
            (format!("/patterns?k={p}"), None),
        ];
        for name in search_params {
            gets.push((format!("/api/v1/search?{name}={p}"), None));
            gets.push((format!("/search?{name}={p}"), None));
        }
        let all: Vec<String> = search_params[..8]
            .iter()
            .map(|n| format!("{n}={p}"))
            .collect();
        gets.push((format!("/api/v1/search?{}", all.join("&")), None));
        gets.push((format!("/search?{}", all.join("&")), None));
        for (path, token) in &gets {
            let mut request = http.get(app.url(path));
            if let Some(t) = token {
                request = request.bearer_auth(t);
            }
            let r = request.send().await.expect("get");
            assert!(
                !r.status().is_server_error(),
                "GET {path} ({payload:?}) answered {}",
                r.status()
            );
        }
        for (path, session) in [
            (format!("/submissions/{p}"), &writer),
            (format!("/moderation/{p}"), &moderator_session),
        ] {
            let (status, _) = page(&app, session, &path).await;
            assert!(
                !status.is_server_error(),
                "GET {path} ({payload:?}) answered {status}"
            );
        }
        for (path, token) in [
            (format!("/api/v1/submissions/{p}/withdraw"), &org_token),
            (format!("/api/v1/submissions/{p}/claim"), &moderator),
            (format!("/api/v1/submissions/{p}/approve"), &moderator),
            (format!("/api/v1/reports/{p}/retract"), &moderator),
        ] {
            let r = http
                .post(app.url(&path))
                .bearer_auth(token)
                .json(&json!({"reason": payload, "note": payload}))
                .send()
                .await
                .expect("post");
            assert!(
                !r.status().is_server_error(),
                "POST {path} ({payload:?}) answered {}",
                r.status()
            );
        }
        let r = http
            .delete(app.url(&format!("/api/v1/tokens/{p}")))
            .bearer_auth(&org_token)
            .send()
            .await
            .expect("delete");
        assert!(
            matches!(r.status().as_u16(), 400 | 404),
            "DELETE token {payload:?}: {}",
            r.status()
        );
        let r = post_form(
            &app,
            None,
            "/login",
            &[("email", payload), ("password", payload)],
        )
        .await;
        assert_eq!(r.status(), 401, "login as {payload:?}");
    }

    assert_eq!(
        app.store().report_count().await.expect("count"),
        reports_before
    );
    assert_eq!(
        app.store()
            .org_submissions(&org_id)
            .await
            .expect("list")
            .len(),
        queue_before
    );
    let r = http
        .get(app.url("/api/v1/reports"))
        .send()
        .await
        .expect("reports");
    let page: Value = r.json().await.expect("json");
    assert_eq!(page["reports"].as_array().expect("reports").len(), 1);
    let r = get_with(&http, app.url("/api/v1/tokens"), &org_token).await;
    assert_eq!(r.status(), 200, "the organisation token still works");
}
both_backends!(
    sql_injection_strings_change_nothing_,
    sql_injection_strings_change_nothing
);

#[tokio::test]
async fn openapi_lists_the_account_endpoints() {
    let doc = serde_json::to_value(commonplace::http::openapi_document()).expect("json");
    for path in [
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
        "/api/v1/admin/invitations",
        "/api/v1/admin/users/reset",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["TokenInfo"].is_object());
}
