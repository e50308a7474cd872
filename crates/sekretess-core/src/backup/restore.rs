//! Reading a backup back: [`check`] walks the whole payload and compares it with its
//! manifest (what `backup verify` and the first pass of `restore` do, writing nothing);
//! [`import`] writes it into an empty store (the second pass), leaving out erased customers.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::journal::Erasure;
use super::{
    Cell, FORMAT_VERSION, GroupCounts, GroupRestore, Header, Item, KIND, Manifest, RestoreTarget, TableSpec,
    hex,
};
use crate::audit::Entry;
use crate::error::StoreError;
use crate::store::{
    CustomerWrite, GroupKeyKind, GroupRow, GroupState, GroupStore, PendingBatch, SealedGroupKey,
};

fn bad(what: impl Into<String>) -> StoreError {
    StoreError::Corrupt(what.into())
}

/// What [`check`] found: the header, the manifest (which matched), and the erasures the
/// backup itself holds.
#[derive(Debug, Clone)]
pub struct Summary {
    pub header: Header,
    pub manifest: Manifest,
    pub erasures: Vec<Erasure>,
}

fn column(columns: &[String], name: &str) -> Result<usize, StoreError> {
    columns.iter().position(|c| c == name).ok_or_else(|| bad(format!("a section lacks column {name}")))
}

fn int(row: &[Cell], i: usize) -> Result<i64, StoreError> {
    match row.get(i) {
        Some(Cell::Int(n)) => Ok(*n),
        _ => Err(bad("a cell is not an integer")),
    }
}

fn text(row: &[Cell], i: usize) -> Result<String, StoreError> {
    match row.get(i) {
        Some(Cell::Text(s)) => Ok(s.clone()),
        _ => Err(bad("a cell is not text")),
    }
}

/// Reads an erasure from a row of the erasures table.
pub fn erasure_row(columns: &[String], row: &[Cell]) -> Result<Erasure, StoreError> {
    Ok(Erasure {
        code: text(row, column(columns, "code")?)?,
        group: u32::try_from(int(row, column(columns, "group_id")?)?).map_err(|_| bad("group id"))?,
        erased_at: int(row, column(columns, "erased_at")?)?,
    })
}

/// Reads every item and checks the payload against its manifest: the header comes first,
/// the manifest last and nothing after it, every section's count matches, the audit log
/// runs from 1 without a gap to the manifest's head. Writes nothing.
pub fn check(items: impl Iterator<Item = Result<Item, StoreError>>) -> Result<Summary, StoreError> {
    let mut header = None;
    let mut manifest = None;
    let mut seen = Manifest::default();
    let mut section: Option<(String, Vec<String>)> = None;
    let mut group: Option<u32> = None;
    let mut erasures = Vec::new();
    let mut last_audit: Option<(u64, Vec<u8>)> = None;
    for item in items {
        let item = item?;
        if manifest.is_some() {
            return Err(bad("data after the manifest"));
        }
        match item {
            Item::Header(h) => {
                if header.is_some() {
                    return Err(bad("a second header"));
                }
                if h.kind != KIND || h.format != FORMAT_VERSION {
                    return Err(bad(format!("not a backup of format {FORMAT_VERSION}")));
                }
                header = Some(h);
                continue;
            }
            _ if header.is_none() => return Err(bad("the payload does not start with a header")),
            Item::Table { name, columns } => {
                if group.is_some() || last_audit.is_some() {
                    return Err(bad("a control table after the groups or the audit log"));
                }
                if seen.tables.insert(name.clone(), 0).is_some() {
                    return Err(bad(format!("table {name} twice")));
                }
                section = Some((name, columns));
            }
            Item::Row { v } => match (&section, group) {
                (Some((name, columns)), None) => {
                    if v.len() != columns.len() {
                        return Err(bad(format!("a row of {name} has the wrong number of cells")));
                    }
                    if name == "erasures" {
                        erasures.push(erasure_row(columns, &v)?);
                    }
                    *seen.tables.entry(name.clone()).or_default() += 1;
                }
                (Some((name, columns)), Some(g)) => {
                    if v.len() != columns.len() {
                        return Err(bad(format!("a row of {name} has the wrong number of cells")));
                    }
                    *seen.groups.entry(g).or_default().tables.entry(name.clone()).or_default() += 1;
                }
                (None, _) => return Err(bad("a row outside a table")),
            },
            Item::Audit(a) => {
                if group.is_some() {
                    return Err(bad("audit entries after the groups"));
                }
                section = None;
                let want = last_audit.as_ref().map_or(1, |(s, _)| s + 1);
                if a.seq != want {
                    return Err(bad(format!("the audit log skips from {} to {}", want - 1, a.seq)));
                }
                seen.audit_entries += 1;
                last_audit = Some((a.seq, a.mac));
            }
            Item::Group { id } => {
                if seen.groups.insert(id, GroupCounts::default()).is_some() {
                    return Err(bad(format!("group {id} twice")));
                }
                group = Some(id);
                section = None;
            }
            Item::Customer(c) => {
                let g = group.ok_or_else(|| bad("a customer outside a group"))?;
                if section.is_some() {
                    return Err(bad("a customer after a group table"));
                }
                CustomerWrite::try_from(c)?;
                seen.groups.entry(g).or_default().customers += 1;
            }
            Item::GroupTable { name, columns } => {
                let g = group.ok_or_else(|| bad("a group table outside a group"))?;
                seen.groups.entry(g).or_default().tables.insert(name.clone(), 0);
                section = Some((name, columns));
            }
            Item::Manifest(m) => manifest = Some(m),
        }
    }
    let header = header.ok_or_else(|| bad("the payload is empty"))?;
    let manifest = manifest.ok_or_else(|| bad("the payload ends before its manifest (truncated)"))?;
    seen.audit_head = last_audit.map(|(s, m)| (s, hex(&m)));
    if seen != manifest {
        return Err(bad(format!(
            "the counts do not match the manifest: {} control rows, {} audit entries, {} customers found",
            seen.tables.values().sum::<u64>(),
            seen.audit_entries,
            seen.groups.values().map(|g| g.customers).sum::<u64>()
        )));
    }
    Ok(Summary { header, manifest, erasures })
}

/// Rows written per transaction.
const ROWS_PER_WRITE: usize = 5_000;
const CUSTOMERS_PER_COMMIT: usize = 10_000;
const CUSTOMERS_PER_PART: usize = 1_000;

fn spec(
    specs: &'static [TableSpec],
    name: &str,
    columns: &[String],
) -> Result<&'static TableSpec, StoreError> {
    let s = specs
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| bad(format!("this version of sekretess has no table {name}")))?;
    if s.columns.len() != columns.len() || s.columns.iter().zip(columns).any(|((a, _), b)| a != b) {
        return Err(bad(format!("table {name} has other columns than this version of sekretess")));
    }
    Ok(s)
}

/// Writes a checked backup into `target`, which must be empty. `erased` customers (the
/// backup's own erasures and the journals') are left out: their directory entries, records
/// and index entries are never written; `journal` erasures the backup lacks are added to
/// its erasures table. `progress` is called with the customers written so far.
pub async fn import<T: RestoreTarget>(
    target: &T,
    items: impl Iterator<Item = Result<Item, StoreError>>,
    journal: &[Erasure],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), StoreError> {
    if !target.is_empty().await? {
        return Err(StoreError::Conflict { what: "the target store is not empty".into() });
    }
    let erased: HashSet<&str> = journal.iter().map(|e| e.code.as_str()).collect();
    let mut table: Option<(&'static TableSpec, Vec<Vec<Cell>>)> = None;
    let mut groups_rows: Vec<Vec<Cell>> = Vec::new();
    let mut keys_rows: Vec<Vec<Cell>> = Vec::new();
    let mut stores: HashMap<u32, T::Group> = HashMap::new();
    let mut audit: Vec<Entry> = Vec::new();
    let mut audit_head = 0u64;
    let mut current: Option<u32> = None;
    let mut customers: Vec<CustomerWrite> = Vec::new();
    let mut group_table: Option<(&'static TableSpec, Vec<Vec<Cell>>)> = None;
    let mut seen_erasures: HashSet<String> = HashSet::new();
    let mut written = 0u64;
    for item in items {
        match item? {
            Item::Header(_) => {}
            Item::Table { name, columns } => {
                flush_table(target, &mut table, journal, &seen_erasures).await?;
                let s = spec(target.control_tables(), &name, &columns)?;
                if name == "directory" {
                    make_groups(target, &groups_rows, &keys_rows, &mut stores).await?;
                }
                table = Some((s, Vec::new()));
            }
            Item::Row { v } => {
                if let Some((s, rows)) = group_table.as_mut() {
                    // A group table's rows about an erased customer (its `code`) stay out too.
                    let code = s.columns.iter().position(|(c, _)| *c == "code");
                    if let Some(Cell::Text(c)) = code.and_then(|i| v.get(i))
                        && erased.contains(c.as_str())
                    {
                        continue;
                    }
                    rows.push(v);
                    if rows.len() >= ROWS_PER_WRITE {
                        let g = current.and_then(|g| stores.get(&g)).ok_or_else(|| bad("group"))?;
                        g.import_rows(s, rows).await?;
                        rows.clear();
                    }
                    continue;
                }
                let Some((s, rows)) = table.as_mut() else { return Err(bad("a row outside a table")) };
                let code_at = s.columns.iter().position(|(c, _)| *c == "code");
                match s.name {
                    "groups" => groups_rows.push(v),
                    "group_keys" => keys_rows.push(v),
                    "directory" => {
                        let code = code_at.map(|i| text(&v, i)).transpose()?;
                        if !code.is_some_and(|c| erased.contains(c.as_str())) {
                            rows.push(v);
                        }
                    }
                    "erasures" => {
                        if let Some(i) = code_at {
                            seen_erasures.insert(text(&v, i)?);
                        }
                        rows.push(v);
                    }
                    _ => rows.push(v),
                }
                if rows.len() >= ROWS_PER_WRITE {
                    target.import_rows(s, rows).await?;
                    rows.clear();
                }
            }
            Item::Audit(a) => {
                flush_table(target, &mut table, journal, &seen_erasures).await?;
                audit.push(Entry::try_from(a)?);
                if audit.len() >= ROWS_PER_WRITE {
                    target.audit_append(audit_head, &audit).await?;
                    audit_head = audit.last().map_or(audit_head, |e| e.seq);
                    audit.clear();
                }
            }
            Item::Group { id } => {
                flush_table(target, &mut table, journal, &seen_erasures).await?;
                if !audit.is_empty() {
                    target.audit_append(audit_head, &audit).await?;
                    audit_head = audit.last().map_or(audit_head, |e| e.seq);
                    audit.clear();
                }
                finish_group(&stores, current, &mut customers, &mut group_table, &mut written, progress)
                    .await?;
                if stores.is_empty() {
                    make_groups(target, &groups_rows, &keys_rows, &mut stores).await?;
                }
                if !stores.contains_key(&id) {
                    return Err(bad(format!("customers of group {id}, which the backup does not list")));
                }
                current = Some(id);
            }
            Item::Customer(c) => {
                if erased.contains(c.code.as_str()) {
                    continue;
                }
                customers.push(CustomerWrite::try_from(c)?);
                if customers.len() >= CUSTOMERS_PER_COMMIT {
                    let g = current.and_then(|g| stores.get(&g)).ok_or_else(|| bad("group"))?;
                    write_customers(g, &mut customers).await?;
                    written += CUSTOMERS_PER_COMMIT as u64;
                    progress(written);
                }
            }
            Item::GroupTable { name, columns } => {
                let g = current.and_then(|g| stores.get(&g)).ok_or_else(|| bad("group"))?;
                written += customers.len() as u64;
                write_customers(g, &mut customers).await?;
                if let Some((s, rows)) = group_table.take() {
                    g.import_rows(s, &rows).await?;
                }
                group_table = Some((spec(g.group_tables(), &name, &columns)?, Vec::new()));
            }
            Item::Manifest(_) => {
                flush_table(target, &mut table, journal, &seen_erasures).await?;
                if !audit.is_empty() {
                    target.audit_append(audit_head, &audit).await?;
                    audit.clear();
                }
                if stores.is_empty() {
                    make_groups(target, &groups_rows, &keys_rows, &mut stores).await?;
                }
                finish_group(&stores, current, &mut customers, &mut group_table, &mut written, progress)
                    .await?;
            }
        }
    }
    Ok(())
}

async fn flush_table<T: RestoreTarget>(
    target: &T,
    table: &mut Option<(&'static TableSpec, Vec<Vec<Cell>>)>,
    journal: &[Erasure],
    seen: &HashSet<String>,
) -> Result<(), StoreError> {
    let Some((s, mut rows)) = table.take() else { return Ok(()) };
    if s.name == "erasures" {
        for e in journal.iter().filter(|e| !seen.contains(&e.code)) {
            let row = s
                .columns
                .iter()
                .map(|(c, _)| match *c {
                    "code" => Ok(Cell::Text(e.code.clone())),
                    "group_id" => Ok(Cell::Int(i64::from(e.group))),
                    "erased_at" => Ok(Cell::Int(e.erased_at)),
                    other => Err(bad(format!("erasures column {other} unknown to the journal"))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(row);
        }
    }
    if !rows.is_empty() && s.name != "groups" && s.name != "group_keys" {
        target.import_rows(s, &rows).await?;
    }
    Ok(())
}

async fn make_groups<T: RestoreTarget>(
    target: &T,
    groups: &[Vec<Cell>],
    keys: &[Vec<Cell>],
    stores: &mut HashMap<u32, T::Group>,
) -> Result<(), StoreError> {
    if !stores.is_empty() {
        return Ok(());
    }
    let specs = target.control_tables();
    let cols = |name: &str| -> Vec<String> {
        specs
            .iter()
            .find(|s| s.name == name)
            .map_or_else(Vec::new, |s| s.columns.iter().map(|(c, _)| (*c).to_owned()).collect())
    };
    let (gc, kc) = (cols("groups"), cols("group_keys"));
    let u32_of = |v: i64| u32::try_from(v).map_err(|_| bad("a number out of range"));
    for row in groups {
        let id = u32_of(int(row, column(&gc, "id")?)?)?;
        let group = GroupRow {
            id,
            name: text(row, column(&gc, "name")?)?,
            location: String::new(),
            state: GroupState::parse(&text(row, column(&gc, "state")?)?).ok_or_else(|| bad("group state"))?,
            current_kek_version: u32_of(int(row, column(&gc, "current_kek_version")?)?)?,
            created_at: int(row, column(&gc, "created_at")?)?,
        };
        let mut own = Vec::new();
        for k in keys {
            if u32_of(int(k, column(&kc, "group_id")?)?)? != id {
                continue;
            }
            let sealed = match k.get(column(&kc, "sealed")?) {
                Some(Cell::Blob(b)) => b.clone(),
                _ => return Err(bad("a sealed group key is not bytes")),
            };
            own.push(SealedGroupKey {
                kind: GroupKeyKind::parse(&text(k, column(&kc, "kind")?)?).ok_or_else(|| bad("key kind"))?,
                version: u32_of(int(k, column(&kc, "version")?)?)?,
                sealed,
            });
        }
        let store = target.import_group(&group, &own).await?;
        stores.insert(id, store);
    }
    Ok(())
}

async fn write_customers<G: GroupStore>(g: &G, customers: &mut Vec<CustomerWrite>) -> Result<(), StoreError> {
    if customers.is_empty() {
        return Ok(());
    }
    let mut batch = g.begin_batch().await?;
    for part in customers.chunks(CUSTOMERS_PER_PART) {
        batch.write(part).await?;
    }
    batch.commit().await?;
    customers.clear();
    Ok(())
}

async fn finish_group<G: GroupRestore>(
    stores: &HashMap<u32, G>,
    current: Option<u32>,
    customers: &mut Vec<CustomerWrite>,
    group_table: &mut Option<(&'static TableSpec, Vec<Vec<Cell>>)>,
    written: &mut u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), StoreError> {
    let Some(id) = current else { return Ok(()) };
    let g = stores.get(&id).ok_or_else(|| bad("group"))?;
    *written += customers.len() as u64;
    write_customers(g, customers).await?;
    if let Some((s, rows)) = group_table.take()
        && !rows.is_empty()
    {
        g.import_rows(s, &rows).await?;
    }
    progress(*written);
    Ok(())
}

/// Counts per section of a [`Manifest`], for messages.
pub fn describe(m: &Manifest) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = m.tables.clone();
    out.insert("audit entries".into(), m.audit_entries);
    out.insert("customers".into(), m.groups.values().map(|g| g.customers).sum());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::AuditItem;

    fn header() -> Item {
        Item::Header(Header {
            kind: KIND.into(),
            format: FORMAT_VERSION,
            created_at: 1,
            key_id: "k".into(),
            source: "sqlite".into(),
            journal_key: vec![0; 32],
        })
    }

    fn audit(seq: u64) -> Item {
        Item::Audit(AuditItem {
            seq,
            time: 0,
            actor: "a".into(),
            action: "x".into(),
            group: None,
            customer: None,
            fields: vec![],
            purpose: None,
            outcome: "success".into(),
            request_id: None,
            origin: None,
            mac: vec![seq as u8; 32],
        })
    }

    fn good() -> Vec<Item> {
        let mut m = Manifest::default();
        m.tables.insert("erasures".into(), 1);
        m.audit_entries = 2;
        m.audit_head = Some((2, hex(&[2u8; 32])));
        m.groups.insert(1, GroupCounts::default());
        vec![
            header(),
            Item::Table {
                name: "erasures".into(),
                columns: vec!["code".into(), "group_id".into(), "erased_at".into()],
            },
            Item::Row { v: vec![Cell::Text("C".into()), Cell::Int(1), Cell::Int(5)] },
            audit(1),
            audit(2),
            Item::Group { id: 1 },
            Item::Manifest(m),
        ]
    }

    fn checked(items: Vec<Item>) -> Result<Summary, StoreError> {
        check(items.into_iter().map(Ok))
    }

    #[test]
    fn a_payload_passes_only_when_it_matches_its_manifest_to_the_end() {
        let s = checked(good()).unwrap();
        assert_eq!(s.erasures, vec![Erasure { code: "C".into(), group: 1, erased_at: 5 }]);
        // Cut before the manifest, a row more, an audit entry missing, something after the end.
        let mut cut = good();
        cut.pop();
        assert!(checked(cut).unwrap_err().to_string().contains("truncated"));
        let mut more = good();
        more.insert(3, Item::Row { v: vec![Cell::Text("D".into()), Cell::Int(1), Cell::Int(6)] });
        assert!(checked(more).unwrap_err().to_string().contains("manifest"));
        let mut gap = good();
        gap.remove(3);
        assert!(checked(gap).unwrap_err().to_string().contains("skips"));
        let mut after = good();
        after.push(audit(3));
        assert!(checked(after).unwrap_err().to_string().contains("after the manifest"));
        let mut headless = good();
        headless.remove(0);
        assert!(checked(headless).is_err());
    }
}
