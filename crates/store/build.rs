//! `sqlx::migrate!` embeds the migration files at compile time, but cargo
//! does not watch them: a new migration alone would leave a build without
//! it. This makes any change under `migrations/` rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
