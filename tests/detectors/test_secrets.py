"""Secret detectors: provider keys, PEM blocks, JWTs, password assignments; documented
example keys and placeholders stay under the scan's threshold."""

from __future__ import annotations

import pytest

from aitower.detectors.scan import scan
from aitower.detectors.secret_keys import github_checksum_ok

# Made for these tests (random characters with the providers' shapes), not real keys.
GITHUB = "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"  # its CRC32 checksum holds
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
AZURE = "Qm9ndXNLZXlGb3JUZXN0czEyMzQ1Njc4OTBhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ekFCQ0RFRkdISUo1Nw=="


def found(text: str, min_confidence: float = 0.5) -> list[tuple[str, str]]:
    return [(d.type, text[d.start : d.end]) for d in scan(text, min_confidence=min_confidence)]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("aws_access_key", "AKIA2E3MNCXDRWQ5QHZE"),
        ("github_token", GITHUB),
        ("github_token", "github_pat_11ABCDEFG0abcdefghijkl_" + "a1B2c3D4e5" * 5 + "f6G7h6Q3Z"),
        ("gitlab_token", "glpat-k3Jd9sLq2XwPz8RtYv4N"),
        ("slack_token", "xoxb-2637284920-3948572638492-Jd8sKq02LmNxPz7rTyVw"),
        ("stripe_key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc9q"),
        ("openai_key", "sk-proj-Zq8vB3nX0rT5yW2mK7pL9sD4fG6hJ1cV"),
        ("anthropic_key", "sk-ant-api03-Zq8vB3nX0rT5yW2mK7pL9sD4fG6hJ1cVbN"),
        ("google_api_key", "AIzaSyD8s7Kq2LmNxPz7rTyVwQ3bC4dE5fG6hJ1"),
        ("jwt", JWT),
    ],
)
def test_prefixed_keys(kind: str, value: str) -> None:
    assert found(f"config: {value} (rotate it)") == [(f"secret.{kind}", value)]


def test_github_checksum() -> None:
    assert github_checksum_ok(GITHUB)
    assert not github_checksum_ok(GITHUB[:-1] + "y")
    (good,) = scan(GITHUB)
    (bad,) = scan(GITHUB[:-1] + "y")
    assert good.confidence > bad.confidence
    assert "checksum" in good.reason


def test_private_key_block() -> None:
    pem = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----"
    )
    assert found(f"key:\n{pem}\nend") == [("secret.private_key", pem)]


def test_aws_secret_key_only_next_to_its_name() -> None:
    value = "Jq8vB3nX0rT5yW2mK7pL9sD4fG6hJ1cVbN/Zx+Qw"
    assert found(f"aws_secret_access_key = {value}") == [("secret.aws_secret_key", value)]
    assert found(f"checksum {value}") == []


def test_azure_storage_key() -> None:
    conn = (
        "DefaultEndpointsProtocol=https;AccountName=acme;"
        f"AccountKey={AZURE};EndpointSuffix=core.windows.net"
    )
    assert found(conn) == [("secret.azure_storage_key", AZURE)]


def test_password_assignment() -> None:
    assert found('db_password = "Tr0ub4dor&3x"') == [
        ("secret.generic_password_assignment", "Tr0ub4dor&3x")
    ]
    assert found("password: ********") == []
    assert found("password = <your-password>") == []


@pytest.mark.parametrize(
    "text",
    [
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "OPENAI_API_KEY=sk-your-key-here-xxxxxxxxxxxxxxxx",
        "token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "the header eyJhbGciOi is cut short",
    ],
)
def test_examples_and_look_alikes_stay_under_the_threshold(text: str) -> None:
    assert found(text) == []


def test_documented_example_is_reported_low_with_its_reason() -> None:
    (d,) = scan("AKIAIOSFODNN7EXAMPLE", min_confidence=0.0)
    assert d.confidence < 0.5 and "example" in d.reason
