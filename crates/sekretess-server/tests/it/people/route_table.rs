//! The route table of the deny-by-default test: for each route of the API, the kinds of
//! caller that pass authorization.

use super::{Kind, SCOPES};

/// Who passes authorization on a route (everyone else must get 401 or 403; an agent
/// without the group gets 404 on a customer code).
pub(super) fn row(method: &str, path: &str) -> Option<(Vec<Kind>, bool)> {
    use Kind::*;
    let emp = vec![Unsigned, NoGroup, Agent, Auditor, Officer];
    let all = vec![None, Pending, Suspended, Unsigned, NoGroup, Agent, Auditor, Officer, Bound];
    let svc = |s: &'static str| Svc(s);
    // (allowed, destructive: only the refusals are tried)
    Some(match (method, path) {
        ("get", "/v1/sys/health")
        | ("get", "/v1/sys/seal-status")
        | ("post", "/v1/sys/init")
        | ("post", "/v1/sys/unseal")
        | ("post", "/v1/auth/login")
        | ("post", "/v1/employees/enrol") => {
            let mut v = all;
            v.extend(SCOPES.map(svc));
            (v, false)
        }
        ("post", "/v1/sys/seal") => (vec![Officer, svc("sys:seal")], true),
        ("get", "/v1/sys/processes") => (vec![Officer, svc("sys:seal")], false),
        ("get", "/v1/sys/metrics") => (vec![Officer, Auditor, svc("sys:metrics")], false),
        ("post", "/v1/sys/backup") | ("post", "/v1/sys/backup/erasures") => {
            (vec![Officer, svc("sys:backup")], false)
        }
        ("post", "/v1/groups") => (vec![Officer, svc("groups:admin")], false),
        ("get", "/v1/groups") | ("get", "/v1/schema") => {
            (vec![Officer, Agent, NoGroup, Unsigned, svc("groups:read")], false)
        }
        ("post", "/v1/groups/{name}/lock")
        | ("post", "/v1/groups/{name}/unlock")
        | ("post", "/v1/groups/{name}/rotate-key") => (vec![Officer, svc("groups:admin")], false),
        ("post", "/v1/sys/rekey") | ("post", "/v1/sys/rekey/confirm") => {
            (vec![Officer, svc("sys:seal")], false)
        }
        ("post", "/v1/audit/rotate-key") => (vec![Officer, svc("sys:seal")], true),
        ("post", "/v1/customers") | ("post", "/v1/customers/batch") | ("patch", "/v1/customers/{code}") => {
            (vec![Agent, svc("customers:write")], false)
        }
        ("post", "/v1/customers/search") => (vec![Agent, svc("customers:find")], false),
        ("get", "/v1/customers/{code}") => (vec![Agent, svc("customers:read")], false),
        ("post", "/v1/customers/{code}/reveal") => (vec![Agent, svc("customers:reveal")], false),
        ("delete", "/v1/customers/{code}") => (vec![Agent, svc("customers:erase")], false),
        ("post", "/v1/apikeys")
        | ("get", "/v1/apikeys")
        | ("delete", "/v1/apikeys/{id}")
        | ("post", "/v1/apikeys/{id}/bind") => (vec![Officer, svc("apikeys:admin")], false),
        ("post", "/v1/auth/logout") => (emp, true),
        ("post", "/v1/auth/password")
        | ("get", "/v1/policy")
        | ("get", "/v1/agreements/current")
        | ("post", "/v1/agreements/sign") => (emp, false),
        ("post", "/v1/employees/bootstrap") => (vec![svc("apikeys:admin")], false),
        ("post", "/v1/employees")
        | ("post", "/v1/employees/{id}/approve")
        | ("post", "/v1/employees/{id}/suspend")
        | ("post", "/v1/employees/{id}/reinstate")
        | ("post", "/v1/employees/{id}/offboard")
        | ("post", "/v1/employees/{id}/enrolment")
        | ("post", "/v1/employees/{id}/grants")
        | ("delete", "/v1/employees/{id}/grants/{group}")
        | ("put", "/v1/policy")
        | ("post", "/v1/agreements") => (vec![Officer], false),
        ("get", "/v1/employees") | ("get", "/v1/agreements/status") | ("get", "/v1/approvals") => {
            (vec![Officer, Auditor], false)
        }
        ("post", "/v1/approvals/{id}/approve") | ("post", "/v1/approvals/{id}/reject") => {
            (vec![Officer], false)
        }
        ("get", "/v1/audit")
        | ("get", "/v1/audit/verify")
        | ("post", "/v1/audit/verify")
        | ("get", "/v1/audit/checkpoint") => (vec![Officer, Auditor, svc("audit:read")], false),
        // The key makes MACs too: every admin scope, which only an officer holds.
        ("post", "/v1/audit/key") => (vec![Officer], false),
        // The archive: agents in their groups (one without a group lists nothing and finds
        // no document), and keys with the scope.
        ("post", "/v1/documents") | ("delete", "/v1/documents/{id}") => {
            (vec![Agent, svc("documents:write")], false)
        }
        ("get", "/v1/documents") => (vec![Agent, NoGroup, svc("documents:read")], false),
        ("get", "/v1/documents/{id}") => (vec![Agent, svc("documents:read")], false),
        ("post", "/v1/tokenize") | ("post", "/v1/tokens/revoke") => {
            (vec![Agent, svc("tokens:create")], false)
        }
        ("post", "/v1/detokenize") => (vec![Agent, svc("tokens:reveal")], false),
        ("get", "/v1/groups/{name}/schema") => (vec![Officer, svc("groups:read")], false),
        ("post", "/v1/groups/{name}/schema/fields")
        | ("patch", "/v1/groups/{name}/schema/fields/{field}") => (vec![Officer, svc("schema:write")], false),
        // An export reaches customer data: the World's officer, who has not signed the
        // current agreement, is refused (agreement-required).
        ("post", "/v1/offline/export") => (vec![svc("offline:export")], false),
        ("post", "/v1/redact") => {
            let mut v = emp;
            v.push(svc("redact"));
            (v, false)
        }
        // Retention and the subject access export (issue 24).
        ("get", "/v1/customers/{code}/export") => (vec![Agent, svc("customers:export")], false),
        ("get", "/v1/customers/{code}/retention") => (vec![Agent, svc("customers:read")], false),
        ("put", "/v1/customers/{code}/retention")
        | ("put", "/v1/customers/{code}/legal-hold")
        | ("get", "/v1/groups/{name}/retention/due") => (vec![Officer, svc("customers:retention")], false),
        _ => return Option::None,
    })
}
