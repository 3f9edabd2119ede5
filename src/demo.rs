//! The bundled demo corpus (`demo/corpus.json`): fictional organisations and postmortems,
//! loaded through the real intake, scrub and publish stages so the demo shows real output.

use serde::Deserialize;

use crate::auth;
use crate::domain::Submission;
use crate::scrub::IdentityProfile;
use crate::state::AppState;
use crate::store::{Role, SubmissionStatus};

const CORPUS: &str = include_str!("../demo/corpus.json");

#[derive(Deserialize)]
struct Corpus {
    orgs: Vec<DemoOrg>,
}

#[derive(Deserialize)]
struct DemoOrg {
    profile: IdentityProfile,
    submissions: Vec<Submission>,
}

/// What the demo created, for printing once at start-up.
pub struct DemoAccounts {
    pub moderator_email: String,
    pub moderator_password: String,
    pub submitter_email: String,
    pub submitter_password: String,
    pub org_name: String,
    pub org_token: String,
    pub published: usize,
}

/// Number of organisations and submissions in the bundled corpus.
pub fn corpus_size() -> anyhow::Result<(usize, usize)> {
    let corpus: Corpus = serde_json::from_str(CORPUS)?;
    Ok((
        corpus.orgs.len(),
        corpus.orgs.iter().map(|o| o.submissions.len()).sum(),
    ))
}

/// Loads the corpus unless it is already there. Returns `None` when it was loaded before.
pub async fn load(state: &AppState) -> anyhow::Result<Option<DemoAccounts>> {
    let corpus: Corpus = serde_json::from_str(CORPUS)?;
    let Some(first) = corpus.orgs.first() else {
        return Ok(None);
    };
    if state
        .store
        .org_by_name(&first.profile.name)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let progress =
        indicatif::ProgressBar::new(corpus.orgs.iter().map(|o| o.submissions.len() as u64).sum());
    progress.set_message("loading demo corpus");
    let mut published = 0;
    let mut first_org_id = String::new();
    for org in &corpus.orgs {
        let record = state.store.create_org(&org.profile).await?;
        if first_org_id.is_empty() {
            first_org_id = record.id.clone();
        }
        for sub in &org.submissions {
            let view =
                crate::intake::submit(state, &record.id, sub.clone(), SubmissionStatus::Submitted)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo submission `{}`: {e:?}", sub.title))?;
            crate::publish::publish_now(state, &view.id)
                .await
                .map_err(|e| anyhow::anyhow!("publishing demo `{}`: {e}", sub.title))?;
            published += 1;
            progress.inc(1);
        }
    }
    progress.finish_and_clear();

    let moderator_password = auth::random_token(12);
    let moderator_email = "moderator@demo.invalid".to_string();
    state
        .store
        .create_user(
            &moderator_email,
            &auth::hash_password(moderator_password.clone()).await?,
            Role::Moderator,
            None,
        )
        .await?;
    let submitter_password = auth::random_token(12);
    let submitter_email = "submitter@demo.invalid".to_string();
    state
        .store
        .create_user(
            &submitter_email,
            &auth::hash_password(submitter_password.clone()).await?,
            Role::Submitter,
            Some(&first_org_id),
        )
        .await?;
    let (org_token, hash) = auth::new_api_token();
    state
        .store
        .create_token(&hash, Some(&first_org_id), None, "demo")
        .await?;

    let replication: Vec<String> = {
        let query = crate::search::SearchQuery {
            text: String::new(),
            factors: vec!["replication-failover".into()],
            limit: 5,
            ..Default::default()
        };
        let head = state.store.outbox_head().await?;
        state.indexer.notify();
        state
            .indexer
            .wait_for(head, std::time::Duration::from_secs(30))
            .await;
        state
            .index
            .search(query)
            .await?
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    if !replication.is_empty() {
        crate::digest::create(
            state.store.as_ref(),
            "Database failover: what other teams learned".into(),
            "Failover is the safety net most teams test least. These reports show how **replica promotion**, \
             lagging replicas and client connection handling turned a routine failover into an outage.\n\n\
             Common threads:\n\n- promotion happened while replicas were behind\n- clients cached the old primary\n\
             - nobody had rehearsed the procedure recently"
                .into(),
            replication,
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo digest: {e}"))?;
    }
    Ok(Some(DemoAccounts {
        moderator_email,
        moderator_password,
        submitter_email,
        submitter_password,
        org_name: first.profile.name.clone(),
        org_token,
        published,
    }))
}
