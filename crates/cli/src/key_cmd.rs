//! `jinguo key`: make and check the keys that encrypt personal data at rest
//! (see "Encryption keys" in README.md).

use std::path::PathBuf;

use clap::Subcommand;
use jinguo_store::Vault;
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
}

pub fn run(cmd: KeyCommand) -> anyhow::Result<()> {
    match cmd {
        KeyCommand::Generate { id } => {
            let id = KeyId::new(id).ok_or_else(|| anyhow::anyhow!("a key id is 1 to 65535"))?;
            println!("{}", &*generate_key_line(id));
        }
        KeyCommand::Check { file } => {
            let vault = Vault::load(file.as_deref())?;
            println!("keys load: {vault:?}");
        }
    }
    Ok(())
}
