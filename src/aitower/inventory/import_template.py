"""The downloadable import templates: the columns, one example row and the allowed values.

A person starting from an empty spreadsheet should not have to read docs/inventory.md to learn
the columns or the words ``kind`` accepts. The CSV template is itself a valid import file: the
allowed values follow the example as ``# ...`` notes in the first column, which the import
skips (``transfer._is_note``). The YAML template says the same in comments. Business units and
owners are the organisation's own (as the reader may see them), so the example row imports as
it stands. Pure: the caller passes the units and usernames.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from enum import Enum

from aitower.core.spreadsheet import inert
from aitower.inventory.lifecycle import Stage
from aitower.inventory.transfer import SYSTEM_COLUMNS, Format, render_systems, system_from_cells
from aitower.inventory.vendor_domain import VENDOR_FIELDS
from aitower.inventory.vocabulary import (
    Affected,
    Autonomy,
    Classification,
    Hosting,
    SystemKind,
    VendorType,
)

LISTED = 40  # units or users named in a note; more are cut with "…"


def _one_of(values: Sequence[str]) -> str:
    shown = list(values[:LISTED]) + (["…"] if len(values) > LISTED else [])
    return ", ".join(shown) if shown else "(none yet)"


def _words(vocabulary: Iterable[Enum]) -> str:
    return _one_of([str(v.value) for v in vocabulary])


def system_notes(units: Sequence[str], usernames: Sequence[str]) -> list[str]:
    """One line per column that takes a fixed vocabulary or syntax."""
    return [
        "# Allowed values (lines starting with # are skipped on import; delete them if you like)",
        "# name, kind and unit are required; a name that exists updates that system",
        f"# kind: one of {_words(SystemKind)}",
        f"# unit: one of {_one_of(units)}",
        f"# accountable_owner, technical_owner: a username, one of {_one_of(usernames)}",
        f"# stage: empty (planning) or one of {_words(Stage)}",
        f"# autonomy: one of {_words(Autonomy)}",
        f"# affected: any of {_words(Affected)}, separated by ;",
        "# models: provider/name@version[:hosting] separated by ;"
        f" (hosting one of {_words(Hosting)})",
        "# data_sources: name:classification[:personal][:special] separated by ;"
        f" (classification one of {_words(Classification)})",
        "# environments: name=endpoint separated by ;",
        "# vendors: names of registered vendors separated by ;",
        "# services: OpenTelemetry service.name values separated by ; (one system each)",
        "# tags: lower-case slugs separated by ;",
        "# docs_url, repository_url: http(s) URLs",
    ]


def system_example(units: Sequence[str], usernames: Sequence[str]) -> dict[str, str]:
    unit = units[0] if units else "Customer Service"
    owner = usernames[0] if usernames else ""
    return {
        "name": "Claims triage assistant",
        "purpose": "Sorts incoming claims and drafts a first reply for an agent to check",
        "kind": SystemKind.llm_app.value,
        "unit": unit,
        "accountable_owner": owner,
        "technical_owner": owner,
        "stage": Stage.development.value,
        "autonomy": Autonomy.human_in_the_loop.value,
        "affected": "customers;employees",
        "models": "openai/gpt-4o@2024-08-06:third_party",
        "vendors": "",
        "data_sources": "claims-db:confidential:personal",
        "environments": "prod=https://claims.example.com",
        "services": "claims-triage",
        "docs_url": "https://wiki.example.com/claims-triage",
        "repository_url": "",
        "tags": "customer-facing",
        "notes": "",
    }


def _csv(columns: Sequence[str], example: dict[str, str], notes: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([inert(example.get(c, "")) for c in columns])
    for note in notes:
        writer.writerow([note] + [""] * (len(columns) - 1))
    return out.getvalue()


def systems_csv(units: Sequence[str], usernames: Sequence[str]) -> str:
    return _csv(SYSTEM_COLUMNS, system_example(units, usernames), system_notes(units, usernames))


def systems_yaml(units: Sequence[str], usernames: Sequence[str]) -> str:
    """The same example as an API record (what the YAML import reads), notes as comments."""
    doc, issues = system_from_cells(system_example(units, usernames))
    assert not issues, issues  # the example is written in the CSV syntax it is parsed with
    notes = ["# Allowed values (comments, ignored on import)", *system_notes(units, usernames)[1:]]
    body = render_systems([doc], Format.yaml)
    return "\n".join(notes) + "\n" + body


def vendor_notes(usernames: Sequence[str]) -> list[str]:
    return [
        "# Allowed values (lines starting with # are skipped on import; delete them if you like)",
        "# name and vendor_type are required; a name that exists updates that vendor",
        f"# vendor_type: one of {_one_of([v.value for v in VendorType])}",
        "# contract_start, contract_end, renewal_date, soc2_until, iso27001_until: YYYY-MM-DD",
        "# annual_value, retention_days: numbers",
        f"# contract_owner: a username, one of {_one_of(usernames)}",
        "# dpa_signed: true or false; trains_on_customer_data: true, false or unknown",
    ]


def vendors_csv(usernames: Sequence[str]) -> str:
    example = {
        "name": "Example AI Ltd",
        "vendor_type": VendorType.model_provider.value,
        "website": "https://ai.example.com",
        "contract_start": "2026-01-01",
        "contract_end": "2027-12-31",
        "renewal_date": "2027-10-01",
        "annual_value": "120000",
        "contract_owner": usernames[0] if usernames else "",
        "dpa_signed": "true",
        "data_residency": "EU",
        "retention_days": "30",
        "trains_on_customer_data": "false",
    }
    return _csv(VENDOR_FIELDS, example, vendor_notes(usernames))
