"""Which system a bill's line is for: the ``aitower-system`` tag, then the mapping rules. Pure.

In order, the first that matches wins:

1. a tag ``aitower-system`` whose value is a system's id or exact name (no rule needed);
2. a ``tag`` rule: the line has the rule's tag key with the rule's value;
3. a ``resource_group`` rule (Azure resource group);
4. an ``account`` rule: AWS account, Azure subscription or Google Cloud project.

Tag keys compare as ``sources.tag_key`` spells them (case, ``_``, ``:`` and ``-`` alike);
values compare exactly. A line no rule matches stays unattributed: it is kept, with its tags,
so a rule added later can claim it (``mappings_service.reattribute``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from enum import StrEnum

from aitower.core.errors import InvalidInput
from aitower.spend.sources import SYSTEM_TAG, tag_key


class MatchKind(StrEnum):
    tag = "tag"
    resource_group = "resource_group"
    account = "account"


@dataclass(frozen=True, slots=True)
class Rule:
    kind: MatchKind
    key: str  # the tag key; "" for accounts and resource groups
    value: str
    system_id: uuid.UUID

    @property
    def label(self) -> str:
        if self.kind is MatchKind.tag:
            return f"tag {self.key}={self.value}"
        return f"{self.kind.value.replace('_', ' ')} {self.value}"


def check_rule(kind: str, key: str, value: str) -> tuple[MatchKind, str, str]:
    """A rule's parts cleaned; InvalidInput naming the field (``match_kind``, ``match_key``,
    ``match_value``) and why."""
    try:
        match = MatchKind(kind.strip())
    except ValueError:
        raise InvalidInput.on("match_kind", "must be tag, account or resource_group") from None
    key, value = key.strip(), value.strip()
    if match is MatchKind.tag and not key:
        raise InvalidInput.on("match_key", "a tag rule needs the tag's key")
    if match is not MatchKind.tag and key:
        raise InvalidInput.on("match_key", "only tag rules have a key")
    if not value:
        raise InvalidInput.on("match_value", "is required")
    if len(value) > 300 or len(key) > 200:
        raise InvalidInput.on("match_value" if len(value) > 300 else "match_key", "is too long")
    return match, key, value


@dataclass(frozen=True, slots=True)
class Match:
    system_id: uuid.UUID | None
    matched_by: str  # "" when unattributed


UNMATCHED = Match(None, "")


class Matcher:
    """The rules and the systems' names, indexed for matching many lines."""

    def __init__(self, rules: list[Rule], systems: dict[str, uuid.UUID]) -> None:
        """``systems``: every system by its id (as text) and by its exact name."""
        self.systems = systems
        self.tags = {(tag_key(r.key), r.value): r for r in rules if r.kind is MatchKind.tag}
        self.groups = {r.value: r for r in rules if r.kind is MatchKind.resource_group}
        self.accounts = {r.value: r for r in rules if r.kind is MatchKind.account}

    def match(self, tags: dict[str, str], account: str, resource_group: str) -> Match:
        keyed = {tag_key(k): v.strip() for k, v in tags.items()}
        named = keyed.get(SYSTEM_TAG)
        if named and named in self.systems:
            return Match(self.systems[named], f"tag {SYSTEM_TAG}")
        for pair in sorted(keyed.items()):
            rule = self.tags.get(pair)
            if rule is not None:
                return Match(rule.system_id, rule.label)
        for value, index in ((resource_group, self.groups), (account, self.accounts)):
            rule = index.get(value) if value else None
            if rule is not None:
                return Match(rule.system_id, rule.label)
        return UNMATCHED


def unmatched_detail(tags: dict[str, str], resource_group: str) -> str:
    """What an unattributed record keeps to be matched later: its tags and resource group."""
    if not tags and not resource_group:
        return ""
    doc: dict[str, object] = {"tags": dict(sorted(tags.items()))}
    if resource_group:
        doc["resource_group"] = resource_group
    return json.dumps(doc, sort_keys=True)


def read_detail(text: str) -> tuple[dict[str, str], str]:
    """The tags and resource group ``unmatched_detail`` wrote (empty for anything else)."""
    if not text.startswith("{"):
        return {}, ""
    try:
        doc = json.loads(text)
    except ValueError:
        return {}, ""
    tags = doc.get("tags") if isinstance(doc, dict) else None
    group = doc.get("resource_group", "") if isinstance(doc, dict) else ""
    if not isinstance(tags, dict):
        tags = {}
    return {str(k): str(v) for k, v in tags.items()}, str(group)
