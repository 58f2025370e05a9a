"""The signed export bundle: build it, and verify it (what ``verify-bundle`` and tests run).

A bundle is a zip of the snapshot's files, the audit trail up to the moment
(``audit-trail.jsonl``), a ``manifest.json`` naming each file's SHA-256, the chain head the
trail ends at, the moment and who made the bundle, ``manifest.sig`` (the Ed25519 signature of
the manifest's exact bytes, 64 raw bytes) and ``public-key.pem``. Signing the manifest signs
every file through its hash; the trail's own hash chain ties each event to the head the
manifest names. ``docs/audit.md`` shows how to check all three with ``openssl`` and ``sha256sum``
or a short Python script, without aitower.

Pure: bytes in, bytes or a report out (no storage, no web).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from aitower.auditing.documents import file_bytes, snapshot_files
from aitower.auditing.replay import Replay, TrailEvent
from aitower.core.audit.chain import GENESIS_HASH, format_time, verify_chain

SPKI = serialization.PublicFormat.SubjectPublicKeyInfo
FORMAT = "aitower-audit-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public-key.pem"
TRAIL = "audit-trail.jsonl"
README = "README.txt"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no wall clock: same inputs, same zip
MAX_MEMBER_BYTES = 2 * 1024**3  # refuse a zip bomb rather than filling memory


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the key's DER SubjectPublicKeyInfo, hex: what ``openssl pkey -pubin -in
    public-key.pem -outform DER | sha256sum`` prints, so an auditor can pin it by hand."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; ``ValueError`` for anything else."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the public key is not an Ed25519 key")
    return key


@dataclass(frozen=True, slots=True)
class BundleContents:
    """What goes into a bundle before it is signed."""

    as_of: datetime
    created_at: datetime
    created_by: str
    head_seq: int
    head_hash: str
    trail: bytes  # the JSON Lines export through head_seq
    files: Mapping[str, bytes]  # the snapshot's documents


def manifest_of(contents: BundleContents, key: Ed25519PublicKey) -> dict[str, Any]:
    files = {**contents.files, TRAIL: contents.trail}
    return {
        "format": FORMAT,
        "as_of": format_time(contents.as_of),
        "created_at": format_time(contents.created_at),
        "created_by": contents.created_by,
        "chain_head": {"seq": contents.head_seq, "hash": contents.head_hash},
        "events": contents.head_seq,
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in sorted(files.items())
        },
        "signature": {
            "algorithm": "Ed25519",
            "file": SIGNATURE,
            "signs": MANIFEST,
            "public_key_file": PUBLIC_KEY,
            "public_key_sha256": fingerprint(key),
        },
    }


def build_bundle(contents: BundleContents, key: Ed25519PrivateKey) -> bytes:
    """The zip, its manifest signed with ``key``."""
    manifest = file_bytes(manifest_of(contents, key.public_key()))
    members = {
        **contents.files,
        TRAIL: contents.trail,
        MANIFEST: manifest,
        SIGNATURE: key.sign(manifest),
        PUBLIC_KEY: public_pem(key.public_key()),
        README: _readme(contents, fingerprint(key.public_key())).encode(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name])
    return out.getvalue()


def _readme(contents: BundleContents, key_sha256: str) -> str:
    return (
        f"aitower audit bundle: the organisation as its audit trail recorded it at "
        f"{format_time(contents.as_of)}\n"
        f"chain head: seq {contents.head_seq} hash {contents.head_hash}\n"
        f"signed with Ed25519 key sha256:{key_sha256}\n\n"
        "Verify: aitower audit verify-bundle THIS.zip --public-key PINNED.pem\n"
        "or without aitower: see docs/audit.md, 'Verifying a bundle without aitower'.\n"
        "This file is not covered by the signature.\n"
    )


# --- verifying -------------------------------------------------------------------------------


@dataclass(slots=True)
class BundleReport:
    """The outcome: every check that failed, each naming the file it concerns."""

    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    key_sha256: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _members(data: bytes, report: BundleReport) -> dict[str, bytes] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members: dict[str, bytes] = {}
            for info in archive.infolist():
                if info.file_size > MAX_MEMBER_BYTES:
                    report.problems.append(f"{info.filename}: larger than any bundle holds")
                    return None
                members[info.filename] = archive.read(info)
            return members
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        # A flipped byte in compressed data fails its CRC: name the archive, not a file.
        report.problems.append(f"the bundle is not a readable zip file ({exc})")
        return None


def _key_for(
    members: Mapping[str, bytes], pinned: bytes | None, report: BundleReport
) -> Ed25519PublicKey | None:
    try:
        bundled = load_public_key(members[PUBLIC_KEY]) if PUBLIC_KEY in members else None
    except ValueError as exc:
        report.problems.append(f"{PUBLIC_KEY}: {exc}")
        bundled = None
    if pinned is None:
        if bundled is None and PUBLIC_KEY not in members:
            report.problems.append(f"{PUBLIC_KEY}: missing, and no public key was given")
        return bundled
    try:
        key = load_public_key(pinned)
    except ValueError as exc:
        report.problems.append(f"the pinned public key: {exc}")
        return None
    if bundled is not None and fingerprint(bundled) != fingerprint(key):
        report.problems.append(
            f"{PUBLIC_KEY}: not the pinned key (sha256:{fingerprint(bundled)}, pinned "
            f"sha256:{fingerprint(key)})"
        )
    return key


def verify_bundle(data: bytes, *, pinned_key: bytes | None = None) -> BundleReport:
    """Check the signature, every file's hash, the trail's chain up to the manifest's head,
    and that each snapshot file follows from the trail; report everything that fails."""
    report = BundleReport()
    members = _members(data, report)
    if members is None:
        return report
    for name in (MANIFEST, SIGNATURE):
        if name not in members:
            report.problems.append(f"{name}: missing")
    key = _key_for(members, pinned_key, report)
    if MANIFEST not in members or SIGNATURE not in members or key is None:
        return report
    report.key_sha256 = fingerprint(key)
    try:
        key.verify(members[SIGNATURE], members[MANIFEST])
    except InvalidSignature:
        report.problems.append(
            f"{MANIFEST}: the signature does not verify (changed, or signed by another key)"
        )
    try:
        report.manifest = json.loads(members[MANIFEST])
    except ValueError:
        report.problems.append(f"{MANIFEST}: not JSON")
        return report
    try:
        hashes_ok = _check_files(members, report)
        if TRAIL in members and hashes_ok:
            _check_trail(members, report)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        # Only a manifest that was not made by aitower gets here (its signature failed above,
        # or the signer wrote something else): say so rather than fail with a traceback.
        report.problems.append(f"{MANIFEST}: not in the format of {FORMAT} ({exc!r})")
    return report


def _check_files(members: Mapping[str, bytes], report: BundleReport) -> bool:
    listed = report.manifest.get("files", {})
    ok = True
    for name, expected in sorted(listed.items()):
        if name not in members:
            report.problems.append(f"{name}: listed in the manifest but missing")
            ok = False
        elif hashlib.sha256(members[name]).hexdigest() != expected.get("sha256"):
            report.problems.append(f"{name}: its SHA-256 does not match the manifest (changed)")
            ok = False
    extra = set(members) - set(listed) - {MANIFEST, SIGNATURE, PUBLIC_KEY, README}
    for name in sorted(extra):
        report.problems.append(f"{name}: not listed in the manifest")
    declared = report.manifest.get("signature", {}).get("public_key_sha256")
    if report.key_sha256 is not None and declared != report.key_sha256:
        report.problems.append(
            f"{MANIFEST}: names key sha256:{declared}, but it was checked with sha256:"
            f"{report.key_sha256}"
        )
    return ok and not extra


def _check_trail(members: Mapping[str, bytes], report: BundleReport) -> None:
    head = report.manifest.get("chain_head", {})
    expected = (int(head.get("seq", -1)), str(head.get("hash") or GENESIS_HASH))
    try:
        events = [json.loads(line) for line in members[TRAIL].decode().splitlines() if line]
    except ValueError:
        report.problems.append(f"{TRAIL}: a line is not JSON")
        return
    chain = verify_chain(events, expected_head=expected)
    if chain.problem is not None:
        report.problems.append(f"{TRAIL}: seq {chain.problem.seq}: {chain.problem.reason}")
        return
    replay = Replay()
    for doc in events:
        replay.apply(TrailEvent.of(doc), doc.get("hash"))
    as_of = datetime.fromisoformat(str(report.manifest.get("as_of")).replace("Z", "+00:00"))
    for name, rebuilt in snapshot_files(replay.snapshot(as_of)).items():
        if members.get(name) != rebuilt:
            report.problems.append(f"{name}: does not follow from {TRAIL}")
