//! `jinguo`: the one binary. Serves the platform and administers it.

mod backup_cmd;
mod bench;
mod bench_deeds;
mod bench_lists;
mod bench_orgs;
mod bench_outlines;
mod bench_support;
mod bench_tasks;
mod bench_training;
mod config_args;
mod demo;
mod demo_cases;
mod demo_data;
mod demo_households;
mod import_cmd;
mod key_cmd;
mod org_cmd;
mod user_cmd;

use clap::{Parser, Subcommand};

use config_args::ConfigArgs;

#[derive(Parser)]
#[command(
    name = "jinguo",
    version,
    about = "巾帼 — the work platform of a five-level women's federation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server from configuration (jinguo.toml, JINGUO_* environment, flags).
    /// Never creates accounts: make the first administrator with `user add`.
    Serve(ConfigArgs),
    /// First look: create a demo database with the Inner Mongolia tree and demo
    /// accounts (or reuse it), print the URL and accounts, and serve.
    Demo(demo::DemoArgs),
    /// Apply pending database migrations and exit.
    Migrate(ConfigArgs),
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: user_cmd::UserCommand,
    },
    /// Manage the organisation tree.
    Org {
        #[command(subcommand)]
        command: org_cmd::OrgCommand,
    },
    /// Import data from files: `import activities FILE.xlsx --as USERNAME`.
    Import {
        #[command(subcommand)]
        command: import_cmd::ImportCommand,
    },
    /// Encryption keys for personal data: `key generate`, `key check`.
    Key {
        #[command(subcommand)]
        command: key_cmd::KeyCommand,
    },
    /// Consistent online backup of the database (SQLite) and uploaded files into one tar
    /// archive with a manifest of SHA-256 sums; never the encryption key.
    Backup(backup_cmd::BackupArgs),
    /// Restore a backup archive into an empty or new directory, checking every SHA-256 first.
    Restore(backup_cmd::RestoreArgs),
    /// The audit log: `audit verify` walks its SM3 hash chain.
    Audit {
        #[command(subcommand)]
        command: backup_cmd::AuditCommand,
    },
    /// Measure the speed targets recorded in BENCHMARKS.md.
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JINGUO_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = rt.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(args).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Migrate(args) => {
                let config = args.load()?;
                jinguo_app::open_store(&config).await?;
                println!(
                    "migrations applied to {}",
                    jinguo_app::config::redact_url(&config.database_url)
                );
                Ok(())
            }
            Command::User { command } => user_cmd::run(command).await,
            Command::Org { command } => org_cmd::run(command).await,
            Command::Import { command } => import_cmd::run(command).await,
            Command::Key { command } => key_cmd::run(command).await,
            Command::Backup(args) => backup_cmd::backup(args).await,
            Command::Restore(args) => backup_cmd::restore(args),
            Command::Audit { command } => backup_cmd::audit(command).await,
            Command::Bench { command } => bench::run(command).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(args: ConfigArgs) -> anyhow::Result<()> {
    let config = args.load()?;
    jinguo_app::require_vault(&config)?;
    let store = jinguo_app::open_store(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
    if config.backup_dir.is_some() {
        tokio::spawn(jinguo_app::backup::daily(store.clone(), config.clone()));
    }
    tracing::info!(addr = %listener.local_addr()?, database = %jinguo_app::config::redact_url(&config.database_url), "serving");
    jinguo_app::serve_on(listener, jinguo_app::state(store, config)).await
}
