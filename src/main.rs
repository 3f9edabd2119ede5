//! The `commonplace` command: serve, migrate, manage organisations and users, scrub, import,
//! export, reindex, and regenerate the submission JSON Schema.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use commonplace::config::Config;
use commonplace::domain::{Taxonomy, validate_submission};
use commonplace::scrub::{IdentityProfile, Scrubber};
use commonplace::search::{Indexer, SearchIndex};
use commonplace::state::AppState;
use commonplace::store::{self, Role, Store, SubmissionStatus};
use commonplace::{auth, demo, intake};

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
    },
    /// Import submissions (one JSON object a line) for an organisation.
    Import {
        file: PathBuf,
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// Publish them at once instead of queueing them for moderation.
        #[arg(long)]
        publish: bool,
    },
    /// Export published reports as JSON lines.
    Export {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Rebuild the search index from the database.
    Reindex,
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
        } => {
            let mut config = config;
            config.listen = listen;
            config.public_url = public_url.unwrap_or_else(|| format!("http://{listen}"));
            config.k_anonymity = k;
            config.secure_cookies = secure_cookies;
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
        Command::Scrub { profile, json } => scrub(profile, json),
        Command::Import { file, org, publish } => import(config, file, org, publish).await,
        Command::Export { output } => export(config, output).await,
        Command::Reindex => reindex(config).await,
        Command::Schema { output } => {
            std::fs::write(&output, commonplace::domain::submission_schema_json())?;
            println!("wrote {}", output.display());
            Ok(())
        }
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
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    println!("Commonplace is listening on http://{listen}");
    axum::serve(listener, commonplace::http::router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

fn scrub(profile: Option<PathBuf>, json: bool) -> anyhow::Result<()> {
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
            commonplace::publish::publish(&state, &view.id)
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
