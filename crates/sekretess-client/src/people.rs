//! Employees, sessions, field policy, agreements and reveals.

use reqwest::Method;
use sekretess_api::people as ap;

use crate::{Client, ClientError, segment};

impl Client {
    pub async fn login(&self, req: &ap::LoginRequest) -> Result<ap::Session, ClientError> {
        self.call(Method::POST, "/v1/auth/login", Some(req)).await
    }

    pub async fn logout(&self) -> Result<(), ClientError> {
        self.call_bytes::<()>(Method::POST, "/v1/auth/logout", None).await.map(drop)
    }

    pub async fn change_password(&self, req: &ap::ChangePassword) -> Result<(), ClientError> {
        self.call_bytes(Method::POST, "/v1/auth/password", Some(req)).await.map(drop)
    }

    pub async fn invite(&self, req: &ap::InviteRequest) -> Result<ap::Invitation, ClientError> {
        self.call(Method::POST, "/v1/employees", Some(req)).await
    }

    pub async fn bootstrap_officer(&self, req: &ap::BootstrapOfficer) -> Result<ap::Invitation, ClientError> {
        self.call(Method::POST, "/v1/employees/bootstrap", Some(req)).await
    }

    pub async fn enrol(&self, req: &ap::EnrolRequest) -> Result<ap::Enrolled, ClientError> {
        self.call(Method::POST, "/v1/employees/enrol", Some(req)).await
    }

    pub async fn list_employees(&self) -> Result<Vec<ap::Employee>, ClientError> {
        Ok(self.call::<(), ap::EmployeeList>(Method::GET, "/v1/employees", None).await?.employees)
    }

    /// `action`: approve, suspend, reinstate or offboard.
    pub async fn reissue_enrolment(&self, id: u64) -> Result<ap::Invitation, ClientError> {
        self.call::<(), _>(Method::POST, &format!("/v1/employees/{id}/enrolment"), None).await
    }

    pub async fn employee_action(&self, id: u64, action: &str) -> Result<(), ClientError> {
        self.call_bytes::<()>(Method::POST, &format!("/v1/employees/{id}/{}", segment(action)), None)
            .await
            .map(drop)
    }

    pub async fn grant(&self, id: u64, group: &str) -> Result<(), ClientError> {
        let req = ap::GrantRequest { group: group.to_owned() };
        self.call_bytes(Method::POST, &format!("/v1/employees/{id}/grants"), Some(&req)).await.map(drop)
    }

    pub async fn revoke_grant(&self, id: u64, group: &str) -> Result<(), ClientError> {
        self.call_bytes::<()>(Method::DELETE, &format!("/v1/employees/{id}/grants/{}", segment(group)), None)
            .await
            .map(drop)
    }

    pub async fn policy(&self) -> Result<ap::PolicyDoc, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/policy", None).await
    }

    pub async fn set_policy(&self, rule: &ap::PolicyRule) -> Result<ap::PolicyDoc, ClientError> {
        self.call(Method::PUT, "/v1/policy", Some(rule)).await
    }

    pub async fn publish_agreement(&self, text: &str) -> Result<ap::Agreement, ClientError> {
        self.call(Method::POST, "/v1/agreements", Some(&ap::PublishAgreement { text: text.to_owned() })).await
    }

    pub async fn current_agreement(&self) -> Result<ap::Agreement, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/agreements/current", None).await
    }

    pub async fn sign_agreement(&self, req: &ap::SignAgreement) -> Result<(), ClientError> {
        self.call_bytes(Method::POST, "/v1/agreements/sign", Some(req)).await.map(drop)
    }

    pub async fn agreement_status(&self) -> Result<ap::AgreementStatus, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/agreements/status", None).await
    }

    pub async fn reveal(&self, code: &str, req: &ap::RevealRequest) -> Result<ap::Revealed, ClientError> {
        self.call(Method::POST, &format!("/v1/customers/{}/reveal", segment(code)), Some(req)).await
    }
}

/// The answer of a change that may need a second security officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied<T> {
    /// Made at once.
    Done(T),
    /// Waiting for another officer's approval (`202 Accepted`).
    Pending(ap::ApprovalRequest),
}

impl Client {
    /// A call whose `202` answer is a pending request and whose other success is `T`.
    async fn call_applied<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Applied<T>, ClientError> {
        let json = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| ClientError::Config(e.to_string()))?),
            None => None,
        };
        let ct = json.as_ref().map(|_| "application/json");
        let resp = self.raw(method, path, ct, json).await?;
        let status = resp.status;
        let body = crate::body_or_problem(resp)?;
        if status == 202 {
            serde_json::from_slice(&body)
                .map(Applied::Pending)
                .map_err(|_| ClientError::Unexpected { status })
        } else {
            serde_json::from_slice(&body).map(Applied::Done).map_err(|_| ClientError::Unexpected { status })
        }
    }

    /// Locks or unlocks a group; an unlock usually waits for a second officer.
    pub async fn set_group_locked_applied(
        &self,
        name: &str,
        locked: bool,
    ) -> Result<Applied<sekretess_api::Group>, ClientError> {
        let verb = if locked { "lock" } else { "unlock" };
        self.call_applied::<(), _>(Method::POST, &format!("/v1/groups/{}/{verb}", segment(name)), None).await
    }

    /// Asks for a field-policy change (it waits for a second officer).
    pub async fn set_policy_applied(
        &self,
        rule: &ap::PolicyRule,
    ) -> Result<Applied<ap::PolicyDoc>, ClientError> {
        self.call_applied(Method::PUT, "/v1/policy", Some(rule)).await
    }

    /// Asks for a new agreement version (it waits for a second officer).
    pub async fn publish_agreement_applied(&self, text: &str) -> Result<Applied<ap::Agreement>, ClientError> {
        let req = ap::PublishAgreement { text: text.to_owned() };
        self.call_applied(Method::POST, "/v1/agreements", Some(&req)).await
    }

    /// Creates an API key; one with reveal or admin scopes waits for a second officer.
    pub async fn create_api_key_applied(
        &self,
        req: &sekretess_api::CreateApiKey,
    ) -> Result<Applied<sekretess_api::CreatedApiKey>, ClientError> {
        self.call_applied(Method::POST, "/v1/apikeys", Some(req)).await
    }

    /// Pending and decided requests, and how many officers could decide them.
    pub async fn approvals(&self) -> Result<ap::ApprovalList, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/approvals", None).await
    }

    /// Approves (`approve`) or rejects a request of another officer.
    pub async fn decide_approval(&self, id: u64, approve: bool) -> Result<ap::ApprovalDecision, ClientError> {
        let verb = if approve { "approve" } else { "reject" };
        self.call::<(), _>(Method::POST, &format!("/v1/approvals/{id}/{verb}"), None).await
    }
}
