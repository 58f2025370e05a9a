"""Redaction: nothing detected survives; equal values hash equal; overlaps stay whole."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from aitower.detectors.detection import Action, Category, Detection
from aitower.detectors.redact import digest, mask, redact
from aitower.detectors.scan import scan

KEY = b"k" * 32
TEXT = (
    "Jane (jane@corp.io, +49 30 901820) pays from DE89 3704 0044 0532 0130 00 with card "
    "4111 1111 1111 1111; token 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."
)


@pytest.mark.parametrize("action", [Action.drop, Action.mask, Action.hash])
def test_no_detected_value_survives(action: Action) -> None:
    found = scan(TEXT)
    assert len(found) == 5
    out = redact(TEXT, found, {}, KEY, default=action)
    for d in found:
        assert TEXT[d.start : d.end] not in out


def test_drop_labels() -> None:
    out = redact(TEXT, scan(TEXT), {"email": Action.drop, "iban": Action.drop}, KEY)
    assert out.startswith("Jane ([EMAIL], +49 30 901820) pays from [IBAN] with card 4111")


def test_mask_keeps_the_last_four_of_numbers_and_a_key_prefix() -> None:
    assert mask("4111 1111 1111 1111", "payment_card") == "**** **** **** 1111"
    assert mask("DE89370400440532013000", "iban") == "******************3000"
    assert mask("ghp_abcdef", "secret.github_token") == "ghp_******"
    assert mask("AKIA2E3MNCXDRWQ5QHZE", "secret.aws_access_key") == "AKIA" + "*" * 16
    assert mask("jane@corp.io", "email") == "****@****.**"


def test_digest_is_hmac_sha256_of_the_normalised_value() -> None:
    expected = hmac.new(KEY, b"DE89370400440532013000", hashlib.sha256).hexdigest()
    assert digest("de89 3704 0044 0532 0130 00", KEY, "iban") == expected
    assert digest("DE89370400440532013000", KEY) == expected
    assert len(expected) == 64
    with pytest.raises(ValueError, match="empty"):
        digest("x", b"")


def test_equal_values_hash_equal_in_the_text() -> None:
    text = "from DE89 3704 0044 0532 0130 00 to DE89370400440532013000 and GB82WEST12345698765432"
    out = redact(text, scan(text), {"iban": Action.hash}, KEY)
    tags = [w.strip(".") for w in out.split() if w.startswith("[IBAN:")]
    assert len(tags) == 3 and tags[0] == tags[1] != tags[2]
    assert len(tags[0]) == len("[IBAN:]") + 12


def test_overlapping_detections_are_replaced_as_one_span() -> None:
    text = "value 4111111111111111 end"
    pd = Category.personal_data
    a = Detection("payment_card", pd, 6, 22, 0.9, "")
    b = Detection("phone", pd, 10, 22, 0.6, "")
    out = redact(text, [b, a], {}, KEY, default=Action.drop)
    assert out == "value [PAYMENT CARD] end"


def test_keep_leaves_the_text() -> None:
    assert redact(TEXT, scan(TEXT), {}, KEY) == TEXT
