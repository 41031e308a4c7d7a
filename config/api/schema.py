"""The OpenAPI schema says which values the address accepts, as `config.api.filters.check_query` checks
them: years 2000-2100, ids, pages and other whole numbers from 1 within 64 bits. Clients (and the CI's schemathesis
stage) then know which values are valid before sending them."""

from __future__ import annotations

from branches.params import MAX_ID
from branches.periods import MAX_YEAR, MIN_YEAR


def bounded_parameters(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                name = parameter.get("name", "")
                if parameter.get("in") == "query" and (name == "year" or name.endswith("__year")):
                    schema.update({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR})
                    schema.pop("format", None)
                elif parameter.get("in") == "path" and parameter.get("name") == "id":
                    schema.update({"type": "integer", "minimum": 1, "maximum": MAX_ID})
                elif schema.get("type") in ("integer", "number") and "enum" not in schema:
                    schema.update({"type": "integer", "minimum": 1, "maximum": MAX_ID})
                    schema.pop("format", None)
    return result
