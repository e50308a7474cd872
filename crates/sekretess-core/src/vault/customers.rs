//! Customers: locating and reading records (with read coalescing), get, update, erase, find.

use super::*;

impl<S: Store> Vault<S> {
    /// Reads one record and its directory version; concurrent reads of the group share a
    /// query of each.
    pub(super) async fn read_record(
        &self,
        g: &Arc<OpenGroup<S::Group>>,
        code: &str,
    ) -> Result<Option<Found>, VaultError> {
        let (group, control) = (Arc::clone(g), self.store.clone());
        let answer = g
            .reads
            .call(code.to_owned(), move |codes| {
                let (g, control) = (Arc::clone(&group), control.clone());
                async move {
                    // The directory first: an update writes the row before it raises the
                    // directory's version, so a row read after it is never older.
                    let versions = match control.directory_versions(&codes).await {
                        Ok(versions) => versions.into_iter().collect::<HashMap<String, u64>>(),
                        Err(e) => return codes.iter().map(|_| Err(e.clone())).collect(),
                    };
                    match g.store.get_customers(&codes).await {
                        Ok(found) => {
                            // Two callers may ask for the same code in one round.
                            let found: HashMap<&str, &CustomerRecord> =
                                found.iter().map(|r| (r.code.as_str(), r)).collect();
                            codes
                                .iter()
                                .map(|c| {
                                    Ok(found.get(c.as_str()).map(|&r| (r.clone(), versions.get(c).copied())))
                                })
                                .collect()
                        }
                        Err(e) => codes.iter().map(|_| Err(e.clone())).collect(),
                    }
                }
            })
            .await;
        Ok(answer.ok_or(VaultError::Internal("read round ended without an answer"))??)
    }

    /// Finds a customer's record, holding its lock (`access`) from before the lookup: the
    /// caller keeps the [`Hold`] until it is done with the record, so an erasure (which
    /// holds the lock exclusively) waits for reads in flight, and reads after it find no
    /// record.
    pub(super) async fn locate(
        &self,
        code: &CustomerCode,
        access: Access,
    ) -> Result<(Arc<Unsealed<S>>, Arc<OpenGroup<S::Group>>, CustomerRecord, Hold), VaultError> {
        let u = self.unsealed()?;
        let group_id = self.group_of(code).await?;
        let g = self.group_by_id(&u, group_id).await?;
        // A request's failure after this point is on record with the group it reached.
        crate::audit::note_group(&g.row.name);
        crate::audit::note_customer(code.compact());
        Self::usable(&g)?;
        let lock = g.record_lock(code.compact());
        let guard = match access {
            Access::Read => Guard::Shared(lock.read_owned().await),
            Access::Write => Guard::Exclusive(lock.write_owned().await),
        };
        match self.read_record(&g, code.compact()).await? {
            Some((record, Some(committed))) => Ok((u, g, record, Hold { committed, _guard: guard })),
            // A row whose code the directory does not hold was not written by the vault.
            Some((_, None)) => Err(VaultError::Integrity),
            None if self.store.is_erased(code.compact()).await? => Err(VaultError::Erased),
            None => Err(VaultError::NotFound),
        }
    }

    /// Checks a located record's version against the directory, then decrypts it.
    ///
    /// The row may be at the directory's version, or one ahead: an update writes the row
    /// first and the directory after it, so one ahead is an update in flight, or one whose
    /// directory write was lost (a crash, an outage). Such a row decrypts (only the vault
    /// can have sealed it) and the directory is raised to it, which closes the window. Any
    /// older row is a rollback; a row further ahead means updates committed since the
    /// directory was read, which is read again once.
    pub(super) async fn open_record(
        &self,
        g: &OpenGroup<S::Group>,
        record: &CustomerRecord,
        hold: &Hold,
    ) -> Result<(Key32, BTreeMap<String, FieldValue>), VaultError> {
        let mut committed = hold.committed;
        if record.version > committed.saturating_add(1) {
            let again = self.store.directory_versions(std::slice::from_ref(&record.code)).await?;
            committed = again.first().map(|&(_, v)| v).ok_or(VaultError::Integrity)?;
        }
        let pending = record.version == committed.saturating_add(1);
        if record.version != committed && !pending {
            return Err(VaultError::Integrity);
        }
        if g.kek(record.kek_version)?.is_none() {
            // Wrapped under a version another process made since this one read the keyring.
            self.refresh_group_keys(&*self.unsealed()?, g).await?;
        }
        let opened = Self::decrypt(g, record)?;
        if pending {
            // Best effort: the next read repairs it otherwise.
            let _ = self.store.directory_set_version(&record.code, record.version).await;
        }
        Ok(opened)
    }

    pub(super) async fn group_of(&self, code: &CustomerCode) -> Result<u32, VaultError> {
        if let Some(&g) = self.directory_cache.lock().map_err(poisoned)?.get(code.compact()) {
            return Ok(g);
        }
        let g = self.store.directory_lookup(code.compact()).await?.ok_or(VaultError::NotFound)?;
        let mut cache = self.directory_cache.lock().map_err(poisoned)?;
        if cache.len() >= DIRECTORY_CACHE_MAX {
            cache.clear();
        }
        cache.insert(code.compact().to_owned(), g);
        Ok(g)
    }

    pub(super) fn decrypt(
        g: &OpenGroup<S::Group>,
        record: &CustomerRecord,
    ) -> Result<(Key32, BTreeMap<String, FieldValue>), VaultError> {
        let kek = g.kek(record.kek_version)?.ok_or(VaultError::Integrity)?;
        let dek = keywrap::unwrap_key(&kek, &record.wrapped_dek)?;
        let opener = EnvelopeKey::new(&dek, KeyRef { key_id: g.row.id, version: DEK_VERSION })?;
        let names = if record.version == LEGACY_RECORD_VERSION {
            None
        } else {
            // As written: at least one field, names in order, each once. The digest then
            // covers the set the envelopes were sealed with, or none of them opens.
            let ordered = record.fields.windows(2).all(|w| w[0].0 < w[1].0);
            if record.fields.is_empty() || !ordered {
                return Err(VaultError::Integrity);
            }
            Some(field_names_digest(record.fields.iter().map(|(name, _)| name.as_str())))
        };
        let mut fields = BTreeMap::new();
        for (name, sealed) in &record.fields {
            let aad = match &names {
                None => field_aad(g.row.id, &record.code, name, DEK_VERSION),
                Some(names) => record_field_aad(g.row.id, &record.code, name, record.version, names),
            };
            let plain = opener.open(&aad, sealed)?;
            let text = String::from_utf8(plain.to_vec()).map_err(|_| VaultError::Integrity)?;
            fields.insert(name.clone(), FieldValue(Zeroizing::new(text)));
        }
        Ok((dek, fields))
    }

    /// Reads and decrypts a customer.
    pub async fn get_customer(
        &self,
        ctx: &AuditContext,
        code: &CustomerCode,
        purpose: Option<&str>,
    ) -> Result<Customer, VaultError> {
        let (u, g, record, hold) = self.locate(code, Access::Read).await?;
        let (_dek, fields) = self.open_record(&g, &record, &hold).await?;
        // The read is on record before any data is returned.
        let mut event = Self::customer_event(ctx, Action::CustomerRead, &g, &record.code, &record.fields);
        event.purpose = purpose.map(str::to_owned);
        u.audit.record(event, Outcome::Success).await?;
        Ok(Customer {
            code: code.clone(),
            group: g.row.name.clone(),
            fields: held_offline(fields),
            created_at: record.created_at,
            updated_at: record.updated_at,
            retain_until: record.retain_until,
            version: record.version,
        })
    }

    /// Reads a customer for a reveal of `fields` (the caller has checked the field policy):
    /// only those fields are returned, and the audit entry (`customer.reveal`, with the
    /// purpose) names only those of them the customer has, the fields actually revealed.
    pub async fn reveal_customer(
        &self,
        ctx: &AuditContext,
        code: &CustomerCode,
        purpose: &str,
        fields: &[String],
    ) -> Result<Customer, VaultError> {
        let (u, g, record, hold) = self.locate(code, Access::Read).await?;
        let (_dek, mut opened) = self.open_record(&g, &record, &hold).await?;
        opened.retain(|name, _| fields.contains(name));
        let revealed: Vec<(String, ())> = opened.keys().map(|k| (k.clone(), ())).collect();
        let mut event = Self::customer_event(ctx, Action::CustomerReveal, &g, &record.code, &revealed);
        event.purpose = Some(purpose.to_owned());
        u.audit.record(event, Outcome::Success).await?;
        Ok(Customer {
            code: code.clone(),
            group: g.row.name.clone(),
            fields: held_offline(opened),
            created_at: record.created_at,
            updated_at: record.updated_at,
            retain_until: record.retain_until,
            version: record.version,
        })
    }

    /// Sets fields (`Some`) or removes them (`None`); the rest stay as they are.
    pub async fn update_customer(
        &self,
        ctx: &AuditContext,
        code: &CustomerCode,
        changes: &[(String, Option<String>)],
    ) -> Result<(), VaultError> {
        self.update_customer_at(ctx, code, changes, None).await
    }

    /// [`Vault::update_customer`], only if the record is still at version `expected` (when
    /// given): an edit made from an older read is refused with [`VaultError::Changed`], so
    /// it never overwrites a change its author did not see. The check holds the record's
    /// write lock, and the store's write is conditional on the version read.
    pub async fn update_customer_at(
        &self,
        ctx: &AuditContext,
        code: &CustomerCode,
        changes: &[(String, Option<String>)],
        expected: Option<u64>,
    ) -> Result<(), VaultError> {
        let _gate = self.write_gate.read().await;
        let (u, g, record, hold) = self.locate(code, Access::Write).await?;
        if expected.is_some_and(|v| v != record.version) {
            return Err(VaultError::Changed);
        }
        let (_old_dek, current) = self.open_record(&g, &record, &hold).await?;
        let shape = g.shape()?;
        let mut merged: BTreeMap<String, Zeroizing<String>> =
            current.into_iter().map(|(k, v)| (k, v.0)).collect();
        for (name, change) in changes {
            if crate::schema::is_cvv_like(name) {
                return Err(VaultError::ForbiddenField { field: name.clone() });
            }
            if shape.schema.field(name).is_none() {
                return Err(VaultError::UnknownField { field: name.clone() });
            }
            match change {
                Some(v) => merged.insert(name.clone(), Zeroizing::new(v.clone())),
                None => merged.remove(name),
            };
        }
        // Restricted values left as they are stay sealed: the server cannot open them.
        let (kept, fields): (Vec<_>, Vec<_>) =
            merged.into_iter().partition(|(name, v)| is_sealed(v) && !changes.iter().any(|(n, _)| n == name));
        let fields: Vec<(String, String)> = fields.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        let prepared = self.prepare(&g, &shape, code.compact(), &fields, &kept)?;
        let version = record.version.checked_add(1).ok_or(VaultError::Internal("record version overflow"))?;
        // A fresh data key for every write: one data key never seals more than the fields of
        // one write, far below the 2^32 AES-GCM encryptions a key may do with random nonces.
        let dek = Key32::generate()?;
        let (kek, _writing) = self.kek_for_write(&g, 1).await?;
        let mut write =
            Self::encrypt(&g, &kek, code, &prepared, &dek, (record.created_at, self.clock.now()), version)?;
        // An update keeps the customer's own retention date.
        write.record.retain_until = record.retain_until;
        let mut event = ctx.event(Action::CustomerUpdate.as_str());
        event.group = Some(g.row.name.clone());
        event.customer = Some(record.code.clone());
        event.fields = changes.iter().map(|(name, _)| name.clone()).collect();
        // On record, then written only if the row is still the one read (another process
        // may have updated it), then its version in the directory: in a round shared with
        // the group's other single writes ([`commit`]).
        let op = commit::WriteOp::Update { write, from: record.version };
        self.write_shared(&u, &g, commit::SingleWrite { event, op }).await
    }

    /// Erases a customer by crypto-shredding: the wrapped data key and the blind-index
    /// entries are deleted, and the erasure is journaled. The code is never reused.
    pub async fn erase_customer(&self, ctx: &AuditContext, code: &CustomerCode) -> Result<(), VaultError> {
        // Exclusively: reads of this customer in flight finish first.
        let _gate = self.write_gate.read().await;
        let (u, g, record, _hold) = self.locate(code, Access::Write).await?;
        let event = Self::customer_event(ctx, Action::CustomerErase, &g, &record.code, &record.fields);
        // On record, then journaled, then the record, its index entries and the tokens
        // issued for the customer (their sealed values) go: in a round shared with the
        // group's other single writes ([`commit`]).
        let op = commit::WriteOp::Erase { code: code.compact().to_owned(), at: self.clock.now() };
        self.write_shared(&u, &g, commit::SingleWrite { event, op }).await
    }

    /// Finds customers of `group` whose searchable `field` equals `value` (in any written
    /// form the field's type accepts).
    pub async fn find(
        &self,
        ctx: &AuditContext,
        group: &str,
        field: &str,
        value: &str,
    ) -> Result<Vec<CustomerCode>, VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let shape = g.shape()?;
        let def =
            shape.schema.field(field).ok_or_else(|| VaultError::UnknownField { field: field.to_owned() })?;
        if !def.searchable {
            return Err(VaultError::NotSearchable { field: field.to_owned() });
        }
        let normalized = Zeroizing::new(shape.schema.check(field, value, self.today_year())?.index_form);
        let key = shape.index_key(field)?;
        let hash = key.index(normalized.as_bytes());
        let codes = g.store.find(field, &hash, def.unique).await?;
        let found: Vec<CustomerCode> = codes
            .iter()
            .map(|c| CustomerCode::parse(c).map_err(|_| VaultError::Integrity))
            .collect::<Result<_, _>>()?;
        let mut event = ctx.event(Action::CustomerFind.as_str());
        event.group = Some(g.row.name.clone());
        event.fields = vec![field.to_owned()];
        if let [one] = found.as_slice() {
            event.customer = Some(one.compact().to_owned());
        }
        u.audit.record(event, Outcome::Success).await?;
        Ok(found)
    }

    /// An event about one customer: its group, code and the names of its fields (the
    /// values beside them are never read).
    pub(super) fn customer_event<V>(
        ctx: &AuditContext,
        action: Action,
        g: &OpenGroup<S::Group>,
        code: &str,
        fields: &[(String, V)],
    ) -> Event {
        let mut event = ctx.event(action.as_str());
        event.group = Some(g.row.name.clone());
        event.customer = Some(code.to_owned());
        event.fields = fields.iter().map(|(name, _)| name.clone()).collect();
        event
    }
}
