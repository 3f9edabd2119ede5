//! Store conformance: one suite of use-case checks, run against SQLite and PostgreSQL.

use std::sync::Arc;

use crate::both_backends;
use crate::common::*;
use commonplace::domain::{PublicReport, Submission};
use commonplace::scrub::{IdentityProfile, Scrubber};
use commonplace::store::{
    self, Actor, Digest, NewSubmission, Role, StatusChange, Store, StoreError, SubmissionStatus,
};

/// Drops the PostgreSQL test database when the test ends.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        drop_postgres_database(&self.0);
    }
}

async fn open(backend: Backend) -> Option<(Arc<dyn Store>, tempfile::TempDir, Cleanup)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("t.db").display()),
        Backend::Postgres => {
            postgres_url()?;
            fresh_postgres_database().await
        }
    };
    let store = store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store.migrate().await.expect("migrations are idempotent");
    Some((store, dir, Cleanup(url)))
}

fn new_submission(org_id: &str, profile: &IdentityProfile) -> NewSubmission {
    let raw: Submission = serde_json::from_value(fixture_submission()).expect("fixture");
    let outcome = Scrubber::bundled()
        .expect("engine")
        .scrub_submission(&raw, profile, &[]);
    NewSubmission {
        org_id: org_id.to_string(),
        status: SubmissionStatus::Submitted,
        raw,
        scrubbed: outcome.scrubbed,
        findings: outcome.findings,
    }
}

fn report(id: &str, content: Submission) -> PublicReport {
    PublicReport {
        id: id.to_string(),
        published: "2025-07".into(),
        content,
    }
}

async fn conformance(backend: Backend) {
    let Some((store, _dir, _cleanup)) = open(backend).await else {
        return;
    };

    // Organisations: unique names, profiles round-trip.
    let org = store.create_org(&acme()).await.expect("org");
    assert!(matches!(
        store.create_org(&acme()).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .org_by_name("Acme Corp")
            .await
            .expect("by name")
            .expect("exists")
            .profile,
        acme()
    );
    let mut other_profile = acme();
    other_profile.name = "Initech".into();
    let other = store.create_org(&other_profile).await.expect("org");

    // Users, tokens and sessions.
    let user = store
        .create_user(
            "Writer@Acme.example",
            "hash",
            Role::Submitter,
            Some(&org.id),
        )
        .await
        .expect("user");
    assert_eq!(user.email, "writer@acme.example");
    assert!(matches!(
        store
            .create_user("writer@acme.example", "h", Role::Admin, None)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let (found, hash) = store
        .user_by_email("WRITER@acme.example")
        .await
        .expect("by email")
        .expect("exists");
    assert_eq!(
        (found.id.as_str(), hash.as_str()),
        (user.id.as_str(), "hash")
    );
    store
        .create_token("tokhash", Some(&org.id), None, "t")
        .await
        .expect("token");
    let principal = store
        .principal_for_token("tokhash")
        .await
        .expect("lookup")
        .expect("exists");
    assert_eq!(principal.org_id.as_deref(), Some(org.id.as_str()));
    assert!(
        store
            .principal_for_token("other")
            .await
            .expect("lookup")
            .is_none()
    );
    store
        .create_session("sess", &user.id, "csrf", 2_000)
        .await
        .expect("session");
    assert_eq!(
        store
            .session("sess", 1_000)
            .await
            .expect("session")
            .expect("live")
            .1,
        "csrf"
    );
    assert!(
        store
            .session("sess", 3_000)
            .await
            .expect("session")
            .is_none(),
        "expired sessions are gone"
    );
    store.delete_session("sess").await.expect("delete");
    assert!(
        store
            .session("sess", 1_000)
            .await
            .expect("session")
            .is_none()
    );

    // Submissions: insert, transition guard, publish in one transaction with an outbox row.
    let id = store
        .insert_submission(new_submission(&org.id, &acme()))
        .await
        .expect("insert");
    let record = store.submission(&id).await.expect("load").expect("exists");
    assert!(record.raw.is_some() && record.findings.is_some());
    assert!(record.finding_counts.get("email").copied().unwrap_or(0) >= 1);
    assert!(matches!(
        store
            .move_submission(
                &id,
                &[SubmissionStatus::Draft],
                SubmissionStatus::Submitted,
                &Actor::system(),
                StatusChange::default()
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    // Publishing needs an approval first.
    assert!(matches!(
        store
            .publish(&id, &report("r0", record.scrubbed.clone()))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .submissions_with_status(SubmissionStatus::Submitted)
            .await
            .expect("queue")
            .len(),
        1
    );
    assert_eq!(store.outbox_head().await.expect("head"), 0);
    approve(&*store, &id).await;
    store
        .publish(&id, &report("r1", record.scrubbed.clone()))
        .await
        .expect("publish");
    let published = store.submission(&id).await.expect("load").expect("exists");
    assert_eq!(published.status, SubmissionStatus::Published);
    assert!(
        published.raw.is_none() && published.findings.is_none(),
        "raw text purged"
    );
    assert_eq!(published.report_id.as_deref(), Some("r1"));
    assert!(matches!(
        store
            .publish(&id, &report("r1b", record.scrubbed.clone()))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store.report("r1b").await.expect("load").is_none(),
        "a failed publish leaves nothing behind"
    );
    assert_eq!(
        store
            .report("r1")
            .await
            .expect("load")
            .expect("exists")
            .content
            .title,
        record.scrubbed.title
    );
    let outbox = store.outbox_after(0, 10).await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].report_id, "r1");
    assert!(outbox[0].report.is_some());

    // A second organisation's report: pattern cells count distinct organisations.
    let id2 = store
        .insert_submission(new_submission(&other.id, &other_profile))
        .await
        .expect("insert");
    let scrubbed2 = store
        .submission(&id2)
        .await
        .expect("load")
        .expect("exists")
        .scrubbed;
    approve(&*store, &id2).await;
    store
        .publish(&id2, &report("r2", scrubbed2.clone()))
        .await
        .expect("publish");
    let id3 = store
        .insert_submission(new_submission(&other.id, &other_profile))
        .await
        .expect("insert");
    approve(&*store, &id3).await;
    store
        .publish(&id3, &report("r3", scrubbed2))
        .await
        .expect("publish");
    let cells = store.pattern_cells().await.expect("cells");
    let cell = cells
        .iter()
        .find(|c| c.technology == "mysql" && c.factor == "replication-failover")
        .expect("cell");
    assert_eq!((cell.reports, cell.organisations), (3, 2));
    assert_eq!(store.publishing_org_count().await.expect("count"), 2);
    assert_eq!(store.report_count().await.expect("count"), 3);

    // Paging newest first.
    let first = store.reports_page(None, 2).await.expect("page");
    assert_eq!(
        first.iter().map(|(_, r)| r.id.as_str()).collect::<Vec<_>>(),
        vec!["r3", "r2"]
    );
    let rest = store.reports_page(Some(first[1].0), 2).await.expect("page");
    assert_eq!(
        rest.iter().map(|(_, r)| r.id.as_str()).collect::<Vec<_>>(),
        vec!["r1"]
    );

    // Rejection purges and records the reason.
    let id4 = store
        .insert_submission(new_submission(&org.id, &acme()))
        .await
        .expect("insert");
    store
        .move_submission(
            &id4,
            &[SubmissionStatus::Submitted, SubmissionStatus::InReview],
            SubmissionStatus::Rejected,
            &Actor {
                id: "u1".into(),
                role: "moderator".into(),
            },
            StatusChange {
                reason: Some("identifying".into()),
                purge: true,
                ..Default::default()
            },
        )
        .await
        .expect("reject");
    let log = store.audit_log(&id4).await.expect("audit");
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].from,
            log[0].to,
            log[0].actor.as_str(),
            log[0].note.as_deref()
        ),
        (
            SubmissionStatus::Submitted,
            SubmissionStatus::Rejected,
            "u1",
            Some("identifying")
        )
    );
    let rejected = store.submission(&id4).await.expect("load").expect("exists");
    assert_eq!(
        (rejected.status, rejected.reason.as_deref()),
        (SubmissionStatus::Rejected, Some("identifying"))
    );
    assert!(rejected.raw.is_none());
    assert_eq!(store.org_submissions(&org.id).await.expect("list").len(), 2);

    // Digests: unknown reports are refused, nothing half-written survives.
    let bad = Digest {
        slug: "d".into(),
        title: "D".into(),
        commentary: "c".into(),
        created_at: 1,
        report_ids: vec!["r1".into(), "nope".into()],
    };
    assert!(store.create_digest(&bad).await.is_err());
    assert!(store.digest("d").await.expect("load").is_none());
    let good = Digest {
        report_ids: vec!["r2".into(), "r1".into()],
        ..bad
    };
    store.create_digest(&good).await.expect("digest");
    assert_eq!(
        store
            .digest("d")
            .await
            .expect("load")
            .expect("exists")
            .report_ids,
        vec!["r2", "r1"]
    );
    assert!(matches!(
        store.create_digest(&good).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.digests().await.expect("list").len(), 1);
}
both_backends!(store_conformance, conformance);

/// Approves a submitted submission as the system (publication needs an approval).
async fn approve(store: &dyn Store, id: &str) {
    store
        .move_submission(
            id,
            &[SubmissionStatus::Submitted],
            SubmissionStatus::Approved,
            &Actor::system(),
            StatusChange::default(),
        )
        .await
        .expect("approve");
}
