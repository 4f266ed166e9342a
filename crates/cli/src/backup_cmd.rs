//! `jinguo backup`, `jinguo restore` and `jinguo audit verify` (issue 19
//! items 6 and 7).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use jinguo_app::Config;
use jinguo_app::backup::{self, DATABASE_FILE};
use jinguo_store::audit_chain::ChainVerdict;

use crate::config_args::ConfigArgs;

/// The configuration flags, and `--data-dir`.
#[derive(Args, Debug, Default)]
pub struct DataArgs {
    /// Data directory (uploaded files). Without `--database`, its `jinguo.db`
    /// is the database when that file exists (a demo or restored directory).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

impl DataArgs {
    pub fn load(&self) -> anyhow::Result<Config> {
        let mut config = self.config.load()?;
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
            let db = dir.join(DATABASE_FILE);
            if self.config.database.is_none() && db.exists() {
                config.database_url = format!("sqlite://{}", db.display());
            }
        }
        Ok(config)
    }
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The archive to write (a tar file; must not exist).
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The archive made by `jinguo backup`.
    pub file: PathBuf,
    /// Where to restore: an empty or new directory.
    #[arg(long, value_name = "DIR")]
    pub data_dir: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the audit log's SM3 hash chain: print how many entries were
    /// verified, or name the first broken entry and exit non-zero.
    Verify(DataArgs),
}

const KEY_NOTE: &str = "The encryption key is not in the backup: keep the key file backed up \
                        separately. Restoring without it leaves the sealed fields (ID numbers, \
                        phones, names, narratives) unreadable.";

pub async fn backup(a: BackupArgs) -> anyhow::Result<()> {
    let config = a.data.load()?;
    let store = jinguo_app::open_store(&config).await?;
    let done = backup::backup(
        &store,
        &config.data_dir,
        config.encryption_key_file.as_deref(),
        &a.to,
    )
    .await?;
    let m = &done.manifest;
    let uploaded = m.files.iter().filter(|f| f.path != DATABASE_FILE).count();
    println!(
        "backup written to {} ({} bytes): schema version {}, {} files",
        done.archive.display(),
        done.bytes,
        m.schema_version,
        m.files.len()
    );
    if store.backend() == jinguo_store::Backend::Postgres {
        println!(
            "PostgreSQL: the archive holds the {uploaded} uploaded files only. Back up the \
             database with pg_dump (see README, \"Backup and restore\"):\n  pg_dump --format=custom \
             --file=jinguo-{}.pgdump '{}'",
            m.created_at.get(..10).unwrap_or("db"),
            jinguo_app::config::redact_url(&config.database_url)
        );
    } else {
        println!("the database and {uploaded} uploaded files are in it");
    }
    println!("{KEY_NOTE}");
    store.close().await;
    Ok(())
}

pub fn restore(a: RestoreArgs) -> anyhow::Result<()> {
    let done = backup::restore(&a.file, &a.data_dir)?;
    let m = &done.manifest;
    println!(
        "restored {} files into {} (backup of {}, jinguo {}, schema version {}); every SHA-256 checked",
        m.files.len(),
        a.data_dir.display(),
        m.created_at,
        m.jinguo_version,
        m.schema_version
    );
    match &done.database {
        Some(db) => println!(
            "serve it with: jinguo serve --database sqlite://{} (and data_dir = {:?})",
            db.display(),
            a.data_dir.display().to_string()
        ),
        None => println!(
            "the database was PostgreSQL: restore it with pg_restore (see README, \"Backup and restore\")"
        ),
    }
    println!("{KEY_NOTE}");
    Ok(())
}

fn utc(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| secs.to_string())
}

pub async fn audit(c: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify(a) = c;
    let config = a.load()?;
    let store = jinguo_app::open_store(&config).await?;
    let verdict = store.verify_audit_chain().await?;
    store.close().await;
    match verdict {
        ChainVerdict::Intact { entries, head } => {
            println!("audit chain intact: {entries} entries verified");
            println!("head: seq {entries}, SM3 {head} (note it down to compare later)");
            Ok(())
        }
        ChainVerdict::Broken { verified, entry } => {
            let at = entry.at.map(utc).unwrap_or_else(|| "-".into());
            match entry.id {
                Some(id) => println!(
                    "audit chain BROKEN at entry id {id} ({at}{}): {}",
                    entry.seq.map(|s| format!(", seq {s}")).unwrap_or_default(),
                    entry.why
                ),
                None => println!("audit chain BROKEN: {}", entry.why),
            }
            println!("{verified} entries before it verified");
            anyhow::bail!("the audit log has been tampered with")
        }
    }
}
