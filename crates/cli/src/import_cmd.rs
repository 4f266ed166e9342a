//! `jinguo import activities FILE.xlsx --as USERNAME`: the web page's
//! ledger import from the command line, with the same reading and checks
//! (they live in the app crate) and the same all-or-nothing rule.

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use jinguo_app::i18n::{Catalogue, Lang};
use jinguo_app::xlsx::import::{self, Checked, Importer, Limits, Problem, SheetInfo};
use jinguo_store::model::NewAudit;
use jinguo_store::{AuditStore, StoreError, UnitStore};

use crate::config_args::ConfigArgs;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import an activity ledger (.xlsx laid out like the web import's template) as a user:
    /// her unit and the units below it may be named; she must be an admin or a cadre.
    /// Every row is checked first; any problem is reported per row (row, column, reason)
    /// and nothing is imported.
    Activities {
        /// The .xlsx file.
        #[arg(value_name = "FILE.xlsx")]
        file: PathBuf,
        /// The user who records the activities; her scope and roles apply.
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
        /// Language of the reasons: zh-CN or en.
        #[arg(long, value_name = "LANG", default_value = "zh-CN")]
        lang: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

/// Which sheet was read and where its header is, as the web page says it.
fn print_sheet(at: Option<&SheetInfo>, cat: &Catalogue, lang: Lang) {
    if let Some(at) = at {
        eprintln!(
            "{}",
            cat.get(lang, "imp.read")
                .replace("{sheet}", &at.name)
                .replace("{row}", &at.header_row.to_string())
        );
    }
}

fn print_problems(source: &str, problems: &[Problem], cat: &Catalogue, lang: Lang) {
    eprintln!("{source}: {} problem(s), nothing imported", problems.len());
    eprintln!("row\tcolumn\treason");
    for p in problems {
        eprintln!(
            "{}\t{}\t{}",
            p.row_text(),
            p.column_text(cat, lang),
            p.reason(cat, lang)
        );
    }
}

pub async fn run(cmd: ImportCommand) -> anyhow::Result<()> {
    match cmd {
        ImportCommand::Activities {
            file,
            as_user,
            lang,
            config,
        } => {
            let lang = Lang::from_tag(&lang)
                .filter(|l| *l != Lang::Mn)
                .ok_or_else(|| anyhow::anyhow!("--lang: zh-CN or en"))?;
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let config = config.load()?;
            let store = jinguo_app::open_store(&config).await?;
            let user = match store.credentials(&as_user.trim().to_lowercase()).await {
                Ok(c) => c.user,
                Err(StoreError::NotFound) => anyhow::bail!("no user {as_user}"),
                Err(e) => return Err(e.into()),
            };
            anyhow::ensure!(user.active, "user {} is disabled", user.username);
            anyhow::ensure!(
                user.roles.can(jinguo_domain::Capability::RecordWork),
                "user {} may not record activities (admin or cadre needed)",
                user.username
            );
            let unit = store.unit_by_id(user.unit.id).await?;
            let cat = jinguo_app::i18n_global();
            let source = file.display().to_string();

            let read =
                tokio::task::spawn_blocking(move || import::read(&bytes, Limits::CLI)).await?;
            let sheet = match read {
                Ok(s) => s,
                Err(refusal) => {
                    print_sheet(refusal.at.as_ref(), cat, lang);
                    print_problems(&source, &refusal.problems, cat, lang);
                    anyhow::bail!("the ledger has problems");
                }
            };
            print_sheet(Some(&sheet.at), cat, lang);
            let who = Importer {
                scope: store
                    .scope_of_user(&user, &unit)
                    .ok_or_else(|| anyhow::anyhow!("user {} is not at her unit", user.username))?,
                by: user.id,
                today: jinguo_app::state::today(&config),
            };
            let bar = ProgressBar::new(sheet.rows.len() as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} rows checked, {per_sec}")?
                    .progress_chars("##-"),
            );
            let checked = import::check(&store, &who, &sheet, || bar.inc(1)).await?;
            bar.finish_and_clear();
            let plan = match checked {
                Checked::Ready(plan) => plan,
                Checked::Rejected(problems) => {
                    print_problems(&source, &problems, cat, lang);
                    anyhow::bail!("the ledger has problems");
                }
            };
            // One transaction for every row: it cannot report progress
            // from inside, so a spinner shows it is working.
            let spinner = ProgressBar::new_spinner();
            spinner.set_message(format!(
                "inserting {} activities in one transaction",
                plan.rows.len()
            ));
            spinner.enable_steady_tick(Duration::from_millis(120));
            let n = import::commit(&store, &plan, jinguo_app::state::now()).await?;
            spinner.finish_and_clear();
            store
                .append_audit(NewAudit {
                    at: jinguo_app::state::now(),
                    actor: Some((user.id, user.username.clone())),
                    action: "activity.imported",
                    detail: import::audit_detail(&plan, "cli"),
                    ip: None,
                    unit: plan.unit.id,
                })
                .await?;
            println!(
                "{source}: {n} activities imported, at {} {} and below",
                plan.unit.code, plan.unit.name
            );
            Ok(())
        }
    }
}
