//! API contract: authentication and roles, JSON errors with stable codes, validation that
//! names every bad field and stores nothing, the schema and OpenAPI documents.

use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn unauthenticated_and_wrong_role_are_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let http = client();
    let (_, token) = app.org_with_token(acme()).await;

    let r = http
        .post(app.url("/api/v1/submissions"))
        .json(&fixture_submission())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unauthenticated");

    let r = http
        .post(app.url("/api/v1/submissions"))
        .bearer_auth("cp_not-a-real-token")
        .json(&fixture_submission())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 401);

    for (method, path) in [
        ("GET", "/api/v1/moderation/queue"),
        ("POST", "/api/v1/submissions/sub_x/publish"),
        ("POST", "/api/v1/digests"),
    ] {
        let r = http
            .request(method.parse().expect("method"), app.url(path))
            .bearer_auth(&token)
            .json(&json!({"reason": "x", "title": "t", "commentary": "", "report_ids": []}))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 403, "{method} {path}");
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["error"]["code"], "forbidden");
    }

    // A moderator's token carries no organisation: it cannot submit.
    let moderator = app.moderator().await;
    let r = http
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&moderator)
        .json(&fixture_submission())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn other_organisations_cannot_read_a_submission() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let http = client();
    let (_, acme_token) = app.org_with_token(acme()).await;
    let mut globex = acme();
    globex.name = "Globex".into();
    globex.aliases = vec![];
    let (_, globex_token) = app.org_with_token(globex).await;
    let created: Value = http
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&acme_token)
        .json(&fixture_submission())
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id");
    let own = get_with(
        &http,
        app.url(&format!("/api/v1/submissions/{id}")),
        &acme_token,
    )
    .await;
    assert_eq!(own.status(), 200);
    let other = get_with(
        &http,
        app.url(&format!("/api/v1/submissions/{id}")),
        &globex_token,
    )
    .await;
    assert_eq!(other.status(), 404);
    let list: Value = get_json(&http, app.url("/api/v1/submissions"), &globex_token).await;
    assert_eq!(list.as_array().expect("array").len(), 0);
}

#[tokio::test]
async fn bad_bodies_get_json_errors_and_store_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let http = client();
    let (org_id, token) = app.org_with_token(acme()).await;
    let post = |body: String| {
        http.post(app.url("/api/v1/submissions"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let r = post("{not json".into()).await.expect("post");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_submission");

    let mut wrong_type = fixture_submission();
    wrong_type["severity"] = json!("catastrophic");
    let body: Value = post(wrong_type.to_string())
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(body["error"]["fields"][0]["field"], "severity", "{body}");

    let mut invalid = fixture_submission();
    invalid["period"] = json!("2025-06-14");
    invalid["technologies"] = json!([{"id": "postgresqlx"}]);
    invalid["contributing_factors"][0]["id"] = json!("no-such-factor");
    invalid["timeline"][0]["offset"] = json!("09:35");
    invalid["title"] = json!("   ");
    let r = post(invalid.to_string()).await.expect("post");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    for expected in [
        "title",
        "period",
        "technologies[0].id",
        "contributing_factors[0].id",
        "timeline[0].offset",
    ] {
        assert!(fields.contains(&expected), "{expected} not in {fields:?}");
    }
    let tech_error = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["field"] == "technologies[0].id")
        .expect("tech error");
    assert!(
        tech_error["message"]
            .as_str()
            .expect("message")
            .contains("postgresql"),
        "suggests the close match: {tech_error}"
    );

    let mut unknown_field = fixture_submission();
    unknown_field["reporter_name"] = json!("Jane");
    let r = post(unknown_field.to_string()).await.expect("post");
    assert_eq!(r.status(), 422);

    assert!(
        app.store()
            .org_submissions(&org_id)
            .await
            .expect("list")
            .is_empty(),
        "nothing is stored"
    );

    let r = http
        .get(app.url("/api/v1/reports/nope"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "not_found");
    let r = http
        .get(app.url("/api/v1/search?severity=extreme"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let doc: Value = client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/api/v1/submissions",
        "/api/v1/search",
        "/api/v1/patterns",
        "/api/v1/patterns/distributions",
        "/api/v1/reports/{id}",
        "/api/v1/digests",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["components"]["schemas"].get("Submission").is_some());
}

#[test]
fn checked_in_json_schema_matches_the_types() {
    let checked_in = include_str!("../../schema/submission.schema.json");
    assert_eq!(
        checked_in,
        commonplace::domain::submission_schema_json(),
        "schema/submission.schema.json is stale: run `cargo run -- schema`"
    );
}

#[test]
fn fixture_conforms_to_the_schema_types() {
    let sub: commonplace::domain::Submission =
        serde_json::from_value(fixture_submission()).expect("fixture parses");
    commonplace::domain::validate_submission(sub, commonplace::domain::Taxonomy::bundled())
        .expect("fixture is valid");
}
