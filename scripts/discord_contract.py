#!/usr/bin/env python3
"""Discord's webhook contract, for the tests.

    discord_contract.py extract OPENAPI.json OUT.schema.json
        From Discord's official OpenAPI description (discord/discord-api-spec, MIT), keeps the
        request bodies of "execute webhook" (POST /webhooks/{id}/{token}) and "edit webhook
        message" (PATCH .../messages/{message_id}) with every schema they reference, as one
        JSON Schema 2020-12 document (OpenAPI 3.1 schemas are JSON Schema).

    discord_contract.py validate SCHEMA.json PAYLOADS.json
        PAYLOADS.json: {"payloads": [{"name": "...", "kind": "execute"|"edit", "body": {...}}]}.
        Validates each body (jsonschema, shipped with schemathesis); prints every violation and
        exits 1 when there is one.
"""
import json
import sys

ROOTS = {"execute": "IncomingWebhookRequestPartial", "edit": "IncomingWebhookUpdateRequestPartial"}


def extract(source, out):
    doc = json.load(open(source))
    schemas = doc["components"]["schemas"]
    keep = {}

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in keep:
                    keep[name] = None
                    walk(schemas[name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for root in ROOTS.values():
        keep[root] = None
        walk(schemas[root])
    text = json.dumps({name: schemas[name] for name in sorted(keep)}, sort_keys=True)
    text = text.replace("#/components/schemas/", "#/$defs/")
    result = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$comment": "Extracted by scripts/discord_contract.py from Discord's OpenAPI description (MIT, see discord-openapi.LICENSE).",
              "$defs": json.loads(text)}
    with open(out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")


def validate(schema_path, payloads_path):
    from jsonschema import Draft202012Validator
    schema = json.load(open(schema_path))
    failures = 0
    payloads = json.load(open(payloads_path))["payloads"]
    for p in payloads:
        root = dict(schema)
        root["$ref"] = "#/$defs/" + ROOTS[p["kind"]]
        for error in Draft202012Validator(root).iter_errors(p["body"]):
            failures += 1
            print(f"{p['name']}: {'/'.join(map(str, error.absolute_path))}: {error.message[:300]}")
    print(f"{len(payloads)} payloads, {failures} violations")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3])
    else:
        validate(sys.argv[2], sys.argv[3])
