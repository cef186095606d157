"""Schemathesis hooks for scripts/http-checks.sh (SCHEMATHESIS_HOOKS).

`fields=` asks for sparse records: the answer then holds only the fields
named, so its records do not carry the fields the record schema requires
(the parameter's description says so; generated clients read such answers
as plain JSON or CSV). Schemathesis would report every such answer as
breaking the response schema, so its generated requests leave `fields`
out; the black-box tests (tests/blackbox/conventions.rs) check it instead.
"""

import schemathesis


@schemathesis.hook
def before_process_path(context, path, methods):
    for operation in methods.values():
        if isinstance(operation, dict) and isinstance(operation.get("parameters"), list):
            operation["parameters"] = [
                p for p in operation["parameters"] if not (isinstance(p, dict) and p.get("name") == "fields")
            ]
