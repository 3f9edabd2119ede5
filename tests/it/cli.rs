//! The command line as users run it: the real binary against a fresh data directory.

use std::io::Write;
use std::process::{Command, Stdio};

fn commonplace(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_commonplace"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL");
    cmd
}

fn run(cmd: &mut Command, stdin: &str) -> (bool, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn scrub_command_uses_the_profile_and_prints_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("profile.json");
    std::fs::write(&profile, r#"{"name": "Acme Corp", "aliases": ["Acme"], "domains": ["acme.example"], "products": ["Roadrunner"]}"#).expect("write");
    let input = "ACME's Roadrunner API on api.acme.example (10.0.0.7) paged ops@acme.example.\nMySQL 8.0.32 stayed up.\n";
    let (ok, out, err) = run(
        commonplace(dir.path())
            .args(["scrub", "--profile"])
            .arg(&profile),
        input,
    );
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "[org]'s Product A API on host-1 ([ip-1]) paged [email].\nMySQL 8.0.32 stayed up.\n"
    );
    let (ok, _, findings) = run(
        commonplace(dir.path())
            .args(["scrub", "--json", "--profile"])
            .arg(&profile),
        input,
    );
    assert!(ok);
    let kinds: Vec<String> = findings
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json line")["kind"]
                .as_str()
                .expect("kind")
                .to_string()
        })
        .collect();
    assert_eq!(kinds, vec!["org", "product", "hostname", "ip", "email"]);
}

#[test]
fn org_import_and_export_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, out, err) = run(
        commonplace(dir.path()).args([
            "org",
            "create",
            "Acme Corp",
            "--alias",
            "Acme",
            "--domain",
            "acme.example",
            "--product",
            "Roadrunner",
        ]),
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.lines().any(|l| l.starts_with("cp_")),
        "prints a token: {out}"
    );
    let (ok, _, err) = run(
        commonplace(dir.path()).args(["org", "create", "Acme Corp"]),
        "",
    );
    assert!(!ok && err.contains("exists"), "{err}");

    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/submission.json")).expect("fixture");
    let good = serde_json::to_string(&fixture).expect("json");
    let mut broken = fixture.clone();
    broken["period"] = serde_json::json!("March 2025");
    let file = dir.path().join("in.jsonl");

    // One bad line: nothing is imported, and the line is named.
    std::fs::write(
        &file,
        format!(
            "{good}\n{}\n",
            serde_json::to_string(&broken).expect("json")
        ),
    )
    .expect("write");
    let (ok, _, err) = run(
        commonplace(dir.path())
            .args(["import", "--org", "Acme Corp"])
            .arg(&file),
        "",
    );
    assert!(
        !ok && err.contains("line 2") && err.contains("period"),
        "{err}"
    );
    let (ok, out, _) = run(commonplace(dir.path()).arg("export"), "");
    assert!(ok && out.is_empty());

    std::fs::write(&file, format!("{good}\n\n{good}\n")).expect("write");
    let (ok, out, err) = run(
        commonplace(dir.path())
            .args(["import", "--publish", "--org", "Acme Corp"])
            .arg(&file),
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("2 submissions imported and published"),
        "{out}"
    );
    let (ok, out, _) = run(commonplace(dir.path()).arg("export"), "");
    assert!(ok);
    assert_eq!(out.lines().count(), 2);
    assert!(!out.to_lowercase().contains("acme"));

    let (ok, out, err) = run(commonplace(dir.path()).arg("reindex"), "");
    assert!(ok, "{err}");
    assert!(out.contains("reindexed 2 reports"), "{out}");

    let (ok, _, err) = run(
        commonplace(dir.path()).args(["user", "add", "mod@example.org", "--role", "moderator"]),
        "short\n",
    );
    assert!(!ok && err.contains("12 characters"), "{err}");
    let (ok, out, err) = run(
        commonplace(dir.path()).args(["user", "add", "mod@example.org", "--role", "moderator"]),
        "a long enough password\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("added mod@example.org as moderator"));
}

#[test]
fn markdown_import_stores_drafts_and_prints_notes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, _, err) = run(
        commonplace(dir.path()).args(["org", "create", "Larkspur Goods"]),
        "",
    );
    assert!(ok, "{err}");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown");

    // A document without lessons cannot be stored; nothing is.
    let (ok, _, err) = run(
        commonplace(dir.path())
            .args(["import", "--org", "Larkspur Goods", "--markdown"])
            .arg(fixtures.join("sre-template.md"))
            .arg(fixtures.join("github-issue.md")),
        "",
    );
    assert!(
        !ok && err.contains("github-issue.md: lessons") && err.contains("nothing was imported"),
        "{err}"
    );

    let (ok, out, err) = run(
        commonplace(dir.path())
            .args(["import", "--org", "Larkspur Goods", "--markdown"])
            .arg(fixtures.join("sre-template.md"))
            .arg(fixtures.join("odd-headings.md")),
        "",
    );
    assert!(ok, "{err}");
    assert_eq!(out.matches(": draft sub_").count(), 2, "{out}");
    assert!(out.contains("  severity (guessed):"), "{out}");
    assert!(out.contains("  context (defaulted):"), "{out}");
}
