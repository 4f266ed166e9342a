use std::net::SocketAddr;
use std::sync::OnceLock;

use jinguo_app::Config;
use jinguo_app::auth::password;
use jinguo_app::auth::token::{new_token, token_hash};
use jinguo_domain::{Password, Roles, UnitCode, UserId, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::NewUser;
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{BUNDLED_DIVISIONS_CSV, SessionStore, SqlStore, UnitStore, UserStore};

/// The password of every test account.
pub const PW: &str = "Steppe-2026!";

/// Units the tests use: the demo's Xilingol branch, a sibling banner, and
/// another league, with their ancestors.
pub const REGION: &str = "150000000000";
pub const XILINGOL: &str = "152500000000";
pub const XILINHOT: &str = "152502000000";
pub const ERENHOT: &str = "152501000000";
pub const BAOLIGEN: &str = "152502200000";
pub const YILELT: &str = "152502200200";
pub const HANAULA: &str = "152502200201";
pub const BAOTOU: &str = "150200000000";
pub const BAOTOU_BANNER: &str = "150202000000";
/// Well-formed, but no such unit.
pub const NO_SUCH_UNIT: &str = "152599999999";

pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub store: SqlStore,
    pub client: reqwest::Client,
    /// The server's data directory (photos live under it), fresh per test.
    pub data_dir: std::path::PathBuf,
    /// The server's configuration, e.g. to start a second server on the
    /// same database.
    pub config: Config,
}

fn hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash_sync(&Password::parse(PW).unwrap()).unwrap())
        .clone()
}

fn subset_csv() -> String {
    let keep = [
        REGION,
        XILINGOL,
        XILINHOT,
        ERENHOT,
        BAOLIGEN,
        YILELT,
        HANAULA,
        BAOTOU,
        BAOTOU_BANNER,
    ];
    let mut out = String::from("code,name,parent_code,level\n");
    for line in BUNDLED_DIVISIONS_CSV.lines().skip(1) {
        if keep.iter().any(|k| line.starts_with(k)) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Spawns the server over a fresh database with the subset tree. Returns
/// `None` when PostgreSQL is not configured outside CI.
pub async fn spawn_app(db: Db, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
    let url = match db {
        Db::Sqlite => fresh_sqlite_url(),
        Db::Postgres => match fresh_postgres().await {
            PostgresTarget::Fresh(u) => u,
            PostgresTarget::Skipped => return None,
        },
    };
    let store = SqlStore::connect(&url)
        .await
        .expect("connect")
        .with_vault(test_vault());
    let mut records = read_division_csv(subset_csv().as_bytes()).expect("subset list");
    // With the bundled Mongolian names, as `jinguo demo` loads them.
    let names = jinguo_store::csv_import::bundled_names_mn();
    for r in &mut records {
        r.name_mn = names.get(r.code.as_str()).cloned();
    }
    store.import_divisions(&records).await.expect("import");
    let data_dir = std::env::temp_dir().join(format!("jinguo-data-{}", new_token()));
    std::fs::create_dir_all(&data_dir).unwrap();
    let mut config = Config {
        database_url: url,
        data_dir: data_dir.clone(),
        ..Config::default()
    };
    tweak(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = jinguo_app::state(store.clone(), config.clone());
    tokio::spawn(jinguo_app::serve_on(listener, state));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Some(TestApp {
        addr,
        store,
        client,
        data_dir,
        config,
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A page read with `cookie` (a session, a language): status and body.
    pub async fn page(&self, cookie: &str, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(self.url(path))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub async fn add_user(&self, name: &str, roles: &str, unit: &str) -> UserId {
        let unit = self
            .store
            .unit_by_code(&UnitCode::parse(unit).unwrap())
            .await
            .unwrap();
        self.store
            .create_user(
                self.store.root_scope().await.unwrap(),
                NewUser {
                    username: Username::parse(name).unwrap(),
                    password_hash: hash(),
                    unit: unit.id,
                    roles: Roles::parse_list(roles).unwrap(),
                    must_change_password: false,
                },
            )
            .await
            .unwrap()
    }

    /// A session made directly in the store: (token, csrf). Fast, so the
    /// matrix can use a fresh one for every request.
    pub async fn session_for(&self, user: UserId) -> (String, String) {
        let (token, csrf) = (new_token(), new_token());
        self.store
            .create_session(&token_hash(&token), user, &csrf, jinguo_app::state::now())
            .await
            .unwrap();
        (token, csrf)
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn api_login(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    pub async fn token(&self, username: &str) -> String {
        self.token_with(username, PW).await
    }

    pub async fn token_with(&self, username: &str, password: &str) -> String {
        let r = self.api_login(username, password).await;
        assert_eq!(r.status(), 200, "login of {username}");
        let v: serde_json::Value = r.json().await.unwrap();
        v["token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

/// A vault with a fixed test key, so sealed columns work in every test app.
pub fn test_vault() -> std::sync::Arc<jinguo_store::Vault> {
    let ring =
        jinguo_store::vault::keys::KeyRing::parse("1:000102030405060708090a0b0c0d0e0f", "test")
            .expect("test key");
    std::sync::Arc::new(jinguo_store::Vault::from_keys(ring))
}

/// The Chinese of a workbook header cell, after checking its layout: a
/// bilingual header is the Mongolian line, a line break, the Chinese
/// (Mongolian first); a header with no Mongolian (data, such as a level
/// name) is the Chinese alone.
pub fn zh_header(cell: &str) -> String {
    let mongolian = |s: &str| s.chars().any(|c| ('\u{1800}'..='\u{18AF}').contains(&c));
    match cell.split_once('\n') {
        Some((mn, zh)) => {
            assert!(mongolian(mn), "the first line is Mongolian: {cell:?}");
            assert!(!mongolian(zh) && !zh.is_empty(), "then Chinese: {cell:?}");
            zh.to_owned()
        }
        None => {
            assert!(!mongolian(cell), "Mongolian without its Chinese: {cell:?}");
            cell.to_owned()
        }
    }
}
