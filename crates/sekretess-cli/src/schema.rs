//! `sekretess schema …`: a group's customer schema (the security officer's).

use anyhow::Result;
use clap::Subcommand;
use sekretess_api as api;
use sekretess_client::Client;

use crate::admin::Out;

#[derive(Subcommand, Debug)]
pub enum SchemaCmd {
    /// Show a group's schema (fields, types, sensitivity, searchable) and its version.
    Show {
        #[arg(long)]
        group: String,
    },
    /// Add a field to a group's schema (scope schema:write; audited; a new version).
    AddField {
        #[arg(long)]
        group: String,
        /// Field name: 1-64 of a-z, 0-9, _.
        #[arg(long)]
        name: String,
        /// name, email, phone, address, date, se_personnummer, us_ssn, national_id,
        /// se_orgnr, card_number, iban, bank_account or text.
        #[arg(long = "type")]
        field_type: String,
        /// internal, confidential or restricted (restricted: sealed to the offline key on
        /// arrival, never readable online).
        #[arg(long)]
        sensitivity: String,
        /// Keep a blind index, so customers can be found by an exact value.
        #[arg(long)]
        searchable: bool,
        /// At most one customer of the group may hold a value (needs --searchable).
        #[arg(long)]
        unique: bool,
    },
    /// Change a field of a group's schema. A new type, a move to or from restricted and a
    /// change of --searchable/--unique are refused while a customer has a value of it.
    ChangeField {
        #[arg(long)]
        group: String,
        #[arg(long)]
        name: String,
        #[arg(long = "type")]
        field_type: Option<String>,
        #[arg(long)]
        sensitivity: Option<String>,
        #[arg(long)]
        searchable: Option<bool>,
        #[arg(long)]
        unique: Option<bool>,
    },
}

pub async fn run(client: &Client, cmd: SchemaCmd, out: &Out) -> Result<()> {
    let schema = match cmd {
        SchemaCmd::Show { group } => client.group_schema(&group).await?,
        SchemaCmd::AddField { group, name, field_type, sensitivity, searchable, unique } => {
            let field = api::SchemaField { name, field_type, sensitivity, searchable, unique };
            client.add_field(&group, &field).await?
        }
        SchemaCmd::ChangeField { group, name, field_type, sensitivity, searchable, unique } => {
            let change = api::offline::FieldChange { field_type, sensitivity, searchable, unique };
            client.change_field(&group, &name, &change).await?
        }
    };
    if out.json {
        println!("{}", serde_json::to_string_pretty(&schema)?);
        return Ok(());
    }
    println!("group {} schema version {}", schema.group, schema.version);
    println!("{:<24} {:<16} {:<13} {:<10} unique", "field", "type", "sensitivity", "searchable");
    for f in &schema.fields {
        println!(
            "{:<24} {:<16} {:<13} {:<10} {}",
            f.name, f.field_type, f.sensitivity, f.searchable, f.unique
        );
    }
    Ok(())
}
