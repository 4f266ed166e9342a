//! Backup and restore (issue 19 item 6).
//!
//! A backup is one tar archive:
//!
//! - `jinguo.db`: on SQLite, a consistent copy of the database made with
//!   `VACUUM INTO` while the server runs (PostgreSQL is backed up with
//!   `pg_dump`, see the README; its archive holds the files only);
//! - `photos/`, `home-photos/`, `attachments/`: the uploaded files under
//!   the data directory;
//! - `manifest.json`: every file above with its size and SHA-256, the
//!   jinguo version, the schema version (newest migration) and the time;
//! - `manifest.json.sha256`: the SHA-256 of the manifest, so a damaged
//!   manifest is refused too.
//!
//! The encryption key is never in it: the key is kept and backed up apart
//! from the data, and a backup restored without it leaves the sealed fields
//! unreadable.
//!
//! A restore writes into an empty (or new) directory only: it unpacks into
//! a staging folder inside it, checks every size and hash against the
//! manifest, and only then moves the files into place; a damaged or
//! truncated archive leaves nothing behind.

use crate::auth::token::hex;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};
use jinguo_store::{Backend, SqlStore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The folders of the data directory that hold uploaded files.
pub const FILE_FOLDERS: [&str; 3] = ["photos", "home-photos", "attachments"];

/// The database's name inside the archive and in a restored directory.
pub const DATABASE_FILE: &str = "jinguo.db";

const MANIFEST: &str = "manifest.json";
const MANIFEST_SUM: &str = "manifest.json.sha256";
const FORMAT: &str = "jinguo-backup-1";

/// What a backup holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// `jinguo-backup-1`.
    pub format: String,
    pub jinguo_version: String,
    /// The newest migration applied to the database backed up.
    pub schema_version: i64,
    /// `sqlite` or `postgres` (then the database is not in the archive).
    pub backend: String,
    /// When the backup was made, RFC 3339 in UTC.
    pub created_at: String,
    /// Every file in the archive besides the manifest, in archive order.
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestFile {
    /// Path inside the archive, with `/`.
    pub path: String,
    pub size: u64,
    /// Lowercase hexadecimal.
    pub sha256: String,
}

/// What [`backup`] wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub manifest: Manifest,
    pub archive: PathBuf,
    pub bytes: u64,
}

/// A reader that hashes and counts what passes through it.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    size: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// Creates `path` for writing, readable by the owner only.
fn create_private(path: &Path) -> io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Creates `path` (and missing parents) with mode 0700.
fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}

/// Appends one file to the archive, hashing it as it is written.
fn append_file<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    source: &Path,
) -> anyhow::Result<Option<ManifestFile>> {
    let file = match File::open(source) {
        Ok(f) => f,
        // Deleted since it was listed (a removed photo): not backed up.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", source.display())),
    };
    let size = file.metadata()?.len();
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    let mut reader = Hashing {
        inner: file.take(size),
        hash: Sha256::new(),
        size: 0,
    };
    tar.append_data(&mut header, name, &mut reader)
        .with_context(|| format!("cannot archive {}", source.display()))?;
    if reader.size != size {
        bail!("{} changed size while it was archived", source.display());
    }
    Ok(Some(ManifestFile {
        path: name.to_owned(),
        size,
        sha256: hex(&reader.hash.finalize()),
    }))
}

/// Every regular file under `dir`, as (path inside the archive, path on disk), sorted.
fn files_under(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut entries = entries.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Some(name) = e.file_name().to_str().map(str::to_owned) else {
            continue; // not a name the application writes
        };
        let kind = e.file_type()?;
        let inner = format!("{prefix}/{name}");
        if kind.is_dir() {
            files_under(&e.path(), &inner, out)?;
        } else if kind.is_file() {
            out.push((inner, e.path()));
        }
    }
    Ok(())
}

/// Makes a backup of the database (SQLite) and the uploaded files under
/// `data_dir` into the archive `to`, written beside it under a temporary
/// name and renamed when complete. `key_file` (the encryption key) is
/// never archived, even if it lies inside a file folder.
pub async fn backup(
    store: &SqlStore,
    data_dir: &Path,
    key_file: Option<&Path>,
    to: &Path,
) -> anyhow::Result<BackupReport> {
    if to.exists() {
        bail!("{} already exists; choose a new file", to.display());
    }
    let dir = to
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stem = to.file_name().and_then(|n| n.to_str()).unwrap_or("backup");
    let partial = dir.join(format!(".{stem}.partial"));
    let snapshot = dir.join(format!(".{stem}.db-snapshot"));
    let _ = fs::remove_file(&partial);
    let _ = fs::remove_file(&snapshot);
    let result = async {
        let schema_version = store.schema_version().await?;
        let created_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)?;
        if store.backend() == Backend::Sqlite {
            store
                .sqlite_snapshot(&snapshot)
                .await
                .context("cannot copy the database")?;
        }
        let key = key_file.and_then(|k| fs::canonicalize(k).ok());
        let (data_dir, partial, snapshot) =
            (data_dir.to_owned(), partial.clone(), snapshot.clone());
        let backend = store.backend();
        tokio::task::spawn_blocking(move || {
            let out = create_private(&partial)
                .with_context(|| format!("cannot create {}", partial.display()))?;
            let mut tar = tar::Builder::new(io::BufWriter::new(out));
            let mut files = Vec::new();
            if backend == Backend::Sqlite {
                files.extend(append_file(&mut tar, DATABASE_FILE, &snapshot)?);
            }
            for folder in FILE_FOLDERS {
                let mut listed = Vec::new();
                files_under(&data_dir.join(folder), folder, &mut listed)?;
                for (name, path) in listed {
                    if key.is_some() && fs::canonicalize(&path).ok() == key {
                        continue;
                    }
                    files.extend(append_file(&mut tar, &name, &path)?);
                }
            }
            let manifest = Manifest {
                format: FORMAT.into(),
                jinguo_version: env!("CARGO_PKG_VERSION").into(),
                schema_version,
                backend: match backend {
                    Backend::Sqlite => "sqlite".into(),
                    Backend::Postgres => "postgres".into(),
                },
                created_at,
                files,
            };
            let json = serde_json::to_vec_pretty(&manifest)?;
            let sum = format!("{}  {MANIFEST}\n", hex(&Sha256::digest(&json)));
            for (name, bytes) in [(MANIFEST, json.as_slice()), (MANIFEST_SUM, sum.as_bytes())] {
                let mut header = tar::Header::new_gnu();
                header.set_size(bytes.len() as u64);
                header.set_mode(0o600);
                header.set_mtime(0);
                tar.append_data(&mut header, name, bytes)?;
            }
            let out = tar.into_inner()?;
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok::<_, anyhow::Error>(manifest)
        })
        .await?
    }
    .await;
    let _ = fs::remove_file(&snapshot);
    match result {
        Ok(manifest) => {
            fs::rename(&partial, to)
                .with_context(|| format!("cannot move the backup to {}", to.display()))?;
            let bytes = fs::metadata(to)?.len();
            Ok(BackupReport {
                manifest,
                archive: to.to_owned(),
                bytes,
            })
        }
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Whether `path` (from an archive) is one a backup writes: the database,
/// the manifest, or a plain relative path under a file folder.
fn allowed_path(path: &Path) -> Option<String> {
    let parts = path
        .components()
        .map(|c| match c {
            Component::Normal(p) => p.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let joined = parts.join("/");
    match parts.as_slice() {
        [one] if [DATABASE_FILE, MANIFEST, MANIFEST_SUM].contains(one) => Some(joined),
        [folder, _, ..] if FILE_FOLDERS.contains(folder) => Some(joined),
        _ => None,
    }
}

/// What [`restore`] wrote.
#[derive(Debug)]
pub struct RestoreReport {
    pub manifest: Manifest,
    pub database: Option<PathBuf>,
}

/// Whether `dir` is missing or an empty directory.
fn empty_or_missing(dir: &Path) -> anyhow::Result<bool> {
    match fs::read_dir(dir) {
        Ok(mut e) => Ok(e.next().is_none()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// Restores the archive `from` into `data_dir`, which must be empty or
/// missing. Nothing is left behind when the archive is refused.
pub fn restore(from: &Path, data_dir: &Path) -> anyhow::Result<RestoreReport> {
    if !empty_or_missing(data_dir)? {
        bail!(
            "{} is not empty: restore only into an empty or new directory",
            data_dir.display()
        );
    }
    let created = !data_dir.exists();
    create_private_dir(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let staging = data_dir.join(".restore-staging");
    let result = unpack_and_check(from, &staging).and_then(|manifest| {
        // Checked: move into place.
        for entry in fs::read_dir(&staging)? {
            let entry = entry?;
            let name = entry.file_name();
            if name == MANIFEST || name == MANIFEST_SUM {
                continue;
            }
            fs::rename(entry.path(), data_dir.join(&name))?;
        }
        fs::remove_dir_all(&staging)?;
        Ok(manifest)
    });
    match result {
        Ok(manifest) => {
            let database = manifest
                .files
                .iter()
                .any(|f| f.path == DATABASE_FILE)
                .then(|| data_dir.join(DATABASE_FILE));
            Ok(RestoreReport { manifest, database })
        }
        Err(e) => {
            if created {
                let _ = fs::remove_dir_all(data_dir);
            } else if let Ok(entries) = fs::read_dir(data_dir) {
                // It was empty before: empty it again.
                for entry in entries.flatten() {
                    let p = entry.path();
                    let _ = if p.is_dir() {
                        fs::remove_dir_all(&p)
                    } else {
                        fs::remove_file(&p)
                    };
                }
            }
            Err(e)
        }
    }
}

/// Unpacks `from` into `staging` (files 0600, folders 0700), hashing every
/// file, and checks the whole against the manifest.
fn unpack_and_check(from: &Path, staging: &Path) -> anyhow::Result<Manifest> {
    const DAMAGED: &str = "the archive is damaged or truncated; nothing was restored";
    create_private_dir(staging)?;
    let file = File::open(from).with_context(|| format!("cannot open {}", from.display()))?;
    let mut archive = tar::Archive::new(io::BufReader::new(file));
    let mut seen: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut manifest_bytes = None;
    let mut manifest_sum = None;
    for entry in archive.entries().context(DAMAGED)? {
        let mut entry = entry.context(DAMAGED)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            bail!("{DAMAGED}: it holds something other than plain files");
        }
        let path = entry.path().context(DAMAGED)?.into_owned();
        let Some(name) = allowed_path(&path) else {
            bail!(
                "{DAMAGED}: unexpected entry {:?}",
                path.display().to_string()
            );
        };
        if seen.contains_key(&name) {
            bail!("{DAMAGED}: {name} appears twice");
        }
        if name == MANIFEST || name == MANIFEST_SUM {
            let mut bytes = Vec::new();
            entry
                .by_ref()
                .take(1 << 26)
                .read_to_end(&mut bytes)
                .context(DAMAGED)?;
            if name == MANIFEST {
                manifest_bytes = Some(bytes);
            } else {
                manifest_sum = Some(bytes);
            }
            seen.insert(name, (0, String::new()));
            continue;
        }
        let target = staging.join(&name);
        if let Some(parent) = target.parent() {
            create_private_dir(parent)?;
        }
        let mut out = create_private(&target)?;
        let mut reader = Hashing {
            inner: &mut entry,
            hash: Sha256::new(),
            size: 0,
        };
        io::copy(&mut reader, &mut out).context(DAMAGED)?;
        out.sync_all()?;
        seen.insert(name, (reader.size, hex(&reader.hash.finalize())));
    }
    let (Some(json), Some(sum)) = (manifest_bytes, manifest_sum) else {
        bail!("{DAMAGED}: its manifest is missing");
    };
    let want = String::from_utf8_lossy(&sum);
    if want.split_whitespace().next() != Some(hex(&Sha256::digest(&json)).as_str()) {
        bail!("{DAMAGED}: its manifest does not match its checksum");
    }
    let manifest: Manifest = serde_json::from_slice(&json).context(DAMAGED)?;
    if manifest.format != FORMAT {
        bail!(
            "not a jinguo backup of a known format ({:?})",
            manifest.format
        );
    }
    seen.remove(MANIFEST);
    seen.remove(MANIFEST_SUM);
    for f in &manifest.files {
        match seen.remove(&f.path) {
            None => bail!("{DAMAGED}: {} is missing", f.path),
            Some((size, sum)) if size != f.size || sum != f.sha256 => {
                bail!("{DAMAGED}: {} does not match its SHA-256", f.path)
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = seen.keys().next() {
        bail!("{DAMAGED}: {extra} is not in the manifest");
    }
    Ok(manifest)
}

/// The backups kept in `dir` by [`daily`], oldest first.
fn kept_backups(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("jinguo-") && n.ends_with(".tar"))
        })
        .collect::<Vec<_>>();
    // Names carry the UTC time (jinguo-YYYYMMDD-HHMMSS.tar): sorting by name sorts by age.
    out.sort();
    Ok(out)
}

/// Takes a backup into `dir` when the newest there is a day old or more (or
/// there is none), then deletes the oldest beyond `keep`. Answers the new
/// backup's path, if one was made.
pub async fn take_due_backup(
    store: &SqlStore,
    data_dir: &Path,
    key_file: Option<&Path>,
    dir: &Path,
    keep: usize,
) -> anyhow::Result<Option<PathBuf>> {
    create_private_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let newest_age = kept_backups(dir)?
        .last()
        .and_then(|p| fs::metadata(p).ok()?.modified().ok()?.elapsed().ok());
    if newest_age.is_some_and(|age| age < std::time::Duration::from_secs(24 * 3600)) {
        return Ok(None);
    }
    let now = time::OffsetDateTime::now_utc();
    let name = format!(
        "jinguo-{:04}{:02}{:02}-{:02}{:02}{:02}.tar",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let path = dir.join(name);
    backup(store, data_dir, key_file, &path).await?;
    let all = kept_backups(dir)?;
    for old in all.iter().take(all.len().saturating_sub(keep.max(1))) {
        fs::remove_file(old).with_context(|| format!("cannot delete {}", old.display()))?;
    }
    Ok(Some(path))
}

/// The daily backup of `serve`: checks every hour whether one is due.
pub async fn daily(store: SqlStore, config: crate::Config) {
    let Some(dir) = config.backup_dir.clone() else {
        return;
    };
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        match take_due_backup(
            &store,
            &config.data_dir,
            config.encryption_key_file.as_deref(),
            &dir,
            config.backup_keep,
        )
        .await
        {
            Ok(Some(path)) => tracing::info!(backup = %path.display(), "daily backup written"),
            Ok(None) => {}
            Err(e) => tracing::error!(error = %format!("{e:#}"), "daily backup failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_paths_a_backup_writes_are_accepted() {
        for ok in [
            "jinguo.db",
            "manifest.json",
            "photos/ab/cd.jpg",
            "attachments/x",
        ] {
            assert!(allowed_path(Path::new(ok)).is_some(), "{ok}");
        }
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "photos",
            "photos/../../x",
            "encryption.key",
            "other/x",
            "./jinguo.db/..",
        ] {
            assert!(allowed_path(Path::new(bad)).is_none(), "{bad}");
        }
    }
}
