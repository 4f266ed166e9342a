use crate::{InScope, Scope};
use async_trait::async_trait;
use jinguo_domain::{Person, Roles, UnitCode, UnitId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::cases::seal;
use super::list_sql::{Bind, Conds};
use super::{Backend, SqlStore, level_of, not_found_if_none};
use crate::model::{
    AccountChange, Credentials, NewUser, Page, PhoneChange, Unit, UnitRef, User, UserFilter,
};
use crate::{Result, StoreError, UnitStore, UserStore};

/// The user row with her unit, and her roles gathered from `user_roles`
/// into one comma list in the same row (`Roles::parse_list` reads it back),
/// so a page of users stays one query. The two backends name the aggregate
/// differently; a user without role rows gets `''`, which fails to decode
/// as "bad roles" like any other broken list.
macro_rules! user_from {
    ($agg:literal) => {
        concat!(
            "SELECT us.id, us.username, COALESCE((SELECT ",
            $agg,
            "(r.role, ',') FROM user_roles r WHERE r.user_id = us.id), '') AS roles, \
             us.active, us.locked_until, us.created_at, us.password_hash, us.failed_logins, \
             us.display_name, us.position, us.phone_mask, us.must_change_password, us.lang, \
             u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.level AS unit_level \
             FROM users us JOIN units u ON u.id = us.unit_id"
        )
    };
}

impl SqlStore {
    fn user_from(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => user_from!("group_concat"),
            Backend::Postgres => user_from!("string_agg"),
        }
    }
}

fn user_from_row(row: &AnyRow) -> Result<User> {
    let roles: String = row.try_get("roles")?;
    let code: String = row.try_get("unit_code")?;
    let decode = |what: String| sqlx::Error::Decode(what.into());
    Ok(User {
        id: UserId::new(row.try_get("id")?),
        username: row.try_get("username")?,
        unit: UnitRef {
            id: UnitId::new(row.try_get("unit_id")?),
            code: UnitCode::parse(&code).map_err(|_| decode(format!("bad unit code {code}")))?,
            name: row.try_get("unit_name")?,
            level: level_of(row, "unit_level")?,
        },
        roles: Roles::parse_list(&roles).map_err(|_| decode(format!("bad roles {roles}")))?,
        active: row.try_get::<i64, _>("active")? != 0,
        locked_until: row.try_get("locked_until")?,
        created_at: row.try_get("created_at")?,
        display_name: row.try_get("display_name")?,
        position: row.try_get("position")?,
        phone_mask: row.try_get("phone_mask")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        lang: row.try_get("lang")?,
    })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[async_trait]
impl UserStore for SqlStore {
    async fn create_user(&self, scope: Scope, new: NewUser) -> Result<UserId> {
        self.create_person(scope, new, Person::default()).await
    }

    async fn create_person(&self, scope: Scope, new: NewUser, person: Person) -> Result<UserId> {
        let mut tx = self.write_tx().await?;
        let id = self.insert_user(&mut tx, scope, new, &person).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn usernames_taken(&self, names: &[String]) -> Result<Vec<String>> {
        let mut taken = Vec::new();
        for chunk in names.chunks(200) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT username FROM users WHERE username IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for n in chunk {
                q = q.bind(n);
            }
            taken.extend(q.fetch_all(self.reader()).await?);
        }
        Ok(taken)
    }

    async fn create_people(
        &self,
        scope: Scope,
        people: Vec<(NewUser, Person)>,
    ) -> Result<Vec<UserId>> {
        // One transaction: a batch from a workbook is created whole or not at all.
        let mut tx = self.write_tx().await?;
        let mut ids = Vec::with_capacity(people.len());
        for (new, person) in people {
            ids.push(self.insert_user(&mut tx, scope, new, &person).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn users_under(&self, scope: Scope, unit: UnitId, page: Page) -> Result<Vec<User>> {
        let unit = self.unit_by_id(unit).await?;
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let sql = format!(
            "{} WHERE u.{} = $1 ORDER BY u.level, u.code, us.username LIMIT $2 OFFSET $3",
            self.user_from(),
            unit.level.ancestor_column()
        );
        sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(user_from_row)
            .collect()
    }

    async fn users_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &UserFilter,
        limit: i64,
    ) -> Result<Vec<User>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let mut c = Conds::default();
        if let Some(t) = filter.text.as_deref() {
            c.contains_any(&["us.username", "us.display_name", "us.position"], t);
        }
        if let Some(r) = filter.role {
            c.add(
                " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = us.id AND r.role = ?)",
                Bind::Text(r.as_str().to_owned()),
            );
        }
        if let Some(a) = filter.active {
            c.raw(if a {
                " AND us.active <> 0"
            } else {
                " AND us.active = 0"
            });
        }
        if let Some(b) = filter.before {
            c.add(" AND us.id < ?", Bind::Int(b));
        }
        let sql = format!(
            "{} WHERE u.{} = $1{} ORDER BY us.id DESC LIMIT {}",
            self.user_from(),
            unit.level.ancestor_column(),
            c.sql,
            c.next_mark()
        );
        c.bind(sqlx::query(&sql).bind(unit.id.get()))
            .bind(limit)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(user_from_row)
            .collect()
    }

    async fn user_in_scope(&self, scope: Scope, id: UserId) -> Result<InScope<User>> {
        let sql = format!(
            "{} WHERE us.id = $1 AND u.{} = $2",
            self.user_from(),
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(self.reader())
            .await?;
        Ok(InScope::new(
            user_from_row(&not_found_if_none(row)?)?,
            scope,
        ))
    }

    async fn set_active(&self, user: &InScope<User>, active: bool) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let r = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(user.id.get())
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // A disabled account is logged out everywhere at once.
        if !active {
            end_sessions(&mut tx, user.id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_password_hash(
        &self,
        user: &InScope<User>,
        hash: &str,
        must_change: bool,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let r = sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, \
             must_change_password = $3 WHERE id = $2",
        )
        .bind(hash)
        .bind(user.id.get())
        .bind(i64::from(must_change))
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // Whoever knew the old password is logged out.
        end_sessions(&mut tx, user.id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_account(
        &self,
        scope: Scope,
        user: &InScope<User>,
        change: AccountChange,
    ) -> Result<()> {
        let unit = self.unit_by_id(change.unit).await?;
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !unit.active && unit.id != user.unit.id {
            return Err(super::units::retired());
        }
        let mut tx = self.write_tx().await?;
        let r = sqlx::query(
            "UPDATE users SET unit_id = $1, display_name = $2, position = $3 WHERE id = $4",
        )
        .bind(unit.id.get())
        .bind(change.display_name.as_str())
        .bind(change.position.as_deref())
        .bind(user.id.get())
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let phone = match &change.phone {
            PhoneChange::Keep => None,
            PhoneChange::Clear => Some(None),
            PhoneChange::Set(p) => Some(Some(p)),
        };
        if let Some(phone) = phone {
            sqlx::query("UPDATE users SET phone_mask = $1 WHERE id = $2")
                .bind(phone.map(|p| p.mask()))
                .bind(user.id.get())
                .execute(&mut *tx)
                .await?;
            seal(
                &mut tx,
                self,
                "users",
                "phone",
                user.id.get(),
                phone.map(|p| p.as_str()),
            )
            .await?;
        }
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(user.id.get())
            .execute(&mut *tx)
            .await?;
        for role in change.roles.iter() {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(user.id.get())
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
        }
        if unit.id != user.unit.id {
            end_sessions(&mut tx, user.id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_language(&self, user: &InScope<User>, lang: &str) -> Result<()> {
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(user.id.get())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn set_own_password(
        &self,
        user: &InScope<User>,
        hash: &str,
        keep_session: &str,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let r = sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, \
             must_change_password = 0 WHERE id = $2",
        )
        .bind(hash)
        .bind(user.id.get())
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // Her other sessions (a phone left logged in elsewhere) end; the
        // one she is changing it from goes on.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.id.get())
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl SqlStore {
    /// Inserts one account inside the caller's transaction: the user row,
    /// her sealed phone and her role rows commit together, so no reader
    /// ever sees a user without roles.
    async fn insert_user(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        scope: Scope,
        new: NewUser,
        person: &Person,
    ) -> Result<UserId> {
        let unit = self.unit_by_id(new.unit).await?;
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !unit.active {
            return Err(super::units::retired());
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, unit_id, active, failed_logins, created_at, \
             display_name, position, phone_mask, must_change_password) \
             VALUES ($1, $2, $3, 1, 0, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(new.username.as_str())
        .bind(&new.password_hash)
        .bind(new.unit.get())
        .bind(now())
        .bind(person.display_name.as_deref())
        .bind(person.position.as_deref())
        .bind(person.phone.as_ref().map(|p| p.mask()))
        .bind(i64::from(new.must_change_password))
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::unique(e, "username"))?;
        if let Some(p) = &person.phone {
            seal(tx, self, "users", "phone", id, Some(p.as_str())).await?;
        }
        for role in new.roles.iter() {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(role.as_str())
                .execute(&mut **tx)
                .await?;
        }
        Ok(UserId::new(id))
    }
}

/// Unscoped: logins and the command line, through the system handle only (the application's auth layer holds it; handlers never do).
impl SqlStore {
    pub async fn credentials(&self, username: &str) -> Result<Credentials> {
        let sql = format!("{} WHERE us.username = $1", self.user_from());
        let row = sqlx::query(&sql)
            .bind(username)
            .fetch_optional(self.reader())
            .await?;
        let row = not_found_if_none(row)?;
        Ok(Credentials {
            user: user_from_row(&row)?,
            password_hash: row.try_get("password_hash")?,
            failed_logins: row.try_get("failed_logins")?,
        })
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<User> {
        let sql = format!("{} WHERE us.id = $1", self.user_from());
        let row = sqlx::query(&sql)
            .bind(id.get())
            .fetch_optional(self.reader())
            .await?;
        user_from_row(&not_found_if_none(row)?)
    }

    pub async fn all_users(&self) -> Result<Vec<User>> {
        let sql = format!("{} ORDER BY u.level, u.code, us.username", self.user_from());
        sqlx::query(&sql)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(user_from_row)
            .collect()
    }

    pub async fn record_login_failure(
        &self,
        id: UserId,
        max: i64,
        lock_until: i64,
    ) -> Result<bool> {
        // One statement, so concurrent failures cannot both miss the limit.
        let locked: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET \
               locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END, \
               failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END \
             WHERE id = $3 RETURNING locked_until",
        )
        .bind(max)
        .bind(lock_until)
        .bind(id.get())
        .fetch_optional(self.writer())
        .await?
        .flatten();
        Ok(locked == Some(lock_until))
    }

    pub async fn record_login_success(&self, id: UserId) -> Result<()> {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(id.get())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.reader())
            .await?)
    }
}

/// Every session of hers ends, and her outbox key with them: entries a
/// phone queued under the old key can no longer be read (see
/// `SessionStore::outbox_key`).
async fn end_sessions(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user: UserId) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.get())
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE users SET outbox_key = NULL WHERE id = $1")
        .bind(user.get())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    /// Migration 0014 on users written by 0013: every comma list becomes its
    /// rows, the old column goes, and the store reads the lists back.
    async fn migrates_old_lists(url: &str, all: &'static sqlx::migrate::Migrator) {
        let pool = crate::sql::pool_migrated_below(url, all, 14).await;
        if url.starts_with("sqlite:") {
            // As the store's connections have it, so the column is dropped
            // under the same checks as in service.
            sqlx::query("PRAGMA foreign_keys = ON")
                .execute(&pool)
                .await
                .unwrap();
        }
        sqlx::query(
            "INSERT INTO units (id, code, name, level, kind, l1) \
             VALUES (1, '150000000000', 'region', 1, 'geo', 1)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let old = [
            (1_i64, "admin,cadre"),
            (2, "caseworker"),
            (3, "admin, caseworker"),
            (4, "auditor,cadre,caseworker,admin"),
            (5, "cadre"),
        ];
        for (id, roles) in old {
            sqlx::query(
                "INSERT INTO users (id, username, password_hash, unit_id, roles, created_at) \
                 VALUES ($1, $2, 'x', 1, $3, 0)",
            )
            .bind(id)
            .bind(format!("u{id}"))
            .bind(roles)
            .execute(&pool)
            .await
            .unwrap();
        }
        all.run(&pool).await.unwrap();
        let rows: Vec<(i64, String)> =
            sqlx::query("SELECT user_id, role FROM user_roles ORDER BY user_id, role")
                .fetch_all(&pool)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        let want: Vec<(i64, String)> = [
            (1, "admin"),
            (1, "cadre"),
            (2, "caseworker"),
            (3, "admin"),
            (3, "caseworker"),
            (4, "admin"),
            (4, "auditor"),
            (4, "cadre"),
            (4, "caseworker"),
            (5, "cadre"),
        ]
        .into_iter()
        .map(|(u, r)| (u, r.to_owned()))
        .collect();
        assert_eq!(rows, want);
        let gone = sqlx::query("SELECT roles FROM users")
            .fetch_all(&pool)
            .await;
        assert!(gone.is_err(), "users.roles is dropped");
        let bad = sqlx::query("INSERT INTO user_roles (user_id, role) VALUES (5, 'root')")
            .execute(&pool)
            .await;
        assert!(bad.is_err(), "an unknown role is refused");
        pool.close().await;

        let store = crate::SqlStore::connect(url).await.unwrap();
        let lists: Vec<String> = store
            .all_users()
            .await
            .unwrap()
            .iter()
            .map(|u| u.roles.to_list())
            .collect();
        assert_eq!(
            lists,
            [
                "admin,cadre",
                "caseworker",
                "admin,caseworker",
                "admin,cadre,caseworker,auditor",
                "cadre"
            ]
        );
    }

    #[tokio::test]
    async fn migration_0014_turns_lists_into_rows_on_sqlite() {
        let url = crate::testing::fresh_sqlite_url() + "?mode=rwc";
        migrates_old_lists(&url, &crate::sql::SQLITE_MIGRATIONS).await;
    }

    #[tokio::test]
    async fn migration_0014_turns_lists_into_rows_on_postgres() {
        if let crate::testing::PostgresTarget::Fresh(url) = crate::testing::fresh_postgres().await {
            migrates_old_lists(&url, &crate::sql::POSTGRES_MIGRATIONS).await;
        }
    }
}
