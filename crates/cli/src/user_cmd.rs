use std::io::BufRead;

use clap::Subcommand;
use jinguo_app::auth::password;
use jinguo_domain::{Password, Person, Roles, UnitCode, Username};
use jinguo_store::model::{NewAudit, NewUser};
use jinguo_store::{AuditStore, SessionStore, StoreError, UnitStore, UserStore};

use crate::config_args::ConfigArgs;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; the first administrator is made this way.
    Add {
        #[arg(long)]
        username: String,
        /// 12-digit code of the unit the user belongs to.
        #[arg(long, value_name = "CODE")]
        unit: String,
        /// Comma-separated: admin, cadre, caseworker, auditor, translator.
        #[arg(long, default_value = "cadre")]
        roles: String,
        /// Her name (姓名), shown in the header and the users list.
        #[arg(long)]
        name: Option<String>,
        /// Her position (职务).
        #[arg(long)]
        position: Option<String>,
        /// Read the password from the first line of standard input instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Disable an account and end its sessions.
    Disable {
        username: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Set a new password (also lifts a lockout) and end the account's sessions.
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

fn read_password(from_stdin: bool) -> anyhow::Result<Password> {
    let text = if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let a = rpassword::prompt_password("password: ")?;
        let b = rpassword::prompt_password("again: ")?;
        anyhow::ensure!(a == b, "the two passwords differ");
        a
    };
    Password::parse(&text).map_err(|_| {
        anyhow::anyhow!("the password needs at least 8 characters with three of: lowercase, uppercase, digit, symbol")
    })
}

fn cli_audit(action: &'static str, detail: String, unit: jinguo_domain::UnitId) -> NewAudit {
    NewAudit {
        at: jinguo_app::state::now(),
        actor: None,
        action,
        detail: format!("{detail} via=cli"),
        ip: None,
        unit,
    }
}

pub async fn run(cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            unit,
            roles,
            name,
            position,
            password_stdin,
            config,
        } => {
            let mut errors = Vec::new();
            let person = match name.as_deref() {
                Some(n) => Person::parse(n, "", position.as_deref().unwrap_or(""), &mut errors)
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "name: required, at most 30 characters; position: at most 30"
                        )
                    })?,
                None if position.is_some() => anyhow::bail!("--position needs --name"),
                None => Person {
                    display_name: None,
                    position: None,
                    phone: None,
                },
            };
            let username = Username::parse(&username).map_err(|_| {
                anyhow::anyhow!("username: 3–32 of a-z 0-9 . _ -, starting with a letter")
            })?;
            let code =
                UnitCode::parse(&unit).map_err(|_| anyhow::anyhow!("unit: a 12-digit code"))?;
            let roles = Roles::parse_list(&roles).map_err(|_| {
                anyhow::anyhow!(
                    "roles: comma-separated admin, cadre, caseworker, auditor, translator"
                )
            })?;
            let store = jinguo_app::open_store(&config.load()?).await?;
            let unit = match store.unit_by_code(&code).await {
                Ok(u) => u,
                Err(StoreError::NotFound) => {
                    anyhow::bail!("no unit {code}; import the tree first (jinguo org import)")
                }
                Err(e) => return Err(e.into()),
            };
            let pw = read_password(password_stdin)?;
            let hash = password::hash(pw).await?;
            match store
                .create_person(
                    store.root_scope().await?,
                    NewUser {
                        username: username.clone(),
                        password_hash: hash,
                        unit: unit.id,
                        roles: roles.clone(),
                        must_change_password: false,
                    },
                    person,
                )
                .await
            {
                Err(StoreError::Conflict(_)) => anyhow::bail!("username {username} is taken"),
                other => other?,
            };
            store
                .append_audit(cli_audit(
                    "user.created",
                    format!(
                        "user={username} roles={} unit={}",
                        roles.to_list(),
                        unit.code
                    ),
                    unit.id,
                ))
                .await?;
            println!(
                "created {username} ({}) at {} {}",
                roles.to_list(),
                unit.code,
                unit.name
            );
        }
        UserCommand::List { config } => {
            let store = jinguo_app::open_store(&config.load()?).await?;
            println!("username\troles\tunit\tstatus\tname\tposition");
            for u in store.all_users().await? {
                let status = if u.active { "active" } else { "disabled" };
                println!(
                    "{}\t{}\t{} {}\t{status}\t{}\t{}",
                    u.username,
                    u.roles.to_list(),
                    u.unit.code,
                    u.unit.name,
                    u.display_name.as_deref().unwrap_or(""),
                    u.position.as_deref().unwrap_or("")
                );
            }
        }
        UserCommand::Disable { username, config } => {
            let store = jinguo_app::open_store(&config.load()?).await?;
            let creds = find(&store, &username).await?;
            store
                .set_active(&store.system_user(creds.user.id).await?, false)
                .await?;
            store.delete_user_sessions(creds.user.id).await?;
            store
                .append_audit(cli_audit(
                    "user.disabled",
                    format!("user={}", creds.user.username),
                    creds.user.unit.id,
                ))
                .await?;
            println!("disabled {}", creds.user.username);
        }
        UserCommand::ResetPassword {
            username,
            password_stdin,
            config,
        } => {
            let store = jinguo_app::open_store(&config.load()?).await?;
            let creds = find(&store, &username).await?;
            let hash = password::hash(read_password(password_stdin)?).await?;
            store
                .set_password_hash(&store.system_user(creds.user.id).await?, &hash, false)
                .await?;
            store.delete_user_sessions(creds.user.id).await?;
            store
                .append_audit(cli_audit(
                    "user.password_reset",
                    format!("user={}", creds.user.username),
                    creds.user.unit.id,
                ))
                .await?;
            println!("password of {} reset", creds.user.username);
        }
    }
    Ok(())
}

async fn find(
    store: &jinguo_store::SqlStore,
    username: &str,
) -> anyhow::Result<jinguo_store::model::Credentials> {
    match store.credentials(&username.trim().to_lowercase()).await {
        Ok(c) => Ok(c),
        Err(StoreError::NotFound) => anyhow::bail!("no user {username}"),
        Err(e) => Err(e.into()),
    }
}
