//! Stored files under a folder of the data directory (`photos/`,
//! `attachments/`), named by 128 random bits so no name can be guessed,
//! written whole or not at all (a temporary file renamed into place), and
//! read back only through a scoped handler.

use std::path::{Path, PathBuf};

use rand::RngCore;
use tokio::io::AsyncWriteExt;

/// One file folder of a data directory (photos by default).
#[derive(Debug, Clone)]
pub struct PhotoFiles {
    dir: PathBuf,
}

/// A storage name is exactly what [`PhotoFiles::write`] makes: 32 lowercase
/// hex digits. Anything else never reaches the file system.
fn valid_name(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn random_name() -> String {
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl PhotoFiles {
    pub fn new(data_dir: &Path) -> Self {
        Self::in_folder(data_dir, "photos")
    }

    /// The files of another kind, in their own folder of the data
    /// directory, so one kind's names can never reach the other's files.
    pub fn in_folder(data_dir: &Path, folder: &str) -> Self {
        PhotoFiles {
            dir: data_dir.join(folder),
        }
    }

    /// Where a stored photo lives, if the name is one of ours.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        valid_name(name).then(|| self.dir.join(name))
    }

    /// Writes the bytes under a fresh random name and returns the name.
    /// The file appears complete or not at all, readable by the server's
    /// own user only (0600, its folder 0700): photos of households and
    /// case attachments are personal data.
    pub async fn write(&self, bytes: &[u8]) -> std::io::Result<String> {
        tokio::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .await?;
        let name = random_name();
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let result = async {
            let mut f = tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .await?;
            f.write_all(bytes).await?;
            f.sync_all().await?;
            drop(f);
            tokio::fs::rename(&tmp, self.dir.join(&name)).await
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result.map(|()| name)
    }

    /// Removes stored files; one already gone is not an error, and others
    /// are logged (without the name's owner) rather than failing the
    /// request whose rows are already deleted.
    pub async fn remove_all(&self, names: Vec<String>) {
        for name in names {
            let Some(path) = self.path(&name) else {
                continue;
            };
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(error = %e, "stored file not removed"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn written_whole_read_by_name_removed_once() {
        let dir = std::env::temp_dir().join(format!("jinguo-photofiles-{}", random_name()));
        let files = PhotoFiles::new(&dir);
        let name = files.write(b"abc").await.unwrap();
        assert!(valid_name(&name));
        let path = files.path(&name).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"abc");
        // Only the server's user reads it.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.join("photos")), 0o700);
        // No temporary file is left behind.
        let entries: Vec<_> = std::fs::read_dir(dir.join("photos")).unwrap().collect();
        assert_eq!(entries.len(), 1);
        files.remove_all(vec![name.clone(), name.clone()]).await;
        assert!(!path.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn another_folder_keeps_its_own_files() {
        let dir = std::env::temp_dir().join(format!("jinguo-photofiles-{}", random_name()));
        let files = PhotoFiles::in_folder(&dir, "attachments");
        let name = files.write(b"xyz").await.unwrap();
        assert_eq!(
            std::fs::read(dir.join("attachments").join(&name)).unwrap(),
            b"xyz"
        );
        assert!(!dir.join("photos").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_our_names_become_paths() {
        let files = PhotoFiles::new(Path::new("/data"));
        assert!(files.path("../../etc/passwd").is_none());
        assert!(files.path("0123456789ABCDEF0123456789abcdef").is_none());
        assert!(files.path("0123456789abcdef0123456789abcdef").is_some());
    }
}
