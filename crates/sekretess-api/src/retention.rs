//! Retention (dates, legal holds, what is due) and the subject access export (issue 24).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A customer's retention: its own date, when it is due, and its legal hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Retention {
    pub code: String,
    pub group: String,
    pub updated_at: i64,
    /// The customer's own date (Unix seconds; absent: the group's default applies).
    pub retain_until: Option<i64>,
    /// When a sweep erases the customer (absent: never, as configured now).
    pub due_at: Option<i64>,
    /// Since when the customer is on legal hold (absent: not on hold).
    pub legal_hold_since: Option<i64>,
}

/// Sets a customer's own retention date, or clears it (`null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRetention {
    pub retain_until: Option<i64>,
    /// Why (kept in the audit log; at most 200 printable characters).
    #[serde(default)]
    pub purpose: Option<String>,
}

/// Puts a customer on legal hold (`hold: true`) or takes it off, for a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalHold {
    pub hold: bool,
    /// Why (required; kept in the audit log; at most 200 printable characters).
    pub reason: String,
}

/// The customers of a group that a sweep now would erase (codes only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RetentionDue {
    pub group: String,
    pub codes: Vec<String>,
    /// Customers past retention but on legal hold (kept; not listed).
    pub held: u64,
}

/// One field of an exported customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExportField {
    pub name: String,
    pub sensitivity: String,
    /// `plain` (the value), `masked` (the value masked by the field policy), `withheld`
    /// (the caller's role may not see it) or `offline` (held to the offline key; the
    /// online vault cannot read it).
    pub shown: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A document filed under the customer's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExportDocument {
    pub id: String,
    pub group: String,
    /// The redacted file name.
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub filed_at: i64,
    pub retain_until: Option<i64>,
}

/// One audited access of the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessEntry {
    /// The audit entry's sequence number.
    pub seq: u64,
    pub time: i64,
    /// e.g. `customer.read`, `customer.reveal`, `customer.update`, `customer.export`.
    pub action: String,
    /// The role of who acted: `agent`, `security_officer`, … for employees, `service` for
    /// API keys, `system` for the vault itself.
    pub role: String,
    /// A pseudonymous id of who acted (`employee:<n>`, `apikey:<id>`, `system`): never a
    /// name.
    pub actor: String,
    pub purpose: Option<String>,
    /// The field names concerned (never values).
    pub fields: Vec<String>,
    pub outcome: String,
}

/// Everything the vault holds about one customer (GDPR articles 15 and 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CustomerExport {
    pub code: String,
    pub group: String,
    pub exported_at: i64,
    pub purpose: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub retain_until: Option<i64>,
    pub due_at: Option<i64>,
    pub legal_hold_since: Option<i64>,
    /// Every field the customer has, in name order.
    pub fields: Vec<ExportField>,
    pub documents: Vec<ExportDocument>,
    /// Every audited access of the customer, oldest first (this export last).
    pub history: Vec<AccessEntry>,
}

/// Text safe for a terminal or a text file: control characters are shown escaped.
fn clean(s: &str) -> String {
    s.chars()
        .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
        .collect()
}

fn when(t: Option<i64>) -> String {
    t.map_or_else(|| "-".to_owned(), |t| t.to_string())
}

impl CustomerExport {
    /// The export as readable text (times in Unix seconds, UTC).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("Customer {} (group {})\n", clean(&self.code), clean(&self.group)));
        out.push_str(&format!("Exported at {} for: {}\n\n", self.exported_at, clean(&self.purpose)));
        out.push_str(&format!("Created       {}\nLast changed  {}\n", self.created_at, self.updated_at));
        out.push_str(&format!(
            "Retain until  {}\nDue at        {}\n",
            when(self.retain_until),
            when(self.due_at)
        ));
        out.push_str(&format!("Legal hold    {}\n\nFields\n", when(self.legal_hold_since)));
        for f in &self.fields {
            let value = match (f.shown.as_str(), &f.value) {
                ("offline", _) => "(held offline; not readable online)".to_owned(),
                ("withheld", _) => "(withheld by the field policy)".to_owned(),
                (_, Some(v)) => clean(v),
                (_, None) => "-".to_owned(),
            };
            out.push_str(&format!("  {:<16} {:<13} {value}\n", clean(&f.name), f.sensitivity));
        }
        out.push_str(&format!("\nDocuments on file ({})\n", self.documents.len()));
        for d in &self.documents {
            out.push_str(&format!("  {} {} {} bytes, filed {}\n", d.id, clean(&d.name), d.size, d.filed_at));
        }
        out.push_str(&format!("\nAccess history ({})\n", self.history.len()));
        for e in &self.history {
            out.push_str(&format!(
                "  #{} {} {} by {} ({}) purpose: {} [{}]\n",
                e.seq,
                e.time,
                clean(&e.action),
                clean(&e.actor),
                clean(&e.role),
                e.purpose.as_deref().map_or_else(|| "-".to_owned(), clean),
                e.outcome
            ));
        }
        out
    }
}
