//! The moderation workflow over real HTTP on both backends: claim, changes requested,
//! approval into a publication batch, withdrawal, retraction from every public surface, the
//! audit log; and a full flow through the real binary whose logs must hold no secrets.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::both_backends;
use crate::common::*;
use commonplace::store::SubmissionStatus;

async fn submit(app: &TestApp, token: &str) -> String {
    let response = client()
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(token)
        .json(&fixture_submission())
        .send()
        .await
        .expect("submit");
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.expect("json");
    created["id"].as_str().expect("id").to_string()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    client()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post")
}

async fn status_of(app: &TestApp, token: &str, id: &str) -> Value {
    client()
        .get(app.url(&format!("/api/v1/submissions/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json")
}

async fn workflow_states(backend: Backend) {
    // A real batch interval: approval must not publish.
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.publish_interval_secs = 3600;
        c.k_anonymity = 1;
    })
    .await
    else {
        return;
    };
    let (org_id, token) = app.org_with_token(acme()).await;
    let (_, other_token) = app
        .org_with_token(commonplace::scrub::IdentityProfile {
            name: "Globex".into(),
            ..Default::default()
        })
        .await;
    let moderator = app.moderator().await;

    // Changes requested: the submitter sees the note; a submitter cannot moderate.
    let a = submit(&app, &token).await;
    assert_eq!(
        post(
            &app,
            &token,
            &format!("/api/v1/submissions/{a}/claim"),
            json!({})
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        post(
            &app,
            &moderator,
            &format!("/api/v1/submissions/{a}/claim"),
            json!({})
        )
        .await
        .status(),
        204
    );
    assert_eq!(
        post(
            &app,
            &moderator,
            &format!("/api/v1/submissions/{a}/claim"),
            json!({})
        )
        .await
        .status(),
        409,
        "a claimed submission cannot be claimed again"
    );
    let r = post(
        &app,
        &moderator,
        &format!("/api/v1/submissions/{a}/request-changes"),
        json!({"note": "Please remove the customer name from the impact."}),
    )
    .await;
    assert_eq!(r.status(), 204);
    let mine: Value = client()
        .get(app.url("/api/v1/submissions"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let row = mine
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["id"] == a.as_str())
        .expect("own submission listed");
    assert_eq!(row["status"], "changes_requested");
    assert_eq!(
        row["reason"],
        "Please remove the customer name from the impact."
    );

    // Another organisation cannot withdraw it (and learns nothing: 404); its own can.
    assert_eq!(
        post(
            &app,
            &other_token,
            &format!("/api/v1/submissions/{a}/withdraw"),
            json!({})
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        post(
            &app,
            &token,
            &format!("/api/v1/submissions/{a}/withdraw"),
            json!({})
        )
        .await
        .status(),
        204
    );
    let withdrawn = app
        .store()
        .submission(&a)
        .await
        .expect("load")
        .expect("exists");
    assert_eq!(withdrawn.status, SubmissionStatus::Withdrawn);
    assert!(
        withdrawn.raw.is_none() && withdrawn.findings.is_none(),
        "raw text purged"
    );

    // Approval waits for the batch; the batch publishes.
    let b = submit(&app, &token).await;
    post(
        &app,
        &moderator,
        &format!("/api/v1/submissions/{b}/claim"),
        json!({}),
    )
    .await;
    let approved: Value = post(
        &app,
        &moderator,
        &format!("/api/v1/submissions/{b}/approve"),
        json!({}),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(approved["status"], "approved");
    assert!(approved["report_id"].is_null());
    assert_eq!(
        app.store().report_count().await.expect("count"),
        0,
        "not public before the batch"
    );
    let published = commonplace::publish::publish_due(&app.state)
        .await
        .expect("batch");
    assert_eq!(published.len(), 1);
    let report_id = published[0].clone();
    assert_eq!(status_of(&app, &token, &b).await["status"], "published");
    let audit: Vec<Value> = client()
        .get(app.url(&format!("/api/v1/submissions/{b}/audit")))
        .bearer_auth(&moderator)
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    let moves: Vec<(String, String)> = audit
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap_or("").into(),
                e["to"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            ("submitted".to_string(), "in_review".to_string()),
            ("in_review".into(), "approved".into()),
            ("approved".into(), "published".into()),
        ]
    );
    assert_eq!(
        client()
            .get(app.url(&format!("/api/v1/submissions/{b}/audit")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("audit")
            .status(),
        403,
        "the audit log is for moderators"
    );

    // The report is public, searchable, exported and counted; a digest cites it.
    app.wait_indexed().await;
    let digest = post(
        &app,
        &moderator,
        "/api/v1/digests",
        json!({"title": "Replication lessons", "commentary": "Read this.", "report_ids": [report_id]}),
    )
    .await;
    assert_eq!(digest.status(), 201);
    let digest: Value = digest.json().await.expect("json");
    let slug = digest["slug"].as_str().expect("slug").to_string();
    let hits = |app: &TestApp| {
        let url = app.url("/api/v1/search?q=replication");
        async move {
            let v: Value = client()
                .get(url)
                .send()
                .await
                .expect("search")
                .json()
                .await
                .expect("json");
            v["total"].as_u64().unwrap_or(0)
        }
    };
    assert_eq!(hits(&app).await, 1);

    // Retraction: gone from pages, API, search, exports, aggregates and digests.
    assert_eq!(
        post(
            &app,
            &token,
            &format!("/api/v1/reports/{report_id}/retract"),
            json!({"reason": "x"})
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        post(
            &app,
            &moderator,
            &format!("/api/v1/reports/{report_id}/retract"),
            json!({"reason": "The organisation asked for it to be taken down."})
        )
        .await
        .status(),
        204
    );
    assert_eq!(status_of(&app, &token, &b).await["status"], "retracted");
    for path in [
        format!("/api/v1/reports/{report_id}"),
        format!("/reports/{report_id}"),
    ] {
        let status = client()
            .get(app.url(&path))
            .send()
            .await
            .expect("get")
            .status();
        assert_eq!(status, 404, "{path} after retraction");
    }
    app.wait_indexed().await;
    // The same search as before the retraction: its cached result must not outlive it.
    assert_eq!(hits(&app).await, 0, "retracted reports leave the index");
    let page: Value = client()
        .get(app.url("/api/v1/reports"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert!(page["reports"].as_array().expect("reports").is_empty());
    let patterns = client()
        .get(app.url("/api/v1/patterns"))
        .send()
        .await
        .expect("patterns")
        .text()
        .await
        .expect("text");
    assert!(
        !patterns.contains("\"reports\":1"),
        "aggregates drop it: {patterns}"
    );
    let digest: Value = client()
        .get(app.url(&format!("/api/v1/digests/{slug}")))
        .send()
        .await
        .expect("digest")
        .json()
        .await
        .expect("json");
    assert!(
        !digest.to_string().contains(&report_id),
        "digests drop it: {digest}"
    );
    let _ = org_id;
}

both_backends!(workflow, workflow_states);

/// The real binary, a full flow, and its logs at debug level: no submission text, token or
/// password may appear in them.
#[test]
fn logs_hold_no_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = env!("CARGO_BIN_EXE_commonplace");
    let run = |args: &[&str], stdin: &str| -> String {
        let mut child = Command::new(bin)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env("RUST_LOG", "trace")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("stdin");
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let password = "correct-horse-battery-9137";
    let org_out = run(&["org", "create", "Acme Corp", "--alias", "Acme"], "");
    let token = org_out
        .split_whitespace()
        .find(|w| w.starts_with("cp_"))
        .expect("org token printed")
        .to_string();
    let mod_out = run(
        &[
            "user",
            "add",
            "mod@example.org",
            "--role",
            "moderator",
            "--token",
        ],
        &format!("{password}\n"),
    );
    let mod_token = mod_out
        .split_whitespace()
        .find(|w| w.starts_with("cp_"))
        .expect("moderator token printed")
        .to_string();

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut server = Command::new(bin)
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--publish-interval",
            "0",
        ])
        .env("RUST_LOG", "trace")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let stderr = server.stderr.take().expect("stderr");
    let stdout = server.stdout.take().expect("stdout");
    let collect = |r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            BufReader::new(r)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    let err_log = collect(Box::new(stderr));
    let out_log = collect(Box::new(stdout));

    let secret_sentence = "Planted-sentence-Zanzibar-4471 about the failover";
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let base = format!("http://127.0.0.1:{port}");
        let http = client();
        let mut up = false;
        for _ in 0..100 {
            if http.get(format!("{base}/")).send().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(up, "server did not start");
        let mut body = fixture_submission();
        body["narrative"] = json!(format!("{secret_sentence}. Password was hunter2-Zq9!"));
        let created: Value = http
            .post(format!("{base}/api/v1/submissions"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .expect("submit")
            .json()
            .await
            .expect("json");
        let id = created["id"].as_str().expect("id").to_string();
        let r = http
            .post(format!("{base}/api/v1/submissions/{id}/approve"))
            .bearer_auth(&mod_token)
            .send()
            .await
            .expect("approve");
        assert_eq!(r.status(), 200);
        // A failed login and a successful one, through the form.
        for pw in ["wrong-password-Qx77", password] {
            let _ = http
                .post(format!("{base}/login"))
                .form(&[("email", "mod@example.org"), ("password", pw)])
                .send()
                .await
                .expect("login");
        }
        let _ = http
            .get(format!("{base}/search?q=Zanzibar"))
            .send()
            .await
            .expect("search");
    });
    let _ = server.kill();
    let _ = server.wait();
    let logs = format!(
        "{}\n{}\n{org_out}\n",
        err_log.join().expect("stderr log"),
        out_log.join().expect("stdout log")
    );
    assert!(logs.len() > 200, "expected some logs, got {logs:?}");
    // The tokens were printed once by the CLI on purpose; the server must never log them.
    let server_logs = logs.replace(&org_out, "");
    for planted in [
        secret_sentence,
        "hunter2-Zq9!",
        password,
        "wrong-password-Qx77",
        token.as_str(),
        mod_token.as_str(),
        "db-primary",
    ] {
        assert!(
            !server_logs.contains(planted),
            "the server logs contain {planted:?}"
        );
    }
}
