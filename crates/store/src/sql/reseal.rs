//! Re-encryption after a key rotation: every sealed column is walked and
//! each value not yet under the current key is opened and sealed again.
//!
//! Safe while the server runs: rows are read in id order in batches, and
//! each row is written only if its value is still the one read (a value
//! edited in between is already under the current key).

use std::collections::BTreeMap;

use sqlx::Row;

use super::SqlStore;
use crate::Result;
use crate::vault::{Vault, associated_data};

/// Every sealed column as (table, column without `_enc`): the associated
/// data of a value is `table:id:column`. A new sealed column is added here,
/// so rotation cannot forget it.
pub const SEALED_COLUMNS: &[(&str, &str)] = &[
    ("households", "address"),
    ("households", "consent_given_by"),
    ("household_members", "id"),
    ("household_members", "phone"),
    ("household_members", "name"),
    ("household_members", "guardian_given_by"),
    ("visits", "notes"),
    ("needs", "description"),
    ("help_requests", "description"),
    ("help_requests", "contact"),
    ("cases", "client_name"),
    ("cases", "client_id"),
    ("cases", "client_phone"),
    ("cases", "narrative"),
    ("cases", "safety_plan"),
    ("cases", "close_reason"),
    ("case_people", "name"),
    ("case_people", "birth_year"),
    ("case_people", "guardian_given_by"),
    ("cases", "client_birth_year"),
    ("case_assessments", "override"),
    ("case_glass", "reason"),
    // The case workflow after intake (sql/cases/flow.rs).
    ("case_follow_ups", "note"),
    ("case_referrals", "note"),
    ("case_referrals", "override_reason"),
    ("case_events", "note"),
    // Honours (honours/sql.rs).
    ("honour_nominations", "person_name"),
    ("honour_objections", "text"),
    ("honour_objections", "contact"),
    // Committee members of organisations (organisations/sql.rs).
    ("committee_members", "name"),
    ("committee_members", "phone"),
    // Family-education counsellors (family_sites/sql.rs).
    ("family_counsellors", "name"),
    // Account holders' phones (sql/users.rs).
    ("users", "phone"),
];

/// The table name a column's values are bound to. Needs and help requests
/// were sealed under the singular name from the start; changing it now
/// would leave every existing value unopenable, so rotation follows it.
fn aad_table(table: &str) -> &str {
    match table {
        "needs" => "need",
        "help_requests" => "help_request",
        t => t,
    }
}

/// Rows read per batch.
const BATCH: i64 = 500;

/// What a rotation found and did in one column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnReport {
    /// Values by the id of the key that sealed them, before the run.
    pub by_key: BTreeMap<u16, u64>,
    /// Values sealed again under the current key.
    pub resealed: u64,
}

impl SqlStore {
    /// Re-seals every value of [`SEALED_COLUMNS`] under the vault's current
    /// key (`dry_run`: only counts). A value that does not open stops the
    /// run with an error naming its table, column and row, never its content.
    pub async fn reseal_all(
        &self,
        dry_run: bool,
    ) -> Result<Vec<((&'static str, &'static str), ColumnReport)>> {
        let vault = self.vault()?;
        let mut out = Vec::new();
        for &(table, column) in SEALED_COLUMNS {
            out.push((
                (table, column),
                self.reseal_column(vault, table, column, dry_run).await?,
            ));
        }
        Ok(out)
    }

    async fn reseal_column(
        &self,
        vault: &Vault,
        table: &str,
        column: &str,
        dry_run: bool,
    ) -> Result<ColumnReport> {
        let mut report = ColumnReport::default();
        let mut after = 0_i64;
        // Names come from SEALED_COLUMNS, never from input.
        let select = format!(
            "SELECT id, {column}_enc AS sealed FROM {table} \
             WHERE id > $1 AND {column}_enc IS NOT NULL ORDER BY id LIMIT $2"
        );
        let update =
            format!("UPDATE {table} SET {column}_enc = $1 WHERE id = $2 AND {column}_enc = $3");
        loop {
            let rows = sqlx::query(&select)
                .bind(after)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            let mut tx = self.write_tx().await?;
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let sealed: String = row.try_get("sealed")?;
                let key =
                    Vault::key_of_text(&sealed).map_err(|e| reseal_error(table, column, id, e))?;
                *report.by_key.entry(key.get()).or_default() += 1;
                if dry_run {
                    continue;
                }
                let again = vault
                    .rotate_text(&sealed, &associated_data(aad_table(table), id, column))
                    .map_err(|e| reseal_error(table, column, id, e))?;
                if let Some(again) = again {
                    sqlx::query(&update)
                        .bind(again)
                        .bind(id)
                        .bind(sealed)
                        .execute(&mut *tx)
                        .await?;
                    report.resealed += 1;
                }
            }
            tx.commit().await?;
        }
        Ok(report)
    }
}

fn reseal_error(table: &str, column: &str, id: i64, e: crate::VaultError) -> crate::StoreError {
    crate::StoreError::Database(sqlx::Error::Protocol(format!(
        "{table}.{column}_enc of row {id} does not open: {e}"
    )))
}
