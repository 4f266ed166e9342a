//! `jinguo key`: make and check the keys that encrypt personal data at rest
//! (see "Encryption keys" in README.md).

use std::path::PathBuf;

use clap::Subcommand;
use jinguo_store::Vault;

use crate::config_args::ConfigArgs;
use jinguo_store::vault::{KeyId, generate_key_line};

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Print a new random key as a key-file line `ID:HEX` (16 bytes from the
    /// operating system's generator). Put it first in the key file to make it
    /// the current key.
    Generate {
        /// The key id stored with every value it seals; one more than the
        /// newest id in the key file.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        id: u16,
    },
    /// Check that the keys load (from --file, JINGUO_ENCRYPTION_KEY_FILE or
    /// JINGUO_ENCRYPTION_KEY) and print their ids, never the keys.
    Check {
        /// The key file; defaults to JINGUO_ENCRYPTION_KEY_FILE.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// After a new key was put first in the key file: re-encrypt every
    /// stored value still sealed with an older key, then print how many
    /// values each key sealed before the run. Safe while the server runs.
    Rotate {
        /// Only count the values per key; change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

pub async fn run(cmd: KeyCommand) -> anyhow::Result<()> {
    match cmd {
        KeyCommand::Generate { id } => {
            let id = KeyId::new(id).ok_or_else(|| anyhow::anyhow!("a key id is 1 to 65535"))?;
            println!("{}", &*generate_key_line(id));
        }
        KeyCommand::Check { file } => {
            let vault = Vault::load(file.as_deref())?;
            println!("keys load: {vault:?}");
        }
        KeyCommand::Rotate { dry_run, config } => {
            let config = config.load()?;
            jinguo_app::require_vault(&config)?;
            let store = jinguo_app::open_store(&config).await?;
            let report = store.reseal_all(dry_run).await?;
            let current = current_key(&config)?;
            let mut left = 0;
            for ((table, column), r) in report {
                let keys: Vec<String> = r
                    .by_key
                    .iter()
                    .map(|(k, n)| format!("key {k}: {n}"))
                    .collect();
                println!(
                    "{table}.{column}: {} — {} re-encrypted",
                    if keys.is_empty() {
                        "no values".to_owned()
                    } else {
                        keys.join(", ")
                    },
                    r.resealed
                );
                if dry_run {
                    left += r
                        .by_key
                        .iter()
                        .filter(|(k, _)| **k != current)
                        .map(|(_, n)| n)
                        .sum::<u64>();
                }
            }
            if dry_run {
                println!(
                    "{left} values are sealed with an older key; run without --dry-run to re-encrypt them"
                );
            } else {
                println!(
                    "every value is now sealed with the current key; older keys can leave the key file"
                );
            }
        }
    }
    Ok(())
}

/// The id of the key new values are sealed with.
fn current_key(config: &jinguo_app::Config) -> anyhow::Result<u16> {
    Ok(Vault::load(config.encryption_key_file.as_deref())?
        .current_key()
        .get())
}
