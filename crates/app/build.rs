//! Embeds what the application finds by directory, so adding a module's
//! pages or strings needs no Rust edit:
//!
//! - every template under `templates/`, named by its path below that folder
//!   (`households/form.html`);
//! - every message catalogue file under `i18n/`: `i18n/zh-CN.toml` holds
//!   the shared strings, `i18n/<module>/zh-CN.toml` a module's (likewise
//!   `en.toml` and `mn-Mong.toml`); the file's name says its language.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    minijinja_embed::embed_templates!("templates", &[".html"][..]);
    embed_catalogues();
}

fn embed_catalogues() {
    // The variable as cargo sets it when it runs the script, not as it was
    // when the script was compiled: a build script copied with `target/`
    // from another checkout would otherwise embed that checkout's files.
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo")).join("i18n");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect_toml(&root, &mut files);
    files.sort();
    let mut out =
        String::from("/// `(language tag, path below i18n/, text)` of every catalogue file.\n");
    out.push_str("pub const FILES: &[(&str, &str, &str)] = &[\n");
    for path in &files {
        let tag = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name");
        let rel = path.strip_prefix(&root).expect("below i18n/");
        writeln!(
            out,
            "    ({tag:?}, {:?}, include_str!({:?})),",
            rel.display().to_string(),
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("catalogue_files.rs");
    std::fs::write(dest, out).expect("write catalogue_files.rs");
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read i18n/") {
        let path = entry.expect("read i18n/ entry").path();
        if path.is_dir() {
            collect_toml(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}
