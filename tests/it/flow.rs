//! The whole flow over real HTTP, once per backend: submit → publish → search → patterns →
//! export, and the checks that nothing identifying reaches the public side.

use serde_json::Value;

use crate::both_backends;
use crate::common::*;

async fn submit_publish_search_export(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.k_anonymity = 1).await else {
        return;
    };
    let http = client();
    let (org_id, token) = app.org_with_token(acme()).await;
    let moderator = app.moderator().await;

    // The organisation submits; the answer shows the scrubbed version and the findings.
    let response = http
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&token)
        .json(&fixture_submission())
        .send()
        .await
        .expect("submit");
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.expect("json");
    let submission_id = created["id"].as_str().expect("id").to_string();
    assert_eq!(created["status"], "submitted");
    assert_no_planted(&created["scrubbed"].to_string(), "the scrubbed preview");
    let kinds: Vec<&str> = created["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    for kind in ["email", "ip", "hostname", "org"] {
        assert!(kinds.contains(&kind), "no {kind} finding in {kinds:?}");
    }
    assert_eq!(
        created["scrubbed"]["technologies"][1]["id"], "kubernetes",
        "aliases are normalised"
    );
    assert!(
        created["scrubbed"]["summary"]
            .as_str()
            .expect("summary")
            .contains("MySQL 8.0.32")
    );

    // It waits for a moderator; the submitter cannot publish it.
    let queue: Value = get_json(&http, app.url("/api/v1/moderation/queue"), &moderator).await;
    assert!(
        queue
            .as_array()
            .expect("array")
            .iter()
            .any(|s| s["id"] == submission_id.as_str())
    );
    let forbidden = http
        .post(app.url(&format!("/api/v1/submissions/{submission_id}/publish")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("publish");
    assert_eq!(forbidden.status(), 403);

    let published: Value = http
        .post(app.url(&format!("/api/v1/submissions/{submission_id}/publish")))
        .bearer_auth(&moderator)
        .send()
        .await
        .expect("publish")
        .json()
        .await
        .expect("json");
    let report_id = published["report_id"]
        .as_str()
        .expect("report id")
        .to_string();
    assert_ne!(report_id, submission_id);

    // Raw text is purged at publication.
    let record = app
        .store()
        .submission(&submission_id)
        .await
        .expect("load")
        .expect("exists");
    assert!(
        record.raw.is_none(),
        "raw text must be purged at publication"
    );
    assert!(
        record.findings.is_none(),
        "original values must be purged at publication"
    );
    assert_eq!(record.org_id, org_id);

    // The public report: scrubbed, coarse, unlinked.
    let json = http
        .get(app.url(&format!("/api/v1/reports/{report_id}")))
        .send()
        .await
        .expect("report");
    assert_eq!(json.status(), 200);
    let json_body = json.text().await.expect("body");
    assert_no_planted(&json_body, "the report JSON");
    assert!(
        !json_body.contains(&org_id) && !json_body.contains(&submission_id),
        "the report must not link to the organisation"
    );
    let html = http
        .get(app.url(&format!("/reports/{report_id}")))
        .send()
        .await
        .expect("page");
    assert_eq!(html.status(), 200);
    let html_body = html.text().await.expect("body");
    assert_no_planted(&html_body, "the report page");
    assert!(html_body.contains("MySQL"));

    // Search finds it by text and by facet.
    app.wait_indexed().await;
    let results: Value = http
        .get(app.url("/api/v1/search?q=MySQL+replication"))
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert_eq!(results["hits"][0]["id"], report_id.as_str(), "{results}");
    assert!(
        results["hits"][0]["snippet_html"]
            .as_str()
            .expect("snippet")
            .contains("<b>")
    );
    assert!(
        results["understood"]
            .as_array()
            .expect("understood")
            .iter()
            .any(|u| u == "technology:mysql")
    );
    let facet = results["technologies"]
        .as_array()
        .expect("facets")
        .iter()
        .find(|f| f["id"] == "mysql")
        .cloned();
    assert_eq!(facet.expect("mysql facet")["count"], 1);
    assert_no_planted(&results.to_string(), "search results");
    for filter in [
        "technology=mysql",
        "technology=db-relational",
        "factor=replication-failover",
        "severity=sev2",
        "technology=postgres",
    ] {
        let results: Value = http
            .get(app.url(&format!("/api/v1/search?{filter}")))
            .send()
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        let expected = if filter == "technology=postgres" {
            0
        } else {
            1
        };
        assert_eq!(results["total"], expected, "filter {filter}: {results}");
    }
    let page = http
        .get(app.url("/search?q=replication"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains(&format!("/reports/{report_id}")));
    assert_no_planted(&page, "the search page");

    // Patterns count it (k = 1 here).
    let patterns: Value = http
        .get(app.url("/api/v1/patterns"))
        .send()
        .await
        .expect("patterns")
        .json()
        .await
        .expect("json");
    let cell = patterns["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["technology"] == "mysql" && c["factor"] == "replication-failover")
        .cloned()
        .expect("mysql × replication-failover cell");
    assert_eq!(cell["reports"], 1);
    let patterns_page = http
        .get(app.url("/patterns"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(patterns_page.contains("MySQL"));

    // The export command, run as the real binary against the same database, contains it.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_commonplace"))
        .args(["--database-url", &app.database_url, "export"])
        .output()
        .expect("run export");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let exported = String::from_utf8(output.stdout).expect("utf8");
    assert_eq!(exported.lines().count(), 1);
    assert!(exported.contains(&report_id));
    assert_no_planted(&exported, "the export");
}
both_backends!(full_flow, submit_publish_search_export);

async fn small_cells_are_suppressed(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.k_anonymity = 2).await else {
        return;
    };
    let http = client();
    let (_, token) = app.org_with_token(acme()).await;
    let moderator = app.moderator().await;
    for _ in 0..2 {
        let created: Value = http
            .post(app.url("/api/v1/submissions"))
            .bearer_auth(&token)
            .json(&fixture_submission())
            .send()
            .await
            .expect("submit")
            .json()
            .await
            .expect("json");
        let id = created["id"].as_str().expect("id");
        let r = http
            .post(app.url(&format!("/api/v1/submissions/{id}/publish")))
            .bearer_auth(&moderator)
            .send()
            .await
            .expect("publish");
        assert_eq!(r.status(), 200);
    }
    // Two reports, but one organisation: below k = 2, nothing is shown.
    let patterns: Value = http
        .get(app.url("/api/v1/patterns"))
        .send()
        .await
        .expect("patterns")
        .json()
        .await
        .expect("json");
    assert_eq!(
        patterns["cells"].as_array().expect("cells").len(),
        0,
        "{patterns}"
    );
    assert!(patterns["suppressed"].as_u64().expect("suppressed") > 0);
}
both_backends!(suppression, small_cells_are_suppressed);

fn org_profile(name: &str) -> commonplace::scrub::IdentityProfile {
    commonplace::scrub::IdentityProfile {
        name: name.into(),
        aliases: vec![],
        domains: vec![],
        products: vec![],
        customers: vec![],
        extra_terms: vec![],
    }
}

async fn distributions_withhold_small_values_with_a_complement(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.k_anonymity = 2).await else {
        return;
    };
    let http = client();
    let moderator = app.moderator().await;
    // Three organisations: every one alerts on a symptom once; two also hear from customers;
    // one alone hears from a vendor, and only it uses Redis.
    let plan = [
        ("Org One", vec!["symptom_alert", "customer_report"]),
        ("Org Two", vec!["symptom_alert", "customer_report"]),
        ("Org Three", vec!["symptom_alert", "vendor_notice"]),
    ];
    for (name, methods) in plan {
        let (_, token) = app.org_with_token(org_profile(name)).await;
        for method in methods {
            let mut submission = fixture_submission();
            submission["detection"]["method"] = method.into();
            if method == "vendor_notice" {
                submission["technologies"]
                    .as_array_mut()
                    .expect("technologies")
                    .push(serde_json::json!({"id": "redis"}));
            }
            app.publish(&token, &moderator, &submission).await;
        }
    }
    let all: Value = http
        .get(app.url("/api/v1/patterns/distributions"))
        .send()
        .await
        .expect("distributions")
        .json()
        .await
        .expect("json");
    assert_eq!(all["reports"], 6, "{all}");
    let detection = all["distributions"]
        .as_array()
        .expect("distributions")
        .iter()
        .find(|d| d["fact"] == "detection_method")
        .cloned()
        .expect("detection distribution");
    // The vendor value (one organisation) is withheld, and customer reports with it: with
    // the total public, the vendor count would otherwise be 6 − 3 − 2.
    assert_eq!(
        detection["cells"],
        serde_json::json!([{"value": "symptom_alert", "reports": 3}]),
        "{detection}"
    );
    assert_eq!(detection["withheld"], 2);
    let duration = all["distributions"]
        .as_array()
        .expect("distributions")
        .iter()
        .find(|d| d["fact"] == "duration")
        .cloned()
        .expect("duration distribution");
    assert_eq!(duration["median"], "1h_to_4h", "{duration}");

    // A scope only one organisation stands behind shows nothing; aliases name a scope.
    let redis: Value = http
        .get(app.url("/api/v1/patterns/distributions?technology=redis"))
        .send()
        .await
        .expect("distributions")
        .json()
        .await
        .expect("json");
    assert!(redis["reports"].is_null(), "{redis}");
    assert!(
        redis["distributions"]
            .as_array()
            .expect("distributions")
            .iter()
            .all(|d| d["cells"].as_array().is_some_and(|c| c.is_empty())),
        "{redis}"
    );
    let mysql: Value = http
        .get(app.url("/api/v1/patterns/distributions?technology=MySQL&factor=replication-failover"))
        .send()
        .await
        .expect("distributions")
        .json()
        .await
        .expect("json");
    assert_eq!(mysql["technology"], "mysql", "{mysql}");
    assert_eq!(mysql["reports"], 6, "{mysql}");
    let unknown = http
        .get(app.url("/api/v1/patterns/distributions?technology=mysqll"))
        .send()
        .await
        .expect("distributions");
    assert_eq!(unknown.status(), 422);
    let body: Value = unknown.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_query", "{body}");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("mysql")),
        "{body}"
    );

    // The page shows the same, scoped by the same parameters, without JavaScript.
    let page = http
        .get(app.url("/patterns?technology=mysql"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Symptom-based alert"), "{page}");
    assert!(
        !page.contains("Vendor notice"),
        "a withheld value is on the page"
    );
    assert!(page.contains("MySQL incidents"));

    // Answers are cached until the public store changes: one more publication shows.
    let (_, token) = app.org_with_token(org_profile("Org Four")).await;
    app.publish(&token, &moderator, &fixture_submission()).await;
    let after: Value = http
        .get(app.url("/api/v1/patterns/distributions"))
        .send()
        .await
        .expect("distributions")
        .json()
        .await
        .expect("json");
    assert_eq!(after["reports"], 7, "{after}");
}
both_backends!(
    distributions,
    distributions_withhold_small_values_with_a_complement
);

async fn rejection_purges_and_explains(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (_, token) = app.org_with_token(acme()).await;
    let moderator = app.moderator().await;
    let created: Value = http
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&token)
        .json(&fixture_submission())
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id");
    let empty_reason = http
        .post(app.url(&format!("/api/v1/submissions/{id}/reject")))
        .bearer_auth(&moderator)
        .json(&serde_json::json!({"reason": "  "}))
        .send()
        .await
        .expect("reject");
    assert_eq!(empty_reason.status(), 400);
    let rejected = http
        .post(app.url(&format!("/api/v1/submissions/{id}/reject")))
        .bearer_auth(&moderator)
        .json(&serde_json::json!({"reason": "Too close to a public status page"}))
        .send()
        .await
        .expect("reject");
    assert_eq!(rejected.status(), 204);
    let mine: Value = get_json(&http, app.url("/api/v1/submissions"), &token).await;
    assert_eq!(mine[0]["status"], "rejected");
    assert_eq!(mine[0]["reason"], "Too close to a public status page");
    let record = app
        .store()
        .submission(id)
        .await
        .expect("load")
        .expect("exists");
    assert!(record.raw.is_none());
    // A second decision conflicts.
    let again = http
        .post(app.url(&format!("/api/v1/submissions/{id}/publish")))
        .bearer_auth(&moderator)
        .send()
        .await
        .expect("publish");
    assert_eq!(again.status(), 409);
    let body: Value = again.json().await.expect("json");
    assert_eq!(body["error"]["code"], "conflict");
}
both_backends!(rejection, rejection_purges_and_explains);
