//! The offline side of Sekretess: the offline key pair's private half (the identity) and
//! the opening of export bundles.
//!
//! Only the CLI links this crate (`sekretess offline keygen` and `sekretess offline
//! reveal`, which run on an air-gapped machine); the server does not depend on it, so the
//! online process has no type for the offline identity and no code that opens a restricted
//! value. The sealing half is `sekretess_crypto::offline`.
//!
//! A bundle is one age file (sealed as a whole to the offline key): its header MAC and its
//! STREAM chunks authenticate every byte, so a bundle changed anywhere, cut short, or
//! lengthened fails to open. Inside, each value is sealed again on its own, bound to its
//! group, customer code and field name, which are checked here.
#![forbid(unsafe_code)]

use std::io::Read;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use base64::Engine;
use sekretess_crypto::offline::{BUNDLE_FORMAT, Bundle, SEALED_VALUE_FORMAT, SealedValue};
use zeroize::Zeroizing;

/// Why a key or bundle was refused. Never echoes key material or values.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum OfflineError {
    #[error("not an age X25519 identity (AGE-SECRET-KEY-1...)")]
    BadIdentity,
    #[error("the bundle does not open with this identity, or it was changed, cut short or lengthened")]
    CannotOpen,
    #[error("the bundle opened but its content is not a Sekretess offline bundle ({0})")]
    BadContent(&'static str),
    #[error("a sealed value of customer {code}, field {field} does not open or belongs elsewhere")]
    BadValue { code: String, field: String },
}

/// The offline identity (private key). `Debug` shows nothing of it.
pub struct OfflineIdentity(age::x25519::Identity);

impl std::fmt::Debug for OfflineIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OfflineIdentity(<redacted>)")
    }
}

impl OfflineIdentity {
    /// A new identity and the text of its key file (with the public key in a comment).
    pub fn generate() -> (Self, Zeroizing<String>) {
        let identity = age::x25519::Identity::generate();
        let text = Zeroizing::new(format!(
            "# Sekretess offline identity: keep this file on the air-gapped machine only.\n# public key: {}\n{}\n",
            identity.to_public(),
            identity.to_string().expose_secret()
        ));
        (OfflineIdentity(identity), text)
    }

    /// Parses a key file's text: `#` comments and blank lines are skipped, exactly one
    /// `AGE-SECRET-KEY-1…` line is expected.
    pub fn parse(text: &str) -> Result<Self, OfflineError> {
        let mut keys = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
        let line = keys.next().ok_or(OfflineError::BadIdentity)?;
        if keys.next().is_some() {
            return Err(OfflineError::BadIdentity);
        }
        age::x25519::Identity::from_str(line).map(OfflineIdentity).map_err(|_| OfflineError::BadIdentity)
    }

    /// The public key (`age1…`) for the server's `[offline] recipient`.
    pub fn recipient(&self) -> String {
        self.0.to_public().to_string()
    }

    fn open(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, OfflineError> {
        let decryptor = age::Decryptor::new(sealed).map_err(|_| OfflineError::CannotOpen)?;
        if decryptor.is_scrypt() {
            return Err(OfflineError::CannotOpen);
        }
        let mut reader = decryptor
            .decrypt(std::iter::once(&self.0 as &dyn age::Identity))
            .map_err(|_| OfflineError::CannotOpen)?;
        let mut out = Zeroizing::new(Vec::new());
        reader.read_to_end(&mut out).map_err(|_| OfflineError::CannotOpen)?;
        Ok(out)
    }
}

/// One customer's values, opened.
pub struct RevealedCustomer {
    pub code: String,
    /// (field name, value), in the bundle's order.
    pub fields: Vec<(String, Zeroizing<String>)>,
}

impl std::fmt::Debug for RevealedCustomer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.fields.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RevealedCustomer").field("code", &self.code).field("fields", &names).finish()
    }
}

/// An opened bundle: what the export said about itself, and the values.
#[derive(Debug)]
pub struct Revealed {
    pub export_id: String,
    pub group: String,
    pub created_at: i64,
    pub exported_by: String,
    pub purpose: String,
    /// SHA-256 of the bundle file, hex: names it in the local reveal log.
    pub bundle_sha256: String,
    pub customers: Vec<RevealedCustomer>,
}

/// Opens a bundle with `identity`: the whole file must authenticate, then every value in
/// it must open and belong to the group, customer and field the bundle files it under.
pub fn open_bundle(identity: &OfflineIdentity, bytes: &[u8]) -> Result<Revealed, OfflineError> {
    let plain = identity.open(bytes)?;
    let bundle: Bundle =
        serde_json::from_slice(&plain).map_err(|_| OfflineError::BadContent("not the bundle's JSON"))?;
    if bundle.format != BUNDLE_FORMAT {
        return Err(OfflineError::BadContent("unknown format version"));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut customers = Vec::with_capacity(bundle.customers.len());
    for c in &bundle.customers {
        let mut fields = Vec::with_capacity(c.fields.len());
        for f in &c.fields {
            let bad = || OfflineError::BadValue { code: c.code.clone(), field: f.name.clone() };
            let sealed = b64.decode(&f.sealed).map_err(|_| bad())?;
            let inner = identity.open(&sealed).map_err(|_| bad())?;
            let value: SealedValue = serde_json::from_slice(&inner).map_err(|_| bad())?;
            let belongs = value.format == SEALED_VALUE_FORMAT
                && value.group_id == bundle.group_id
                && value.code == c.code
                && value.field == f.name;
            if !belongs {
                return Err(bad());
            }
            fields.push((f.name.clone(), Zeroizing::new(value.value.clone())));
        }
        customers.push(RevealedCustomer { code: c.code.clone(), fields });
    }
    let digest = sekretess_crypto::digest::sha256(bytes);
    Ok(Revealed {
        export_id: bundle.export_id.clone(),
        group: bundle.group.clone(),
        created_at: bundle.created_at,
        exported_by: bundle.exported_by.clone(),
        purpose: bundle.purpose.clone(),
        bundle_sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        customers,
    })
}

#[cfg(test)]
mod tests {
    use sekretess_crypto::offline::{BundleCustomer, BundleField, OfflineRecipient, seal, seal_value};

    use super::*;

    fn bundle_for(r: &OfflineRecipient, value_code: &str) -> Vec<u8> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let sealed = seal_value(r, 3, value_code, "tax_id", "8112189876").unwrap();
        let bundle = Bundle {
            format: BUNDLE_FORMAT.into(),
            export_id: "x1".into(),
            group: "retail".into(),
            group_id: 3,
            created_at: 1,
            exported_by: "emp:1".into(),
            purpose: "court order".into(),
            customers: vec![BundleCustomer {
                code: "K7Q4M92DJ3X8".into(),
                fields: vec![BundleField { name: "tax_id".into(), sealed: b64.encode(sealed) }],
            }],
        };
        seal(r, &serde_json::to_vec(&bundle).unwrap()).unwrap()
    }

    #[test]
    fn a_bundle_opens_only_whole_and_with_its_identity() {
        let (id, text) = OfflineIdentity::generate();
        assert_eq!(OfflineIdentity::parse(&text).unwrap().recipient(), id.recipient());
        assert!(format!("{id:?}").contains("redacted"));
        let r = OfflineRecipient::parse(&id.recipient()).unwrap();
        let file = bundle_for(&r, "K7Q4M92DJ3X8");
        let opened = open_bundle(&id, &file).unwrap();
        assert_eq!(opened.customers[0].fields[0].1.as_str(), "8112189876");
        assert!(!format!("{opened:?}").contains("8112189876"));
        // Every single-byte change, anywhere, is refused.
        for at in 0..file.len() {
            let mut bad = file.clone();
            bad[at] ^= 0x01;
            assert!(open_bundle(&id, &bad).is_err(), "flip at {at}");
        }
        let mut longer = file.clone();
        longer.push(0);
        assert!(open_bundle(&id, &longer).is_err());
        assert!(open_bundle(&id, &file[..file.len() - 1]).is_err());
        let (other, _) = OfflineIdentity::generate();
        assert_eq!(open_bundle(&other, &file).unwrap_err(), OfflineError::CannotOpen);
    }

    #[test]
    fn a_value_filed_under_another_customer_is_refused() {
        let (id, _) = OfflineIdentity::generate();
        let r = OfflineRecipient::parse(&id.recipient()).unwrap();
        let file = bundle_for(&r, "OTHERCODE123");
        assert!(matches!(open_bundle(&id, &file), Err(OfflineError::BadValue { .. })));
    }
}

/// The online crates cannot name the offline identity: none of them depends on this crate
/// or on `age` directly (so `age::x25519::Identity` is out of their reach too), and none of
/// their sources names an identity or a decryptor. Only the CLI links this crate.
#[cfg(test)]
mod boundary {
    use std::path::{Path, PathBuf};

    fn crates() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn the_online_crates_cannot_name_the_offline_identity() {
        for online in
            ["sekretess-server", "sekretess-core", "sekretess-store", "sekretess-api", "sekretess-client"]
        {
            let manifest = std::fs::read_to_string(crates().join(online).join("Cargo.toml")).unwrap();
            let deps = manifest.split("[dev-dependencies]").next().unwrap();
            for line in deps.lines().map(str::trim) {
                assert!(!line.starts_with("sekretess-offline"), "{online} depends on sekretess-offline");
                assert!(!line.starts_with("age"), "{online} depends on age directly");
            }
            let mut files = vec![];
            sources(&crates().join(online).join("src"), &mut files);
            assert!(!files.is_empty(), "{online}");
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap();
                for name in [
                    "sekretess_offline",
                    "OfflineIdentity",
                    "x25519::Identity",
                    "Decryptor",
                    "BackupIdentity",
                ] {
                    assert!(!text.contains(name), "{} names {name}", f.display());
                }
            }
        }
        // The CLI is the one crate that links it.
        let cli = std::fs::read_to_string(crates().join("sekretess-cli").join("Cargo.toml")).unwrap();
        assert!(cli.contains("sekretess-offline.workspace = true"));
    }
}
