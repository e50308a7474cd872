//! Confidentiality agreements: versioned Markdown texts published by a security officer,
//! signed by each employee by re-entering their password. A signature stores the version,
//! the SHA-256 of the text, the time and the origin. Publishing a new version leaves every
//! employee unsigned until they sign it ([`crate::people::Principal::agreement_signed`]).

use sekretess_crypto::digest;

use crate::audit::{Action, AuditContext, Outcome};
use crate::people::{AgreementRow, People, PeopleError, PeopleStore, Principal, SignatureRow};
use crate::policy::Role;
use crate::store::Store;

pub const MAX_AGREEMENT_CHARS: usize = 200_000;

/// A published agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub version: u32,
    pub text: String,
    pub sha256: [u8; 32],
    pub published_at: i64,
    pub published_by: u64,
}

impl Agreement {
    /// The text's SHA-256 in lower-case hex.
    pub fn sha256_hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl From<AgreementRow> for Agreement {
    fn from(r: AgreementRow) -> Self {
        Agreement {
            version: r.version,
            text: r.text,
            sha256: r.sha256,
            published_at: r.published_at,
            published_by: r.published_by,
        }
    }
}

/// One employee's standing towards the current agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureStatus {
    pub employee_id: u64,
    pub login: String,
    pub signed_at: Option<i64>,
}

fn agreement_target(version: u32) -> String {
    format!("agreement:{version}")
}

impl<S: Store + PeopleStore> People<S> {
    /// Publishes a new version (security officers). Every employee must sign it again.
    pub async fn publish_agreement(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        text: &str,
    ) -> Result<Agreement, PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        if text.trim().is_empty() {
            return Err(PeopleError::InvalidInput { what: "agreement", rule: "the text is empty" });
        }
        if text.chars().count() > MAX_AGREEMENT_CHARS {
            return Err(PeopleError::InvalidInput { what: "agreement", rule: "at most 200000 characters" });
        }
        let sha256 = digest::sha256(text.as_bytes());
        let now = self.clock.now();
        let next = self.store().current_agreement().await?.map_or(1, |a| a.version + 1);
        let event = Self::event(ctx, Action::AgreementPublish, vec![agreement_target(next)]);
        let seq = self.attempt(&event).await?;
        let inserted = self.store().insert_agreement(text, &sha256, now, actor.employee_id).await;
        let version = self.resolved(&event, seq, inserted.map_err(PeopleError::from)).await?;
        Ok(Agreement {
            version,
            text: text.to_owned(),
            sha256,
            published_at: now,
            published_by: actor.employee_id,
        })
    }

    /// The current agreement, if any (anyone logged in may read it).
    pub async fn current_agreement(&self) -> Result<Option<Agreement>, PeopleError> {
        Ok(self.store().current_agreement().await?.map(Agreement::from))
    }

    /// Signs the current agreement. `version` is the one the employee read: if a newer one
    /// was published since, signing is refused. The password is re-entered (a wrong one
    /// counts towards the lockout). Signing again is harmless.
    pub async fn sign_agreement(
        &self,
        who: &Principal,
        ctx: &AuditContext,
        version: u32,
        password: &str,
    ) -> Result<(), PeopleError> {
        let current = self.store().current_agreement().await?.ok_or(PeopleError::NoAgreement)?;
        if current.version != version {
            return Err(PeopleError::AgreementOutdated { given: version, current: current.version });
        }
        let row = self.store().get_employee(who.employee_id).await?.ok_or(PeopleError::UnknownEmployee)?;
        let event = Self::event(ctx, Action::AgreementSign, vec![agreement_target(version)]);
        if let Err(e) = self.reverify(ctx, &row, password).await {
            self.record(event, Outcome::Denied).await?;
            return Err(e);
        }
        let seq = self.attempt(&event).await?;
        let signature = SignatureRow {
            employee_id: row.id,
            version,
            sha256: current.sha256,
            signed_at: self.clock.now(),
            origin: ctx.origin.clone(),
        };
        let inserted = self.store().insert_signature(&signature).await.map_err(PeopleError::from);
        self.resolved(&event, seq, inserted).await
    }

    /// Who has signed the current version (security officers and auditors).
    pub async fn agreement_status(&self, actor: &Principal) -> Result<Vec<SignatureStatus>, PeopleError> {
        let employees = self.list_employees(actor).await?;
        let current = self.store().current_agreement().await?;
        let mut out = Vec::with_capacity(employees.len());
        for e in employees {
            let signed_at = match &current {
                Some(a) => self
                    .store()
                    .signature(e.id, a.version)
                    .await?
                    .filter(|s| s.sha256 == a.sha256)
                    .map(|s| s.signed_at),
                None => None,
            };
            out.push(SignatureStatus { employee_id: e.id, login: e.login, signed_at });
        }
        Ok(out)
    }
}
