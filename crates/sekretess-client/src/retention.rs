//! Retention (dates, legal holds, who is due) and the subject access export.

use reqwest::Method;
use sekretess_api::retention as ar;

use crate::{Client, ClientError, body_or_problem, decode, segment};

impl Client {
    pub async fn retention(&self, code: &str) -> Result<ar::Retention, ClientError> {
        self.call::<(), _>(Method::GET, &format!("/v1/customers/{}/retention", segment(code)), None).await
    }

    /// Sets (`Some`) or clears (`None`) a customer's own retention date.
    pub async fn set_retention(&self, code: &str, req: &ar::SetRetention) -> Result<(), ClientError> {
        self.call_bytes(Method::PUT, &format!("/v1/customers/{}/retention", segment(code)), Some(req))
            .await
            .map(drop)
    }

    pub async fn set_legal_hold(&self, code: &str, req: &ar::LegalHold) -> Result<(), ClientError> {
        self.call_bytes(Method::PUT, &format!("/v1/customers/{}/legal-hold", segment(code)), Some(req))
            .await
            .map(drop)
    }

    /// The customers of `group` a sweep now would erase (codes only).
    pub async fn retention_due(&self, group: &str) -> Result<ar::RetentionDue, ClientError> {
        self.call::<(), _>(Method::GET, &format!("/v1/groups/{}/retention/due", segment(group)), None).await
    }

    /// A customer's subject access export, for `purpose`.
    pub async fn export_customer(
        &self,
        code: &str,
        purpose: &str,
    ) -> Result<ar::CustomerExport, ClientError> {
        let headers = [(sekretess_api::PURPOSE_HEADER, purpose.to_owned())];
        let resp = self
            .raw_with_headers(
                Method::GET,
                &format!("/v1/customers/{}/export", segment(code)),
                None,
                None,
                &headers,
            )
            .await?;
        decode(resp)
    }

    /// The export's readable text form, as the server renders it.
    pub async fn export_customer_text(&self, code: &str, purpose: &str) -> Result<String, ClientError> {
        let headers =
            [(sekretess_api::PURPOSE_HEADER, purpose.to_owned()), ("accept", "text/plain".to_owned())];
        let resp = self
            .raw_with_headers(
                Method::GET,
                &format!("/v1/customers/{}/export", segment(code)),
                None,
                None,
                &headers,
            )
            .await?;
        let status = resp.status;
        String::from_utf8(body_or_problem(resp)?).map_err(|_| ClientError::Unexpected { status })
    }
}
