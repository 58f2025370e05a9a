"""What a policy can see of a system and its vendors: plain, frozen facts (pure, no storage).

``inventory.facts`` gathers them in bulk from the inventory; governance completes them with
risk and approval facts (``governance.facts_loader``) and judges them (``governance.evaluation``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from aitower.core.evidence_facts import Judgement


@dataclass(frozen=True, slots=True)
class VendorFacts:
    name: str
    vendor_type: str
    dpa_signed: bool
    soc2_until: date | None
    iso27001_until: date | None
    trains_on_customer_data: bool | None  # None: the vendor has not said
    data_residency: str
    risk_rating: str  # low | medium | high | critical (inventory.vendor_rating)

    def attestation_valid(self, on: date) -> bool:
        """SOC 2 or ISO/IEC 27001 still valid on ``on``."""
        return any(
            until is not None and until >= on for until in (self.soc2_until, self.iso27001_until)
        )


@dataclass(frozen=True, slots=True)
class SystemFacts:
    id: uuid.UUID
    name: str
    kind: str  # inventory.vocabulary.SystemKind
    unit_id: uuid.UUID
    unit: str  # the business unit's name, as policies select by name
    stage: str  # inventory.lifecycle.Stage
    tier: str | None  # inventory.vocabulary.RiskTier; None: not assessed
    tags: frozenset[str] = frozenset()
    data_classification: str = "public"  # the most sensitive of its data sources
    personal_data: bool = False
    special_category_data: bool = False
    # Fields of the record that hold a value (names as in FIELD_NAMES of governance.policy).
    fields_set: frozenset[str] = frozenset()
    # Kinds of documents/evidence attached (DOCUMENT_KINDS of governance.policy).
    documents: frozenset[str] = frozenset()
    # Kinds whose every attached document is past its last valid day (and so not in documents).
    expired_documents: frozenset[str] = frozenset()
    # Verdicts on the live objects linked as evidence (a fairness monitor ...), judged now.
    judgements: tuple[Judgement, ...] = ()
    questionnaire_done: bool = False
    vendors: tuple[VendorFacts, ...] = ()
    # Residual scores (likelihood × impact, 1..25) of the register's risks that are not closed.
    open_risk_scores: tuple[int, ...] = ()
