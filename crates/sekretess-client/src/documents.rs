//! The document archive: file, list, download, delete.

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use sekretess_api::documents::{Document, DocumentList, FILE_NAME_HEADER};

use crate::{Client, ClientError, RawResponse, body_or_problem, decode, query_value, segment, transport};

/// What a download wrote, besides the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// The redacted file name, as stored.
    pub name: Option<String>,
    pub content_type: Option<String>,
    /// Bytes written.
    pub size: u64,
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Client {
    /// Files a document in `group`: the server redacts it (known customers become their
    /// codes) and keeps only the redacted copy. `name` travels percent-encoded in a header,
    /// never in the URL; `customers` are codes to link besides those found.
    pub async fn file_document(
        &self,
        group: &str,
        name: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
        customers: &[String],
    ) -> Result<Document, ClientError> {
        let mut path = format!("/v1/documents?group={}", query_value(group));
        if !customers.is_empty() {
            let list: Vec<String> = customers.iter().map(|c| query_value(c)).collect();
            path.push_str(&format!("&customers={}", list.join(",")));
        }
        let headers: Vec<(&'static str, String)> =
            name.map(|n| vec![(FILE_NAME_HEADER, query_value(n))]).unwrap_or_default();
        let ct = content_type.unwrap_or("application/octet-stream");
        decode(self.raw_with_headers(Method::POST, &path, Some(ct), Some(body), &headers).await?)
    }

    /// The documents linked to a customer code, in the groups this caller reaches.
    pub async fn list_documents(&self, code: &str) -> Result<Vec<Document>, ClientError> {
        let path = format!("/v1/documents?customer={}", query_value(code));
        let list: DocumentList = self.call::<(), _>(Method::GET, &path, None).await?;
        Ok(list.documents)
    }

    /// Downloads a document's redacted copy into `out`, chunk by chunk. Fails if the
    /// answer ends before the length the server announced.
    pub async fn download_document<W: std::io::Write>(
        &self,
        id: &str,
        out: &mut W,
    ) -> Result<Downloaded, ClientError> {
        let mut req = self.http.get(format!("{}/v1/documents/{}", self.base, segment(id)));
        if let Some(a) = &self.auth {
            req = req.header(AUTHORIZATION, a.clone());
        }
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        if !resp.status().is_success() {
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(transport)?.to_vec();
            body_or_problem(RawResponse { status, headers, body })?;
            return Err(ClientError::Unexpected { status });
        }
        let header = |name| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let name = header(FILE_NAME_HEADER).and_then(|n| percent_decode(&n));
        let content_type = header(CONTENT_TYPE.as_str());
        let expected = header(CONTENT_LENGTH.as_str()).and_then(|n| n.parse::<u64>().ok());
        let mut size = 0u64;
        while let Some(chunk) = resp.chunk().await.map_err(transport)? {
            out.write_all(&chunk)
                .map_err(|e| ClientError::Config(format!("cannot write the download: {e}")))?;
            size += chunk.len() as u64;
        }
        if expected.is_some_and(|n| n != size) {
            return Err(ClientError::Transport("the download ended before the announced length".into()));
        }
        Ok(Downloaded { name, content_type, size })
    }

    /// Deletes a document.
    pub async fn delete_document(&self, id: &str) -> Result<(), ClientError> {
        let resp = self.raw(Method::DELETE, &format!("/v1/documents/{}", segment(id)), None, None).await?;
        body_or_problem(resp).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_survive_the_header_encoding() {
        for name in ["brev å 2024.txt", "a%b,c;d\"e.pdf", "plain"] {
            assert_eq!(percent_decode(&query_value(name)).as_deref(), Some(name));
        }
        assert_eq!(percent_decode("%zz"), None);
    }
}
