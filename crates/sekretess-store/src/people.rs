//! Employees, sessions, grants, field policy and agreements in the control database: one
//! implementation of `PeopleStore` for both backends, written in the SQL they share.
//!
//! What the two dialects have in common, and this code keeps to: `$1`..`$N` placeholders,
//! each first used in ascending order (sqlx binds `$N` to the N-th value on SQLite too);
//! `ON CONFLICT … DO NOTHING` / `DO UPDATE`; `RETURNING`; `CASE` rather than SQLite's
//! two-argument `MAX` or PostgreSQL's `GREATEST`. What differs is given to
//! [`people_store!`]: where the tables are (PostgreSQL keeps them in the `sekretess`
//! schema) and how a table is locked against other writers for the rest of a transaction
//! (PostgreSQL: `LOCK TABLE`; SQLite: nothing, its write transactions already exclude each
//! other). Rows are decoded by `codec::people`.

/// Implements `PeopleStore` for a store type whose `control()` is its control database's
/// pool:
///
/// - `tables`: a string literal put before every table name (`""` or `"sekretess."`);
/// - `map_err`: the backend's `fn(sqlx::Error) -> StoreError`;
/// - `lock`: an `async fn(&mut Connection, table: &'static str) -> Result<(), StoreError>`
///   that keeps other writers off `table` until the transaction ends, where the backend
///   needs it: bootstrapping the first employee (count, then insert) and publishing an
///   agreement (next version, then insert) must each be one step across processes.
macro_rules! people_store {
    ($store:ty, tables: $t:literal, map_err: $map_err:path, lock: $lock:path $(,)?) => {
        // The imports are the expansion's own: the invoking module needs none of them.
        const _: () = {
            use sekretess_core::error::StoreError;
            use sekretess_core::people::{
                AgreementRow, EmployeeRow, EmployeeState, FailureCount, NewEmployee, PeopleStore, SessionRow,
                SignatureRow,
            };
            use sekretess_core::policy::{Decision, Role};
            use sekretess_core::schema::Sensitivity;
            use sqlx::Row as _;
            use $crate::codec::people::{self as people_rows, employee, login_conflict, roles_text, session};

            impl PeopleStore for $store {
                async fn insert_employee(
                    &self,
                    e: &NewEmployee,
                    only_if_none: bool,
                ) -> Result<u64, StoreError> {
                    let mut tx = self.control().begin().await.map_err($map_err)?;
                    if only_if_none {
                        $lock(&mut tx, concat!($t, "employees")).await?;
                        let (n,): (i64,) = sqlx::query_as(concat!("SELECT COUNT(*) FROM ", $t, "employees"))
                            .fetch_one(&mut *tx)
                            .await
                            .map_err($map_err)?;
                        if n > 0 {
                            return Err(StoreError::Conflict { what: "employees exist".into() });
                        }
                    }
                    let (id,): (i64,) = sqlx::query_as(concat!(
                        "INSERT INTO ",
                        $t,
                        "employees (login, display_name, roles, state, bootstrap, ",
                        "enrolment_hash, enrolment_expires, invited_by, created_at, updated_at) ",
                        "VALUES ($1, $2, $3, 'invited', $4, $5, $6, $7, $8, $8) RETURNING id"
                    ))
                    .bind(&e.login)
                    .bind(&e.display_name)
                    .bind(roles_text(&e.roles))
                    .bind(i64::from(e.bootstrap))
                    .bind(&e.enrolment_hash[..])
                    .bind(e.enrolment_expires)
                    .bind(e.invited_by.map(|v| v as i64))
                    .bind(e.created_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|err| login_conflict($map_err(err)))?;
                    tx.commit().await.map_err($map_err)?;
                    Ok(id as u64)
                }

                async fn get_employee(&self, id: u64) -> Result<Option<EmployeeRow>, StoreError> {
                    let row = sqlx::query(concat!("SELECT * FROM ", $t, "employees WHERE id = $1"))
                        .bind(id as i64)
                        .fetch_optional(self.control())
                        .await
                        .map_err($map_err)?;
                    row.as_ref().map(employee).transpose()
                }

                async fn employee_by_login(&self, login: &str) -> Result<Option<EmployeeRow>, StoreError> {
                    let row = sqlx::query(concat!("SELECT * FROM ", $t, "employees WHERE login = $1"))
                        .bind(login)
                        .fetch_optional(self.control())
                        .await
                        .map_err($map_err)?;
                    row.as_ref().map(employee).transpose()
                }

                async fn employee_by_enrolment(
                    &self,
                    code_hash: &[u8; 32],
                ) -> Result<Option<EmployeeRow>, StoreError> {
                    let row =
                        sqlx::query(concat!("SELECT * FROM ", $t, "employees WHERE enrolment_hash = $1"))
                            .bind(&code_hash[..])
                            .fetch_optional(self.control())
                            .await
                            .map_err($map_err)?;
                    row.as_ref().map(employee).transpose()
                }

                async fn list_employees(&self) -> Result<Vec<EmployeeRow>, StoreError> {
                    let rows = sqlx::query(concat!("SELECT * FROM ", $t, "employees ORDER BY id"))
                        .fetch_all(self.control())
                        .await
                        .map_err($map_err)?;
                    rows.iter().map(employee).collect()
                }

                async fn complete_enrolment(
                    &self,
                    id: u64,
                    code_hash: &[u8; 32],
                    password_hash: &str,
                    totp_sealed: &[u8],
                    state: EmployeeState,
                    at: i64,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "employees SET password_hash = $1, totp_sealed = $2, state = $3, ",
                        "enrolment_hash = NULL, enrolment_expires = NULL, last_totp_step = NULL, ",
                        "failed_logins = 0, locked_until = NULL, updated_at = $4 ",
                        "WHERE id = $5 AND state = 'invited' AND enrolment_hash = $6"
                    ))
                    .bind(password_hash)
                    .bind(totp_sealed)
                    .bind(state.as_str())
                    .bind(at)
                    .bind(id as i64)
                    .bind(&code_hash[..])
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn set_enrolment(
                    &self,
                    id: u64,
                    code_hash: &[u8; 32],
                    expires: i64,
                    at: i64,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "employees SET enrolment_hash = $1, enrolment_expires = $2, ",
                        "updated_at = $3 WHERE id = $4 AND state = 'invited'"
                    ))
                    .bind(&code_hash[..])
                    .bind(expires)
                    .bind(at)
                    .bind(id as i64)
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn set_employee_state(
                    &self,
                    id: u64,
                    from: EmployeeState,
                    to: EmployeeState,
                    approved_by: Option<u64>,
                    at: i64,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "employees SET state = $1, approved_by = COALESCE($2, approved_by), ",
                        "updated_at = $3 WHERE id = $4 AND state = $5"
                    ))
                    .bind(to.as_str())
                    .bind(approved_by.map(|v| v as i64))
                    .bind(at)
                    .bind(id as i64)
                    .bind(from.as_str())
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn set_password_hash(
                    &self,
                    id: u64,
                    password_hash: &str,
                    at: i64,
                ) -> Result<(), StoreError> {
                    sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "employees SET password_hash = $1, updated_at = $2 WHERE id = $3"
                    ))
                    .bind(password_hash)
                    .bind(at)
                    .bind(id as i64)
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(())
                }

                async fn record_login_failure(
                    &self,
                    id: u64,
                    now: i64,
                    max_failures: u32,
                    lock_seconds: i64,
                ) -> Result<FailureCount, StoreError> {
                    // One statement: concurrent failures cannot lose a count.
                    let row = sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "employees SET ",
                        "failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ",
                        "ELSE failed_logins + 1 END, ",
                        "locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 + $3 ",
                        "ELSE locked_until END ",
                        "WHERE id = $4 RETURNING failed_logins, locked_until"
                    ))
                    .bind(i64::from(max_failures.max(1)))
                    .bind(now)
                    .bind(lock_seconds)
                    .bind(id as i64)
                    .fetch_optional(self.control())
                    .await
                    .map_err($map_err)?
                    .ok_or_else(|| StoreError::Corrupt("employee vanished".into()))?;
                    Ok(FailureCount {
                        failures: row.try_get::<i64, _>("failed_logins").map_err($map_err)? as u32,
                        locked_until: row.try_get("locked_until").map_err($map_err)?,
                    })
                }

                async fn record_login_success(&self, id: u64, totp_step: u64) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "employees SET last_totp_step = $1, failed_logins = 0, ",
                        "locked_until = NULL ",
                        "WHERE id = $2 AND (last_totp_step IS NULL OR last_totp_step < $1)"
                    ))
                    .bind(totp_step as i64)
                    .bind(id as i64)
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn clear_credentials(&self, id: u64, at: i64) -> Result<(), StoreError> {
                    let mut tx = self.control().begin().await.map_err($map_err)?;
                    sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "employees SET password_hash = NULL, totp_sealed = NULL, ",
                        "enrolment_hash = NULL, enrolment_expires = NULL, updated_at = $1 WHERE id = $2"
                    ))
                    .bind(at)
                    .bind(id as i64)
                    .execute(&mut *tx)
                    .await
                    .map_err($map_err)?;
                    for sql in [
                        concat!("DELETE FROM ", $t, "grants WHERE employee_id = $1"),
                        concat!("DELETE FROM ", $t, "sessions WHERE employee_id = $1"),
                    ] {
                        sqlx::query(sql).bind(id as i64).execute(&mut *tx).await.map_err($map_err)?;
                    }
                    tx.commit().await.map_err($map_err)
                }

                async fn insert_session(&self, s: &SessionRow) -> Result<(), StoreError> {
                    sqlx::query(concat!(
                        "INSERT INTO ",
                        $t,
                        "sessions ",
                        "(token_hash, employee_id, created_at, last_seen, origin) ",
                        "VALUES ($1, $2, $3, $4, $5)"
                    ))
                    .bind(&s.token_hash[..])
                    .bind(s.employee_id as i64)
                    .bind(s.created_at)
                    .bind(s.last_seen)
                    .bind(s.origin.as_deref())
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(())
                }

                async fn get_session(&self, token_hash: &[u8; 32]) -> Result<Option<SessionRow>, StoreError> {
                    let row = sqlx::query(concat!("SELECT * FROM ", $t, "sessions WHERE token_hash = $1"))
                        .bind(&token_hash[..])
                        .fetch_optional(self.control())
                        .await
                        .map_err($map_err)?;
                    row.as_ref().map(session).transpose()
                }

                async fn touch_session(&self, token_hash: &[u8; 32], at: i64) -> Result<(), StoreError> {
                    // Never moves `last_seen` back (a late touch changes nothing).
                    sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "sessions ",
                        "SET last_seen = CASE WHEN $1 > last_seen THEN $1 ELSE last_seen END ",
                        "WHERE token_hash = $2"
                    ))
                    .bind(at)
                    .bind(&token_hash[..])
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(())
                }

                async fn delete_session(&self, token_hash: &[u8; 32]) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!("DELETE FROM ", $t, "sessions WHERE token_hash = $1"))
                        .bind(&token_hash[..])
                        .execute(self.control())
                        .await
                        .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn delete_sessions_of(&self, employee_id: u64) -> Result<u64, StoreError> {
                    let done = sqlx::query(concat!("DELETE FROM ", $t, "sessions WHERE employee_id = $1"))
                        .bind(employee_id as i64)
                        .execute(self.control())
                        .await
                        .map_err($map_err)?;
                    Ok(done.rows_affected())
                }

                async fn grant_group(
                    &self,
                    employee_id: u64,
                    group_id: u32,
                    by: u64,
                    at: i64,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!(
                        "INSERT INTO ",
                        $t,
                        "grants (employee_id, group_id, granted_by, granted_at) ",
                        "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
                    ))
                    .bind(employee_id as i64)
                    .bind(i64::from(group_id))
                    .bind(by as i64)
                    .bind(at)
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn revoke_group(&self, employee_id: u64, group_id: u32) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!(
                        "DELETE FROM ",
                        $t,
                        "grants WHERE employee_id = $1 AND group_id = $2"
                    ))
                    .bind(employee_id as i64)
                    .bind(i64::from(group_id))
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn groups_of(&self, employee_id: u64) -> Result<Vec<u32>, StoreError> {
                    let rows: Vec<(i64,)> = sqlx::query_as(concat!(
                        "SELECT group_id FROM ",
                        $t,
                        "grants WHERE employee_id = $1 ORDER BY group_id"
                    ))
                    .bind(employee_id as i64)
                    .fetch_all(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(rows.into_iter().map(|(g,)| g as u32).collect())
                }

                async fn policy_rules(&self) -> Result<Vec<(Role, Sensitivity, Decision)>, StoreError> {
                    let rows: Vec<(String, String, String)> = sqlx::query_as(concat!(
                        "SELECT role, sensitivity, decision FROM ",
                        $t,
                        "field_policy ",
                        "ORDER BY role, sensitivity"
                    ))
                    .fetch_all(self.control())
                    .await
                    .map_err($map_err)?;
                    people_rows::policy_rules(&rows)
                }

                async fn set_policy_rule(
                    &self,
                    role: Role,
                    sensitivity: Sensitivity,
                    decision: Decision,
                    at: i64,
                ) -> Result<(), StoreError> {
                    sqlx::query(concat!(
                        "INSERT INTO ",
                        $t,
                        "field_policy (role, sensitivity, decision, updated_at) ",
                        "VALUES ($1, $2, $3, $4) ON CONFLICT (role, sensitivity) ",
                        "DO UPDATE SET decision = excluded.decision, updated_at = excluded.updated_at"
                    ))
                    .bind(role.as_str())
                    .bind(sensitivity.as_str())
                    .bind(decision.as_str())
                    .bind(at)
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(())
                }

                async fn insert_agreement(
                    &self,
                    text: &str,
                    sha256: &[u8; 32],
                    published_at: i64,
                    published_by: u64,
                ) -> Result<u32, StoreError> {
                    let mut tx = self.control().begin().await.map_err($map_err)?;
                    // Versions are consecutive across processes: the lock orders concurrent
                    // publishers.
                    $lock(&mut tx, concat!($t, "agreements")).await?;
                    let (version,): (i64,) = sqlx::query_as(concat!(
                        "INSERT INTO ",
                        $t,
                        "agreements (version, text, sha256, published_at, published_by) ",
                        "VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM ",
                        $t,
                        "agreements), ",
                        "$1, $2, $3, $4) ",
                        "RETURNING version"
                    ))
                    .bind(text)
                    .bind(&sha256[..])
                    .bind(published_at)
                    .bind(published_by as i64)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err($map_err)?;
                    tx.commit().await.map_err($map_err)?;
                    Ok(version as u32)
                }

                async fn current_agreement(&self) -> Result<Option<AgreementRow>, StoreError> {
                    let row = sqlx::query(concat!(
                        "SELECT * FROM ",
                        $t,
                        "agreements ORDER BY version DESC LIMIT 1"
                    ))
                    .fetch_optional(self.control())
                    .await
                    .map_err($map_err)?;
                    row.as_ref().map(people_rows::agreement).transpose()
                }

                async fn insert_signature(&self, s: &SignatureRow) -> Result<(), StoreError> {
                    sqlx::query(concat!(
                        "INSERT INTO ",
                        $t,
                        "agreement_signatures ",
                        "(employee_id, version, sha256, signed_at, origin) ",
                        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
                    ))
                    .bind(s.employee_id as i64)
                    .bind(i64::from(s.version))
                    .bind(&s.sha256[..])
                    .bind(s.signed_at)
                    .bind(s.origin.as_deref())
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(())
                }

                async fn signature(
                    &self,
                    employee_id: u64,
                    version: u32,
                ) -> Result<Option<SignatureRow>, StoreError> {
                    let row = sqlx::query(concat!(
                        "SELECT * FROM ",
                        $t,
                        "agreement_signatures WHERE employee_id = $1 AND version = $2"
                    ))
                    .bind(employee_id as i64)
                    .bind(i64::from(version))
                    .fetch_optional(self.control())
                    .await
                    .map_err($map_err)?;
                    row.as_ref().map(|r| people_rows::signature(r, employee_id, version)).transpose()
                }
            }
        };
    };
}

pub(crate) use people_store;
