//! Measurements behind BENCHMARKS.md. Run them on a release build.

use std::time::{Duration, Instant};

use clap::Subcommand;
use jinguo_app::auth::password;
use jinguo_domain::Password;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Time `demo` on an empty directory until it answers HTTP (target: under 5 s).
    DemoStart {
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Time password verification alone (Argon2id, m=19 MiB, t=2, p=1), then whole
    /// HTTP logins against a demo server, one at a time and with concurrent clients.
    Login {
        #[arg(long, default_value_t = 50)]
        runs: usize,
        /// Concurrent clients in the second HTTP round.
        #[arg(long, default_value_t = 8)]
        clients: usize,
    },
}

pub async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::DemoStart { runs } => demo_start(runs).await,
        BenchCommand::Login { runs, clients } => login(runs, clients).await,
    }
}

async fn demo_start(runs: usize) -> anyhow::Result<()> {
    let mut times = Vec::new();
    for i in 0..runs {
        let dir = std::env::temp_dir().join(format!("jinguo-bench-{}-{i}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let t0 = Instant::now();
        let p = crate::demo::prepare(&dir, "127.0.0.1:0".parse()?, None).await?;
        let addr = p.listener.local_addr()?;
        let server = tokio::spawn(jinguo_app::serve_on(p.listener, p.state));
        let mut s = tokio::net::TcpStream::connect(addr).await?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        anyhow::ensure!(buf.starts_with(b"HTTP/1.1 200"), "health check failed");
        let took = t0.elapsed();
        server.abort();
        println!(
            "run {}: empty directory to first HTTP answer in {:.2} s",
            i + 1,
            took.as_secs_f64()
        );
        times.push(took);
        let _ = std::fs::remove_dir_all(&dir);
    }
    report("demo start", &mut times);
    Ok(())
}

async fn login(runs: usize, clients: usize) -> anyhow::Result<()> {
    let pw = Password::parse("Bench-password-1").map_err(|_| anyhow::anyhow!("policy"))?;
    let hash = password::hash(pw).await?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        anyhow::ensure!(password::verify("Bench-password-1".into(), Some(hash.clone())).await);
        times.push(t0.elapsed());
    }
    report("argon2id verify alone", &mut times);

    let dir = std::env::temp_dir().join(format!("jinguo-bench-login-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let p = crate::demo::prepare(&dir, "127.0.0.1:0".parse()?, Some("Bench-password-1")).await?;
    let addr = p.listener.local_addr()?;
    let server = tokio::spawn(jinguo_app::serve_on(p.listener, p.state));
    // Different accounts, so the lockout never trips.
    let names: Vec<&str> = crate::demo::DEMO_ACCOUNTS.iter().map(|a| a.0).collect();

    let mut times = Vec::new();
    for i in 0..runs {
        times.push(http_login(addr, names[i % names.len()]).await?);
    }
    report("HTTP login, 1 client", &mut times);

    let per_client = runs.div_ceil(clients);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let name = names[c % names.len()];
        tasks.push(tokio::spawn(async move {
            let mut t = Vec::new();
            for _ in 0..per_client {
                t.push(http_login(addr, name).await?);
            }
            anyhow::Ok(t)
        }));
    }
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await??);
    }
    report(
        &format!("HTTP login, {clients} concurrent clients"),
        &mut times,
    );
    server.abort();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// One `POST /api/v1/session` over a fresh connection; the answer must be 200.
async fn http_login(addr: std::net::SocketAddr, user: &str) -> anyhow::Result<Duration> {
    let body = format!(r#"{{"username":"{user}","password":"Bench-password-1"}}"#);
    let req = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let t0 = Instant::now();
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let took = t0.elapsed();
    anyhow::ensure!(
        buf.starts_with(b"HTTP/1.1 200"),
        "login failed: {}",
        String::from_utf8_lossy(&buf[..buf.len().min(200)])
    );
    Ok(took)
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let pick = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    println!(
        "{what}: n={} min {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        pick(0.0),
        pick(0.5),
        pick(0.99),
        pick(1.0)
    );
}
