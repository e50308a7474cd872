//! Per-group schemas (the security officer's) and the offline export of restricted values.

use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use sekretess_api as api;
use sekretess_core::access::AccessStore;
use sekretess_core::store::Store;
use sekretess_core::{CustomerCode, FieldChange, FieldDef, FieldType, Schema, Sensitivity, VaultError};

use super::groups::reach_group;
use super::{ApiResult, PROBLEM};
use crate::AppState;
use crate::auth::{Authorized, need};
use crate::extract::ApiJson;

fn doc(group: String, version: u32, schema: &Schema) -> api::offline::GroupSchema {
    let fields = schema
        .fields()
        .iter()
        .map(|f| api::SchemaField {
            name: f.name.clone(),
            field_type: f.field_type.as_str().to_owned(),
            sensitivity: f.sensitivity.as_str().to_owned(),
            searchable: f.searchable,
            unique: f.unique,
        })
        .collect();
    api::offline::GroupSchema { group, version, fields }
}

fn field_type(field: &str, s: &str) -> Result<FieldType, VaultError> {
    FieldType::parse(s)
        .ok_or_else(|| VaultError::Invalid { field: field.to_owned(), rule: "unknown field type" })
}

fn sensitivity(field: &str, s: &str) -> Result<Sensitivity, VaultError> {
    Sensitivity::parse(s).ok_or_else(|| VaultError::Invalid {
        field: field.to_owned(),
        rule: "sensitivity is internal, confidential or restricted",
    })
}

/// A group's schema and its version.
#[utoipa::path(operation_id = "get_group_schema", get, path = "/v1/groups/{name}/schema", tag = "groups", security(("bearer" = ["groups:read"])),
    params(("name" = String, Path, description = "group name")),
    responses((status = 200, description = "The group's current schema and its version", body = api::offline::GroupSchema),
              (status = 404, description = "No such customer group (`unknown-group`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn group_schema<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::GroupsRead>,
    Path(name): Path<String>,
) -> ApiResult<Json<api::offline::GroupSchema>> {
    let g = reach_group(&st, &auth.caller, &name).await?;
    let (version, schema) = st.vault.group_schema(&g.name).await?;
    Ok(Json(doc(g.name, version, &schema)))
}

/// Adds a field to a group's schema (a new schema version, audited as `schema.change`).
#[utoipa::path(operation_id = "add_schema_field", post, path = "/v1/groups/{name}/schema/fields", tag = "groups", request_body = api::SchemaField,
    security(("bearer" = ["schema:write"])),
    params(("name" = String, Path, description = "group name")),
    responses((status = 200, description = "The schema with the new field (a new version)", body = api::offline::GroupSchema),
              (status = 404, description = "No such customer group (`unknown-group`)", body = api::Problem, content_type = PROBLEM),
              (status = 422, description = "A field of that name exists, or the name, type or sensitivity is invalid (`invalid-input`, `offline-key-missing`)", body = api::Problem, content_type = PROBLEM),
              (status = 423, description = "The group is locked (`group-locked`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn add_field<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SchemaWrite>,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<api::SchemaField>,
) -> ApiResult<Json<api::offline::GroupSchema>> {
    let g = reach_group(&st, &auth.caller, &name).await?;
    let def = FieldDef {
        field_type: field_type(&req.name, &req.field_type)?,
        sensitivity: sensitivity(&req.name, &req.sensitivity)?,
        name: req.name,
        searchable: req.searchable,
        unique: req.unique,
    };
    st.vault.add_field(&auth.ctx(), &g.name, def).await?;
    let (version, schema) = st.vault.group_schema(&g.name).await?;
    Ok(Json(doc(g.name, version, &schema)))
}

/// Changes a field of a group's schema (a new schema version, audited as `schema.change`).
#[utoipa::path(operation_id = "change_schema_field", patch, path = "/v1/groups/{name}/schema/fields/{field}", tag = "groups",
    request_body = api::offline::FieldChange, security(("bearer" = ["schema:write"])),
    params(("name" = String, Path, description = "group name"), ("field" = String, Path, description = "field name")),
    responses((status = 200, description = "The schema with the changed field (a new version)", body = api::offline::GroupSchema),
              (status = 404, description = "No such customer group (`unknown-group`)", body = api::Problem, content_type = PROBLEM),
              (status = 409, description = "The change needs no values of the field, and the group has some (`field-in-use`)", body = api::Problem, content_type = PROBLEM),
              (status = 423, description = "The group is locked (`group-locked`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn change_field<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SchemaWrite>,
    Path((name, field)): Path<(String, String)>,
    ApiJson(req): ApiJson<api::offline::FieldChange>,
) -> ApiResult<Json<api::offline::GroupSchema>> {
    let g = reach_group(&st, &auth.caller, &name).await?;
    let change = FieldChange {
        field_type: req.field_type.as_deref().map(|t| field_type(&field, t)).transpose()?,
        sensitivity: req.sensitivity.as_deref().map(|s| sensitivity(&field, s)).transpose()?,
        searchable: req.searchable,
        unique: req.unique,
    };
    st.vault.change_field(&auth.ctx(), &g.name, &field, change).await?;
    let (version, schema) = st.vault.group_schema(&g.name).await?;
    Ok(Json(doc(g.name, version, &schema)))
}

/// Exports customers' restricted values, still sealed to the offline key (one bundle,
/// sealed again as a whole). Each customer's export is audited (`offline.export`) with the
/// purpose. Nothing in the answer is readable online.
#[utoipa::path(operation_id = "export_offline_bundle", post, path = "/v1/offline/export", tag = "customers", request_body = api::offline::OfflineExportRequest,
    security(("bearer" = ["offline:export"])),
    responses((status = 200, description = "The bundle, still sealed to the offline key (base64)", body = api::offline::OfflineExportBundle),
              (status = 404, description = "No such customer group, or a code not of this group (`unknown-group`, `customer-not-found`)", body = api::Problem, content_type = PROBLEM),
              (status = 422, description = "No purpose, too many codes, or a malformed code (`invalid-input`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn offline_export<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::OfflineExport>,
    ApiJson(req): ApiJson<api::offline::OfflineExportRequest>,
) -> ApiResult<Json<api::offline::OfflineExportBundle>> {
    let g = reach_group(&st, &auth.caller, &req.group).await?;
    let codes: Vec<CustomerCode> =
        req.customers.iter().map(|c| CustomerCode::parse(c)).collect::<Result<_, _>>()?;
    let export = st.vault.offline_export(&auth.ctx(), &g.name, &codes, &req.purpose).await?;
    let customers = codes.iter().map(CustomerCode::compact).collect::<std::collections::BTreeSet<_>>().len();
    Ok(Json(api::offline::OfflineExportBundle {
        export_id: export.export_id,
        customers,
        values: export.values,
        bundle: base64::engine::general_purpose::STANDARD.encode(&export.bundle),
    }))
}
