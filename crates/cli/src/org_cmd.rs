use std::path::PathBuf;

use clap::Subcommand;
use jinguo_domain::DivisionRecord;
use jinguo_store::csv_import::{bundled_divisions, read_division_csv};
use jinguo_store::model::ImportSummary;
use jinguo_store::model::NewAudit;
use jinguo_store::{AuditStore, SqlStore, UnitStore};

use crate::config_args::ConfigArgs;

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Import an official division code list (CSV with columns code,name,parent_code,level):
    /// adds new units, updates names and parents, retires missing units; never deletes.
    /// Every bad row is reported and nothing is imported.
    Import {
        /// The CSV file; omit with --bundled.
        #[arg(value_name = "FILE", required_unless_present = "bundled")]
        file: Option<PathBuf>,
        /// Import the Inner Mongolia list compiled into the binary.
        #[arg(long, conflicts_with = "file")]
        bundled: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

pub async fn run(cmd: OrgCommand) -> anyhow::Result<()> {
    match cmd {
        OrgCommand::Import {
            file,
            bundled,
            config,
        } => {
            let text = match (&file, bundled) {
                (Some(f), _) => Some(
                    std::fs::read(f)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?,
                ),
                (None, _) => None,
            };
            let config = config.load()?;
            let store = jinguo_app::open_store(&config).await?;
            let summary = match (&file, text) {
                (Some(f), Some(text)) => import(&store, &text, &f.display().to_string()).await?,
                _ => import_bundled(&store).await?,
            };
            let source = file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| BUNDLED.into());
            println!(
                "{source}: {} added, {} updated, {} retired, {} unchanged",
                summary.added, summary.updated, summary.retired, summary.unchanged
            );
            Ok(())
        }
    }
}

/// Validates the whole list, then imports it in one transaction and writes
/// an audit entry at the root.
pub async fn import(store: &SqlStore, csv: &[u8], source: &str) -> anyhow::Result<ImportSummary> {
    let records = match read_division_csv(csv) {
        Ok(r) => r,
        Err(errors) => {
            eprintln!(
                "{source}: {} row(s) refused, nothing imported",
                errors.len()
            );
            eprintln!("line\tcolumn\treason");
            for e in &errors {
                eprintln!("{}\t{}\t{}", e.line, e.column, e.reason);
            }
            anyhow::bail!("the code list has errors");
        }
    };
    import_records(store, &records, source).await
}

/// How the bundled list is named in messages and the audit log.
pub const BUNDLED: &str = "bundled list";

/// Imports the bundled list with its Mongolian names.
pub async fn import_bundled(store: &SqlStore) -> anyhow::Result<ImportSummary> {
    import_records(store, &bundled_divisions(), BUNDLED).await
}

/// Imports checked records in one transaction and writes an audit entry at
/// the root.
async fn import_records(
    store: &SqlStore,
    records: &[DivisionRecord],
    source: &str,
) -> anyhow::Result<ImportSummary> {
    let summary = store.import_divisions(records).await?;
    let root = store.root_unit().await?;
    store
        .append_audit(NewAudit {
            at: jinguo_app::state::now(),
            actor: None,
            action: "org.import",
            detail: format!(
                "source={source} added={} updated={} retired={}",
                summary.added, summary.updated, summary.retired
            ),
            ip: None,
            unit: root.id,
        })
        .await?;
    Ok(summary)
}
