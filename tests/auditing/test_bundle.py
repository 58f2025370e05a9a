"""The signed bundle: it verifies; one changed byte in any file, or in the manifest, fails
verification naming what failed; the independent ways (openssl and sha256sum, the standalone
script in docs/) agree with ``verify_bundle``."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aitower.auditing import service
from aitower.auditing.bundle import BundleContents, build_bundle, public_pem, verify_bundle
from aitower.auditing.documents import snapshot_files
from aitower.auditing.replay import Replay, TrailEvent, parse_moment
from aitower.core.audit.chain import GENESIS_HASH, canonical_json, event_hash, format_time
from aitower.core.db.engine import Database
from auditing.support_auditing import live_history

DOCS = Path(__file__).parents[2] / "docs"
SCRIPT = DOCS / "verify_audit_bundle.py"
EXPORT_SCRIPT = DOCS / "verify_audit_export.py"
KEY = Ed25519PrivateKey.generate()
AT = datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)
SIG = "manifest.sig"
OPENSSL_VERIFY = ("openssl", "pkeyutl", "-verify", "-pubin", "-rawin")
SYS = "5b0c1a43-8d3e-4f4e-9d7b-000000000001"


def _trail() -> list[dict[str, Any]]:
    """A small, real chain: a system registered, assessed, moved; a policy saved."""
    bodies = [
        ("system.create", "ai_system", SYS, None, {"name": "Fraud model", "stage": "planning"}),
        ("risk.assessed", "ai_system", SYS, {"tier": None}, {"tier": "high"}),
        ("lifecycle.moved", "ai_system", SYS, {"stage": "planning"}, {"stage": "development"}),
        ("policy.created", "policy", "p1", None, {"version": 1, "source": "key: p1\n"}),
    ]
    prev, events = GENESIS_HASH, []
    for seq, (action, kind, ident, before, after) in enumerate(bodies, start=1):
        event: dict[str, Any] = {
            "seq": seq,
            "id": f"00000000-0000-4000-8000-{seq:012d}",
            "occurred_at": format_time(datetime(2026, 3, seq, tzinfo=UTC)),
            "actor": "user:erin",
            "action": action,
            "object_type": kind,
            "object_id": ident,
            "before": before,
            "after": after,
            "request_id": None,
        }
        digest = event_hash(prev, event)
        events.append({**event, "prev_hash": prev, "hash": digest})
        prev = digest
    return events


def make_bundle(key: Ed25519PrivateKey = KEY) -> bytes:
    events = _trail()
    replay = Replay()
    for doc in events:
        replay.apply(TrailEvent.of(doc), doc["hash"])
    snapshot = replay.snapshot(AT)
    contents = BundleContents(
        as_of=AT,
        created_at=datetime(2026, 4, 1, tzinfo=UTC),
        created_by="user:alex",
        head_seq=events[-1]["seq"],
        head_hash=events[-1]["hash"],
        trail="".join(canonical_json(e) + "\n" for e in events).encode(),
        files=snapshot_files(snapshot),
    )
    return build_bundle(contents, key)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def changed(data: bytes, name: str, edit: Callable[[bytes], bytes]) -> bytes:
    files = members(data)
    files[name] = edit(files[name])
    return rezip(files)


def flip(data: bytes, at: int | None = None) -> bytes:
    """One byte changed (the middle one unless told)."""
    i = len(data) // 2 if at is None else at
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]


def test_a_bundle_verifies_and_holds_what_it_says() -> None:
    data = make_bundle()
    report = verify_bundle(data)
    assert report.ok, report.problems
    assert verify_bundle(data, pinned_key=public_pem(KEY.public_key())).ok
    files = members(data)
    assert set(files) == {
        "inventory.json",
        "approvals.json",
        "policies.json",
        "evidence.json",
        "audit-trail.jsonl",
        "manifest.json",
        "manifest.sig",
        "public-key.pem",
        "README.txt",
    }
    manifest = json.loads(files["manifest.json"])
    assert manifest["chain_head"] == {"seq": 4, "hash": _trail()[-1]["hash"]}
    assert manifest["as_of"] == "2026-03-31T23:59:59.999999Z"
    assert manifest["created_by"] == "user:alex"
    (system,) = json.loads(files["inventory.json"])["systems"]
    assert (system["name"], system["risk_tier"], system["stage"]) == (
        "Fraud model",
        "high",
        "development",
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("inventory.json", "inventory.json: its SHA-256 does not match the manifest"),
        ("approvals.json", "approvals.json: its SHA-256 does not match the manifest"),
        ("policies.json", "policies.json: its SHA-256 does not match the manifest"),
        ("evidence.json", "evidence.json: its SHA-256 does not match the manifest"),
        ("audit-trail.jsonl", "audit-trail.jsonl: its SHA-256 does not match the manifest"),
        ("manifest.json", "manifest.json: the signature does not verify"),
        ("manifest.sig", "manifest.json: the signature does not verify"),
    ],
)
def test_one_changed_byte_fails_naming_the_file(name: str, reason: str) -> None:
    report = verify_bundle(changed(make_bundle(), name, flip))
    assert not report.ok
    assert any(p.startswith(reason) for p in report.problems), report.problems


def test_a_changed_public_key_fails_against_the_pinned_one() -> None:
    other = Ed25519PrivateKey.generate()
    swapped = changed(make_bundle(), "public-key.pem", lambda _: public_pem(other.public_key()))
    pinned = public_pem(KEY.public_key())
    problems = verify_bundle(swapped, pinned_key=pinned).problems
    assert any(p.startswith("public-key.pem: not the pinned key") for p in problems), problems
    # Unpinned, the swapped key does not verify the signature either.
    assert "manifest.json: the signature does not verify" in " ".join(
        verify_bundle(swapped).problems
    )


def test_a_bundle_re_signed_by_another_key_fails_only_when_pinned() -> None:
    forged = make_bundle(Ed25519PrivateKey.generate())
    assert verify_bundle(forged).ok  # self-consistent: why an auditor pins the key
    problems = verify_bundle(forged, pinned_key=public_pem(KEY.public_key())).problems
    assert any("not the pinned key" in p for p in problems)
    assert any(p.startswith("manifest.json: the signature does not verify") for p in problems)


def _resigned(files: dict[str, bytes]) -> bytes:
    """The files with a manifest re-hashed and re-signed by the real key: a signer lying."""
    manifest = json.loads(files["manifest.json"])
    for name, entry in manifest["files"].items():
        entry["sha256"] = hashlib.sha256(files[name]).hexdigest()
    body = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    return rezip({**files, "manifest.json": body, "manifest.sig": KEY.sign(body)})


def test_a_snapshot_that_does_not_follow_from_the_trail_fails() -> None:
    files = members(make_bundle())
    files["inventory.json"] = files["inventory.json"].replace(b'"high"', b'"minimal"')
    problems = verify_bundle(_resigned(files)).problems
    assert problems == ["inventory.json: does not follow from audit-trail.jsonl"]


def test_an_edited_trail_fails_its_chain_even_re_signed() -> None:
    files = members(make_bundle())
    files["audit-trail.jsonl"] = files["audit-trail.jsonl"].replace(b'"high"', b'"minimal"')
    problems = verify_bundle(_resigned(files)).problems
    assert problems == ["audit-trail.jsonl: seq 2: content does not match its hash (edited)"]


def test_a_file_added_or_missing_is_named() -> None:
    files = members(make_bundle())
    del files["evidence.json"]
    files["extra.json"] = b"{}"
    problems = verify_bundle(rezip(files)).problems
    assert "evidence.json: listed in the manifest but missing" in problems
    assert "extra.json: not listed in the manifest" in problems


def test_not_a_zip() -> None:
    assert verify_bundle(b"not a zip").problems[0].startswith("the bundle is not a readable zip")


# --- independent verification --------------------------------------------------------------


def _script(bundle: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(bundle), *extra],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _openssl_and_sha256sum(folder: Path, pinned: Path) -> bool:
    """The commands docs/audit.md gives, run in the unpacked bundle: True when all pass."""
    signature = subprocess.run(
        [*OPENSSL_VERIFY, "-inkey", str(pinned), "-in", "manifest.json", "-sigfile", SIG],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    listing = subprocess.run(
        [
            "python3",
            "-c",
            "import json; m = json.load(open('manifest.json'));"
            " [print(f['sha256'] + '  ' + n) for n, f in m['files'].items()]",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    hashes = subprocess.run(
        ["sha256sum", "-c", "--quiet", "-"],
        cwd=folder,
        input=listing.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    manifest = json.loads((folder / "manifest.json").read_text())
    head = f"{manifest['chain_head']['seq']}:{manifest['chain_head']['hash']}"
    chain = subprocess.run(
        [sys.executable, str(EXPORT_SCRIPT), "audit-trail.jsonl", "--head", head],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    return signature.returncode == hashes.returncode == chain.returncode == 0


@pytest.mark.parametrize(
    "tamper",
    [None, "inventory.json", "audit-trail.jsonl", "manifest.json", "manifest.sig"],
)
def test_independent_verification_agrees(db: Database, tmp_path: Path, tamper: str | None) -> None:
    live_history(db)
    with db.reading() as session:
        data, _ = service.make_bundle(
            session, parse_moment("2026-03-12"), key=KEY, made_by="user:auditor"
        )
    if tamper is not None:
        data = changed(data, tamper, flip)
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(data)
    pinned = tmp_path / "pinned.pem"
    pinned.write_bytes(public_pem(KEY.public_key()))
    ours = verify_bundle(data, pinned_key=pinned.read_bytes()).ok
    script = _script(bundle, "--public-key", str(pinned))
    assert (script.returncode == 0) == ours, script.stdout + script.stderr
    assert ours == (tamper is None)
    if shutil.which("openssl") and shutil.which("sha256sum"):
        folder = tmp_path / "unpacked"
        with zipfile.ZipFile(bundle) as archive:
            archive.extractall(folder)
        assert _openssl_and_sha256sum(folder, pinned) == ours
