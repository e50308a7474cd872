//! Wire types of per-group schemas (`/v1/groups/{name}/schema`) and of the offline export
//! (`/v1/offline/export`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::SchemaField;

/// A group's schema at its current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GroupSchema {
    pub group: String,
    /// 1 for the default schema; each change adds one.
    #[schema(minimum = 1)]
    pub version: u32,
    pub fields: Vec<SchemaField>,
}

/// A change to one field: each given part replaces that part of its definition. A new
/// type, a move to or from `restricted` and a change of `searchable` or `unique` are
/// refused (409 `field-in-use`) while a customer of the group has a value of the field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub field_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searchable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
}

/// An offline export: the restricted values of these customers, sealed to the offline key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineExportRequest {
    #[schema(pattern = r"^[a-z0-9_-]{1,64}$", min_length = 1, max_length = 64)]
    pub group: String,
    /// Customer codes (1 to 1000).
    pub customers: Vec<String>,
    /// Why the values are exported; recorded with each customer's export.
    #[schema(min_length = 1)]
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfflineExportBundle {
    pub export_id: String,
    pub customers: usize,
    /// Restricted values in the bundle.
    pub values: usize,
    /// The bundle (an age file sealed to the offline key), base64. Only
    /// `sekretess offline reveal` with the offline identity opens it.
    pub bundle: String,
}
