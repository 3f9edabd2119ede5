//! Search: relevance against the judged fixture corpus, features over real HTTP (freshness,
//! drill-sideways facets, period ranges, stable pagination, similar incidents, typos), and
//! crash safety of the indexer with the real binary killed by SIGKILL.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::both_backends;
use crate::common::*;

/// The levels reached by `commonplace eval-search` on the fixture (equal scores rank the same
/// on every build): `queries.toml` mean nDCG@10 0.962, recall@20 0.973; `queries-round2.toml`
/// (error messages, identifiers, operator shorthand) 0.900 and 0.904; `queries-round3.toml`
/// (blind: aliases, misspellings, questions, factors, filters) 0.917 and 0.874;
/// `queries-round4.toml` (blind, judged by hand: informal names, symptoms without a
/// technology, factor phrasing, filters) 0.906 and 0.901. A ranking change that falls below
/// fails CI.
const LEVELS: [(&str, usize, f64, f64); 4] = [
    ("queries.toml", 25, 0.958, 0.965),
    ("queries-round2.toml", 20, 0.895, 0.900),
    ("queries-round3.toml", 30, 0.912, 0.868),
    ("queries-round4.toml", 30, 0.900, 0.895),
];

#[test]
fn relevance_on_the_judged_fixture_does_not_regress() {
    use commonplace::search::eval;
    let root = env!("CARGO_MANIFEST_DIR");
    let corpus =
        std::fs::read_to_string(format!("{root}/eval/search/corpus.jsonl")).expect("corpus");
    let reports = eval::read_corpus(&corpus).expect("valid corpus");
    assert!(reports.len() >= 150, "{} reports", reports.len());
    for (file, at_least, min_ndcg10, min_recall20) in LEVELS {
        let queries =
            std::fs::read_to_string(format!("{root}/eval/search/{file}")).expect("queries");
        let judged = eval::read_queries(&queries).expect("valid queries");
        assert!(judged.len() >= at_least, "{file}: {} queries", judged.len());
        let dir = tempfile::tempdir().expect("tempdir");
        let report = eval::evaluate(reports.clone(), &judged, dir.path()).expect("evaluate");
        let table = eval::render(&report, true);
        assert!(
            report.mean_ndcg10 >= min_ndcg10,
            "{file}: nDCG@10 fell:\n{table}"
        );
        assert!(
            report.mean_recall20 >= min_recall20,
            "{file}: recall@20 fell:\n{table}"
        );
    }
}

/// A submission about `tech` with `factor`, derived from the fixture.
fn report_body(
    title: &str,
    summary: &str,
    tech: &str,
    factor: &str,
    severity: &str,
    period: &str,
) -> Value {
    let mut body = fixture_submission();
    body["title"] = json!(title);
    body["summary"] = json!(summary);
    body["narrative"] = json!(format!("{summary}\n\nWe learned a lot."));
    body["technologies"] = json!([{"id": tech}]);
    body["contributing_factors"] = json!([{"id": factor, "description": "It contributed."}]);
    body["severity"] = json!(severity);
    body["period"] = json!(period);
    body["timeline"] = json!([]);
    body
}

async fn get(http: &reqwest::Client, url: String) -> Value {
    let response = http.get(&url).send().await.expect("get");
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("json")
}

fn count(facets: &Value, id: &str) -> u64 {
    facets
        .as_array()
        .expect("facets")
        .iter()
        .find(|f| f["id"] == id)
        .and_then(|f| f["count"].as_u64())
        .unwrap_or(0)
}

fn ids(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect()
}

async fn search_features(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let http = client();
    let (_, org) = app.org_with_token(acme()).await;
    let moderator = app.moderator().await;
    let base = app.base.clone();
    let specs = [
        (
            "MySQL replication lag after failover",
            "The MySQL replica was far behind when promoted.",
            "mysql",
            "replication-failover",
            "sev2",
            "2024-Q2",
        ),
        (
            "MySQL deadlock on orders",
            "Two transactions deadlocked in MySQL.",
            "mysql",
            "locking-deadlock",
            "sev3",
            "2024-Q4",
        ),
        (
            "PostgreSQL standby lagged behind",
            "Streaming replication to the PostgreSQL standby lagged for hours.",
            "postgresql",
            "replication-failover",
            "sev2",
            "2025-Q1",
        ),
        (
            "Kubernetes pods OOMKilled",
            "Pods on Kubernetes were killed for exceeding memory limits.",
            "kubernetes",
            "resource-exhaustion",
            "sev1",
            "2025-Q2",
        ),
        (
            "Expired TLS certificate on the API",
            "The certificate expired at midnight.",
            "tls-certificates",
            "certificate-expiry",
            "sev1",
            "2023-Q3",
        ),
    ];
    let mut report_ids = Vec::new();
    for (title, summary, tech, factor, sev, period) in specs {
        report_ids.push(
            publish(
                &http,
                &base,
                &org,
                &moderator,
                &report_body(title, summary, tech, factor, sev, period),
            )
            .await,
        );
    }

    // Freshness: a published report is searchable within a second.
    let started = Instant::now();
    let fresh = publish(
        &http,
        &base,
        &org,
        &moderator,
        &report_body(
            "Zookeeper quorum flapped",
            "Zookeeper lost quorum repeatedly.",
            "kafka",
            "replication-failover",
            "sev3",
            "2025-Q3",
        ),
    )
    .await;
    loop {
        let r = get(&http, app.url("/api/v1/search?q=zookeeper")).await;
        if ids(&r).contains(&fresh) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "not searchable within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    report_ids.push(fresh);
    app.wait_indexed().await;

    // MySQL replication first, then other MySQL or other replication reports.
    let r = get(&http, app.url("/api/v1/search?q=MySQL+replication")).await;
    assert_eq!(ids(&r)[0], report_ids[0], "{r}");
    assert!(
        r["hits"][0]["snippet_html"]
            .as_str()
            .expect("snippet")
            .contains("<b>")
    );

    // Drill-sideways: the technology facet ignores the technology filter, the others apply it.
    let r = get(&http, app.url("/api/v1/search?technology=mysql")).await;
    assert_eq!(r["total"], 2);
    assert_eq!(count(&r["technologies"], "mysql"), 2);
    assert_eq!(
        count(&r["technologies"], "postgresql"),
        1,
        "other technologies stay countable"
    );
    assert_eq!(count(&r["factors"], "locking-deadlock"), 1);
    assert_eq!(
        count(&r["factors"], "resource-exhaustion"),
        0,
        "factor counts respect the technology filter"
    );
    let r = get(
        &http,
        app.url("/api/v1/search?technology=mysql&factor=replication-failover"),
    )
    .await;
    assert_eq!(r["total"], 1);
    assert_eq!(
        count(&r["factors"], "locking-deadlock"),
        1,
        "factor facet without its own filter"
    );
    assert_eq!(
        count(&r["technologies"], "postgresql"),
        1,
        "technology facet under the factor filter"
    );
    assert_eq!(count(&r["technologies"], "kubernetes"), 0);
    let r = get(&http, app.url("/api/v1/search?severity=sev1")).await;
    assert_eq!(r["total"], 2);
    assert_eq!(
        count(&r["severities"], "sev2"),
        2,
        "severity facet without its own filter"
    );

    // Category filter and category named in the query.
    let r = get(&http, app.url("/api/v1/search?technology=db-relational")).await;
    assert_eq!(r["total"], 3);
    let r = get(&http, app.url("/api/v1/search?q=relational+database")).await;
    assert!(
        r["understood"]
            .to_string()
            .contains("category:db-relational"),
        "{r}"
    );
    let top3: Vec<String> = ids(&r).into_iter().take(3).collect();
    for id in &report_ids[0..3] {
        assert!(top3.contains(id), "{r}");
    }

    // Period range, inclusive; a bad period is a 422 naming the field.
    let r = get(&http, app.url("/api/v1/search?from=2024-Q2&to=2025-Q1")).await;
    assert_eq!(r["total"], 3, "{r}");
    let bad = http
        .get(app.url("/api/v1/search?from=2024-03"))
        .send()
        .await
        .expect("get");
    assert_eq!(bad.status(), 422);
    let body: serde_json::Value = bad.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_query", "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "from", "{body}");

    // Typos: a misspelt technology still finds it.
    let r = get(&http, app.url("/api/v1/search?q=kuberntes")).await;
    assert_eq!(ids(&r).first(), Some(&report_ids[3]), "{r}");
    let r = get(&http, app.url("/api/v1/search?q=certificat+expird")).await;
    assert_eq!(ids(&r).first(), Some(&report_ids[4]), "{r}");

    // Stable pagination: later pages of a snapshot ignore reports published since.
    let first = get(&http, app.url("/api/v1/search?sort=recent&per_page=2")).await;
    let snapshot = first["snapshot"].as_i64().expect("snapshot");
    let second_before = get(
        &http,
        app.url(&format!(
            "/api/v1/search?sort=recent&per_page=2&page=2&snapshot={snapshot}"
        )),
    )
    .await;
    let newer = publish(
        &http,
        &base,
        &org,
        &moderator,
        &report_body(
            "Redis cache stampede",
            "Keys expired at once.",
            "redis",
            "thundering-herd",
            "sev3",
            "2025-Q3",
        ),
    )
    .await;
    app.wait_indexed().await;
    let second_after = get(
        &http,
        app.url(&format!(
            "/api/v1/search?sort=recent&per_page=2&page=2&snapshot={snapshot}"
        )),
    )
    .await;
    assert_eq!(ids(&second_before), ids(&second_after));
    assert_eq!(second_after["total"], first["total"]);
    let fresh_first = get(&http, app.url("/api/v1/search?sort=recent&per_page=2")).await;
    assert_eq!(ids(&fresh_first)[0], newer);
    let html = http
        .get(app.url("/search?sort=recent&per_page=2"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("snapshot="),
        "next-page links carry the snapshot"
    );

    // Similar incidents: API and report page, never the report itself.
    let similar = get(
        &http,
        app.url(&format!("/api/v1/reports/{}/similar", report_ids[0])),
    )
    .await;
    let similar_ids: Vec<String> = similar
        .as_array()
        .expect("array")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect();
    assert!(!similar_ids.contains(&report_ids[0]));
    assert!(
        similar_ids.contains(&report_ids[1]) || similar_ids.contains(&report_ids[2]),
        "{similar}"
    );
    let page = http
        .get(app.url(&format!("/reports/{}", report_ids[0])))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("Similar incidents"));
    let missing = http
        .get(app.url("/api/v1/reports/nope/similar"))
        .send()
        .await
        .expect("get");
    assert_eq!(missing.status(), 404);
}
both_backends!(features, search_features);

// ------------------------------------------------------------------ crash safety

struct Server {
    child: std::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cli(data_dir: &std::path::Path, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_commonplace"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

async fn start(data_dir: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_commonplace"))
        .arg("--data-dir")
        .arg(data_dir)
        .args([
            "serve",
            "--publish-interval",
            "0",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("DATABASE_URL")
        .env("COMMONPLACE_SUBMIT_PER_MINUTE", "0")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn serve");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{base}/api/v1/search")).await.is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server { child, base }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indexer_survives_sigkill_with_every_report_exactly_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let org = cli(
        data,
        &[
            "org",
            "create",
            "Acme Corp",
            "--alias",
            "Acme",
            "--domain",
            "acme.example",
        ],
        "",
    );
    let moderator = cli(
        data,
        &[
            "user",
            "add",
            "mod@example.org",
            "--role",
            "moderator",
            "--token",
        ],
        "moderator-password\n",
    );
    let http = client();
    let mut published = Vec::new();
    // Three rounds: publish a burst, SIGKILL the server right after (the indexer is then
    // between outbox read and commit, or committing), restart.
    for round in 0..3 {
        let mut server = start(data).await;
        let base = server.base.clone();
        let bursts = [12, 1, 25][round];
        for i in 0..bursts {
            let body = report_body(
                &format!("Round {round} report {i} about queue backlog"),
                "A slow consumer let the queue grow.",
                "rabbitmq",
                "missing-isolation",
                "sev3",
                "2025-Q1",
            );
            published.push(publish(&http, &base, &org, &moderator, &body).await);
        }
        server.child.kill().expect("SIGKILL");
        server.child.wait().expect("reap");
    }
    let server = start(data).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = get(
            &http,
            format!("{}/api/v1/search?per_page=50&sort=recent", server.base),
        )
        .await;
        if r["total"].as_u64() == Some(published.len() as u64) {
            let mut found = ids(&r);
            found.sort();
            let before = found.len();
            found.dedup();
            assert_eq!(found.len(), before, "a report is indexed twice");
            let mut expected = published.clone();
            expected.sort();
            assert_eq!(found, expected);
            break;
        }
        assert!(
            r["total"].as_u64() <= Some(published.len() as u64),
            "duplicates: {r}"
        );
        assert!(
            Instant::now() < deadline,
            "index did not catch up: {} of {}",
            r["total"],
            published.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(server);

    // An index written by another schema version is rebuilt from the database on start.
    let version = data.join("index").join("commonplace-schema-version");
    assert!(version.exists(), "the index records its schema version");
    std::fs::write(&version, "0").expect("write version");
    let server = start(data).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = get(
            &http,
            format!("{}/api/v1/search?per_page=50&sort=recent", server.base),
        )
        .await;
        if r["total"].as_u64() == Some(published.len() as u64) {
            let mut found = ids(&r);
            found.sort();
            let mut expected = published.clone();
            expected.sort();
            assert_eq!(found, expected, "rebuilt index");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "index was not rebuilt: {} of {}",
            r["total"],
            published.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_ne!(
        std::fs::read_to_string(&version).expect("version").trim(),
        "0",
        "the rebuilt index records the current version"
    );
}
