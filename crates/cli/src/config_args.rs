use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use jinguo_app::Config;
use jinguo_app::config::ConfigLayer;

/// Flags shared by every command that opens the database; they override
/// the file and the environment.
#[derive(Args, Debug, Default)]
pub struct ConfigArgs {
    /// Configuration file; `jinguo.toml` in the working directory is read if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB [default: sqlite://jinguo.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Minutes of inactivity after which a session ends [default: 30].
    #[arg(long, value_name = "MINUTES")]
    pub idle_timeout_minutes: Option<i64>,
    /// Mark cookies Secure (set when users reach the server over HTTPS).
    #[arg(long)]
    pub secure_cookies: bool,
}

impl ConfigArgs {
    pub fn load(&self) -> anyhow::Result<Config> {
        let mut config = Config::default();
        let file = self.config.clone().or_else(|| {
            let p = PathBuf::from("jinguo.toml");
            p.exists().then_some(p)
        });
        if let Some(f) = file {
            config = config.apply(ConfigLayer::from_file(&f)?)?;
        }
        config = config.apply(ConfigLayer::from_env()?)?;
        config.apply(ConfigLayer {
            listen: self.listen,
            database_url: self.database.clone(),
            idle_timeout_minutes: self.idle_timeout_minutes,
            secure_cookies: self.secure_cookies.then_some(true),
            ..Default::default()
        })
    }
}
