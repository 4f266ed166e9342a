//! `jinguo demo`: a first look at the platform in one command.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use jinguo_app::auth::password;
use jinguo_app::{AppState, Config};
use jinguo_domain::{Password, Person, Roles, UnitCode, Username};
use jinguo_store::model::NewUser;
use jinguo_store::{SqlStore, StoreError, UnitStore, UserStore};
use rand::Rng;
use tokio::net::TcpListener;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Directory for the demo database and files; reused on the next start.
    #[arg(long, value_name = "DIR", default_value = "./jinguo-demo")]
    pub data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Password of every demo account [default: random, kept in DIR/demo-password].
    #[arg(long, value_name = "PW")]
    pub demo_password: Option<String>,
    /// Activities to fill on first start, in the background while already serving.
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    pub activities: u64,
}

/// The demo accounts: (username, roles, unit code, what the unit is).
pub const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "150000000000"),
    ("xilingol", "admin", "152500000000"),
    ("xilinhot", "admin", "152502000000"),
    ("baoligen", "admin", "152502200000"),
    ("yilelt", "admin", "152502200200"),
    ("hanaula", "admin", "152502200201"),
    ("baotou", "admin", "150200000000"),
    ("auditor", "auditor", "150000000000"),
    // Rights cases: a caseworker in each league, and the region's
    // caseworker, who supervises the cases of both by default.
    ("caseworker", "caseworker", "152502000000"),
    ("caseworker2", "caseworker", "150200000000"),
    ("supervisor", "caseworker", "150000000000"),
    // Reviews the Mongolian of the interface (/translations).
    ("translator", "translator", "150000000000"),
    // The health bureau's reporter of outline indicators at 锡林郭勒盟
    // (/outlines/report); her department is set by the outline demo.
    ("xlgl-health", "department", "152500000000"),
];

/// The people behind the demo accounts (invented names), so lists and the
/// header show 姓名 and 职务 as a real federation's would.
const DEMO_PEOPLE: &[(&str, &str, &str)] = &[
    ("admin", "其木格", "自治区妇联办公室 系统管理员"),
    ("xilingol", "萨仁", "盟妇联办公室主任"),
    ("xilinhot", "娜仁花", "市妇联主席"),
    ("baoligen", "乌云", "苏木妇联主席"),
    ("yilelt", "斯琴", "嘎查妇联主席"),
    ("hanaula", "高娃", "嘎查妇联主席"),
    ("baotou", "王丽", "市妇联办公室主任"),
    ("auditor", "李静", "安全审计员"),
    ("caseworker", "图雅", "市妇联维权干事"),
    ("caseworker2", "刘芳", "市妇联维权干事"),
    ("supervisor", "敖登", "自治区妇联权益部部长"),
    ("translator", "额尔敦其其格", "蒙古文审校"),
    ("xlgl-health", "白玉兰", "盟卫生健康委员会统计员"),
];

fn demo_person(name: &str) -> Person {
    let found = DEMO_PEOPLE.iter().find(|(n, _, _)| *n == name);
    Person {
        display_name: found.map(|(_, d, _)| (*d).to_owned()),
        position: found.map(|(_, _, p)| (*p).to_owned()),
        phone: None,
    }
}

pub struct Prepared {
    pub listener: TcpListener,
    pub state: AppState,
    pub store: SqlStore,
    pub password: String,
    pub fresh: bool,
}

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let p = prepare(
        &args.data_dir,
        args.listen,
        args.demo_password.as_deref(),
        None,
    )
    .await?;
    let addr = p.listener.local_addr()?;
    print_banner(addr, &p, started.elapsed());
    let ledger = args.activities > 0 && p.store.activity_count().await? == 0;
    if ledger {
        println!(
            "  filling {} demo activities in the background …",
            args.activities
        );
    }
    let store = p.store.clone();
    let today = jinguo_app::state::today(&p.state.config);
    let fresh = p.fresh;
    tokio::spawn(async move {
        if fresh {
            match crate::demo_data::fill_modules(&store).await {
                // Said on standard output: the browser check waits for it.
                Ok(()) => println!("  demo module records ready"),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "demo module records failed"),
            }
        }
        if ledger {
            if let Err(e) = crate::demo_data::fill(&store, args.activities, today).await {
                tracing::error!(error = %format!("{e:#}"), "demo activities failed");
            }
            match crate::demo_households::fill(&store, today).await {
                Ok(n) => tracing::info!(households = n, "demo households recorded"),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "demo households failed"),
            }
            match crate::demo_cases::fill(&store, today).await {
                Ok(n) => tracing::info!(cases = n, "demo cases recorded"),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "demo cases failed"),
            }
        }
    });
    jinguo_app::serve_on(p.listener, p.state).await
}

fn print_banner(addr: SocketAddr, p: &Prepared, took: Duration) {
    println!();
    println!(
        "  巾帼 jinguo demo — {}",
        if p.fresh {
            "new data"
        } else {
            "existing data reused"
        }
    );
    println!("  open   http://{addr}/");
    println!("  ready in {:.1} s", took.as_secs_f64());
    println!();
    println!("  demo accounts (password: {})", p.password);
    for (name, roles, code) in DEMO_ACCOUNTS {
        println!("    {name:<12} {roles:<11} {code}");
    }
    println!();
    println!("  stop with Ctrl-C");
    println!();
}

/// Creates or reuses the demo directory, then binds the listener. Split
/// from `run` so the start-up benchmark measures exactly this.
///
/// `database`: another database than the SQLite file in `dir` (benchmarks
/// on PostgreSQL); the data directory still holds files, keys and photos.
pub async fn prepare(
    dir: &Path,
    listen: SocketAddr,
    demo_password: Option<&str>,
    database: Option<&str>,
) -> anyhow::Result<Prepared> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let config = Config {
        listen,
        database_url: database.map_or_else(
            || format!("sqlite://{}", dir.join("jinguo.db").display()),
            str::to_owned,
        ),
        data_dir: dir.to_owned(),
        encryption_key_file: demo_key_file(dir)?,
        ..Config::default()
    };
    // Bind first: a taken port should fail before any work is done.
    let listener = TcpListener::bind(listen).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {listen}: {e} (try --listen 127.0.0.1:0)")
    })?;
    let store = jinguo_app::open_store(&config).await?;
    let fresh = store.unit_counts().await?[0] == 0;
    if fresh {
        crate::org_cmd::import_bundled(&store).await?;
    }
    let password = demo_password_for(dir, demo_password)?;
    ensure_accounts(&store, &password, demo_password.is_some()).await?;
    Ok(Prepared {
        listener,
        state: jinguo_app::state(store.clone(), config),
        store,
        password,
        fresh,
    })
}

/// The demo's encryption key: the one the environment names, else a key
/// file kept in the demo directory (made on the first start). A real
/// deployment keeps its key apart from the data (README).
fn demo_key_file(dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let from_env = ["JINGUO_ENCRYPTION_KEY_FILE", "JINGUO_ENCRYPTION_KEY"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.trim().is_empty()));
    if from_env {
        return Ok(None);
    }
    let file = dir.join("encryption.key");
    if !file.exists() {
        let id = jinguo_store::vault::KeyId::new(1).expect("1 is a key id");
        write_private(&file, &jinguo_store::vault::generate_key_line(id))?;
    }
    Ok(Some(file))
}

/// The password given, else the one kept from the first start, else a new
/// random one that satisfies the policy.
fn demo_password_for(dir: &Path, given: Option<&str>) -> anyhow::Result<String> {
    let file = dir.join("demo-password");
    let pw = match given {
        Some(p) => p.to_owned(),
        None => match std::fs::read_to_string(&file) {
            Ok(s) if !s.trim().is_empty() => s.trim().to_owned(),
            _ => random_password(),
        },
    };
    Password::parse(&pw).map_err(|_| {
        anyhow::anyhow!("--demo-password needs at least 8 characters with three of: lowercase, uppercase, digit, symbol")
    })?;
    write_private(&file, &pw)?;
    Ok(pw)
}

fn write_private(file: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(file, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn random_password() -> String {
    const ALNUM: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let body: String = (0..10)
        .map(|_| ALNUM[rng.gen_range(0..ALNUM.len())] as char)
        .collect();
    format!("Jg-{body}-{}", rng.gen_range(10..100))
}

/// Creates missing demo accounts in parallel (hashing dominates); with an
/// explicit password, existing ones are reset to it.
async fn ensure_accounts(store: &SqlStore, pw: &str, reset: bool) -> anyhow::Result<()> {
    let mut tasks = Vec::new();
    for &(name, roles, code) in DEMO_ACCOUNTS {
        let store = store.clone();
        let pw = Password::parse(pw).map_err(|_| anyhow::anyhow!("demo password"))?;
        tasks.push(tokio::spawn(async move {
            let existing = match store.credentials(name).await {
                Ok(c) => Some(c),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(anyhow::Error::from(e)),
            };
            match existing {
                Some(c) if reset => {
                    let hash = password::hash(pw).await?;
                    store
                        .set_password_hash(&store.system_user(c.user.id).await?, &hash, false)
                        .await?;
                }
                Some(_) => {}
                None => {
                    let unit = store
                        .unit_by_code(&UnitCode::parse(code).expect("demo code"))
                        .await?;
                    let hash = password::hash(pw).await?;
                    store
                        .create_person(
                            store.root_scope().await?,
                            NewUser {
                                username: Username::parse(name).expect("demo username"),
                                password_hash: hash,
                                unit: unit.id,
                                roles: Roles::parse_list(roles).expect("demo roles"),
                                must_change_password: false,
                            },
                            demo_person(name),
                        )
                        .await?;
                }
            }
            Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(())
}
