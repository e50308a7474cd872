"""A flow through a Python client generated from openapi.json by openapi-python-client:
every answer must parse into its documented type, every refusal into a typed Problem.

    python_flow.py PACKAGE_PARENT BASE_URL TOKEN CA_CERT

(run by bench/clients/python.sh, which generates the client as the package `pyclient`).
"""

import sys

sys.path.insert(0, sys.argv[1])
base_url, token, ca = sys.argv[2:5]

from pyclient import AuthenticatedClient  # noqa: E402
from pyclient.api.audit import list_audit_entries  # noqa: E402
from pyclient.api.customers import (  # noqa: E402
    create_customer,
    create_customers,
    erase_customer,
    get_customer,
    search_customers,
    update_customer,
)
from pyclient.api.groups import create_group  # noqa: E402
from pyclient.api.redact import redact_document  # noqa: E402
from pyclient.models import (  # noqa: E402
    AuditPage,
    BatchCreated,
    BatchFailed,
    BatchItem,
    BatchItemFields,
    BatchResponse,
    CreateCustomer,
    CreateCustomerFields,
    CreateCustomers,
    CreateGroup,
    Created,
    Customer,
    Group,
    GroupState,
    Problem,
    ProblemType,
    RedactRequest,
    RedactResponse,
    SearchRequest,
    SearchResponse,
    UpdateCustomer,
    UpdateCustomerFields,
)

client = AuthenticatedClient(base_url=base_url, token=token, verify_ssl=ca, raise_on_unexpected_status=True)
checks = 0


def expect(value, kind, what):
    global checks
    if not isinstance(value, kind):
        raise SystemExit(f"{what}: expected {kind.__name__}, got {type(value).__name__}: {value!r}")
    checks += 1
    return value


def problem(value, status, kind, what):
    expect(value, Problem, what)
    if value.status != status or value.type_ != ProblemType(f"urn:sekretess:problem:{kind}"):
        raise SystemExit(f"{what}: expected {status} {kind}, got {value.status} {value.type_}")


g = expect(create_group.sync(client=client, body=CreateGroup(name="pyflow")), Group, "create group")
expect(g.state, GroupState, "group state")
problem(create_group.sync(client=client, body=CreateGroup(name="pyflow")), 409, "group-exists", "group twice")

fields = CreateCustomerFields.from_dict(
    {"full_name": "Ada Lovelace", "email": "ada@example.com", "national_id": "19811228-9874"}
)
made = expect(create_customer.sync(client=client, body=CreateCustomer(group="pyflow", fields=fields)), Created, "create")
code = made.code

items = [
    BatchItem(fields=BatchItemFields.from_dict({"full_name": "Grace Hopper"})),
    BatchItem(fields=BatchItemFields.from_dict({"email": "not an e-mail"})),
]
batch = expect(create_customers.sync(client=client, body=CreateCustomers(group="pyflow", customers=items)), BatchResponse, "batch")
expect(batch.results[0], BatchCreated, "batch item 1")
failed = expect(batch.results[1], BatchFailed, "batch item 2")
problem(failed.problem, 422, "invalid-field", "batch item 2's problem")

found = expect(
    search_customers.sync(client=client, body=SearchRequest(group="pyflow", field="email", value="ADA@example.com")),
    SearchResponse,
    "search",
)
assert [m.code for m in found.matches] == [code], found

c = expect(get_customer.sync(client=client, code=code), Customer, "get")
assert c.code == code
changes = UpdateCustomerFields.from_dict({"full_name": "Ada King"})
assert update_customer.sync_detailed(client=client, code=code, body=UpdateCustomer(fields=changes)).status_code == 204
dup = UpdateCustomerFields.from_dict({"national_id": "811228-9874"})
problem(
    update_customer.sync(client=client, code=batch.results[0].code, body=UpdateCustomer(fields=dup)),
    409,
    "duplicate",
    "update to another customer's national_id",
)

assert erase_customer.sync_detailed(client=client, code=code).status_code == 204
problem(get_customer.sync(client=client, code=code), 410, "customer-erased", "get after erase")
problem(update_customer.sync(client=client, code=code, body=UpdateCustomer(fields=changes)), 410, "customer-erased", "update after erase")
problem(erase_customer.sync(client=client, code=code), 410, "customer-erased", "erase after erase")
problem(get_customer.sync(client=client, code="K7Q4-M92D-J3XP"), 404, "customer-not-found", "unknown code")

r = expect(redact_document.sync(client=client, body=RedactRequest(content="mail ada@example.com")), RedactResponse, "redact text")
assert "ada@example.com" not in r.content
r = expect(redact_document.sync(client=client, body=RedactRequest(json=["ada@example.com", {"phone": "+46 70 123 45 67"}])), RedactResponse, "redact JSON array")
assert isinstance(r.json, list) and "ada@example.com" not in str(r.json), r.json
r = expect(redact_document.sync(client=client, body=RedactRequest(json="ada@example.com")), RedactResponse, "redact JSON string")
assert isinstance(r.json, str), r.json

page = expect(list_audit_entries.sync(client=client, limit=3), AuditPage, "audit page 1")
assert len(page.entries) == 3 and page.next_seq, page
page2 = expect(list_audit_entries.sync(client=client, limit=3, from_seq=page.next_seq), AuditPage, "audit page 2")
assert page2.entries[0].seq > page.entries[-1].seq
mine = expect(list_audit_entries.sync(client=client, customer=code.lower(), limit=1000), AuditPage, "audit by code")
assert mine.entries and all(e.customer == code for e in mine.entries), [e.customer for e in mine.entries]
problem(list_audit_entries.sync(client=client, customer="K7Q4-M92D-J3X8"), 400, "code-check-failed", "audit bad code")

print(f"python client flow: {checks} typed results and problems checked, 0 failed")
