import uuid
from datetime import timedelta

import pytest

from aitower.core.access import domain, secrets
from aitower.core.access.roles import (
    MATRIX,
    READ_ONLY_SUFFIXES,
    CorePermission,
    Role,
    permission_classes,
)
from aitower.core.access.secrets import api_key_prefix, check_password_strength, generate_api_key
from aitower.core.errors import Forbidden, InvalidInput


@pytest.mark.parametrize(
    ("failures", "lock"),
    [
        (4, None),
        (5, timedelta(minutes=1)),
        (6, timedelta(minutes=2)),
        (7, timedelta(minutes=4)),
        (11, timedelta(hours=1)),
        (50, timedelta(hours=1)),
    ],
)
def test_lockout_doubles_from_one_minute_up_to_one_hour(
    failures: int, lock: timedelta | None
) -> None:
    assert domain.lock_duration(failures) == lock


@pytest.mark.parametrize("name", ["a", "Alice", "-x", "has space", "x" * 65, "ümlaut"])
def test_bad_usernames_are_refused_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        domain.check_username(name)
    assert caught.value.issues[0].field == "username"


def test_auditor_holds_only_read_permissions() -> None:
    for permission, roles in MATRIX.items():
        if Role.auditor in roles:
            assert permission.value.endswith(READ_ONLY_SUFFIXES), permission


def test_every_permission_is_declared_by_the_core_or_one_capability() -> None:
    """The matrix is what the core and the capabilities of the app declare, each value once."""
    from aitower.app import CAPABILITIES

    declared = [CorePermission, *(cls for c in CAPABILITIES for cls in c.permissions)]
    assert len(set(declared)) == len(declared)
    assert set(permission_classes()) == set(declared)
    values = [p.value for cls in declared for p in cls]
    assert len(values) == len(set(values)) and set(MATRIX) == {p for c in declared for p in c}


def test_key_grant_never_exceeds_its_creator() -> None:
    finance, marketing = uuid.uuid4(), uuid.uuid4()
    domain.check_key_grant(
        Role.engineer, frozenset({finance}), domain.KeyGrant(Role.engineer, finance)
    )
    with pytest.raises(Forbidden):
        domain.check_key_grant(
            Role.engineer, frozenset({finance}), domain.KeyGrant(Role.admin, finance)
        )
    with pytest.raises(Forbidden):
        domain.check_key_grant(
            Role.engineer, frozenset({finance}), domain.KeyGrant(Role.engineer, marketing)
        )
    with pytest.raises(InvalidInput):
        domain.check_key_grant(
            Role.engineer, frozenset({finance}), domain.KeyGrant(Role.engineer, None)
        )
    domain.check_key_grant(Role.admin, None, domain.KeyGrant(Role.auditor, None))


def test_api_keys_are_recognisable_and_parse_back_to_their_prefix() -> None:
    key = generate_api_key()
    assert key.secret.startswith("atk_")
    assert api_key_prefix(key.secret) == key.prefix
    assert key.secret_hash != key.secret
    assert api_key_prefix("Bearer nonsense") is None
    assert api_key_prefix("atk_short_x") is None


def test_source_wait_counts_the_sliding_window() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    failures = [now - timedelta(minutes=10) + timedelta(seconds=i) for i in range(30)]
    # the 30th-newest failure leaves the 15-minute window 5 minutes after now
    assert domain.source_wait(failures, now) == 300
    assert domain.source_wait(failures[1:], now) is None
    stale = [now - timedelta(minutes=20)] * 30
    assert domain.source_wait(stale, now) is None


def test_slugs_fold_accents_and_keep_non_latin_names_apart() -> None:
    """#14, finding 8: non-ASCII letters were dropped, so 'Bücher' and 'Bächer' (and any two
    Cyrillic names) got one slug and the second unit was refused."""
    assert domain.slugify("Café Crème") == "cafe-creme"
    assert domain.slugify("Bücher") != domain.slugify("Bächer")
    finance, marketing = domain.slugify("Финансы"), domain.slugify("Маркетинг")
    assert finance != marketing and domain.SLUG_RE.match(finance)
    assert domain.slugify("ФИНАНСЫ") == finance  # the same name in another case is the same
    assert domain.slugify("Finance & Risk") == "finance-risk"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        (" " * 10, "must not be only spaces"),
        ("short", "must be at least 10 characters"),
        ("password1234", "is on a list of passwords leaked in data breaches; choose another"),
        ("alice-at-work", "must not contain the user name"),
        (
            "aaaaaaaaaaaa",
            'is too easy to guess (Repeats like "aaa" are easy to guess: a few '
            "unrelated words make a strong one)",
        ),
        (
            "abcdefghijkl",
            'is too easy to guess (Sequences like "abc" or "6543" are easy to guess: '
            "a few unrelated words make a strong one)",
        ),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    """#14, finding 8: the policy was length only; ten spaces were accepted."""
    with pytest.raises(InvalidInput) as refused:
        check_password_strength(password, "alice")
    assert refused.value.issues[0].reason == reason


@pytest.mark.parametrize("password", ["correct horse battery", "tulip-engine-47-quarry"])
def test_passphrases_pass(password: str) -> None:
    check_password_strength(password, "alice")


def test_passwords_are_argon2id_with_rfc_9106_parameters_unless_a_test_suite_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The suite runs with the cheapest parameters (tests/conftest.py); the product's default,
    without the variable, is RFC 9106's: 64 MiB, 3 passes, 4 lanes. Both verify."""
    cheap = secrets.hash_password("correct horse battery staple")
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    monkeypatch.delenv(secrets.FAST_HASHES_ENV)
    secrets._hasher.cache_clear()
    try:
        stored = secrets.hash_password("correct horse battery staple")
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert secrets.verify_password(cheap, "correct horse battery staple")
        assert not secrets.verify_password(stored, "correct horse battery stapler")
    finally:
        monkeypatch.undo()
        secrets._hasher.cache_clear()
