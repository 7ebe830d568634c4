#!/usr/bin/env python3
"""Verifies Squawk's webhook signatures with the reference Standard Webhooks library (PyPI
`standardwebhooks`), as a receiver written against that library would.

    verify_standardwebhooks.py SAMPLES.json

SAMPLES.json is written by Tests/SquawkServiceTests/StandardWebhooksInteropTests.swift:

    {"samples": [{"name": "...", "id": "evt_...", "timestamp": 1767225600,
                  "signature": "v1,... v1,...", "bodyBase64": "...",
                  "secrets": ["whsec_..."], "wrongSecrets": ["whsec_..."]}]}

For every sample:
  * `Webhook(secret).verify(body, headers)` succeeds for each secret in "secrets" on its own
    (a receiver that knows only that one secret, e.g. during a rotation) and returns the body
    parsed as JSON;
  * it fails for each secret in "wrongSecrets";
  * it fails, for every secret, when the body, the webhook-id or the webhook-timestamp has
    been tampered with.

The library checks the timestamp against its own clock (5 minutes' tolerance), so samples must
be signed with the current time.

Exit status: 0 only if every check passed; 1 if any failed; 2 if the `standardwebhooks` module
is not installed; 3 if the input is unreadable or holds no samples.
"""

import base64
import json
import sys

try:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError
except ImportError as error:
    print(
        "verify_standardwebhooks: the Python module 'standardwebhooks' is not available to "
        f"{sys.executable} ({error}).\n"
        f"Install it with: {sys.executable} -m pip install standardwebhooks\n"
        "(scripts/api-fuzz.sh installs it into .build/py; or point SQUAWK_PYTHON at a Python that has it.)",
        file=sys.stderr,
    )
    sys.exit(2)


def accepts(secret, body, headers):
    """(True, parsed JSON) when the library accepts the delivery; (False, reason) otherwise."""
    try:
        return True, Webhook(secret).verify(body, headers)
    except WebhookVerificationError as error:
        return False, f"rejected: {error}"
    except Exception as error:  # a malformed header or secret is a failure too, not a crash
        return False, f"error: {type(error).__name__}: {error}"


def tampered_bodies(body):
    """Bodies that differ from `body` but stay valid UTF-8 (the library decodes before checking)."""
    yield body + b" "
    for i, byte in enumerate(body):
        if 0x61 <= byte <= 0x7A or 0x41 <= byte <= 0x5A:  # flip the case of the first ASCII letter
            yield body[:i] + bytes([byte ^ 0x20]) + body[i + 1:]
            break


def check(sample):
    """The failures of one sample (empty when it passes), and the number of checks made."""
    failures = []
    checks = 0
    body = base64.b64decode(sample["bodyBase64"])
    headers = {
        "webhook-id": sample["id"],
        "webhook-timestamp": str(sample["timestamp"]),
        "webhook-signature": sample["signature"],
    }
    secrets = sample["secrets"]
    if not secrets:
        failures.append("no secret to verify with")
    expected = json.loads(body.decode("utf-8"))
    for n, secret in enumerate(secrets):
        checks += 1
        ok, result = accepts(secret, body, headers)
        if not ok:
            failures.append(f"secrets[{n}] does not verify: {result}")
        elif result != expected:
            failures.append(f"secrets[{n}] verified but the library returned a different payload")
        for body2 in tampered_bodies(body):
            checks += 1
            if accepts(secret, body2, headers)[0]:
                failures.append(f"secrets[{n}] accepts a tampered body")
        for name, value in (("webhook-id", sample["id"] + "x"), ("webhook-timestamp", str(int(sample["timestamp"]) + 1))):
            checks += 1
            if accepts(secret, body, {**headers, name: value})[0]:
                failures.append(f"secrets[{n}] accepts a tampered {name}")
    for n, secret in enumerate(sample.get("wrongSecrets", [])):
        checks += 1
        if accepts(secret, body, headers)[0]:
            failures.append(f"wrongSecrets[{n}] verifies, but it must not")
    return failures, checks


def main(argv):
    if len(argv) != 2:
        print("usage: verify_standardwebhooks.py SAMPLES.json", file=sys.stderr)
        return 3
    try:
        with open(argv[1], "rb") as f:
            samples = json.load(f)["samples"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"verify_standardwebhooks: cannot read {argv[1]}: {error}", file=sys.stderr)
        return 3
    if not samples:
        print("verify_standardwebhooks: no samples: nothing was verified", file=sys.stderr)
        return 3
    failed = 0
    total = 0
    for sample in samples:
        try:
            failures, checks = check(sample)
        except (KeyError, ValueError, TypeError) as error:
            failures, checks = [f"malformed sample: {type(error).__name__}: {error}"], 0
        total += checks
        if failures:
            failed += 1
            for failure in failures:
                print(f"FAIL {sample.get('name', '?')}: {failure}")
        else:
            print(f"ok   {sample['name']} ({checks} checks)")
    print(f"verified {len(samples)} samples, {total} checks, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
