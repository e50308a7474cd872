//! The one-blob encoding of a customer's field ciphertexts, shared by every backend.

use sekretess_core::error::StoreError;

/// Field ciphertexts of one customer in one blob: repeated
/// `[name length u8][name][ciphertext length u32 BE][ciphertext]`.
pub fn encode_fields(fields: &[(String, Vec<u8>)]) -> Vec<u8> {
    let size = fields.iter().map(|(n, c)| 5 + n.len() + c.len()).sum();
    let mut out = Vec::with_capacity(size);
    for (name, ct) in fields {
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(ct.len() as u32).to_be_bytes());
        out.extend_from_slice(ct);
    }
    out
}

/// Inverse of [`encode_fields`]; damaged framing is `Corrupt`.
pub fn decode_fields(mut blob: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let corrupt = || StoreError::Corrupt("customer field framing".into());
    let mut fields = Vec::new();
    while let Some((&name_len, rest)) = blob.split_first() {
        let (name, rest) = rest.split_at_checked(name_len as usize).ok_or_else(corrupt)?;
        let (len, rest) = rest.split_at_checked(4).ok_or_else(corrupt)?;
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let (ct, rest) = rest.split_at_checked(len).ok_or_else(corrupt)?;
        let name = std::str::from_utf8(name).map_err(|_| corrupt())?;
        fields.push((name.to_owned(), ct.to_vec()));
        blob = rest;
    }
    Ok(fields)
}
