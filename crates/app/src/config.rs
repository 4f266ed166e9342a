//! Configuration in layers: defaults < file (`jinguo.toml`) < `JINGUO_*`
//! environment < command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use jinguo_domain::LevelNames;
use serde::Deserialize;

#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// May hold a password; never printed (see the `Debug` impl).
    pub database_url: String,
    /// Where uploaded files and other data live.
    pub data_dir: PathBuf,
    /// A session unused for this long ends.
    pub idle_timeout_minutes: i64,
    /// Mark cookies `Secure`; set when the server is reached over TLS.
    pub secure_cookies: bool,
    pub max_failed_logins: i64,
    pub lockout_minutes: i64,
    /// Offset of local time from UTC in hours, for dates on pages.
    pub utc_offset_hours: i8,
    pub level_names: LevelNames,
    /// Where task notices are POSTed as JSON for a messaging gateway to
    /// relay (plain `http://`, on the intranet); none when unset.
    pub webhook_url: Option<String>,
    /// The key file that seals personal data (see README, "Encryption keys
    /// for personal data"); without it, `JINGUO_ENCRYPTION_KEY_FILE` or
    /// `JINGUO_ENCRYPTION_KEY` from the environment.
    pub encryption_key_file: Option<PathBuf>,
    /// The public help page's abuse limits and quick exit.
    pub help: crate::help::HelpSettings,
    /// The deepest level whose case statistics are shown (default 3, the
    /// banner): below it a unit holds so few cases that even suppressed
    /// figures point at women, so they are not shown at all.
    pub case_stats_deepest_level: jinguo_domain::Level,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see
    /// [`crate::net`]); none by default, so the peer is the client.
    pub trusted_proxies: Vec<crate::net::ProxyNet>,
    /// Where `serve` writes a backup a day (see `backup.rs`); none when unset.
    pub backup_dir: Option<PathBuf>,
    /// How many daily backups to keep; older ones are deleted.
    pub backup_keep: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("idle_timeout_minutes", &self.idle_timeout_minutes)
            .field("secure_cookies", &self.secure_cookies)
            .finish_non_exhaustive()
    }
}

/// Hides the password of a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://jinguo.db".into(),
            data_dir: PathBuf::from("."),
            idle_timeout_minutes: 30,
            secure_cookies: false,
            max_failed_logins: 5,
            lockout_minutes: 30,
            utc_offset_hours: 8,
            level_names: LevelNames::default(),
            webhook_url: None,
            encryption_key_file: None,
            help: crate::help::HelpSettings::default(),
            case_stats_deepest_level: jinguo_domain::Level::BANNER,
            trusted_proxies: Vec::new(),
            backup_dir: None,
            backup_keep: 7,
        }
    }
}

/// One layer: every field optional, later layers win.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigLayer {
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub idle_timeout_minutes: Option<i64>,
    pub secure_cookies: Option<bool>,
    pub max_failed_logins: Option<i64>,
    pub lockout_minutes: Option<i64>,
    pub utc_offset_hours: Option<i8>,
    pub level_names: Option<[String; 5]>,
    pub webhook_url: Option<String>,
    pub encryption_key_file: Option<PathBuf>,
    /// Where the help page's quick-exit button goes (a neutral page).
    pub help_exit_url: Option<String>,
    /// 1 (region) to 5 (village); see [`Config::case_stats_deepest_level`].
    pub case_stats_deepest_level: Option<u8>,
    /// Addresses or ranges, e.g. `["10.0.0.2", "10.8.0.0/16"]`; in the
    /// environment comma-separated.
    pub trusted_proxies: Option<Vec<crate::net::ProxyNet>>,
    pub backup_dir: Option<PathBuf>,
    pub backup_keep: Option<usize>,
}

impl ConfigLayer {
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    /// Reads `JINGUO_LISTEN`, `JINGUO_DATABASE_URL`, … from the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        fn var<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
            match std::env::var(name) {
                Ok(v) => v
                    .parse()
                    .map(Some)
                    .map_err(|_| anyhow::anyhow!("{name} has an invalid value")),
                Err(_) => Ok(None),
            }
        }
        Ok(ConfigLayer {
            listen: var("JINGUO_LISTEN")?,
            database_url: var("JINGUO_DATABASE_URL")?,
            data_dir: var("JINGUO_DATA_DIR")?,
            idle_timeout_minutes: var("JINGUO_IDLE_TIMEOUT_MINUTES")?,
            secure_cookies: var("JINGUO_SECURE_COOKIES")?,
            max_failed_logins: var("JINGUO_MAX_FAILED_LOGINS")?,
            lockout_minutes: var("JINGUO_LOCKOUT_MINUTES")?,
            utc_offset_hours: var("JINGUO_UTC_OFFSET_HOURS")?,
            level_names: None,
            webhook_url: var("JINGUO_WEBHOOK_URL")?,
            encryption_key_file: var("JINGUO_ENCRYPTION_KEY_FILE")?,
            help_exit_url: var("JINGUO_HELP_EXIT_URL")?,
            case_stats_deepest_level: var("JINGUO_CASE_STATS_DEEPEST_LEVEL")?,
            trusted_proxies: match std::env::var("JINGUO_TRUSTED_PROXIES") {
                Ok(v) => Some(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| {
                            s.parse().map_err(|_| {
                                anyhow::anyhow!(
                                    "JINGUO_TRUSTED_PROXIES: {s} is not an IP address or range"
                                )
                            })
                        })
                        .collect::<anyhow::Result<_>>()?,
                ),
                Err(_) => None,
            },
            backup_dir: var("JINGUO_BACKUP_DIR")?,
            backup_keep: var("JINGUO_BACKUP_KEEP")?,
        })
    }
}

impl Config {
    /// Fails on a value out of range (a level that does not exist).
    pub fn apply(mut self, l: ConfigLayer) -> anyhow::Result<Self> {
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = l.$f { self.$f = v; } )* };
        }
        take!(
            listen,
            database_url,
            data_dir,
            idle_timeout_minutes,
            secure_cookies,
            max_failed_logins,
            lockout_minutes,
            utc_offset_hours,
            trusted_proxies,
            backup_keep
        );
        if let Some(d) = l.backup_dir {
            self.backup_dir = Some(d).filter(|d| !d.as_os_str().is_empty());
        }
        if let Some(url) = l.webhook_url {
            self.webhook_url = Some(url).filter(|u| !u.is_empty());
        }
        if let Some(f) = l.encryption_key_file {
            self.encryption_key_file = Some(f).filter(|f| !f.as_os_str().is_empty());
        }
        if let Some(url) = l.help_exit_url.filter(|u| !u.trim().is_empty()) {
            self.help.exit_url = url;
        }
        if let Some(n) = l.level_names {
            self.level_names = LevelNames(n);
        }
        if let Some(n) = l.case_stats_deepest_level {
            self.case_stats_deepest_level = jinguo_domain::Level::new(n).map_err(|_| {
                anyhow::anyhow!("case_stats_deepest_level must be 1 (region) to 5 (village)")
            })?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_are_addresses_or_ranges() {
        let file: ConfigLayer =
            toml::from_str("trusted_proxies = [\"10.0.0.2\", \"10.8.0.0/16\"]").unwrap();
        let c = Config::default().apply(file).unwrap();
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert!(c.trusted_proxies[0].contains(&ip("10.0.0.2")));
        assert!(c.trusted_proxies[1].contains(&ip("10.8.9.9")));
        assert!(toml::from_str::<ConfigLayer>("trusted_proxies = [\"10.8.0.0/99\"]").is_err());
    }

    #[test]
    fn later_layers_win_and_secrets_hide() {
        let file: ConfigLayer = toml::from_str(
            "database_url = \"postgres://u:secret@h/db\"\nidle_timeout_minutes = 10",
        )
        .unwrap();
        let flags = ConfigLayer {
            idle_timeout_minutes: Some(5),
            ..Default::default()
        };
        let c = Config::default().apply(file).unwrap().apply(flags).unwrap();
        assert_eq!(c.idle_timeout_minutes, 5);
        assert!(!format!("{c:?}").contains("secret"));
        assert!(toml::from_str::<ConfigLayer>("nonsense = 1").is_err());
        let deep: ConfigLayer = toml::from_str("case_stats_deepest_level = 6").unwrap();
        assert!(Config::default().apply(deep).is_err());
        let league: ConfigLayer = toml::from_str("case_stats_deepest_level = 2").unwrap();
        assert_eq!(
            Config::default()
                .apply(league)
                .unwrap()
                .case_stats_deepest_level,
            jinguo_domain::Level::LEAGUE
        );
    }
}
