//! Backup encryption: the age format (X25519 recipients, STREAM), through the `age` crate.
//!
//! A backup is encrypted to one or more recipients (public keys, kept online in the server's
//! configuration); only a holder of a matching identity (private key, kept offline in the
//! "locked room") can decrypt it. age's STREAM authenticates every 64 KiB chunk and marks
//! the last one, so a changed byte or a cut-off tail fails the read.
//! Errors are opaque: they never echo key material.

use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use zeroize::Zeroizing;

/// What went wrong with a backup key or file, without detail that could leak a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackupCryptoError {
    #[error("not an age X25519 identity (AGE-SECRET-KEY-1...)")]
    BadIdentity,
    #[error("not an age X25519 recipient (age1...)")]
    BadRecipient,
    #[error("no backup recipient configured")]
    NoRecipient,
    #[error("the file is not an age file, or none of the given identities can open it")]
    CannotOpen,
    #[error("the age encryption failed")]
    Encrypt,
}

/// A new backup identity (private key, text form) and its recipient (public key).
pub fn generate_identity() -> (Zeroizing<String>, String) {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    (Zeroizing::new(identity.to_string().expose_secret().to_owned()), recipient)
}

/// A parsed backup identity. `Debug` shows nothing of it.
pub struct BackupIdentity(age::x25519::Identity);

impl std::fmt::Debug for BackupIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupIdentity(<redacted>)")
    }
}

impl BackupIdentity {
    /// Parses an identity file's text: comment lines (`#`) and blank lines are skipped,
    /// exactly one `AGE-SECRET-KEY-1…` line is expected.
    pub fn parse(text: &str) -> Result<Self, BackupCryptoError> {
        let mut keys = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
        let line = keys.next().ok_or(BackupCryptoError::BadIdentity)?;
        if keys.next().is_some() {
            return Err(BackupCryptoError::BadIdentity);
        }
        age::x25519::Identity::from_str(line).map(BackupIdentity).map_err(|_| BackupCryptoError::BadIdentity)
    }

    /// The recipient (public key) of this identity.
    pub fn recipient(&self) -> String {
        self.0.to_public().to_string()
    }
}

/// A parsed backup recipient.
#[derive(Clone, Debug)]
pub struct BackupRecipient(age::x25519::Recipient);

impl BackupRecipient {
    pub fn parse(text: &str) -> Result<Self, BackupCryptoError> {
        age::x25519::Recipient::from_str(text.trim())
            .map(BackupRecipient)
            .map_err(|_| BackupCryptoError::BadRecipient)
    }
}

impl std::fmt::Display for BackupRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A writer that encrypts to the recipients; [`BackupWriter::finish`] writes the last
/// chunk (without it the file reads as truncated).
pub struct BackupWriter<W: Write>(age::stream::StreamWriter<W>);

impl<W: Write> BackupWriter<W> {
    pub fn new(recipients: &[BackupRecipient], out: W) -> Result<Self, BackupCryptoError> {
        if recipients.is_empty() {
            return Err(BackupCryptoError::NoRecipient);
        }
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| &r.0 as &dyn age::Recipient))
                .map_err(|_| BackupCryptoError::Encrypt)?;
        encryptor.wrap_output(out).map(BackupWriter).map_err(|_| BackupCryptoError::Encrypt)
    }

    pub fn finish(self) -> std::io::Result<W> {
        self.0.finish()
    }
}

impl<W: Write> Write for BackupWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Opens an encrypted backup for reading with `identity`. Reads fail (an `io::Error`) at
/// the first chunk that does not authenticate, and at the end if the last chunk is missing.
pub fn open<R: Read>(identity: &BackupIdentity, input: R) -> Result<impl Read, BackupCryptoError> {
    let decryptor = age::Decryptor::new(input).map_err(|_| BackupCryptoError::CannotOpen)?;
    if decryptor.is_scrypt() {
        return Err(BackupCryptoError::CannotOpen);
    }
    decryptor
        .decrypt(std::iter::once(&identity.0 as &dyn age::Identity))
        .map_err(|_| BackupCryptoError::CannotOpen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(data: &[u8]) -> (Vec<u8>, BackupIdentity) {
        let (secret, recipient) = generate_identity();
        let identity = BackupIdentity::parse(&secret).unwrap();
        assert_eq!(identity.recipient(), recipient);
        let mut w = BackupWriter::new(&[BackupRecipient::parse(&recipient).unwrap()], Vec::new()).unwrap();
        w.write_all(data).unwrap();
        (w.finish().unwrap(), identity)
    }

    #[test]
    fn a_file_opens_with_its_identity_only_and_every_change_fails() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (file, identity) = roundtrip(&data);
        let mut back = Vec::new();
        open(&identity, &file[..]).unwrap().read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        let (other, _) = generate_identity();
        let other = BackupIdentity::parse(&other).unwrap();
        assert!(open(&other, &file[..]).is_err());
        for at in [10, file.len() / 2, file.len() - 1] {
            let mut bad = file.clone();
            bad[at] ^= 1;
            let read = open(&identity, &bad[..]).and_then(|mut r| {
                let mut v = Vec::new();
                r.read_to_end(&mut v).map_err(|_| BackupCryptoError::CannotOpen)
            });
            assert!(read.is_err(), "flip at {at}");
        }
        let cut = &file[..file.len() - 100];
        let mut v = Vec::new();
        assert!(open(&identity, cut).unwrap().read_to_end(&mut v).is_err());
        assert!(format!("{identity:?}").contains("redacted"));
    }
}
