//! Tokens for other systems (DESIGN.md 4, issue 23; docs/tokens.md): opaque `tok_…`,
//! deterministic `dtk_…` and format-preserving (FF1) tokens, each with a mapping row in the
//! group's own store.
//!
//! - The row is keyed by HMAC-SHA256 of the token under the group's token-id key, so the
//!   store never holds a token; the audit log names a token by `tkn_` and the first 80 bits
//!   of that HMAC (its id).
//! - Opaque and deterministic rows hold the token and the value sealed (AES-256-GCM under
//!   the group's token-seal key; AAD: group, row hash, format, kind, customer). FF1 rows
//!   hold no value: the token decrypts with the group's FF1 key; the row carries its state.
//! - Revoking, or erasing the customer a token was issued for, drops the sealed value and
//!   marks the row; detokenizing then answers `Revoked` / `Erased`. A TTL ends a token at
//!   `expires_at` (`Expired`). A token without a row is `Unknown`, whatever its shape.
//! - `reuse` (opaque only) stores an HMAC of the value beside the row so that the next
//!   `reuse` request for the same value and customer finds the token again; without it,
//!   the same value gets a new token each time and no value hash is stored.

use sekretess_crypto::fill_random;
use sekretess_crypto::mac::MacKey;
use sekretess_crypto::tokens::{DeterministicTokens, DtkKind, Ff1Tokens, TokenError};

use super::*;
use crate::error::TokenFault;
use crate::store::{TokenRow, TokenState, TokenStore};

/// Most values or tokens in one call.
pub const MAX_TOKEN_BATCH: usize = 10_000;
/// Longest value accepted (bytes).
pub const MAX_TOKEN_VALUE: usize = 4096;
/// Version of the token-seal key in the envelope header.
const TOKEN_SEAL_VERSION: u32 = 1;

/// How a token is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormat {
    /// `tok_` + 26 Crockford symbols (128 random bits).
    Opaque,
    /// `dtk_` + 32 Crockford symbols: HMAC of the normalized value; same value, same token.
    Deterministic,
    /// FF1: the value's own shape (cards keep first 6 / last 4 and fail Luhn; personnummer
    /// keep the year and fail the check digit; digit strings keep their length).
    Fpe,
}

impl TokenFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenFormat::Opaque => "opaque",
            TokenFormat::Deterministic => "deterministic",
            TokenFormat::Fpe => "fpe",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [TokenFormat::Opaque, TokenFormat::Deterministic, TokenFormat::Fpe]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// What a value is; decides its normalization and its FF1 rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// 12 to 19 digits passing Luhn (spaces and dashes allowed).
    Card,
    /// Swedish personnummer or samordningsnummer, 10 or 12 digits.
    Personnummer,
    /// Any digit string of 6 or more digits (spaces, `-` and `+` allowed).
    Digits,
    /// Any other text (not for FF1).
    Text,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Card => "card_number",
            TokenKind::Personnummer => "se_personnummer",
            TokenKind::Digits => "digits",
            TokenKind::Text => "text",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [TokenKind::Card, TokenKind::Personnummer, TokenKind::Digits, TokenKind::Text]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// How to tokenize one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSpec {
    pub format: TokenFormat,
    pub kind: TokenKind,
    /// Seconds the tokens live (`None`: until revoked).
    pub ttl_seconds: Option<u64>,
    /// Opaque tokens: give a value the token it already has (see the module docs).
    pub reuse: bool,
}

/// One value to tokenize. `Debug` shows no value.
pub struct TokenInput {
    pub value: Zeroizing<String>,
    /// The customer the value belongs to: erasing them ends the token.
    pub customer: Option<CustomerCode>,
}

impl fmt::Debug for TokenInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenInput").field("customer", &self.customer).finish_non_exhaustive()
    }
}

/// A token issued. `Debug` shows the id only.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub token: String,
    /// `tkn_…`: names the token in the audit log.
    pub id: String,
    pub expires_at: Option<i64>,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A token turned back into its value.
#[derive(Debug, Clone)]
pub struct Detokenized {
    pub value: FieldValue,
    pub kind: TokenKind,
    pub customer: Option<CustomerCode>,
    pub id: String,
}

/// A group's token keys, derived from its derivation key (each with its own HKDF label and
/// the group id as context).
pub(super) struct GroupTokens {
    ff1: Ff1Tokens,
    dtk: DeterministicTokens,
    id: MacKey,
    reuse: MacKey,
    seal: EnvelopeKey,
}

impl GroupTokens {
    pub(super) fn derive(derivation: &Key32, group: u32) -> Result<Self, VaultError> {
        let ctx = group.to_be_bytes();
        let internal = |_| VaultError::Internal("token key derivation failed");
        Ok(GroupTokens {
            ff1: Ff1Tokens::from_group_key(derivation, &ctx).map_err(internal)?,
            dtk: DeterministicTokens::from_group_key(derivation, &ctx)
                .map_err(|_| VaultError::Internal("token key derivation failed"))?,
            id: MacKey::new(&kdf::derive_key(derivation, labels::TOKEN_ID, &ctx)?),
            reuse: MacKey::new(&kdf::derive_key(derivation, labels::TOKEN_REUSE, &ctx)?),
            seal: EnvelopeKey::new(
                &kdf::derive_key(derivation, labels::TOKEN_SEAL, &ctx)?,
                KeyRef { key_id: group, version: TOKEN_SEAL_VERSION },
            )?,
        })
    }

    /// The row hash of a token. FF1 tokens are hashed over their digits (separators are
    /// not part of the token) with their kind.
    fn hash(&self, format: TokenFormat, kind: TokenKind, token: &str) -> [u8; 32] {
        match format {
            TokenFormat::Fpe => {
                let digits: Vec<u8> = token.bytes().filter(u8::is_ascii_digit).collect();
                self.id.sign(&[b"fpe\0", kind.as_str().as_bytes(), b"\0", &digits])
            }
            _ => self.id.sign(&[format.as_str().as_bytes(), b"\0", token.as_bytes()]),
        }
    }
}

/// A token, the normalized value to seal (none for FF1) and the value's reuse hash.
type Made = (String, Option<Zeroizing<String>>, Option<[u8; 32]>);

fn invalid(rule: &'static str) -> VaultError {
    VaultError::Token(TokenFault::InvalidValue(rule))
}

/// `tkn_` + 16 Crockford symbols of the row hash: the token's name in the audit log.
pub fn token_id(hash: &[u8; 32]) -> String {
    format!("tkn_{}", sekretess_crypto::crockford::encode(&hash[..10]))
}

/// The value in the form tokens are made of (deterministic tokens, reuse lookups).
fn normalize(kind: TokenKind, value: &str, today_year: i32) -> Result<Zeroizing<String>, VaultError> {
    if value.len() > MAX_TOKEN_VALUE {
        return Err(invalid("value too long (at most 4096 bytes)"));
    }
    let digits = || -> Result<Zeroizing<String>, VaultError> {
        if !value.bytes().all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'+')) {
            return Err(invalid("digits only, optionally separated by spaces, '-' or '+'"));
        }
        Ok(Zeroizing::new(value.chars().filter(char::is_ascii_digit).collect()))
    };
    Ok(match kind {
        TokenKind::Card => {
            let d = digits()?;
            if !(12..=19).contains(&d.len()) || !crate::validate::luhn_valid(d.as_bytes()) {
                return Err(invalid("not a card number: 12 to 19 digits passing Luhn"));
            }
            d
        }
        TokenKind::Personnummer => {
            let se = Zeroizing::new(crate::validate::personnummer(value, today_year).map_err(invalid)?);
            Zeroizing::new(se.trim_start_matches("SE").to_owned())
        }
        TokenKind::Digits => {
            let d = digits()?;
            if d.len() < 6 {
                return Err(invalid("at least 6 digits"));
            }
            d
        }
        TokenKind::Text => {
            let t = value.trim();
            if t.is_empty() {
                return Err(invalid("empty value"));
            }
            Zeroizing::new(t.to_owned())
        }
    })
}

fn dtk_kind(kind: TokenKind) -> DtkKind {
    match kind {
        TokenKind::Card => DtkKind::Card,
        TokenKind::Personnummer => DtkKind::Personnummer,
        TokenKind::Digits => DtkKind::Digits,
        TokenKind::Text => DtkKind::Text,
    }
}

fn ff1_fault(e: TokenError) -> VaultError {
    match e {
        TokenError::NotDigits => invalid("digits only, optionally separated by spaces, '-' or '+'"),
        TokenError::CardTooShort => invalid("card number too short: at least 12 digits"),
        TokenError::CardTooLong => invalid("card number too long: at most 19 digits"),
        TokenError::NotACard => invalid("not a card number (Luhn check fails)"),
        TokenError::NotAPersonnummer => invalid("not a valid personnummer or samordningsnummer"),
        TokenError::TooShort => invalid("at least 6 digits"),
        TokenError::NotAToken => VaultError::Token(TokenFault::Unknown),
        _ => VaultError::Internal("FF1 failed"),
    }
}

/// AAD of a sealed token value: "sekretess/v1/token\0" | group | row hash | format | kind |
/// customer code (or nothing).
fn value_aad(group: u32, row: &TokenRow) -> Vec<u8> {
    let mut aad = Vec::with_capacity(96);
    aad.extend_from_slice(AAD_PREFIX);
    aad.extend_from_slice(b"/token\0");
    aad.extend_from_slice(&group.to_be_bytes());
    aad.extend_from_slice(&row.hash);
    for part in [row.format.as_str(), row.kind.as_str(), row.customer.as_deref().unwrap_or("")] {
        aad.push(part.len() as u8);
        aad.extend_from_slice(part.as_bytes());
    }
    aad
}

/// Sealed plaintext: token length (1 byte) | token | value.
fn sealed_plain(token: &str, value: &str) -> Zeroizing<Vec<u8>> {
    let mut p = Zeroizing::new(Vec::with_capacity(1 + token.len() + value.len()));
    p.push(token.len() as u8);
    p.extend_from_slice(token.as_bytes());
    p.extend_from_slice(value.as_bytes());
    p
}

fn unseal_parts(plain: &[u8]) -> Result<(String, Zeroizing<String>), VaultError> {
    let n = usize::from(*plain.first().ok_or(VaultError::Integrity)?);
    let token = plain.get(1..1 + n).ok_or(VaultError::Integrity)?;
    let value = plain.get(1 + n..).ok_or(VaultError::Integrity)?;
    let token = String::from_utf8(token.to_vec()).map_err(|_| VaultError::Integrity)?;
    let value = Zeroizing::new(String::from_utf8(value.to_vec()).map_err(|_| VaultError::Integrity)?);
    Ok((token, value))
}

fn random_token() -> Result<String, VaultError> {
    let mut bytes = Zeroizing::new([0u8; 16]);
    fill_random(&mut bytes[..])?;
    Ok(format!("tok_{}", sekretess_crypto::crockford::encode(&bytes[..])))
}

/// The (format, kind) a presented token may be, most specific first.
fn candidates(token: &str) -> Vec<(TokenFormat, TokenKind)> {
    let kinds = [TokenKind::Card, TokenKind::Personnummer, TokenKind::Digits, TokenKind::Text];
    if token.starts_with("tok_") {
        return kinds.iter().map(|&k| (TokenFormat::Opaque, k)).collect();
    }
    if token.starts_with("dtk_") {
        return kinds.iter().map(|&k| (TokenFormat::Deterministic, k)).collect();
    }
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'+')) {
        return Vec::new();
    }
    let n = token.bytes().filter(u8::is_ascii_digit).count();
    let mut out = Vec::new();
    if (12..=19).contains(&n) {
        out.push((TokenFormat::Fpe, TokenKind::Card));
    }
    if n == 10 || n == 12 {
        out.push((TokenFormat::Fpe, TokenKind::Personnummer));
    }
    if n >= 6 {
        out.push((TokenFormat::Fpe, TokenKind::Digits));
    }
    out
}

/// The opaque and deterministic rows' hashes do not depend on the kind; the candidates
/// list each kind once only so the lookup below finds the one row.
fn candidate_hashes(t: &GroupTokens, token: &str) -> Vec<[u8; 32]> {
    let mut out: Vec<[u8; 32]> = candidates(token).into_iter().map(|(f, k)| t.hash(f, k, token)).collect();
    out.dedup();
    out
}

impl<S: Store> Vault<S> {
    /// The group for a token call: open, and not locked (423).
    async fn token_group(
        &self,
        u: &Unsealed<S>,
        group: &str,
    ) -> Result<Arc<OpenGroup<S::Group>>, VaultError> {
        let g = self.group_by_name(u, group).await?;
        crate::audit::note_group(&g.row.name);
        Self::usable(&g)?;
        Ok(g)
    }

    /// Checks that each customer named is a customer of `g` and not erased.
    async fn token_customers(
        &self,
        g: &OpenGroup<S::Group>,
        items: &[TokenInput],
    ) -> Result<HashMap<String, Result<(), VaultError>>, VaultError> {
        let mut out = HashMap::new();
        for c in items.iter().filter_map(|i| i.customer.as_ref()) {
            if out.contains_key(c.compact()) {
                continue;
            }
            let verdict = if self.store.is_erased(c.compact()).await? {
                Err(VaultError::Token(TokenFault::Erased))
            } else {
                match self.group_of(c).await {
                    Ok(id) if id == g.row.id => Ok(()),
                    Ok(_) | Err(VaultError::NotFound) => Err(VaultError::NotFound),
                    Err(e) => return Err(e),
                }
            };
            out.insert(c.compact().to_owned(), verdict);
        }
        Ok(out)
    }

    /// Issues tokens for `items` in `group`: one answer per item, in order. The
    /// `token.create` entry (format, kind, count, token ids) is on record before any
    /// mapping is written.
    pub async fn tokenize(
        &self,
        ctx: &AuditContext,
        group: &str,
        spec: TokenSpec,
        items: &[TokenInput],
    ) -> Result<Vec<Result<IssuedToken, VaultError>>, VaultError> {
        if items.len() > MAX_TOKEN_BATCH {
            return Err(invalid("at most 10,000 values per call"));
        }
        if spec.format == TokenFormat::Fpe && spec.kind == TokenKind::Text {
            return Err(invalid("format-preserving tokens are for card_number, se_personnummer and digits"));
        }
        if spec.reuse && spec.format != TokenFormat::Opaque {
            return Err(invalid("reuse is for opaque tokens (the others give a value one token anyway)"));
        }
        let u = self.unsealed()?;
        let g = self.token_group(&u, group).await?;
        let t = g.tokens()?;
        let now = self.clock.now();
        let expires_at = match spec.ttl_seconds {
            None => None,
            Some(0) => return Err(invalid("ttl_seconds must be at least 1")),
            Some(s) => Some(now.saturating_add(i64::try_from(s).unwrap_or(i64::MAX))),
        };
        let customers = self.token_customers(&g, items).await?;
        let today = self.today_year();
        let mut answers: Vec<Result<IssuedToken, VaultError>> = Vec::with_capacity(items.len());
        let mut rows: Vec<TokenRow> = Vec::with_capacity(items.len());
        for item in items {
            let customer = item.customer.as_ref().map(|c| c.compact().to_owned());
            if let Some(Err(e)) = customer.as_ref().and_then(|c| customers.get(c)) {
                answers.push(Err(e.clone()));
                continue;
            }
            let made = (|| -> Result<Made, VaultError> {
                match spec.format {
                    TokenFormat::Fpe => {
                        let token = match spec.kind {
                            TokenKind::Card => t.ff1.tokenize_card(&item.value),
                            TokenKind::Personnummer => t.ff1.tokenize_personnummer(&item.value),
                            _ => t.ff1.tokenize_digits(&item.value),
                        }
                        .map_err(ff1_fault)?;
                        Ok((token, None, None))
                    }
                    TokenFormat::Deterministic => {
                        let n = normalize(spec.kind, &item.value, today)?;
                        let token = t
                            .dtk
                            .token(dtk_kind(spec.kind), &n)
                            .map_err(|_| invalid("value is not in a form this kind accepts"))?;
                        Ok((token, Some(n), None))
                    }
                    TokenFormat::Opaque => {
                        let n = normalize(spec.kind, &item.value, today)?;
                        let reuse = spec.reuse.then(|| {
                            let c = customer.as_deref().unwrap_or("");
                            t.reuse.sign(&[
                                spec.kind.as_str().as_bytes(),
                                b"\0",
                                c.as_bytes(),
                                b"\0",
                                n.as_bytes(),
                            ])
                        });
                        Ok((random_token()?, Some(n), reuse))
                    }
                }
            })();
            let (token, value, value_hash) = match made {
                Ok(m) => m,
                Err(e) => {
                    answers.push(Err(e));
                    continue;
                }
            };
            let hash = t.hash(spec.format, spec.kind, &token);
            let mut row = TokenRow {
                hash,
                format: spec.format.as_str().to_owned(),
                kind: spec.kind.as_str().to_owned(),
                value: None,
                value_hash,
                customer,
                created_at: now,
                expires_at,
                state: TokenState::Active,
            };
            if let Some(v) = value {
                row.value = Some(t.seal.seal(&value_aad(g.row.id, &row), &sealed_plain(&token, &v))?);
            }
            answers.push(Ok(IssuedToken { token, id: token_id(&hash), expires_at }));
            rows.push(row);
        }
        // Reuse: a value that has an active token already gets it back.
        if spec.reuse {
            self.reuse_tokens(&g, now, &mut answers, &mut rows).await?;
        }
        // Deterministic and FF1 tokens issued before: a revoked or erased one stays so.
        if spec.format != TokenFormat::Opaque && !rows.is_empty() {
            let hashes: Vec<[u8; 32]> = rows.iter().map(|r| r.hash).collect();
            let before: HashMap<[u8; 32], TokenRow> =
                g.store.get_tokens(&hashes).await?.into_iter().map(|r| (r.hash, r)).collect();
            let mut refused = std::collections::HashSet::new();
            for (hash, row) in &before {
                let fault = match row.state {
                    TokenState::Revoked => Some(TokenFault::Revoked),
                    TokenState::Erased => Some(TokenFault::Erased),
                    TokenState::Active => None,
                };
                if let Some(f) = fault {
                    refused.insert((*hash, f));
                }
            }
            if !refused.is_empty() {
                for a in answers.iter_mut() {
                    if let Ok(issued) = a
                        && let Some((_, f)) = refused.iter().find(|(h, _)| token_id(h) == issued.id)
                    {
                        *a = Err(VaultError::Token(*f));
                    }
                }
                rows.retain(|r| !before.get(&r.hash).is_some_and(|b| b.state != TokenState::Active));
            }
        }
        let issued: Vec<&IssuedToken> = answers.iter().filter_map(|a| a.as_ref().ok()).collect();
        let mut event = ctx.event(Action::TokenCreate.as_str());
        event.group = Some(g.row.name.clone());
        event.fields = vec![
            format!("format:{}", spec.format.as_str()),
            format!("kind:{}", spec.kind.as_str()),
            format!("count:{}", issued.len()),
        ];
        event.fields.extend(issued.iter().map(|i| format!("token:{}", i.id)));
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let written = if rows.is_empty() {
            Ok(())
        } else {
            g.store.insert_tokens(&rows).await.map_err(VaultError::from)
        };
        Self::resolved(&u, &event, seq, written).await?;
        Ok(answers)
    }

    async fn reuse_tokens(
        &self,
        g: &OpenGroup<S::Group>,
        now: i64,
        answers: &mut [Result<IssuedToken, VaultError>],
        rows: &mut Vec<TokenRow>,
    ) -> Result<(), VaultError> {
        let mut kept = Vec::with_capacity(rows.len());
        let mut seen: HashMap<[u8; 32], IssuedToken> = HashMap::new();
        let ok: Vec<usize> = answers.iter().enumerate().filter(|(_, a)| a.is_ok()).map(|(i, _)| i).collect();
        let mut ok_index = ok.into_iter();
        for row in rows.drain(..) {
            let Some(i) = ok_index.next() else { break };
            let Some(vh) = row.value_hash else {
                kept.push(row);
                continue;
            };
            if let Some(prev) = seen.get(&vh) {
                answers[i] = Ok(prev.clone());
                continue;
            }
            let found = g.store.token_by_value(&vh).await?;
            let usable =
                found.filter(|r| r.state == TokenState::Active && r.expires_at.is_none_or(|e| e > now));
            if let Some(old) = usable
                && let Some(sealed) = &old.value
            {
                let plain = g.tokens()?.seal.open(&value_aad(g.row.id, &old), sealed)?;
                let (token, _) = unseal_parts(&plain)?;
                let issued = IssuedToken { token, id: token_id(&old.hash), expires_at: old.expires_at };
                answers[i] = Ok(issued.clone());
                seen.insert(vh, issued);
                continue;
            }
            if let Ok(issued) = &answers[i] {
                seen.insert(vh, issued.clone());
            }
            kept.push(row);
        }
        *rows = kept;
        Ok(())
    }

    /// Turns tokens of `group` back into values, for `purpose`: one answer per token, in
    /// order. One `token.reveal` entry (purpose, count, the id of each token found and why
    /// each refused one was refused) is on record before any value is returned.
    pub async fn detokenize(
        &self,
        ctx: &AuditContext,
        group: &str,
        purpose: &str,
        tokens: &[String],
    ) -> Result<Vec<Result<Detokenized, VaultError>>, VaultError> {
        if tokens.len() > MAX_TOKEN_BATCH {
            return Err(invalid("at most 10,000 tokens per call"));
        }
        let u = self.unsealed()?;
        let g = self.token_group(&u, group).await?;
        let now = self.clock.now();
        let keys = g.tokens()?;
        let wanted: Vec<Vec<[u8; 32]>> = tokens.iter().map(|tk| candidate_hashes(keys, tk)).collect();
        let all: Vec<[u8; 32]> = wanted.iter().flatten().copied().collect();
        let rows: HashMap<[u8; 32], TokenRow> = if all.is_empty() {
            HashMap::new()
        } else {
            g.store.get_tokens(&all).await?.into_iter().map(|r| (r.hash, r)).collect()
        };
        let mut erased_codes: HashMap<String, bool> = HashMap::new();
        for code in rows.values().filter_map(|r| r.customer.as_ref()) {
            if !erased_codes.contains_key(code) {
                erased_codes.insert(code.clone(), self.store.is_erased(code).await?);
            }
        }
        let mut answers = Vec::with_capacity(tokens.len());
        let mut fields = Vec::with_capacity(tokens.len() + 2);
        let mut revealed = 0usize;
        for (token, hashes) in tokens.iter().zip(&wanted) {
            let row = hashes.iter().find_map(|h| rows.get(h));
            let answer = match row {
                None => Err(VaultError::Token(TokenFault::Unknown)),
                Some(r) => self.reveal_row(&g, token, r, now, &erased_codes),
            };
            match (&answer, row) {
                (Ok(d), _) => {
                    revealed += 1;
                    fields.push(format!("token:{}", d.id));
                }
                (Err(e), Some(r)) => fields.push(format!("token:{}:{}", token_id(&r.hash), fault_name(e))),
                (Err(e), None) => fields.push(format!("token:-:{}", fault_name(e))),
            }
            answers.push(answer);
        }
        let mut event = ctx.event(Action::TokenReveal.as_str());
        event.group = Some(g.row.name.clone());
        event.purpose = Some(purpose.to_owned());
        let mut head = vec![format!("count:{}", tokens.len()), format!("revealed:{revealed}")];
        head.append(&mut fields);
        event.fields = head;
        let outcome = if revealed == 0 && !tokens.is_empty() { Outcome::Denied } else { Outcome::Success };
        u.audit.record(event, outcome).await?;
        Ok(answers)
    }

    fn reveal_row(
        &self,
        g: &OpenGroup<S::Group>,
        token: &str,
        r: &TokenRow,
        now: i64,
        erased: &HashMap<String, bool>,
    ) -> Result<Detokenized, VaultError> {
        match r.state {
            TokenState::Revoked => return Err(VaultError::Token(TokenFault::Revoked)),
            TokenState::Erased => return Err(VaultError::Token(TokenFault::Erased)),
            TokenState::Active => {}
        }
        if r.customer.as_ref().is_some_and(|c| erased.get(c).copied().unwrap_or(false)) {
            return Err(VaultError::Token(TokenFault::Erased));
        }
        if r.expires_at.is_some_and(|e| e <= now) {
            return Err(VaultError::Token(TokenFault::Expired));
        }
        let kind = TokenKind::parse(&r.kind).ok_or(VaultError::Integrity)?;
        let format = TokenFormat::parse(&r.format).ok_or(VaultError::Integrity)?;
        let value = match format {
            TokenFormat::Fpe => Zeroizing::new(
                match kind {
                    TokenKind::Card => g.tokens()?.ff1.detokenize_card(token),
                    TokenKind::Personnummer => g.tokens()?.ff1.detokenize_personnummer(token),
                    _ => g.tokens()?.ff1.detokenize_digits(token),
                }
                .map_err(ff1_fault)?,
            ),
            _ => {
                let sealed = r.value.as_ref().ok_or(VaultError::Integrity)?;
                let plain = g.tokens()?.seal.open(&value_aad(g.row.id, r), sealed)?;
                let (stored, value) = unseal_parts(&plain)?;
                if stored != token {
                    return Err(VaultError::Integrity);
                }
                value
            }
        };
        let customer = match &r.customer {
            Some(c) => Some(CustomerCode::parse(c).map_err(|_| VaultError::Integrity)?),
            None => None,
        };
        Ok(Detokenized { value: FieldValue(value), kind, customer, id: token_id(&r.hash) })
    }

    /// Revokes tokens of `group`: one answer per token (`Unknown` for one without a row).
    /// The `token.revoke` entry is on record before anything changes.
    pub async fn revoke_tokens(
        &self,
        ctx: &AuditContext,
        group: &str,
        tokens: &[String],
    ) -> Result<Vec<Result<String, VaultError>>, VaultError> {
        if tokens.len() > MAX_TOKEN_BATCH {
            return Err(invalid("at most 10,000 tokens per call"));
        }
        let u = self.unsealed()?;
        let g = self.token_group(&u, group).await?;
        let keys = g.tokens()?;
        let wanted: Vec<Vec<[u8; 32]>> = tokens.iter().map(|tk| candidate_hashes(keys, tk)).collect();
        let all: Vec<[u8; 32]> = wanted.iter().flatten().copied().collect();
        let rows: HashMap<[u8; 32], TokenRow> = if all.is_empty() {
            HashMap::new()
        } else {
            g.store.get_tokens(&all).await?.into_iter().map(|r| (r.hash, r)).collect()
        };
        let mut answers = Vec::with_capacity(tokens.len());
        let mut hashes = Vec::new();
        for h in &wanted {
            match h.iter().find_map(|h| rows.get(h)) {
                None => answers.push(Err(VaultError::Token(TokenFault::Unknown))),
                Some(r) if r.state == TokenState::Erased => {
                    answers.push(Err(VaultError::Token(TokenFault::Erased)))
                }
                Some(r) => {
                    hashes.push(r.hash);
                    answers.push(Ok(token_id(&r.hash)));
                }
            }
        }
        let mut event = ctx.event(Action::TokenRevoke.as_str());
        event.group = Some(g.row.name.clone());
        event.fields = std::iter::once(format!("count:{}", hashes.len()))
            .chain(hashes.iter().map(|h| format!("token:{}", token_id(h))))
            .collect();
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let written = if hashes.is_empty() {
            Ok(0)
        } else {
            g.store.revoke_tokens(&hashes).await.map_err(VaultError::from)
        };
        Self::resolved(&u, &event, seq, written).await?;
        Ok(answers)
    }
}

/// The name of a refusal in an audit entry (no value, no token).
fn fault_name(e: &VaultError) -> &'static str {
    match e {
        VaultError::Token(TokenFault::Unknown) => "unknown",
        VaultError::Token(TokenFault::Revoked) => "revoked",
        VaultError::Token(TokenFault::Expired) => "expired",
        VaultError::Token(TokenFault::Erased) => "erased",
        VaultError::Integrity => "integrity",
        _ => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_variants_agree() {
        let n = |k, v| normalize(k, v, 2026).map(|z| z.to_string());
        assert_eq!(n(TokenKind::Card, "4111 1111-1111 1111").unwrap(), "4111111111111111");
        assert_eq!(n(TokenKind::Personnummer, "8803200016").unwrap(), "198803200016");
        assert_eq!(n(TokenKind::Personnummer, "19880320-0016").unwrap(), "198803200016");
        assert_eq!(n(TokenKind::Personnummer, "880320-0016").unwrap(), "198803200016");
        assert!(n(TokenKind::Card, "4111111111111112").is_err());
        assert!(n(TokenKind::Digits, "12345").is_err());
        assert!(n(TokenKind::Text, "  ").is_err());
    }

    #[test]
    fn token_shapes_are_classified() {
        assert!(candidates("tok_x").iter().all(|(f, _)| *f == TokenFormat::Opaque));
        assert!(candidates("dtk_x").iter().all(|(f, _)| *f == TokenFormat::Deterministic));
        assert_eq!(candidates("4111 1111 1111 1111").len(), 2); // card or digits
        assert_eq!(candidates("198803200016").len(), 3);
        assert!(candidates("12a4").is_empty());
        let a = random_token().unwrap();
        assert!(a.starts_with("tok_") && a.len() == 30 && a != random_token().unwrap());
    }

    #[test]
    fn sealed_parts_round_trip() {
        let p = sealed_plain("tok_ABC", "value with ü");
        let (t, v) = unseal_parts(&p).unwrap();
        assert_eq!((t.as_str(), v.as_str()), ("tok_ABC", "value with ü"));
        assert!(unseal_parts(&[9, b'a']).is_err());
    }
}
