#!/usr/bin/env python3
"""Verify an aitower audit bundle on your own: Python 3.11 and the ``cryptography`` package.

    python verify_audit_bundle.py aitower-audit-….zip [--public-key PINNED.pem]

Checks, and prints each failure (``NOT OK: …``) or ``OK`` with the head to record:

1. the Ed25519 signature of ``manifest.json`` (``manifest.sig``), with the key you pinned, or
   the bundle's ``public-key.pem`` (then compare its printed fingerprint with the one you hold);
2. each file's SHA-256 against the manifest, and that no file is missing or unlisted;
3. the hash chain of ``audit-trail.jsonl`` from the first event to the manifest's
   ``chain_head`` (the algorithm of docs/audit.md).

It shares no code with aitower, on purpose: a bug there cannot hide itself here. It does not
rebuild the snapshot files from the trail (``aitower audit verify-bundle`` does that too).
Exit status: 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS_HASH = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "id",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
)
NOT_LISTED = {"manifest.json", "manifest.sig", "public-key.pem", "README.txt"}


def fingerprint(key: Ed25519PublicKey) -> str:
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def chain_problem(trail: bytes, head_seq: int, head_hash: str) -> str | None:
    """The first break in the trail's chain, or None when it runs intact to the head."""
    prev, last = GENESIS_HASH, 0
    for number, line in enumerate(trail.decode("utf-8").splitlines(), start=1):
        event = json.loads(line)
        chained = {name: event[name] for name in CHAINED_FIELDS}
        body = json.dumps(chained, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if event["seq"] != last + 1 or event["prev_hash"] != prev:
            return f"line {number} (seq {event['seq']}) does not follow seq {last}"
        if hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest() != event["hash"]:
            return f"line {number} (seq {event['seq']}): content does not match its hash"
        prev, last = event["hash"], event["seq"]
    if (last, prev) != (head_seq, head_hash):
        return f"the trail ends at seq {last}, the manifest's head is seq {head_seq}"
    return None


def verify(path: str, pinned: bytes | None) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    key_pem = pinned if pinned is not None else files.get("public-key.pem", b"")
    key = serialization.load_pem_public_key(key_pem)
    if not isinstance(key, Ed25519PublicKey):
        return ["the public key is not an Ed25519 key"]
    print(f"key: sha256:{fingerprint(key)}")
    try:
        key.verify(files["manifest.sig"], files["manifest.json"])
    except InvalidSignature:
        problems.append("manifest.json: the signature does not verify")
    manifest = json.loads(files["manifest.json"])
    for name, listed in sorted(manifest["files"].items()):
        if name not in files:
            problems.append(f"{name}: missing")
        elif hashlib.sha256(files[name]).hexdigest() != listed["sha256"]:
            problems.append(f"{name}: its SHA-256 does not match the manifest")
    for name in sorted(set(files) - set(manifest["files"]) - NOT_LISTED):
        problems.append(f"{name}: not listed in the manifest")
    head = manifest["chain_head"]
    broken = chain_problem(files.get("audit-trail.jsonl", b""), head["seq"], head["hash"])
    if broken is not None:
        problems.append(f"audit-trail.jsonl: {broken}")
    if not problems:
        print(f"as of {manifest['as_of']}; head seq {head['seq']} hash {head['hash']}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle")
    parser.add_argument("--public-key", help="the PEM public key you pinned")
    args = parser.parse_args()
    pinned = None
    if args.public_key:
        with open(args.public_key, "rb") as handle:
            pinned = handle.read()
    try:
        problems = verify(args.bundle, pinned)
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        problems = [f"unreadable bundle: {exc!r}"]
    for problem in problems:
        print(f"NOT OK: {problem}")
    if not problems:
        print("OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
