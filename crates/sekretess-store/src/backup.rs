//! The tables of the logical backup format (`sekretess_core::backup`) and the row codec
//! both backends share: every table is read and written as [`Cell`]s by its [`TableSpec`],
//! the same on SQLite and PostgreSQL, so a backup of one restores into the other.
//!
//! Adding a table to the backups is one entry here: [`CONTROL_TABLES`] for the control
//! database, [`GROUP_TABLES`] for every group store (e.g. a documents table). The customers
//! of a group are not a table here: they travel as records with their blind-index entries
//! (each backend keeps its index in its own layout and rebuilds it on restore).
//! Sessions and the `processes` heartbeat are left out on purpose: a restored vault starts
//! with nobody logged in and no process registered.

use sekretess_core::backup::{Cell, Kind, TableSpec};
use sekretess_core::error::StoreError;
use sqlx::Row;
use sqlx::query_builder::Separated;

use Kind::{Blob, Int, Text};

/// Control tables, in export and restore order (a row refers only to rows of earlier
/// tables or earlier rows of its own table).
pub const CONTROL_TABLES: &[TableSpec] = &[
    TableSpec {
        name: "vault_meta",
        columns: &[
            ("singleton", Int),
            ("key_id", Blob),
            ("threshold", Int),
            ("share_count", Int),
            ("created_at", Int),
        ],
        order_by: "singleton",
    },
    TableSpec {
        name: "groups",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("state", Text),
            ("current_kek_version", Int),
            ("created_at", Int),
        ],
        order_by: "id",
    },
    TableSpec {
        name: "group_keys",
        columns: &[("group_id", Int), ("kind", Text), ("version", Int), ("sealed", Blob)],
        order_by: "group_id, kind, version",
    },
    TableSpec {
        name: "directory",
        columns: &[("code", Text), ("group_id", Int), ("version", Int)],
        order_by: "code",
    },
    TableSpec {
        name: "erasures",
        columns: &[("code", Text), ("group_id", Int), ("erased_at", Int)],
        order_by: "code",
    },
    TableSpec {
        name: "api_keys",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("secret_hash", Blob),
            ("scopes", Text),
            ("groups", Text),
            ("created_at", Int),
            ("revoked_at", Int),
        ],
        order_by: "id",
    },
    TableSpec {
        name: "employees",
        columns: &[
            ("id", Int),
            ("login", Text),
            ("display_name", Text),
            ("roles", Text),
            ("state", Text),
            ("bootstrap", Int),
            ("password_hash", Text),
            ("totp_sealed", Blob),
            ("last_totp_step", Int),
            ("failed_logins", Int),
            ("locked_until", Int),
            ("enrolment_hash", Blob),
            ("enrolment_expires", Int),
            ("invited_by", Int),
            ("approved_by", Int),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        order_by: "id",
    },
    TableSpec {
        name: "grants",
        columns: &[("employee_id", Int), ("group_id", Int), ("granted_by", Int), ("granted_at", Int)],
        order_by: "employee_id, group_id",
    },
    TableSpec {
        name: "field_policy",
        columns: &[("role", Text), ("sensitivity", Text), ("decision", Text), ("updated_at", Int)],
        order_by: "role, sensitivity",
    },
    TableSpec {
        name: "agreements",
        columns: &[
            ("version", Int),
            ("text", Text),
            ("sha256", Blob),
            ("published_at", Int),
            ("published_by", Int),
        ],
        order_by: "version",
    },
    TableSpec {
        name: "agreement_signatures",
        columns: &[
            ("employee_id", Int),
            ("version", Int),
            ("sha256", Blob),
            ("signed_at", Int),
            ("origin", Text),
        ],
        order_by: "employee_id, version",
    },
    // Per-group schemas (store migration 0009).
    TableSpec {
        name: "group_schemas",
        columns: &[("group_id", Int), ("version", Int), ("fields", Text), ("changed_at", Int)],
        order_by: "group_id, version",
    },
    // Legal holds (store migration 0010): a restored vault keeps every hold.
    TableSpec {
        name: "legal_holds",
        columns: &[("code", Text), ("group_id", Int), ("set_at", Int)],
        order_by: "code",
    },
    // mTLS bindings of API keys (control migrations 0008 and 0013): without them a
    // restored key that was bound would work without its certificate.
    TableSpec { name: "api_key_certs", columns: &[("key_id", Text), ("sha256", Blob)], order_by: "key_id" },
    TableSpec {
        name: "api_key_subject_certs",
        columns: &[("key_id", Text), ("subject", Blob), ("ca_sha256", Blob)],
        order_by: "key_id",
    },
];

/// Tables of every group store besides its customers and their index.
pub const GROUP_TABLES: &[TableSpec] = &[
    // The document archive (store migration 0006): sealed chunks and their links to codes.
    // A link row names a customer `code`, so a restore leaves out the links of erased
    // customers; their documents stay, as they do in the vault.
    TableSpec {
        name: "documents",
        columns: &[
            ("id", Text),
            ("kek_version", Int),
            ("wrapped_dek", Blob),
            ("name", Blob),
            ("content_type", Text),
            ("size", Int),
            ("original_sha256", Blob),
            ("filed_by", Text),
            ("filed_at", Int),
            ("findings", Text),
            ("retain_until", Int),
            ("chunk_count", Int),
        ],
        order_by: "id",
    },
    TableSpec {
        name: "document_chunks",
        columns: &[("document", Text), ("idx", Int), ("data", Blob)],
        order_by: "document, idx",
    },
    TableSpec {
        name: "document_codes",
        columns: &[("code", Text), ("document", Text)],
        order_by: "code, document",
    },
    // Token mappings (store migration 0007). A row of an erased customer (`code`) stays
    // out of a restore: its token then answers as unknown.
    TableSpec {
        name: "tokens",
        columns: &[
            ("hash", Blob),
            ("format", Text),
            ("kind", Text),
            ("value", Blob),
            ("value_hash", Blob),
            ("code", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("state", Text),
        ],
        order_by: "hash",
    },
];

/// `SELECT` of a whole table in its order; integers are read as 64-bit on both backends.
pub(crate) fn select_sql(spec: &TableSpec, prefix: &str) -> String {
    let columns: Vec<String> = spec
        .columns
        .iter()
        .map(|(c, k)| match k {
            Int => format!("CAST({c} AS BIGINT) AS {c}"),
            _ => (*c).to_owned(),
        })
        .collect();
    format!("SELECT {} FROM {prefix}{} ORDER BY {}", columns.join(", "), spec.name, spec.order_by)
}

/// `INSERT INTO table (columns) ` for a multi-row `VALUES`.
pub(crate) fn insert_sql(spec: &TableSpec, prefix: &str) -> String {
    let columns: Vec<&str> = spec.columns.iter().map(|(c, _)| *c).collect();
    format!("INSERT INTO {prefix}{} ({}) ", spec.name, columns.join(", "))
}

/// Reads one row by its spec.
pub(crate) fn decode_row<'r, R>(row: &'r R, spec: &TableSpec) -> Result<Vec<Cell>, StoreError>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Type<R::Database>,
    Vec<u8>: sqlx::Type<R::Database>,
    i64: sqlx::Type<R::Database>,
{
    let corrupt = |e: sqlx::Error| StoreError::Corrupt(format!("{}: {e}", spec.name));
    let mut cells = Vec::with_capacity(spec.columns.len());
    for (i, (_, kind)) in spec.columns.iter().enumerate() {
        let cell = match kind {
            Int => row.try_get::<Option<i64>, _>(i).map_err(corrupt)?.map(Cell::Int),
            Text => row.try_get::<Option<String>, _>(i).map_err(corrupt)?.map(Cell::Text),
            Blob => row.try_get::<Option<Vec<u8>>, _>(i).map_err(corrupt)?.map(Cell::Blob),
        };
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(cells)
}

/// Checks a row against its spec before it is bound.
pub(crate) fn check_row(spec: &TableSpec, row: &[Cell]) -> Result<(), StoreError> {
    let ok = row.len() == spec.columns.len()
        && row.iter().zip(spec.columns).all(|(cell, (_, kind))| {
            matches!(
                (cell, kind),
                (Cell::Null, _) | (Cell::Int(_), Int) | (Cell::Text(_), Text) | (Cell::Blob(_), Blob)
            )
        });
    if ok {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!("a row of {} does not fit its columns", spec.name)))
    }
}

/// Binds one row's cells (NULL as a literal, so no parameter needs a type for it).
pub(crate) fn bind_row<'args, DB, Sep>(b: &mut Separated<'_, 'args, DB, Sep>, row: &'args [Cell])
where
    DB: sqlx::Database,
    Sep: std::fmt::Display,
    &'args str: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
    &'args [u8]: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
{
    for cell in row {
        match cell {
            Cell::Null => {
                b.push("NULL");
            }
            Cell::Int(n) => {
                b.push_bind(*n);
            }
            Cell::Text(s) => {
                b.push_bind(s.as_str());
            }
            Cell::Blob(v) => {
                b.push_bind(v.as_slice());
            }
        }
    }
}

/// Rows per INSERT statement (under both backends' limits on bound parameters).
pub(crate) const ROWS_PER_INSERT: usize = 500;
/// Customers per page of an export.
pub(crate) const CUSTOMERS_PER_PAGE: i64 = 2_000;
