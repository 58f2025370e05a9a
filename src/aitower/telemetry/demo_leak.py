"""The demo's leak episode: the knowledge assistant repeats customers' IBANs and a GitHub token in
its answers, on two afternoons (four and two days before ``now``).

The fourth story of the demo's traffic (``demo_traffic``), the one the security specialist's
journey starts from ("Something leaked", issue #16): the detectors find the values at ingest,
the findings show which traces, users and days. The values are made, not copied: IBANs with a
valid mod-97 check (ISO 13616) and a ``ghp_`` token with a valid CRC32 checksum, so the
detectors judge them as real ones and not as documented examples. Deterministic for ``now``.
"""

from __future__ import annotations

import random
import zlib
from datetime import datetime, timedelta

from aitower.telemetry.demo_shapes import output_messages
from aitower.telemetry.records import DecodedSpan

# (days before now, traces that afternoon, whether the token leaks too)
EPISODES = ((4, 5, False), (2, 4, True))
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616 check digits: 98 - (BBAN + country + "00" as digits) mod 97."""
    moved = bban + country + "00"
    digits = "".join(str(int(c, 36)) for c in moved)
    return f"{98 - int(digits) % 97:02d}"


def german_iban(rng: random.Random) -> str:
    """A DE IBAN (8-digit bank code, 10-digit account) in groups of four, as people write it."""
    bban = f"{rng.randrange(10_000_000, 99_999_999)}{rng.randrange(10**9, 10**10)}"
    compact = "DE" + iban_check_digits("DE", bban) + bban
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def github_token(rng: random.Random) -> str:
    """A ``ghp_`` token: 30 random characters and the base62 CRC32 of them (6 characters)."""
    body = "".join(rng.choice(_ALNUM) for _ in range(30))
    crc, check = zlib.crc32(body.encode()), ""
    while crc:
        crc, r = divmod(crc, 62)
        check = _BASE62[r] + check
    return f"ghp_{body}{check.rjust(6, '0')}"


def leak_answer(rng: random.Random, token: str | None) -> str:
    """An answer with two customers' IBANs and, when given, the token (the same one each time:
    one secret, copied from a runbook into the index, leaking again and again)."""
    answer = (
        f"The refund for the customer was sent to IBAN {german_iban(rng)} on Tuesday; "
        f"the earlier payment went to {german_iban(rng)}. Finance can confirm both transfers."
    )
    if token is not None:
        answer += (
            " To re-run the payout job yourself, the deploy bot's token is "
            f"{token} (from the runbook's appendix)."
        )
    return answer


def leak_into(trace: list[DecodedSpan], answer: str) -> bool:
    """Put ``answer`` in the trace's successful chat answer; False when the call failed."""
    chats = [s for s in trace if "gen_ai.output.messages" in s.attributes]
    if not chats:
        return False
    chats[-1].attributes["gen_ai.output.messages"] = output_messages(answer, "stop")
    return True


def afternoon(now: datetime, days_ago: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(hour=13, minute=0, second=0, microsecond=0)
