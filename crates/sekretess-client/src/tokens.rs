//! Tokens: tokenize, detokenize (with a purpose), revoke.

use reqwest::Method;
use sekretess_api::tokens as at;

use crate::{Client, ClientError};

impl Client {
    pub async fn tokenize(&self, req: &at::TokenizeRequest) -> Result<at::TokenizeResponse, ClientError> {
        self.call(Method::POST, "/v1/tokenize", Some(req)).await
    }

    pub async fn detokenize(
        &self,
        req: &at::DetokenizeRequest,
    ) -> Result<at::DetokenizeResponse, ClientError> {
        self.call(Method::POST, "/v1/detokenize", Some(req)).await
    }

    pub async fn revoke_tokens(
        &self,
        req: &at::RevokeTokensRequest,
    ) -> Result<at::RevokeTokensResponse, ClientError> {
        self.call(Method::POST, "/v1/tokens/revoke", Some(req)).await
    }
}
