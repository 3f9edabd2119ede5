//! The `commonplace` command: serve, migrate, manage organisations and users, scrub, import,
//! export, reindex, and regenerate the submission JSON Schema.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use clap::{Parser, Subcommand};

use commonplace::config::Config;
use commonplace::domain::{Taxonomy, validate_submission};
use commonplace::scrub::{IdentityProfile, Scrubber};
use commonplace::search::{Indexer, SearchIndex};
use commonplace::state::AppState;
use commonplace::store::{self, Role, Store, SubmissionStatus};
use commonplace::{accounts, auth, demo, intake};

#[derive(Parser)]
#[command(
    name = "commonplace",
    version,
    about = "Share postmortems without exposing who you are"
)]
struct Cli {
    /// Directory for the embedded database and the search index.
    #[arg(
        long,
        env = "COMMONPLACE_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    data_dir: PathBuf,
    /// Database URL: sqlite://PATH or postgres://… (default: SQLite under the data dir).
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Search index directory (default: index/ under the data dir).
    #[arg(long, env = "COMMONPLACE_INDEX_DIR", global = true)]
    index_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service.
    Serve {
        /// Load the bundled demo corpus (once) and print demo credentials.
        #[arg(long)]
        demo: bool,
        #[arg(long, env = "COMMONPLACE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Base URL used in downloads and feeds.
        #[arg(long, env = "COMMONPLACE_PUBLIC_URL")]
        public_url: Option<String>,
        /// Minimum distinct organisations behind any aggregate cell.
        #[arg(long, env = "COMMONPLACE_K", default_value_t = 5)]
        k: i64,
        /// Mark session cookies Secure (when served behind TLS).
        #[arg(long, env = "COMMONPLACE_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Seconds between publication batches of approved reports (0: publish at approval).
        #[arg(long, env = "COMMONPLACE_PUBLISH_INTERVAL", default_value_t = 86400)]
        publish_interval: u64,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Create or upgrade the database schema.
    Migrate,
    /// Manage organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Create API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Scrub text from standard input with an identity profile and print the result.
    Scrub {
        /// JSON file with name, aliases, domains, products, customers.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Print the findings as JSON lines after the text, to standard error.
        #[arg(long)]
        json: bool,
        /// Read standard input as a Markdown postmortem, fill a draft from it exactly as the
        /// Markdown import does, scrub every field as a submission is scrubbed and print the
        /// scrubbed draft as JSON (findings to standard error with `--json`).
        #[arg(long)]
        markdown: bool,
    },
    /// Measure the scrubber on a labelled corpus: recall, retention, false positives, speed.
    EvalRedaction {
        /// JSON-lines corpus (see eval/redaction/README.md).
        #[arg(default_value = "eval/redaction/corpus.jsonl")]
        corpus: PathBuf,
        /// Score a peer's predictions too: NAME=FILE with {"id", "spans": [[start, end]]} lines.
        #[arg(long = "peer")]
        peers: Vec<String>,
        /// A peer's timing: NAME=FILE with {"bytes", "seconds"}.
        #[arg(long = "peer-timing")]
        peer_timings: Vec<String>,
        /// Only documents of this split (dev or heldout).
        #[arg(long)]
        split: Option<String>,
        /// Print the figures as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Print up to this many missed identifiers and verbatim survivors.
        #[arg(long, default_value_t = 0)]
        show_misses: usize,
    },
    /// Import submissions for an organisation: one JSON object a line, or (with `--markdown`)
    /// existing Markdown postmortems, each stored as a draft to review and confirm.
    Import {
        #[arg(required_unless_present = "markdown")]
        file: Option<PathBuf>,
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// Publish them at once instead of queueing them for moderation.
        #[arg(long, conflicts_with = "markdown")]
        publish: bool,
        /// Markdown postmortems to import as drafts (several allowed).
        #[arg(long, num_args = 1.., conflicts_with = "file")]
        markdown: Vec<PathBuf>,
    },
    /// Export published reports as JSON lines.
    Export {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Rebuild the search index from the database.
    Reindex,
    /// Measure search relevance: index a judged corpus in a temporary directory and print
    /// nDCG@10 and recall@20 per query and on average.
    EvalSearch {
        #[arg(long, default_value = "eval/search/corpus.jsonl")]
        corpus: PathBuf,
        #[arg(long, default_value = "eval/search/queries.toml")]
        queries: PathBuf,
        /// Also print what each query was understood as and its top five with grades.
        #[arg(long)]
        verbose: bool,
    },
    /// Search benchmark steps (see BENCHMARKS.md): `build` an index from a corpus, `query`
    /// it in process, `serve` it over HTTP without rate limits, `paths` to print the query
    /// URLs, `pg` to run PostgreSQL full-text search on the same corpus, `pg-drop` to clean up.
    BenchSearch {
        #[arg(value_parser = ["build", "query", "serve", "paths", "pg", "pg-drop"])]
        step: String,
        /// Corpus of JSON lines (bench/search/gen.py).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Timed rounds of the query set.
        #[arg(long, default_value_t = 30)]
        rounds: usize,
        /// For `query`: only the searches whose description contains this text.
        #[arg(long)]
        only: Option<String>,
        /// PostgreSQL URL for `pg` and `pg-drop`.
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
        pg_url: String,
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: std::net::SocketAddr,
        /// For `serve`: answer every search from the index, never from the result cache.
        #[arg(long)]
        no_result_cache: bool,
        /// For `query` and `serve`: walk every unit's posting lists on every search, never
        /// reading a dense unit's cached document set.
        #[arg(long)]
        no_unit_cache: bool,
    },
    /// Write schema/submission.schema.json from the Rust types.
    Schema {
        #[arg(long, default_value = "schema/submission.schema.json")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organisation with its identity profile and print an API token once.
    Create {
        name: String,
        #[arg(long = "alias")]
        aliases: Vec<String>,
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// Products, services and internal codenames.
        #[arg(long = "product")]
        products: Vec<String>,
        #[arg(long = "customer")]
        customers: Vec<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        email: String,
        #[arg(long, value_parser = ["submitter", "moderator", "admin"])]
        role: String,
        /// Organisation (for submitters).
        #[arg(long)]
        org: Option<String>,
        /// Also print an API token for this user.
        #[arg(long)]
        token: bool,
    },
    /// Invite a user: prints a one-time link (valid 7 days) where they choose a password.
    Invite {
        email: String,
        #[arg(long, value_parser = ["submitter", "moderator", "admin"])]
        role: String,
        /// Organisation (required for submitters).
        #[arg(long)]
        org: Option<String>,
        /// Base URL of the links.
        #[arg(
            long,
            env = "COMMONPLACE_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
    },
    /// Print a one-time password reset link (valid 1 hour) for a user.
    Reset {
        email: String,
        /// Base URL of the links.
        #[arg(
            long,
            env = "COMMONPLACE_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
    },
}

/// Abuse limits of `serve`: per-client-IP quotas (requests a minute, burst; 0 a minute turns
/// a limit off) and the request timeout.
#[derive(clap::Args)]
struct LimitArgs {
    /// Login and password forms: requests a minute per client IP.
    #[arg(long, env = "COMMONPLACE_LOGIN_PER_MINUTE", default_value_t = 10)]
    login_per_minute: u32,
    #[arg(long, env = "COMMONPLACE_LOGIN_BURST", default_value_t = 5)]
    login_burst: u32,
    /// Submissions (API and form): requests a minute per client IP.
    #[arg(long, env = "COMMONPLACE_SUBMIT_PER_MINUTE", default_value_t = 30)]
    submit_per_minute: u32,
    #[arg(long, env = "COMMONPLACE_SUBMIT_BURST", default_value_t = 10)]
    submit_burst: u32,
    /// Search (API and page): requests a minute per client IP.
    #[arg(long, env = "COMMONPLACE_SEARCH_PER_MINUTE", default_value_t = 600)]
    search_per_minute: u32,
    #[arg(long, env = "COMMONPLACE_SEARCH_BURST", default_value_t = 100)]
    search_burst: u32,
    /// Seconds before a request is answered 408.
    #[arg(long, env = "COMMONPLACE_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
}

impl LimitArgs {
    fn apply(&self, config: &mut Config) {
        use commonplace::config::{RateLimit, RateLimits};
        let limit = |per_minute, burst| RateLimit { per_minute, burst };
        config.rate_limits = RateLimits {
            login: limit(self.login_per_minute, self.login_burst),
            submit: limit(self.submit_per_minute, self.submit_burst),
            search: limit(self.search_per_minute, self.search_burst),
        };
        config.request_timeout_secs = self.request_timeout;
    }
}

#[derive(Subcommand)]
enum TokenCommand {
    /// A new API token for an organisation, printed once.
    Create {
        #[arg(long)]
        org: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = Config::new(
        cli.data_dir.clone(),
        cli.database_url.clone(),
        cli.index_dir.clone(),
    );
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&cli.data_dir)
            .with_context(|| format!("creating data directory {}", cli.data_dir.display()))?;
    }
    match cli.command {
        Command::Serve {
            demo: load_demo,
            listen,
            public_url,
            k,
            secure_cookies,
            publish_interval,
            limits,
        } => {
            let mut config = config;
            limits.apply(&mut config);
            config.listen = listen;
            config.public_url = public_url.unwrap_or_else(|| format!("http://{listen}"));
            config.k_anonymity = k;
            config.secure_cookies = secure_cookies;
            config.publish_interval_secs = publish_interval;
            serve(config, load_demo).await
        }
        Command::Migrate => {
            open_store(&config).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Org(OrgCommand::Create {
            name,
            aliases,
            domains,
            products,
            customers,
        }) => {
            let store = open_store(&config).await?;
            let profile = IdentityProfile {
                name,
                aliases,
                domains,
                products,
                customers,
                extra_terms: Vec::new(),
            };
            if profile.name.trim().is_empty() {
                bail!("the organisation needs a name");
            }
            let org = store.create_org(&profile).await?;
            let (token, hash) = auth::new_api_token();
            store
                .create_token(&hash, Some(&org.id), None, "created with the organisation")
                .await?;
            println!("created organisation {} ({})", org.name, org.id);
            println!("API token (shown once, keep it safe):\n{token}");
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            role,
            org,
            token,
        }) => {
            let store = open_store(&config).await?;
            let role = Role::parse(&role).context("unknown role")?;
            let org_id = match (&org, role) {
                (Some(name), _) => Some(
                    store
                        .org_by_name(name)
                        .await?
                        .with_context(|| format!("no organisation named `{name}`"))?
                        .id,
                ),
                (None, Role::Submitter) => {
                    bail!("a submitter belongs to an organisation: pass --org NAME")
                }
                (None, _) => None,
            };
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            if password.chars().count() < 12 {
                bail!("the password (read from standard input) must be at least 12 characters");
            }
            let hash = auth::hash_password(password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let user = store
                .create_user(&email, &hash, role, org_id.as_deref())
                .await?;
            println!("added {} as {}", user.email, role.as_str());
            if token {
                let (plain, hash) = auth::new_api_token();
                store
                    .create_token(&hash, user.org_id.as_deref(), Some(&user.id), "user token")
                    .await?;
                println!("API token (shown once, keep it safe):\n{plain}");
            }
            Ok(())
        }
        Command::User(UserCommand::Invite {
            email,
            role,
            org,
            public_url,
        }) => {
            let store = open_store(&config).await?;
            let role = Role::parse(&role).context("unknown role")?;
            let issued = accounts::invite(
                store.as_ref(),
                &public_url,
                &email,
                role,
                org.as_deref(),
                "cli",
            )
            .await
            .map_err(describe)?;
            println!(
                "Invitation for {} as {} (valid 7 days, shown once):",
                email.trim(),
                role.as_str()
            );
            println!("{}", issued.link);
            Ok(())
        }
        Command::User(UserCommand::Reset { email, public_url }) => {
            let store = open_store(&config).await?;
            if store.user_by_email(&email).await?.is_none() {
                bail!("no user with email `{}`", email.trim());
            }
            let issued = accounts::issue_reset(store.as_ref(), &public_url, &email)
                .await
                .map_err(describe)?;
            println!(
                "Password reset link for {} (valid 1 hour, shown once):",
                email.trim()
            );
            println!("{}", issued.link);
            Ok(())
        }
        Command::Token(TokenCommand::Create { org }) => {
            let store = open_store(&config).await?;
            let org = store
                .org_by_name(&org)
                .await?
                .with_context(|| format!("no organisation named `{org}`"))?;
            let (plain, hash) = auth::new_api_token();
            store
                .create_token(&hash, Some(&org.id), None, "created from the command line")
                .await?;
            println!("{plain}");
            Ok(())
        }
        Command::Scrub {
            profile,
            json,
            markdown,
        } => scrub(profile, json, markdown),
        Command::EvalRedaction {
            corpus,
            peers,
            peer_timings,
            split,
            json,
            show_misses,
        } => eval_redaction(corpus, peers, peer_timings, split, json, show_misses),
        Command::Import {
            file,
            org,
            publish,
            markdown,
        } => match file {
            Some(file) => import(config, file, org, publish).await,
            None => import_markdown(config, markdown, org).await,
        },
        Command::Export { output } => export(config, output).await,
        Command::Reindex => reindex(config).await,
        Command::BenchSearch {
            step,
            corpus,
            rounds,
            only,
            pg_url,
            listen,
            no_result_cache,
            no_unit_cache,
        } => {
            bench_search(
                config,
                &step,
                corpus,
                (rounds, only.as_deref()),
                &pg_url,
                listen,
                (no_result_cache, no_unit_cache),
            )
            .await
        }
        Command::EvalSearch {
            corpus,
            queries,
            verbose,
        } => eval_search(corpus, queries, verbose),
        Command::Schema { output } => {
            std::fs::write(&output, commonplace::domain::submission_schema_json())?;
            println!("wrote {}", output.display());
            Ok(())
        }
    }
}

/// An application error for the terminal, with every invalid field named.
fn describe(e: commonplace::error::AppError) -> anyhow::Error {
    match e {
        commonplace::error::AppError::Invalid(fields) => anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow!("{other}"),
    }
}

async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let store = store::connect(&config.database_url)
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

async fn serve(config: Config, load_demo: bool) -> anyhow::Result<()> {
    let listen = config.listen;
    let state = AppState::start(config).await?;
    if load_demo {
        match demo::load(&state).await? {
            Some(accounts) => {
                println!(
                    "Loaded the demo corpus: {} published reports.",
                    accounts.published
                );
                println!(
                    "  moderator: {} / {}",
                    accounts.moderator_email, accounts.moderator_password
                );
                println!(
                    "  submitter ({}): {} / {}",
                    accounts.org_name, accounts.submitter_email, accounts.submitter_password
                );
                println!(
                    "  API token for {}: {}",
                    accounts.org_name, accounts.org_token
                );
                println!("These credentials are shown once.");
            }
            None => println!("The demo corpus is already loaded."),
        }
    }
    commonplace::publish::spawn_batch_publisher(state.clone());
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    println!("Commonplace is listening on http://{listen}");
    // The client address feeds the per-IP rate limits.
    let app = commonplace::http::router(state)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

fn scrub(profile: Option<PathBuf>, json: bool, markdown: bool) -> anyhow::Result<()> {
    let profile: IdentityProfile = match profile {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a valid profile", path.display()))?
        }
        None => IdentityProfile::default(),
    };
    let engine = Scrubber::bundled()?;
    if markdown {
        return scrub_markdown(&engine, &profile, json);
    }
    let mut session = engine.session(&profile);
    let stdin = std::io::stdin();
    let mut reader = BufReader::with_capacity(1 << 20, stdin.lock());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut findings_out = std::io::BufWriter::new(std::io::stderr());
    // Bounded memory: scrub about 1 MiB at a time, always ending a chunk at a line break.
    let mut chunk = String::new();
    let mut line = String::new();
    let mut offset = 0usize;
    loop {
        line.clear();
        let n = reader.read_line(&mut line)?;
        chunk.push_str(&line);
        if n == 0 || chunk.len() >= 1 << 20 {
            let (text, findings) = session.scrub("text", &chunk);
            out.write_all(text.as_bytes())?;
            if json {
                for mut f in findings {
                    f.start += offset;
                    f.end += offset;
                    serde_json::to_writer(&mut findings_out, &f)?;
                    findings_out.write_all(b"\n")?;
                }
            }
            offset += text.len();
            chunk.clear();
        }
        if n == 0 {
            break;
        }
    }
    out.flush()?;
    findings_out.flush()?;
    Ok(())
}

/// The Markdown import followed by the submission scrub, without a database: what a submitter
/// would see in the preview if they confirmed the draft unchanged. Lets the red-team check
/// (eval/redaction/redteam/check.py --markdown) look at every field the import fills.
fn scrub_markdown(engine: &Scrubber, profile: &IdentityProfile, json: bool) -> anyhow::Result<()> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let draft = intake::markdown::draft_from_markdown(&text)?.draft;
    // Submitting validates first (it normalises taxonomy aliases); a draft that is not yet
    // complete is scrubbed as it stands, as the preview would after the submitter fills it in.
    let submission = validate_submission(draft.clone(), Taxonomy::bundled()).unwrap_or(draft);
    let outcome = engine.scrub_submission(&submission, profile, &[]);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, outcome.scrubbed.content())?;
    out.write_all(b"\n")?;
    out.flush()?;
    if json {
        let mut err = std::io::BufWriter::new(std::io::stderr().lock());
        for f in &outcome.findings {
            serde_json::to_writer(&mut err, f)?;
            err.write_all(b"\n")?;
        }
        err.flush()?;
    }
    Ok(())
}

async fn import(config: Config, file: PathBuf, org: String, publish: bool) -> anyhow::Result<()> {
    let mut text = String::new();
    std::fs::File::open(&file)
        .with_context(|| format!("opening {}", file.display()))?
        .read_to_string(&mut text)?;
    // Validate every line before storing any, so a bad file stores nothing.
    let mut submissions = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match intake::parse_json(line.as_bytes()) {
            Err(commonplace::error::AppError::Invalid(errors)) => {
                for e in errors {
                    problems.push(format!("line {}: {}: {}", i + 1, e.field, e.message));
                }
            }
            Err(e) => problems.push(format!("line {}: {e}", i + 1)),
            Ok(sub) => match validate_submission(sub, Taxonomy::bundled()) {
                Ok(sub) => submissions.push(sub),
                Err(errors) => {
                    for e in errors {
                        problems.push(format!("line {}: {}: {}", i + 1, e.field, e.message));
                    }
                }
            },
        }
    }
    if !problems.is_empty() {
        bail!(
            "nothing was imported; fix these problems first:\n{}",
            problems.join("\n")
        );
    }
    let state = AppState::start(config).await?;
    let org = state
        .store
        .org_by_name(&org)
        .await?
        .with_context(|| format!("no organisation named `{org}`"))?;
    let bar = indicatif::ProgressBar::new(submissions.len() as u64);
    let status = SubmissionStatus::Submitted;
    for sub in submissions {
        let view = intake::submit(&state, &org.id, sub, status)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if publish {
            commonplace::publish::publish_now(&state, &view.id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let verb = if publish {
        "imported and published"
    } else {
        "imported for moderation"
    };
    println!("{} submissions {verb} for {}", bar.position(), org.name);
    Ok(())
}

/// Reads each Markdown postmortem into a draft and stores it through the normal validate →
/// scrub → store path as a draft, which the submitter reviews on the preview page. Every file
/// is read and validated before any is stored, so a bad file stores nothing.
async fn import_markdown(config: Config, files: Vec<PathBuf>, org: String) -> anyhow::Result<()> {
    let mut drafts = Vec::new();
    let mut problems = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {name}"))?;
        let draft = match intake::markdown::draft_from_markdown(&text) {
            Ok(draft) => draft,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        match validate_submission(draft.draft.clone(), Taxonomy::bundled()) {
            Ok(_) => drafts.push((name, draft)),
            Err(errors) => {
                for e in errors {
                    problems.push(format!("{name}: {}: {}", e.field, e.message));
                }
                for n in draft
                    .notes
                    .iter()
                    .filter(|n| n.kind == intake::markdown::NoteKind::Missing)
                {
                    problems.push(format!("{name}: note: {}: {}", n.field, n.message));
                }
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "nothing was imported; complete these documents first (or start from them on the submit page):\n{}",
            problems.join("\n")
        );
    }
    let state = AppState::start(config).await?;
    let org = state
        .store
        .org_by_name(&org)
        .await?
        .with_context(|| format!("no organisation named `{org}`"))?;
    for (name, draft) in drafts {
        let view = intake::submit(&state, &org.id, draft.draft, SubmissionStatus::Draft)
            .await
            .map_err(|e| anyhow!("{name}: {e}"))?;
        println!(
            "{name}: draft {} (review and confirm at /submissions/{})",
            view.id, view.id
        );
        for note in draft.notes {
            println!(
                "  {} ({}): {}",
                note.field,
                commonplace::domain::enum_str(&note.kind),
                note.message
            );
        }
    }
    Ok(())
}

async fn export(config: Config, output: Option<PathBuf>) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let mut out: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut before = None;
    let mut count = 0;
    loop {
        let page = store.reports_page(before, 500).await?;
        let Some((last, _)) = page.last() else { break };
        before = Some(*last);
        for (_, report) in &page {
            serde_json::to_writer(&mut out, report)?;
            out.write_all(b"\n")?;
            count += 1;
        }
    }
    out.flush()?;
    if let Some(path) = output {
        eprintln!("exported {count} reports to {}", path.display());
    }
    Ok(())
}

async fn reindex(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let index = SearchIndex::open(&config.index_dir)?;
    let indexer = Indexer::new(index.clone(), store.clone())?;
    indexer.clear().await?;
    let head = store.outbox_head().await?;
    let bar = indicatif::ProgressBar::new(head.max(0) as u64);
    indexer
        .catch_up(|done, _| bar.set_position(done.max(0) as u64))
        .await?;
    bar.finish_and_clear();
    println!("reindexed {} reports", index.num_docs());
    Ok(())
}

fn eval_redaction(
    corpus: PathBuf,
    peers: Vec<String>,
    peer_timings: Vec<String>,
    split: Option<String>,
    json: bool,
    show_misses: usize,
) -> anyhow::Result<()> {
    use commonplace::scrub::eval;
    let text = std::fs::read_to_string(&corpus)
        .with_context(|| format!("reading {}", corpus.display()))?;
    let mut docs = eval::read_corpus(&text).map_err(|e| anyhow!("{}: {e}", corpus.display()))?;
    if let Some(split) = &split {
        docs.retain(|d| &d.split == split || d.kind == "control");
    }
    let engine = Scrubber::bundled()?;
    // Warm up once so the figure is the steady state, not first-touch page faults.
    let _ = eval::predict(&engine, &docs[..docs.len().min(5)]);
    let (predictions, seconds) = eval::predict(&engine, &docs);
    let mut ours = eval::score(&docs, &predictions);
    ours.seconds = seconds;
    let mut systems = vec![("commonplace".to_string(), ours)];
    let named = |arg: &str| -> anyhow::Result<(String, PathBuf)> {
        let (name, file) = arg
            .split_once('=')
            .ok_or_else(|| anyhow!("expected NAME=FILE, got {arg}"))?;
        Ok((name.to_string(), PathBuf::from(file)))
    };
    for peer in &peers {
        let (name, file) = named(peer)?;
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let predictions: Vec<eval::Prediction> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .with_context(|| format!("parsing {}", file.display()))?;
        let mut scores = eval::score(&docs, &predictions);
        for timing in &peer_timings {
            let (tname, tfile) = named(timing)?;
            if tname == name {
                let t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&tfile)?)?;
                scores.seconds = t["seconds"].as_f64().unwrap_or(0.0);
                // The peer's own byte count: it may have timed a subset of the corpus.
                if let Some(b) = t["bytes"].as_u64() {
                    scores.bytes = b as usize;
                }
            }
        }
        systems.push((name, scores));
    }
    if json {
        let map: serde_json::Map<String, serde_json::Value> = systems
            .iter()
            .map(|(n, s)| Ok((n.clone(), serde_json::to_value(s)?)))
            .collect::<Result<_, serde_json::Error>>()?;
        println!("{}", serde_json::to_string_pretty(&map)?);
    } else {
        print!("{}", eval::render_table(&systems));
    }
    if show_misses > 0 {
        let ours = &systems[0].1;
        eprintln!("\nmissed mentions (ours):");
        for m in ours.missed_examples.iter().take(show_misses) {
            eprintln!("  {m}");
        }
        eprintln!("\nfalse positives on control texts (ours):");
        for m in ours.false_positive_examples.iter().take(show_misses) {
            eprintln!("  {m}");
        }
        eprintln!("\nverbatim survivors (ours):");
        for m in ours.survivor_examples.iter().take(show_misses) {
            eprintln!("  {m}");
        }
    }
    Ok(())
}

fn eval_search(corpus: PathBuf, queries: PathBuf, verbose: bool) -> anyhow::Result<()> {
    use commonplace::search::eval;
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
    };
    let reports = eval::read_corpus(&read(&corpus)?)?;
    let judged = eval::read_queries(&read(&queries)?)?;
    let dir = std::env::temp_dir().join(format!("commonplace-eval-{}", std::process::id()));
    let report = eval::evaluate(reports, &judged, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    print!("{}", eval::render(&report?, verbose));
    Ok(())
}

async fn bench_search(
    mut config: Config,
    step: &str,
    corpus: Option<PathBuf>,
    (rounds, only): (usize, Option<&str>),
    pg_url: &str,
    listen: std::net::SocketAddr,
    (no_result_cache, no_unit_cache): (bool, bool),
) -> anyhow::Result<()> {
    use commonplace::search::bench;
    let corpus = || corpus.clone().context("--corpus is required for this step");
    let show = |what: &str, l: bench::Latency| {
        println!(
            "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} searches",
            l.p50, l.p99, l.max, l.samples
        );
    };
    match step {
        "build" => {
            let (n, seconds, bytes) = bench::build(&corpus()?, &config.index_dir)?;
            println!(
                "indexed {n} reports in {seconds:.1} s ({:.0} reports/s); index {:.1} MiB",
                n as f64 / seconds,
                bytes as f64 / 1048576.0
            );
        }
        "query" => {
            let index = SearchIndex::open(&config.index_dir)?;
            if no_unit_cache {
                index.set_unit_cache(0);
            }
            let (all, per_query) = bench::measure(&index, rounds, only)?;
            for (q, p50, total) in per_query {
                println!("  {p50:>8.2} ms  {total:>8} hits  {q}");
            }
            show("tantivy in process, top 10 + facets", all);
        }
        "paths" => {
            for p in bench::query_paths() {
                println!("{p}");
            }
        }
        "serve" => {
            config.listen = listen;
            config.rate_limits.search.per_minute = 0;
            let state = AppState::start(config).await?;
            if no_result_cache {
                state.index.set_result_cache(0);
            }
            if no_unit_cache {
                state.index.set_unit_cache(0);
            }
            let listener = tokio::net::TcpListener::bind(listen).await?;
            println!(
                "serving the benchmark index on http://{listen} (search not rate limited, result cache {}, unit cache {})",
                if no_result_cache { "off" } else { "on" },
                if no_unit_cache { "off" } else { "on" }
            );
            let app = commonplace::http::router(state)
                .into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app).await?;
        }
        "pg" => {
            let (n, load, index, bytes) = bench::pg_load(pg_url, &corpus()?).await?;
            println!(
                "PostgreSQL: loaded {n} rows in {load:.1} s, tsvector + GIN in {index:.1} s, {:.1} MiB",
                bytes as f64 / 1048576.0
            );
            let (all, per_query) = bench::pg_measure(pg_url, rounds).await?;
            for (q, p50, total) in per_query {
                println!("  {p50:>8.2} ms  {total:>8} hits  {q}");
            }
            show("PostgreSQL FTS, top 10 + facets", all);
        }
        _ => bench::pg_drop(pg_url).await?,
    }
    Ok(())
}
