//! Migrations embedded in the binary, one set per backend and database kind. Both
//! backends carry the same migrations, by the same names, in the same order.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

/// (version, description, SQL)
pub type Step = (i64, &'static str, &'static str);

pub const SQLITE_CONTROL: &[Step] = &[
    (1, "init", include_str!("../migrations/sqlite/control/0001_init.sql")),
    (2, "access", include_str!("../migrations/sqlite/control/0002_access.sql")),
    (3, "audit", include_str!("../migrations/sqlite/control/0003_audit.sql")),
    (4, "people", include_str!("../migrations/sqlite/control/0004_people.sql")),
    (5, "processes", include_str!("../migrations/sqlite/control/0005_processes.sql")),
    (6, "record versions", include_str!("../migrations/sqlite/control/0006_record_versions.sql")),
    (7, "key rotation", include_str!("../migrations/sqlite/control/0007_key_rotation.sql")),
    (8, "approvals", include_str!("../migrations/sqlite/control/0008_approvals.sql")),
    (9, "group schemas", include_str!("../migrations/sqlite/control/0009_group_schemas.sql")),
    (10, "retention", include_str!("../migrations/sqlite/control/0010_retention.sql")),
    (13, "key subject binding", include_str!("../migrations/sqlite/control/0013_key_subject_binding.sql")),
    (14, "audit index batches", include_str!("../migrations/sqlite/control/0014_audit_index_batches.sql")),
];
pub const SQLITE_GROUP: &[Step] = &[
    (1, "init", include_str!("../migrations/sqlite/group/0001_init.sql")),
    (2, "staged index", include_str!("../migrations/sqlite/group/0002_staged_index.sql")),
    (3, "unique runs", include_str!("../migrations/sqlite/group/0003_unique_runs.sql")),
    (4, "index blocks", include_str!("../migrations/sqlite/group/0004_index_blocks.sql")),
    (5, "record versions", include_str!("../migrations/sqlite/group/0005_record_versions.sql")),
    (6, "documents", include_str!("../migrations/sqlite/group/0006_documents.sql")),
    (7, "tokens", include_str!("../migrations/sqlite/group/0007_tokens.sql")),
    (9, "retention", include_str!("../migrations/sqlite/group/0009_retention.sql")),
];

#[cfg(feature = "postgres")]
pub const POSTGRES_CONTROL: &[Step] = &[
    (1, "init", include_str!("../migrations/postgres/control/0001_init.sql")),
    (2, "access", include_str!("../migrations/postgres/control/0002_access.sql")),
    (3, "audit", include_str!("../migrations/postgres/control/0003_audit.sql")),
    (4, "people", include_str!("../migrations/postgres/control/0004_people.sql")),
    (5, "processes", include_str!("../migrations/postgres/control/0005_processes.sql")),
    (6, "record versions", include_str!("../migrations/postgres/control/0006_record_versions.sql")),
    (7, "key rotation", include_str!("../migrations/postgres/control/0007_key_rotation.sql")),
    (8, "approvals", include_str!("../migrations/postgres/control/0008_approvals.sql")),
    (9, "group schemas", include_str!("../migrations/postgres/control/0009_group_schemas.sql")),
    (10, "retention", include_str!("../migrations/postgres/control/0010_retention.sql")),
    (13, "key subject binding", include_str!("../migrations/postgres/control/0013_key_subject_binding.sql")),
    (14, "audit index batches", include_str!("../migrations/postgres/control/0014_audit_index_batches.sql")),
];
#[cfg(feature = "postgres")]
pub const POSTGRES_GROUP: &[Step] = &[
    (1, "init", include_str!("../migrations/postgres/group/0001_init.sql")),
    (2, "staged index", include_str!("../migrations/postgres/group/0002_staged_index.sql")),
    (3, "unique runs", include_str!("../migrations/postgres/group/0003_unique_runs.sql")),
    (4, "index blocks", include_str!("../migrations/postgres/group/0004_index_blocks.sql")),
    (5, "record versions", include_str!("../migrations/postgres/group/0005_record_versions.sql")),
    (6, "documents", include_str!("../migrations/postgres/group/0006_documents.sql")),
    (7, "tokens", include_str!("../migrations/postgres/group/0007_tokens.sql")),
    (9, "retention", include_str!("../migrations/postgres/group/0009_retention.sql")),
];

pub fn migrator(steps: &'static [Step]) -> Migrator {
    let migrations = steps
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations_in_the_same_order() {
        let names = |steps: &[Step]| steps.iter().map(|&(v, d, _)| (v, d)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE_CONTROL), names(POSTGRES_CONTROL));
        assert_eq!(names(SQLITE_GROUP), names(POSTGRES_GROUP));
    }
}
