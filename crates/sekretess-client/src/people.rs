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
