//! Creating customers: validation, blind indexes, encryption spread over threads, undo of failed batches.

use super::*;

/// `f` over `items`, in order, spread over the machine's cores when there are enough.
pub(super) fn par_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>, VaultError> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = cores.min(items.len() / ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        return Ok(items.iter().map(f).collect());
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let mut parts = items.chunks(chunk);
        let first = parts.next().unwrap_or_default();
        let others: Vec<_> =
            parts.map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>())).collect();
        let mut all: Vec<R> = first.iter().map(f).collect();
        for handle in others {
            all.extend(handle.join().map_err(|_| VaultError::Internal("batch thread failed"))?);
        }
        Ok(all)
    })
}

impl<S: Store> Vault<S> {
    pub(super) fn today_year(&self) -> i32 {
        civil_date(self.clock.now()).0
    }

    /// Validates an item and computes its blind-index entries in `g` (whose schema is
    /// `shape`), for customer `code`. A restricted value is sealed to the offline key here,
    /// once validated and normalized ([`Vault::seal_restricted`]). `kept` are restricted
    /// values already sealed (an update's untouched fields): kept as they are, with the
    /// blind-index entry sealed beside them.
    pub(super) fn prepare(
        &self,
        g: &OpenGroup<S::Group>,
        shape: &Shape,
        code: &str,
        fields: &[(String, String)],
        kept: &[(String, Zeroizing<String>)],
    ) -> Result<Prepared, VaultError> {
        if fields.is_empty() && kept.is_empty() {
            return Err(VaultError::NoFields);
        }
        let year = self.today_year();
        let mut values = Vec::with_capacity(fields.len() + kept.len());
        let mut index = Vec::new();
        for (name, value) in fields {
            let checked = shape.schema.check(name, value, year)?;
            if values.iter().any(|(n, _): &(String, _)| n == name) {
                return Err(VaultError::Invalid { field: name.clone(), rule: "given more than once" });
            }
            let def =
                shape.schema.field(name).ok_or_else(|| VaultError::UnknownField { field: name.clone() })?;
            let form = Zeroizing::new(checked.index_form);
            let hash = match def.searchable {
                true => Some(shape.index_key(name)?.index(form.as_bytes())),
                false => None,
            };
            if let Some(hash) = hash {
                index.push(IndexEntry { field: name.clone(), hash, unique: def.unique });
            }
            let stored = Zeroizing::new(checked.stored);
            if def.sensitivity == Sensitivity::Restricted {
                values.push((name.clone(), self.seal_restricted(g.row.id, code, name, &stored, hash)?));
            } else if is_sealed(&stored) {
                return Err(VaultError::Invalid {
                    field: name.clone(),
                    rule: "starts with a reserved prefix",
                });
            } else {
                values.push((name.clone(), stored));
            }
        }
        for (name, sealed) in kept {
            if values.iter().any(|(n, _): &(String, _)| n == name) {
                continue;
            }
            let def = shape.schema.field(name).ok_or(VaultError::Integrity)?;
            if def.sensitivity != Sensitivity::Restricted {
                return Err(VaultError::Integrity);
            }
            if def.searchable {
                let hash = sealed_index_hash(sealed)?.ok_or(VaultError::Integrity)?;
                index.push(IndexEntry { field: name.clone(), hash, unique: def.unique });
            }
            values.push((name.clone(), sealed.clone()));
        }
        values.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Prepared { values, index })
    }

    /// Seals a record at record `version` (1 or later), its data key wrapped by `kek`.
    pub(super) fn encrypt(
        group: &OpenGroup<S::Group>,
        kek: &WriteKek,
        code: &CustomerCode,
        prepared: &Prepared,
        dek: &Key32,
        times: (i64, i64),
        version: u64,
    ) -> Result<CustomerWrite, VaultError> {
        let sealer = EnvelopeKey::new(dek, KeyRef { key_id: group.row.id, version: DEK_VERSION })?;
        let code_str = code.compact();
        // `prepare` sorted the names and refused duplicates.
        let names = field_names_digest(prepared.values.iter().map(|(name, _)| name.as_str()));
        let aads: Vec<Vec<u8>> = prepared
            .values
            .iter()
            .map(|(name, _)| record_field_aad(group.row.id, code_str, name, version, &names))
            .collect();
        let items: Vec<(&[u8], &[u8])> =
            aads.iter().zip(&prepared.values).map(|(aad, (_, value))| (&aad[..], value.as_bytes())).collect();
        let sealed = sealer.seal_all(&items)?;
        let fields = prepared.values.iter().map(|(name, _)| name.clone()).zip(sealed).collect();
        Ok(CustomerWrite {
            record: CustomerRecord {
                code: code_str.to_owned(),
                version,
                kek_version: kek.0,
                wrapped_dek: keywrap::wrap_key(&kek.1, dek)?,
                fields,
                created_at: times.0,
                updated_at: times.1,
                retain_until: None,
            },
            index: prepared.index.clone(),
        })
    }

    /// Validates each item and gives each valid one a new code, spread over the cores.
    pub(super) fn prepare_batch(
        &self,
        g: &OpenGroup<S::Group>,
        batch: &[Vec<(String, String)>],
    ) -> Result<Vec<Validated>, VaultError> {
        let items: Vec<_> = batch.iter().zip(CustomerCode::generate_many(batch.len())?).collect();
        let shape = g.shape()?;
        par_map(&items, |(fields, code)| {
            Ok((code.clone(), self.prepare(g, &shape, code.compact(), fields, &[])?))
        })
    }

    /// Encrypts validated items (a new data key each), spread over the cores: this is most
    /// of a batch's CPU time.
    pub(super) fn encrypt_part(
        g: &OpenGroup<S::Group>,
        kek: &WriteKek,
        items: &[(CustomerCode, Prepared)],
        now: i64,
    ) -> Result<Arc<[CustomerWrite]>, VaultError> {
        let keyed: Vec<_> = items.iter().zip(Key32::generate_many(items.len())?).collect();
        let part: Vec<CustomerWrite> = par_map(&keyed, |((code, prepared), dek)| {
            Self::encrypt(g, kek, code, prepared, dek, (now, now), FIRST_RECORD_VERSION)
        })?
        .into_iter()
        .collect::<Result<_, _>>()?;
        Ok(part.into())
    }

    /// Encrypts validated items a part at a time, and sends each part to `parts` (the
    /// batch's writer) as soon as it is done. Returns every part, for writing item by item
    /// after a conflict.
    pub(super) fn encrypt_parts(
        g: &OpenGroup<S::Group>,
        kek: &WriteKek,
        items: &[(CustomerCode, Prepared)],
        now: i64,
        parts: &mpsc::UnboundedSender<Arc<[CustomerWrite]>>,
    ) -> Result<Vec<Arc<[CustomerWrite]>>, VaultError> {
        let mut done = Vec::new();
        for chunk in items.chunks(ITEMS_PER_PART) {
            let part = Self::encrypt_part(g, kek, chunk, now)?;
            // A store that stopped reading has failed, and says why itself.
            let _ = parts.send(Arc::clone(&part));
            done.push(part);
        }
        Ok(done)
    }

    /// Creates many customers in one transaction; answers per item. Invalid items and
    /// duplicates fail alone; the others are written.
    pub async fn create_customers(
        &self,
        ctx: &AuditContext,
        group: &str,
        batch: &[Vec<(String, String)>],
    ) -> Result<Vec<Result<CustomerCode, VaultError>>, VaultError> {
        let _gate = self.write_gate.read().await;
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let now = self.clock.now();
        let mut results: Vec<Result<CustomerCode, VaultError>> = Vec::with_capacity(batch.len());
        let mut valid = Vec::new();
        let mut slots = Vec::new();
        for (i, outcome) in self.prepare_batch(&g, batch)?.into_iter().enumerate() {
            match outcome {
                Ok((code, prepared)) => {
                    results.push(Ok(code.clone()));
                    valid.push((code, prepared));
                    slots.push(i);
                }
                Err(e) => results.push(Err(e)),
            }
        }
        if valid.is_empty() {
            return Ok(results);
        }
        // Held until the batch is stored: its KEK version is not retired meanwhile.
        let (kek, _writing) = self.kek_for_write(&g, valid.len() as u64).await?;
        let codes: Arc<[String]> = valid.iter().map(|(code, _)| code.compact().to_owned()).collect();
        let events = Self::creation_events(ctx, &g, batch, &slots, &codes);
        // Fail closed: every creation is on record, and its code in the directory, before
        // anything is written to the group. Both need only the codes and field names, so
        // they are written while the items are encrypted.
        let on_record = {
            let (u, store, codes) = (Arc::clone(&u), self.store.clone(), Arc::clone(&codes));
            let group_id = g.row.id;
            tokio::spawn(async move {
                // The entries record attempts: what happened to them, a commit marker says.
                let first = events.first().cloned().unwrap_or_default();
                let seqs =
                    u.audit.record_all(events.into_iter().map(|e| (e, Outcome::Attempted)).collect()).await?;
                let range = (seqs.first().copied().unwrap_or(0), seqs.last().copied().unwrap_or(0));
                // A code collision across 55 random bits is astronomically rare; refuse
                // rather than loop.
                if let Err(e) = store.directory_insert(&codes, group_id).await {
                    let _ = u.audit.resolve(&first, range, Outcome::Failed).await; // best effort
                    return Err(e.into());
                }
                Ok::<(u64, u64), VaultError>(range)
            })
        };
        let (encrypted, recorded, inserted) = if valid.len() <= ITEMS_PER_PART {
            // Small batches (single creates) are written only after they are on record, so
            // the group's write lock is held just for the write, not for the audit's commit.
            let encrypted = Self::encrypt_part(&g, &kek, &valid, now);
            let recorded = on_record.await.unwrap_or(Err(VaultError::Internal("audit task failed")));
            let inserted = match (&encrypted, &recorded) {
                (Ok(part), Ok(_)) => g.store.insert_customers(part).await,
                _ => Ok(()),
            };
            (encrypted.map(|part| vec![part]), recorded, inserted)
        } else {
            // Parts are written as they are encrypted; the batch commits only once every
            // item is encrypted and the batch is on record, and is given up otherwise.
            let (part_tx, mut part_rx) = mpsc::unbounded_channel();
            let encrypting = {
                let (g, kek) = (Arc::clone(&g), kek.clone());
                tokio::task::spawn_blocking(move || Self::encrypt_parts(&g, &kek, &valid, now, &part_tx))
            };
            let writing = async {
                let mut pending = g.store.begin_batch().await?;
                while let Some(part) = part_rx.recv().await {
                    pending.write(&part).await?;
                }
                Ok::<_, StoreError>(pending)
            };
            let deciding = async {
                let encrypted =
                    encrypting.await.unwrap_or(Err(VaultError::Internal("encryption task failed")));
                let recorded = on_record.await.unwrap_or(Err(VaultError::Internal("audit task failed")));
                (encrypted, recorded)
            };
            let (written, (encrypted, recorded)) = tokio::join!(writing, deciding);
            let inserted = match written {
                Ok(pending) if encrypted.is_ok() && recorded.is_ok() => pending.commit().await,
                // Not all encrypted, or not on record: that failure is the answer.
                Ok(pending) => pending.abort().await,
                Err(e) => Err(e),
            };
            (encrypted, recorded, inserted)
        };
        let range = recorded?;
        crate::audit::note_recorded(); // on record from another task
        // The attempts went to the audit log; commit markers resolve them.
        let events = || Self::creation_events(ctx, &g, batch, &slots, &codes);
        let first = Self::creation_events(ctx, &g, batch, slots.get(..1).unwrap_or(&[]), &codes)
            .pop()
            .unwrap_or_default();
        let parts = match encrypted {
            Ok(parts) => parts,
            Err(e) => {
                self.undo_create(&u, &codes, &first, range).await?;
                return Err(e);
            }
        };
        match inserted {
            Ok(()) => {
                // One marker for the whole batch, written with the next round (the next
                // batch's attempts, or a flush started here), so no caller waits for its
                // commit. If it is lost, the creations claim no outcome until the next
                // unseal resolves them from the store ([`Vault::resolve_attempts`]).
                u.audit.defer(commit_marker(&first, range.0, range.1), Outcome::Success);
                let flushing = Arc::clone(&u);
                tokio::spawn(async move { flushing.audit.flush().await });
                Ok(results)
            }
            Err(StoreError::Conflict { .. }) => {
                // Some item breaks a uniqueness rule: write them one by one to say which.
                // The markers go on record together: one per run of written items, one
                // per refused item (naming its code).
                let mut markers = Vec::new();
                let mut run: Option<(Event, u64, u64)> = None;
                let mut refused = Vec::new();
                let writes = parts.iter().flat_map(|part| part.iter());
                for (((write, &slot), event), seq) in writes.zip(&slots).zip(events()).zip(range.0..) {
                    if let Err(e) = g.store.insert_customers(std::slice::from_ref(write)).await {
                        if let Some((start, a, b)) = run.take() {
                            markers.push((commit_marker(&start, a, b), Outcome::Success));
                        }
                        markers.push((commit_marker(&event, seq, seq), Outcome::Failed));
                        refused.push(write.record.code.clone());
                        results[slot] = Err(match e {
                            StoreError::Conflict { what } => VaultError::Duplicate { field: what },
                            other => other.into(),
                        });
                    } else {
                        run = Some(match run {
                            Some((start, a, _)) => (start, a, seq),
                            None => (event, seq, seq),
                        });
                    }
                }
                if let Some((start, a, b)) = run {
                    markers.push((commit_marker(&start, a, b), Outcome::Success));
                }
                let _ = u.audit.record_all(markers).await; // best effort, as above
                if !refused.is_empty() {
                    self.store.directory_remove(&refused).await?;
                }
                Ok(results)
            }
            Err(e) => {
                self.undo_create(&u, &codes, &first, range).await?;
                Err(e.into())
            }
        }
    }

    /// The creation events of a batch's valid items (at `slots`, given `codes`): field
    /// names in order, never values.
    pub(super) fn creation_events(
        ctx: &AuditContext,
        g: &OpenGroup<S::Group>,
        batch: &[Vec<(String, String)>],
        slots: &[usize],
        codes: &[String],
    ) -> Vec<Event> {
        slots
            .iter()
            .zip(codes)
            .map(|(&slot, code)| {
                let mut event = ctx.event(Action::CustomerCreate.as_str());
                event.group = Some(g.row.name.clone());
                event.customer = Some(code.clone());
                event.fields = batch[slot].iter().map(|(name, _)| name.clone()).collect();
                event.fields.sort_unstable();
                event
            })
            .collect()
    }

    /// Resolves the attempts at `range` (recorded for `attempt`) as failed, and takes back
    /// the directory rows of the creations that were not written. The audit part is best
    /// effort: without the marker the attempts claim no outcome.
    pub(super) async fn undo_create(
        &self,
        u: &Unsealed<S>,
        codes: &[String],
        attempt: &Event,
        range: (u64, u64),
    ) -> Result<(), VaultError> {
        let _ = u.audit.resolve(attempt, range, Outcome::Failed).await;
        self.store.directory_remove(codes).await?;
        Ok(())
    }
}
