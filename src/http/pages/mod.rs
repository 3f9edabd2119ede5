//! Server-rendered pages (askama templates in `web/templates`); every page works without
//! JavaScript. Forms carry a per-session CSRF token; state changes are role-checked.

mod account;
mod form;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Json, Redirect, Response};
use axum::routing::{get, post};

use self::form::{Choices, SubmissionForm, first, pairs};
use super::api::SearchParams;
use super::error::PageError;
use super::extract::{Session, user_actor};
use crate::auth::{self, SESSION_COOKIE, SESSION_SECONDS};
use crate::digest;
use crate::domain::{FieldError, PublicReport, Taxonomy, enum_str};
use crate::error::AppError;
use crate::intake;
use crate::intake::markdown::DraftNote;
use crate::patterns::{self, Distribution, PatternMatrix, PatternProfile, ScopeQuery};
use crate::scrub::Finding;
use crate::search::{FacetCount, Hit, SearchResults};
use crate::state::AppState;
use crate::store::{Digest, SubmissionRecord, SubmissionStatus, SubmissionSummary};

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/style.css", get(stylesheet))
        .route("/search", get(search_page))
        .route("/reports/{id}", get(report_page))
        .route("/submit", get(submit_form).post(submit_post))
        .route("/submit/markdown", post(submit_markdown_post))
        .route("/submissions/{id}", get(preview_page))
        .route("/submissions/{id}/revise", post(revise_post))
        .route("/submissions/{id}/confirm", post(confirm_post))
        .route("/submissions/{id}/withdraw", post(withdraw_post))
        .route("/my/submissions", get(my_submissions))
        .route("/login", get(login_form).post(login_post))
        .route("/logout", post(logout_post))
        .route("/moderation", get(moderation_queue))
        .route("/moderation/{id}", get(moderation_detail))
        .route("/moderation/{id}/{action}", post(moderation_action))
        .route("/patterns", get(patterns_page))
        .route("/digests", get(digests_page).post(digest_create))
        .route("/digests/new", get(digest_form))
        .route("/digests/{slug}", get(digest_page))
        .route("/digests.atom", get(digests_atom))
        .route("/reports.atom", get(reports_atom))
        .merge(account::routes())
        .fallback(not_found)
}

async fn not_found() -> PageError {
    PageError(AppError::NotFound)
}

/// What every page's header needs: who is signed in and the CSRF token for forms.
pub struct Chrome {
    pub current: &'static str,
    pub user_email: Option<String>,
    pub is_moderator: bool,
    pub is_submitter: bool,
    pub csrf: String,
}

impl Chrome {
    fn new(session: &Session, current: &'static str) -> Chrome {
        Chrome {
            current,
            user_email: session.user.as_ref().map(|u| u.email.clone()),
            is_moderator: session.user.as_ref().is_some_and(|u| u.role.can_moderate()),
            is_submitter: session.user.as_ref().is_some_and(|u| u.org_id.is_some()),
            csrf: session.csrf.clone(),
        }
    }

    fn anonymous() -> Chrome {
        Chrome {
            current: "",
            user_email: None,
            is_moderator: false,
            is_submitter: false,
            csrf: String::new(),
        }
    }
}

fn render(t: &impl Template) -> PageResult {
    let html = t
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(Html(html).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    reason: &'a str,
    message: &'a str,
}

pub fn error_page(status: StatusCode, message: &str) -> String {
    ErrorPage {
        chrome: Chrome::anonymous(),
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("Error"),
        message,
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../../web/static/style.css"),
    )
        .into_response()
}

// ---------------------------------------------------------------- public pages

/// A report as listed on a page.
pub struct ReportCard {
    pub id: String,
    pub title: String,
    pub period: String,
    pub severity: String,
    pub kind: String,
    pub technologies: Vec<(String, String)>,
}

impl ReportCard {
    fn from_report(r: &PublicReport) -> ReportCard {
        let t = Taxonomy::bundled();
        ReportCard {
            id: r.id.clone(),
            title: r.content.title.clone(),
            period: r.content.period.clone(),
            severity: enum_str(&r.content.severity),
            kind: enum_str(&r.content.kind),
            technologies: r
                .content
                .technologies
                .iter()
                .map(|x| (x.id.clone(), t.technology_label(&x.id).to_string()))
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    recent: Vec<ReportCard>,
    report_count: i64,
}

async fn home(State(state): State<AppState>, session: Session) -> PageResult {
    let recent = state.store.reports_page(None, 8).await?;
    render(&HomePage {
        chrome: Chrome::new(&session, "home"),
        recent: recent
            .iter()
            .map(|(_, r)| ReportCard::from_report(r))
            .collect(),
        report_count: state.store.report_count().await?,
    })
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    link: SearchLink,
    q: String,
    technology: String,
    factor: String,
    severity: String,
    kind: String,
    sort: String,
    from: String,
    to: String,
    results: Option<SearchResults>,
    error: Option<String>,
    page: usize,
    pages: usize,
    tech_links: Vec<FacetLink>,
    factor_links: Vec<FacetLink>,
    severity_links: Vec<FacetLink>,
    kind_links: Vec<FacetLink>,
}

/// A facet value with the URL that toggles it.
pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub active: bool,
    pub href: String,
}

/// The state of a search, for building links that change one part of it.
#[derive(Clone, Default)]
struct SearchLink {
    q: String,
    technology: String,
    factor: String,
    severity: String,
    kind: String,
    sort: String,
    from: String,
    to: String,
    snapshot: Option<i64>,
    page: usize,
}

impl SearchLink {
    fn href(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("technology", &self.technology),
            ("factor", &self.factor),
            ("severity", &self.severity),
            ("kind", &self.kind),
            ("sort", &self.sort),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        if self.page > 1 {
            if let Some(snapshot) = self.snapshot {
                s.append_pair("snapshot", &snapshot.to_string());
            }
            s.append_pair("page", &self.page.to_string());
        }
        format!("/search?{}", s.finish())
    }

    /// The first page with one change applied (a new filter starts a new snapshot).
    fn with(&self, change: impl FnOnce(&mut SearchLink)) -> String {
        let mut next = self.clone();
        next.page = 1;
        next.snapshot = None;
        change(&mut next);
        next.href()
    }
}

fn toggle(list: &str, id: &str) -> String {
    let mut items: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(pos) = items.iter().position(|x| *x == id) {
        items.remove(pos);
    } else {
        items.push(id);
    }
    items.join(",")
}

async fn search_page(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<SearchParams>,
) -> PageResult {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let link = SearchLink {
        q: s(&params.q),
        technology: s(&params.technology),
        factor: s(&params.factor),
        severity: s(&params.severity),
        kind: s(&params.kind),
        sort: s(&params.sort),
        from: s(&params.from),
        to: s(&params.to),
        snapshot: params.snapshot,
        page: params.page.unwrap_or(1).max(1),
    };
    let mut page = SearchPage {
        chrome: Chrome::new(&session, "search"),
        q: link.q.clone(),
        technology: link.technology.clone(),
        factor: link.factor.clone(),
        severity: link.severity.clone(),
        kind: link.kind.clone(),
        sort: link.sort.clone(),
        from: link.from.clone(),
        to: link.to.clone(),
        link,
        results: None,
        error: None,
        page: params.page.unwrap_or(1).max(1),
        pages: 0,
        tech_links: Vec::new(),
        factor_links: Vec::new(),
        severity_links: Vec::new(),
        kind_links: Vec::new(),
    };
    match params.to_query() {
        Err(AppError::InvalidQuery(errors)) => {
            page.error = Some(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        Err(e) => return Err(e.into()),
        Ok(query) => {
            let per_page = query.limit;
            let results = state.index.search(query).await?;
            page.pages = results.total.div_ceil(per_page);
            page.link.snapshot = Some(results.snapshot);
            let link = &page.link;
            let facet = |counts: &[FacetCount],
                         current: &str,
                         multi: bool,
                         set: &dyn Fn(&mut SearchLink, String)|
             -> Vec<FacetLink> {
                counts
                    .iter()
                    .take(15)
                    .map(|c| {
                        let value = if multi {
                            toggle(current, &c.id)
                        } else if current == c.id {
                            String::new()
                        } else {
                            c.id.clone()
                        };
                        FacetLink {
                            label: c.label.clone(),
                            count: c.count,
                            active: current.split(',').any(|x| x.trim() == c.id),
                            href: link.with(|l| set(l, value)),
                        }
                    })
                    .collect()
            };
            page.tech_links = facet(&results.technologies, &link.technology, true, &|l, v| {
                l.technology = v
            });
            page.factor_links = facet(&results.factors, &link.factor, true, &|l, v| l.factor = v);
            page.severity_links = facet(&results.severities, &link.severity, false, &|l, v| {
                l.severity = v
            });
            page.kind_links = facet(&results.kinds, &link.kind, false, &|l, v| l.kind = v);
            page.results = Some(results);
        }
    }
    render(&page)
}

impl SearchPage {
    fn page_href(&self, page: usize) -> String {
        let mut l = self.link.clone();
        l.page = page;
        l.href()
    }
    fn clear_href(&self) -> String {
        self.link.with(|l| {
            l.technology.clear();
            l.factor.clear();
            l.severity.clear();
            l.kind.clear();
            l.from.clear();
            l.to.clear();
        })
    }
    fn filtered(&self) -> bool {
        !(self.technology.is_empty()
            && self.factor.is_empty()
            && self.severity.is_empty()
            && self.kind.is_empty()
            && self.from.is_empty()
            && self.to.is_empty())
    }
}

/// A labelled fact on a report page.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    report: PublicReport,
    facts: Vec<Fact>,
    technologies: Vec<(String, String, Option<String>)>,
    factors: Vec<(String, String, String, String)>,
    summary_html: String,
    narrative_html: String,
    impact_html: String,
    detection_html: String,
    trigger_html: String,
    mitigation_html: String,
    went_well_html: String,
    lessons_html: String,
    similar: Vec<Hit>,
}

async fn report_page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> PageResult {
    let report = state.store.report(&id).await?.ok_or(AppError::NotFound)?;
    // Similar incidents are a courtesy: a busy or failing index leaves the list empty.
    let similar = state.index.similar(&id, 5).await.unwrap_or_default();
    let t = Taxonomy::bundled();
    let ch = Choices::new();
    let c = &report.content;
    let facts = vec![
        Fact {
            label: "Period",
            value: c.period.clone(),
        },
        Fact {
            label: "Severity",
            value: Choices::label(&ch.severities, &enum_str(&c.severity)).to_string(),
        },
        Fact {
            label: "Kind",
            value: Choices::label(&ch.kinds, &enum_str(&c.kind)).to_string(),
        },
        Fact {
            label: "Duration",
            value: Choices::label(&ch.durations, &enum_str(&c.duration)).to_string(),
        },
        Fact {
            label: "Detected by",
            value: Choices::label(&ch.detection, &enum_str(&c.detection.method)).to_string(),
        },
        Fact {
            label: "Time to detect",
            value: Choices::label(&ch.durations, &enum_str(&c.detection.time_to_detect))
                .to_string(),
        },
        Fact {
            label: "Trigger",
            value: Choices::label(&ch.changes, &enum_str(&c.trigger.change_type)).to_string(),
        },
        Fact {
            label: "Impact",
            value: c
                .impact
                .types
                .iter()
                .map(|i| Choices::label(&ch.impacts, &enum_str(i)).to_string())
                .collect::<Vec<_>>()
                .join(", "),
        },
        Fact {
            label: "Customer visible",
            value: if c.impact.customer_visible {
                "Yes"
            } else {
                "No"
            }
            .to_string(),
        },
        Fact {
            label: "Sector",
            value: Choices::label(&ch.sectors, &enum_str(&c.context.sector)).to_string(),
        },
        Fact {
            label: "Organisation size",
            value: Choices::label(&ch.sizes, &enum_str(&c.context.size_band)).to_string(),
        },
    ];
    let md = digest::render_markdown;
    render(&ReportPage {
        chrome: Chrome::new(&session, "search"),
        technologies: c
            .technologies
            .iter()
            .map(|x| {
                (
                    x.id.clone(),
                    t.technology_label(&x.id).to_string(),
                    x.version.clone(),
                )
            })
            .collect(),
        factors: c
            .contributing_factors
            .iter()
            .map(|f| {
                (
                    f.id.clone(),
                    t.factor_label(&f.id).to_string(),
                    md(&f.description),
                    md(&f.decision_context),
                )
            })
            .collect(),
        summary_html: md(&c.summary),
        narrative_html: md(&c.narrative),
        impact_html: md(&c.impact.description),
        detection_html: md(&c.detection.notes),
        trigger_html: md(&c.trigger.description),
        mitigation_html: md(&c.mitigation),
        went_well_html: md(&c.what_went_well),
        lessons_html: md(&c.lessons),
        facts,
        similar,
        report: report.clone(),
    })
}

// ---------------------------------------------------------------- submitting

#[derive(Template)]
#[template(path = "submit.html")]
struct SubmitPage {
    chrome: Chrome,
    form: SubmissionForm,
    errors: Vec<FieldError>,
    choices: Choices,
    /// The Markdown document the form was filled in from, kept for another try.
    markdown: String,
    /// What the submitter must check in a form filled in from Markdown.
    notes: Vec<DraftNote>,
}

async fn submit_form(session: Session) -> PageResult {
    session.require_org()?;
    render(&SubmitPage {
        chrome: Chrome::new(&session, "submit"),
        form: SubmissionForm {
            period: String::new(),
            ..Default::default()
        },
        errors: Vec::new(),
        choices: Choices::new(),
        markdown: String::new(),
        notes: Vec::new(),
    })
}

/// Fills the submit form in from a pasted Markdown postmortem. Nothing is stored: the
/// submitter checks the form, guided by the notes, and previews it as usual.
async fn submit_markdown_post(session: Session, body: Bytes) -> PageResult {
    session.require_org()?;
    let p = pairs(&body);
    session.check_csrf(&first(&p, "csrf"))?;
    let markdown = first(&p, "markdown");
    let (form, notes, errors) = match intake::markdown::draft_from_markdown(&markdown) {
        Ok(draft) => (
            SubmissionForm::from_submission(&draft.draft),
            draft.notes,
            Vec::new(),
        ),
        Err(e) => (
            SubmissionForm::default(),
            Vec::new(),
            vec![FieldError::new("markdown", e.to_string())],
        ),
    };
    let failed = !errors.is_empty();
    let mut response = render(&SubmitPage {
        chrome: Chrome::new(&session, "submit"),
        form,
        errors,
        choices: Choices::new(),
        markdown,
        notes,
    })?;
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

async fn submit_post(State(state): State<AppState>, session: Session, body: Bytes) -> PageResult {
    let org_id = session.require_org()?.to_string();
    let form = SubmissionForm::from_pairs(&pairs(&body));
    session.check_csrf(&form.csrf)?;
    let result = match form.to_submission() {
        Ok(sub) => intake::submit(&state, &org_id, sub, SubmissionStatus::Draft).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(view) => Ok(Redirect::to(&format!("/submissions/{}", view.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut response = render(&SubmitPage {
                chrome: Chrome::new(&session, "submit"),
                form,
                errors,
                choices: Choices::new(),
                markdown: String::new(),
                notes: Vec::new(),
            })?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

/// One scrubbed field with its redactions marked, for the preview and moderation pages.
pub struct MarkedField {
    pub label: String,
    pub html: String,
}

/// Escapes a scrubbed field and wraps each placeholder in a `<mark>` naming its kind and rule.
fn mark(text: &str, findings: &[&Finding]) -> String {
    let esc = |s: &str| {
        askama::filters::escape(s, askama::filters::Html)
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let mut out = String::new();
    let mut cursor = 0;
    let mut spans: Vec<&&Finding> = findings.iter().collect();
    spans.sort_by_key(|f| f.start);
    for f in spans {
        if f.start < cursor
            || f.end > text.len()
            || !text.is_char_boundary(f.start)
            || !text.is_char_boundary(f.end)
        {
            continue;
        }
        out.push_str(&esc(&text[cursor..f.start]));
        out.push_str(&format!(
            "<mark class=\"redaction kind-{}\" title=\"{} ({})\">{}</mark>",
            esc(&f.kind),
            esc(&f.kind),
            esc(&f.rule),
            esc(&text[f.start..f.end])
        ));
        cursor = f.end;
    }
    out.push_str(&esc(&text[cursor..]));
    out
}

fn marked_fields(record: &SubmissionRecord) -> Vec<MarkedField> {
    let findings = record.findings.clone().unwrap_or_default();
    let c = &record.scrubbed;
    let mut fields: Vec<(String, String, &str)> = vec![
        ("title".into(), "Title".into(), c.title.as_str()),
        ("summary".into(), "Summary".into(), &c.summary),
        ("narrative".into(), "Narrative".into(), &c.narrative),
        (
            "impact.description".into(),
            "Impact".into(),
            &c.impact.description,
        ),
        (
            "detection.notes".into(),
            "Detection".into(),
            &c.detection.notes,
        ),
        (
            "trigger.description".into(),
            "Trigger".into(),
            &c.trigger.description,
        ),
    ];
    for (i, f) in c.contributing_factors.iter().enumerate() {
        fields.push((
            format!("contributing_factors[{i}].description"),
            format!("Factor: {}", f.id),
            &f.description,
        ));
    }
    for (i, t) in c.timeline.iter().enumerate() {
        fields.push((
            format!("timeline[{i}].event"),
            format!("Timeline {}", t.offset),
            &t.event,
        ));
    }
    fields.push(("mitigation".into(), "Mitigation".into(), &c.mitigation));
    fields.push((
        "what_went_well".into(),
        "What went well".into(),
        &c.what_went_well,
    ));
    fields.push(("lessons".into(), "Lessons".into(), &c.lessons));
    for (i, a) in c.action_items.iter().enumerate() {
        fields.push((
            format!("action_items[{i}].description"),
            format!("Action ({})", enum_str(&a.category)),
            &a.description,
        ));
    }
    fields
        .into_iter()
        .filter(|(_, _, text)| !text.is_empty())
        .map(|(path, label, text)| {
            let here: Vec<&Finding> = findings.iter().filter(|f| f.field == path).collect();
            MarkedField {
                label,
                html: mark(text, &here),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "preview.html")]
struct PreviewPage {
    chrome: Chrome,
    record: SubmissionRecord,
    fields: Vec<MarkedField>,
    findings: Vec<Finding>,
    audit: Vec<AuditRow>,
    moderating: bool,
}

/// An audit-log row ready to show.
struct AuditRow {
    at: String,
    actor: String,
    actor_role: String,
    from: &'static str,
    to: &'static str,
    note: Option<String>,
}

fn audit_rows(entries: Vec<crate::store::AuditEntry>) -> Vec<AuditRow> {
    entries
        .into_iter()
        .map(|a| AuditRow {
            at: chrono::DateTime::from_timestamp(a.at, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            actor: a.actor,
            actor_role: a.actor_role,
            from: a.from.as_str(),
            to: a.to.as_str(),
            note: a.note,
        })
        .collect()
}

async fn preview_page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> PageResult {
    let org_id = session.require_org()?;
    let record = intake::owned(&state, org_id, &id).await?;
    render(&PreviewPage {
        chrome: Chrome::new(&session, "submit"),
        fields: marked_fields(&record),
        findings: record.findings.clone().unwrap_or_default(),
        audit: Vec::new(),
        record,
        moderating: false,
    })
}

async fn revise_post(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let org_id = session.require_org()?.to_string();
    let p = pairs(&body);
    session.check_csrf(&first(&p, "csrf"))?;
    let add: Vec<String> = first(&p, "add_terms").lines().map(str::to_string).collect();
    let keep = form::all(&p, "keep");
    intake::revise(&state, &org_id, &id, add, keep).await?;
    Ok(Redirect::to(&format!("/submissions/{id}")).into_response())
}

async fn confirm_post(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let org_id = session.require_org()?.to_string();
    session.check_csrf(&first(&pairs(&body), "csrf"))?;
    let actor = user_actor(session.require_user()?);
    intake::confirm(&state, &org_id, &id, &actor).await?;
    Ok(Redirect::to("/my/submissions").into_response())
}

async fn withdraw_post(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let org_id = session.require_org()?.to_string();
    session.check_csrf(&first(&pairs(&body), "csrf"))?;
    let actor = user_actor(session.require_user()?);
    crate::publish::withdraw(&state, &org_id, &id, &actor).await?;
    Ok(Redirect::to("/my/submissions").into_response())
}

#[derive(Template)]
#[template(path = "submissions.html")]
struct SubmissionsPage {
    chrome: Chrome,
    heading: &'static str,
    rows: Vec<SubmissionSummary>,
    link_prefix: &'static str,
}

async fn my_submissions(State(state): State<AppState>, session: Session) -> PageResult {
    let org_id = session.require_org()?;
    render(&SubmissionsPage {
        chrome: Chrome::new(&session, "mine"),
        heading: "Your organisation's submissions",
        rows: state.store.org_submissions(org_id).await?,
        link_prefix: "/submissions/",
    })
}

// ---------------------------------------------------------------- sessions

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
}

async fn login_form(session: Session) -> PageResult {
    render(&LoginPage {
        chrome: Chrome::new(&session, "login"),
        email: String::new(),
        error: None,
    })
}

async fn login_post(State(state): State<AppState>, session: Session, body: Bytes) -> PageResult {
    let p = pairs(&body);
    let email = first(&p, "email");
    let password = first(&p, "password");
    // A NUL byte cannot be in a stored email (and PostgreSQL refuses it): an unknown user.
    let found = if email.contains('\0') {
        None
    } else {
        state.store.user_by_email(&email).await?
    };
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), Some(h)),
        None => (None, None),
    };
    let ok = auth::verify_password(password, hash).await?;
    let Some(user) = user.filter(|_| ok) else {
        let mut response = render(&LoginPage {
            chrome: Chrome::new(&session, "login"),
            email,
            error: Some("Wrong email or password.".into()),
        })?;
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    };
    // A fresh session id at every login (no fixation); the old one is dropped.
    if let Some(old) = &session.id_hash {
        state.store.delete_session(old).await?;
    }
    let session_id = auth::random_token(32);
    let csrf = auth::random_token(32);
    state
        .store
        .create_session(
            &auth::hash_secret(&session_id),
            &user.id,
            &csrf,
            crate::store::now() + SESSION_SECONDS,
        )
        .await?;
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECONDS}{secure}"
    );
    let target = if user.role.can_moderate() {
        "/moderation"
    } else {
        "/my/submissions"
    };
    let mut response = Redirect::to(target).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(response)
}

async fn logout_post(State(state): State<AppState>, session: Session, body: Bytes) -> PageResult {
    session.check_csrf(&first(&pairs(&body), "csrf"))?;
    if let Some(id) = &session.id_hash {
        state.store.delete_session(id).await?;
    }
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}");
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(response)
}

// ---------------------------------------------------------------- moderation

async fn moderation_queue(State(state): State<AppState>, session: Session) -> PageResult {
    session.require_moderator()?;
    render(&SubmissionsPage {
        chrome: Chrome::new(&session, "moderation"),
        heading: "Moderation queue",
        rows: crate::publish::queue(&state).await?,
        link_prefix: "/moderation/",
    })
}

async fn moderation_detail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> PageResult {
    session.require_moderator()?;
    let record = state
        .store
        .submission(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    render(&PreviewPage {
        chrome: Chrome::new(&session, "moderation"),
        fields: marked_fields(&record),
        findings: record.findings.clone().unwrap_or_default(),
        audit: audit_rows(state.store.audit_log(&record.id).await?),
        record,
        moderating: true,
    })
}

/// One moderation decision from the review page: claim, approve, request changes, reject,
/// or retract a published report.
async fn moderation_action(
    State(state): State<AppState>,
    session: Session,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let actor = user_actor(session.require_moderator()?);
    let p = pairs(&body);
    session.check_csrf(&first(&p, "csrf"))?;
    let note = first(&p, "note");
    match action.as_str() {
        "claim" => crate::publish::claim(&state, &id, &actor).await?,
        "approve" | "publish" => {
            if let Some(report_id) = crate::publish::approve(&state, &id, &actor).await? {
                return Ok(Redirect::to(&format!("/reports/{report_id}")).into_response());
            }
        }
        "request-changes" => crate::publish::request_changes(&state, &id, &actor, &note).await?,
        "reject" => {
            let reason = first(&p, "reason");
            crate::publish::reject(&state, &id, &actor, &reason).await?
        }
        "retract" => {
            let record = state
                .store
                .submission(&id)
                .await?
                .ok_or(AppError::NotFound)?;
            let report_id = record.report_id.ok_or(AppError::Conflict(
                "only a published report can be retracted".into(),
            ))?;
            crate::publish::retract(&state, &report_id, &actor, &note).await?
        }
        _ => return Err(AppError::NotFound.into()),
    }
    Ok(Redirect::to(&format!("/moderation/{id}")).into_response())
}

// ---------------------------------------------------------------- patterns and digests

#[derive(Template)]
#[template(path = "patterns.html")]
struct PatternsPage {
    chrome: Chrome,
    matrix: PatternMatrix,
    report_count: i64,
    profile: PatternProfile,
    /// (id, label) of every technology and factor, for the scope form.
    technologies: Vec<(String, String)>,
    factors: Vec<(String, String)>,
    choices: Choices,
}

impl PatternsPage {
    /// Tint step 1–5 of a shown cell, for the heat-map without inline styles.
    fn level(&self, count: i64) -> i64 {
        let max = self.matrix.max_count().max(1);
        ((count * 5 + max - 1) / max).clamp(1, 5)
    }

    fn fact_title(&self, fact: &str) -> &'static str {
        match fact {
            "detection_method" => "How they were detected",
            "time_to_detect" => "How long until someone noticed",
            "duration" => "How long they lasted",
            "change_type" => "What triggered them",
            "severity" => "Severity",
            "year" => "When they happened",
            _ => "Other",
        }
    }

    fn value_label<'a>(&'a self, fact: &str, value: &'a str) -> &'a str {
        let c = &self.choices;
        match fact {
            "detection_method" => Choices::label(&c.detection, value),
            "time_to_detect" | "duration" => Choices::label(&c.durations, value),
            "change_type" => Choices::label(&c.changes, value),
            "severity" => Choices::label(&c.severities, value),
            _ => value,
        }
    }

    fn largest(&self, d: &Distribution) -> i64 {
        d.cells.iter().map(|c| c.reports).max().unwrap_or(1)
    }

    fn scope_label(&self) -> String {
        let taxonomy = Taxonomy::bundled();
        match (&self.profile.technology, &self.profile.factor) {
            (Some(t), Some(f)) => format!(
                "{} incidents with {}",
                taxonomy.technology_label(t),
                taxonomy.factor_label(f).to_lowercase()
            ),
            (Some(t), None) => format!("{} incidents", taxonomy.technology_label(t)),
            (None, Some(f)) => {
                format!("Incidents with {}", taxonomy.factor_label(f).to_lowercase())
            }
            (None, None) => "All incidents".to_string(),
        }
    }
}

async fn patterns_page(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ScopeQuery>,
) -> PageResult {
    let taxonomy = Taxonomy::bundled();
    let scope = patterns::resolve_scope(&query, taxonomy).map_err(AppError::InvalidQuery)?;
    let k = state.config.k_anonymity;
    let by_label = |mut choices: Vec<(String, String)>| {
        choices.sort_by_cached_key(|(_, label)| label.to_lowercase());
        choices
    };
    let technologies = by_label(
        taxonomy
            .technologies
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect(),
    );
    let factors = by_label(
        taxonomy
            .factors
            .iter()
            .map(|f| (f.id.clone(), f.label.clone()))
            .collect(),
    );
    render(&PatternsPage {
        chrome: Chrome::new(&session, "patterns"),
        matrix: state.patterns.matrix(state.store.as_ref(), k).await?,
        report_count: state.store.report_count().await?,
        profile: state
            .patterns
            .profile(state.store.as_ref(), k, &scope)
            .await?,
        technologies,
        factors,
        choices: Choices::new(),
    })
}

#[derive(Template)]
#[template(path = "digests.html")]
struct DigestsPage {
    chrome: Chrome,
    digests: Vec<Digest>,
}

async fn digests_page(State(state): State<AppState>, session: Session) -> PageResult {
    render(&DigestsPage {
        chrome: Chrome::new(&session, "digests"),
        digests: state.store.digests().await?,
    })
}

#[derive(Template)]
#[template(path = "digest_new.html")]
struct DigestFormPage {
    chrome: Chrome,
    recent: Vec<ReportCard>,
    title: String,
    commentary: String,
    selected: Vec<String>,
    errors: Vec<FieldError>,
}

async fn digest_form(State(state): State<AppState>, session: Session) -> PageResult {
    session.require_moderator()?;
    let recent = state.store.reports_page(None, 100).await?;
    render(&DigestFormPage {
        chrome: Chrome::new(&session, "digests"),
        recent: recent
            .iter()
            .map(|(_, r)| ReportCard::from_report(r))
            .collect(),
        title: String::new(),
        commentary: String::new(),
        selected: Vec::new(),
        errors: Vec::new(),
    })
}

async fn digest_create(State(state): State<AppState>, session: Session, body: Bytes) -> PageResult {
    session.require_moderator()?;
    let p = pairs(&body);
    session.check_csrf(&first(&p, "csrf"))?;
    let (title, commentary, selected) = (
        first(&p, "title"),
        first(&p, "commentary"),
        form::all(&p, "report"),
    );
    match digest::create(
        state.store.as_ref(),
        title.clone(),
        commentary.clone(),
        selected.clone(),
        None,
    )
    .await
    {
        Ok(d) => Ok(Redirect::to(&format!("/digests/{}", d.slug)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let recent = state.store.reports_page(None, 100).await?;
            let mut response = render(&DigestFormPage {
                chrome: Chrome::new(&session, "digests"),
                recent: recent
                    .iter()
                    .map(|(_, r)| ReportCard::from_report(r))
                    .collect(),
                title,
                commentary,
                selected,
                errors,
            })?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "digest.html")]
struct DigestPage {
    chrome: Chrome,
    digest: Digest,
    commentary_html: String,
    reports: Vec<ReportCard>,
}

async fn digest_page(
    State(state): State<AppState>,
    session: Session,
    Path(segment): Path<String>,
) -> PageResult {
    let (slug, format) = digest::Format::split(&segment);
    let base = &state.config.public_url;
    let load = || digest::load(state.store.as_ref(), slug);
    match format {
        // The API's representation, byte for byte: no reports are loaded for it.
        digest::Format::Json => {
            let digest = digest::find(state.store.as_ref(), slug).await?;
            download(format, &digest.slug, None, Json(&digest))
        }
        digest::Format::Markdown => {
            let (digest, reports) = load().await?;
            let text = digest::to_markdown(&digest, &reports, base);
            download(format, &digest.slug, None, text)
        }
        digest::Format::Html => {
            let (digest, reports) = load().await?;
            let html = digest::to_html(&digest, &reports, base)?;
            let policy = digest::CONTENT_SECURITY_POLICY.as_str();
            download(format, &digest.slug, Some(policy), html)
        }
        digest::Format::Page => {
            let (digest, reports) = load().await?;
            render(&DigestPage {
                chrome: Chrome::new(&session, "digests"),
                commentary_html: digest::render_markdown(&digest.commentary),
                reports: reports.iter().map(ReportCard::from_report).collect(),
                digest,
            })
        }
    }
}

/// A digest download; `policy` replaces the site-wide Content-Security-Policy (the security
/// headers layer only adds its own where the response has none).
fn download(
    format: digest::Format,
    slug: &str,
    policy: Option<&str>,
    body: impl IntoResponse,
) -> PageResult {
    let header_value =
        |v: &str| HeaderValue::from_str(v).map_err(|e| AppError::Internal(e.to_string()));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Some(disposition) = format.disposition(slug) {
        headers.insert(header::CONTENT_DISPOSITION, header_value(&disposition)?);
    }
    if let Some(policy) = policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, header_value(policy)?);
    }
    Ok(response)
}

/// An Atom feed response.
fn atom(xml: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response()
}

async fn digests_atom(State(state): State<AppState>) -> PageResult {
    Ok(atom(
        digest::digests_atom(state.store.as_ref(), &state.config.public_url).await?,
    ))
}

async fn reports_atom(State(state): State<AppState>) -> PageResult {
    Ok(atom(
        digest::reports_atom(state.store.as_ref(), &state.config.public_url).await?,
    ))
}
