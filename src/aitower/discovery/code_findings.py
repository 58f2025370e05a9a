"""A code scan as discovery findings: each AI integration no registered system claims becomes a
finding of kind ``code`` per service it calls, stored through ``scans.record_scan``.

The scanner (``codescan``) is pure and knows providers (``openai``, ``aws``…); findings are
about services of the catalog, so a provider is read as its model API (``openai`` →
``openai-api``): code calls the API, not the chat product. Frameworks (LangChain, the Vercel AI
SDK) say AI is used, not whose service, and make no finding of their own. A finding's "user"
is the integration's folder (``code:<folder>``), which is what a triager looks at; its requests
are the hits for that provider, its bytes 0 (code sends nothing by itself being there).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.discovery.codescan import CodeScan, Integration
from aitower.discovery.codescan_mapping import KnownSystem, Mapping
from aitower.discovery.scans import FindingInput, ScanInput
from aitower.inventory.tables import SystemRow, SystemVendorRow, VendorRow

PROVIDER_SERVICES = {
    "openai": "openai-api",
    "anthropic": "anthropic-api",
    "google": "google-gemini-api",
    "aws": "aws-bedrock",
    "azure": "azure-openai",
    "mistral": "mistral-api",
    "cohere": "cohere-api",
    "groq": "groq-api",
    "together": "together-api",
    "replicate": "replicate-api",
    "huggingface": "huggingface-inference",
}


def known_systems(session: Session) -> list[KnownSystem]:
    """Every registered system as the mapping reads it: repository link, vendors, models."""
    vendors: dict[object, list[str]] = {}
    pairs = session.execute(
        select(SystemVendorRow.system_id, VendorRow.name).join(
            VendorRow, VendorRow.id == SystemVendorRow.vendor_id
        )
    )
    for system_id, name in pairs:
        vendors.setdefault(system_id, []).append(name)
    found = []
    for row in session.execute(select(SystemRow)).scalars():
        links = row.links or {}
        models = tuple(str(m.get("name", "")) for m in row.models or [] if m.get("name"))
        found.append(
            KnownSystem(
                id=str(row.id),
                name=row.name,
                code_location=links.get("repository") or None,
                vendor=", ".join(vendors.get(row.id, [])) or None,
                models=models,
            )
        )
    return found


def _hits_of(integration: Integration, provider: str) -> int:
    return sum(1 for hit in integration.hits if hit.provider == provider) or 1


def scan_input(
    scan: CodeScan, mappings: Sequence[Mapping], name: str, unit: str | None, now: datetime
) -> ScanInput:
    """The findings of the integrations left unregistered, for ``record_scan``. The scan's
    fingerprint is that of its hits, so the same tree scanned twice is refused as a repeat."""
    findings = []
    for mapping in mappings:
        if mapping.system_id is not None:
            continue
        integration = mapping.integration
        for provider in integration.providers:
            service = PROVIDER_SERVICES.get(provider)
            if service is None:
                continue
            findings.append(
                FindingInput(
                    service_id=service,
                    user=f"code:{integration.folder}",
                    department="",
                    unit=unit,
                    requests=_hits_of(integration, provider),
                    bytes_sent=0,
                    first_seen=now,
                    last_seen=now,
                    model=integration.models[0] if integration.models else "",
                )
            )
    digest = hashlib.sha256()
    for hit in scan.hits:
        digest.update(f"{hit.path}\0{hit.line}\0{hit.kind}\0{hit.detail}\n".encode())
    return ScanInput(
        source_kind="code",
        file_name=name,
        sha256=digest.hexdigest(),
        lines=scan.files_read,
        matched=len(scan.hits),
        malformed=len(scan.unreadable),
        findings=tuple(findings),
    )
