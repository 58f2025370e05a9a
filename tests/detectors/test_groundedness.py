"""The groundedness signal on hand-made RAG cases: each claim's status, checked by hand."""

from __future__ import annotations

import pytest

from aitower.detectors.groundedness import Status, check, sentences
from aitower.detectors.groundedness_facts import dates, numbers

CONTEXT = (
    "Acme Corp reported revenue of $1,200,000 in fiscal 2023. Revenue grew 9% compared with "
    "2022. The company has 1,000 employees in twelve countries. The CEO is Jane Smith. The "
    "annual report was published on 15 March 2024 and audited by KPMG."
)


def statuses(answer: str, contexts: list[str] | None = None) -> list[tuple[str, Status]]:
    result = check(answer, [CONTEXT] if contexts is None else contexts)
    return [(c.text, c.status) for s in result.sentences for c in s.claims]


def test_a_supported_number_in_another_notation() -> None:
    result = check("Acme Corp's revenue was $1.2 million in 2023.", [CONTEXT])
    assert result.score == 1.0
    (sentence,) = result.sentences
    assert sentence.status is Status.supported
    assert [(c.kind, c.text) for c in sentence.claims] == [
        ("name", "Acme Corp's"),
        ("number", "$1.2 million"),
        ("date", "2023"),
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "The company has 1000 employees.",
        "The company has 1,000 employees.",
        "Revenue grew 9 % in the year.",
        "Revenue grew 9 percent in the year.",
        "It employs staff in 12 countries.",  # "twelve" in the context
        "The report came out on 2024-03-15.",
        "The report came out on March 15, 2024.",
        "The report came out in March 2024.",
        "The report came out on 15/03/2024.",
    ],
)
def test_normalised_numbers_and_dates_are_supported(answer: str) -> None:
    result = check(answer, [CONTEXT])
    assert result.score == 1.0, result.sentences
    assert result.sentences[0].status is Status.supported


def test_an_invented_number_is_unsupported() -> None:
    result = check("The company opened 37 new offices.", [CONTEXT])
    (sentence,) = result.sentences
    assert sentence.status is Status.unsupported
    assert sentence.reason == "37 is in no context"
    assert result.score == 0.0


def test_a_different_figure_for_the_same_subject_is_contradicted() -> None:
    answer = "Revenue grew 12% in 2023."
    result = check(answer, [CONTEXT])
    (sentence,) = result.sentences
    assert sentence.status is Status.contradicted
    growth, year = sentence.claims
    assert (growth.text, growth.status) == ("12%", Status.contradicted)
    assert answer[growth.start : growth.end] == "12%"
    assert growth.reason.startswith("12%, but the context says 9% (")
    assert year.status is Status.supported
    assert result.score == 0.5  # 1 supported of 2 checkable, by hand


def test_a_different_count_and_date_are_contradicted() -> None:
    assert statuses("The company has 1,500 employees.") == [("1,500", Status.contradicted)]
    assert statuses("The annual report was published on 20 March 2024.") == [
        ("20 March 2024", Status.contradicted)
    ]


def test_a_figure_of_another_kind_does_not_contradict() -> None:
    # The context's "9%" is a percentage; "9 offices" is a count: unsupported, not contradicted.
    assert statuses("Revenue grew by 9 offices.") == [("9", Status.unsupported)]


def test_a_name_not_in_the_context_is_unsupported() -> None:
    result = check("The CEO, John Doe, praised the auditors from KPMG.", [CONTEXT])
    (sentence,) = result.sentences
    assert sentence.status is Status.unsupported
    assert [(c.text, c.status) for c in sentence.claims] == [
        ("CEO", Status.supported),
        ("John Doe", Status.unsupported),
        ("KPMG", Status.supported),
    ]
    assert sentence.reason == "John Doe is in no context"
    assert result.score == pytest.approx(2 / 3)


def test_a_sentence_without_claims_is_no_claims_and_scores_one() -> None:
    result = check("The company is doing well overall.", [CONTEXT])
    assert result.score == 1.0
    (sentence,) = result.sentences
    assert sentence.status is Status.no_claims
    assert sentence.claims == ()
    assert result.checkable == 0


def test_sentences_are_scored_together_with_offsets() -> None:
    answer = "It operates in about 12 countries, says Jane Smith. The GDPR applies to it."
    result = check(answer, [CONTEXT])
    first, second = result.sentences
    assert answer[first.start : first.end] == "It operates in about 12 countries, says Jane Smith."
    assert first.status is Status.supported
    assert answer[second.start : second.end] == "The GDPR applies to it."
    assert second.status is Status.unsupported
    assert (result.supported, result.checkable) == (2, 3)
    assert result.score == pytest.approx(2 / 3)


def test_hedged_numbers_match_to_the_precision_written() -> None:
    context = ["Churn was 39.6% and the platform served 1,203,000 requests."]
    assert statuses("Churn was about 40%.", context) == [("40%", Status.supported)]
    assert statuses("Churn was 40%.", context) == [("40%", Status.supported)]
    assert statuses("Churn was 39.5%.", context) == [("39.5%", Status.contradicted)]
    assert statuses("It served about 1,200,000 requests.", context) == [
        ("1,200,000", Status.supported)
    ]
    assert statuses("It served 1,200,000 requests.", context) == [
        ("1,200,000", Status.contradicted)
    ]
    assert statuses("It served 1.2 million requests.", context) == [
        ("1.2 million", Status.supported)
    ]


def test_an_answer_with_nothing_to_check_against_no_context() -> None:
    result = check("Revenue grew 9%.", [])
    assert result.sentences[0].status is Status.unsupported
    assert result.score == 0.0


def test_sentence_splitting_keeps_abbreviations_and_decimals() -> None:
    text = "Growth was 3.5% vs. last year, e.g. in Europe. Costs fell.\n\n- A bullet"
    spans = [text[s:e] for s, e in sentences(text)]
    assert spans == [
        "Growth was 3.5% vs. last year, e.g. in Europe.",
        "Costs fell.",
        "- A bullet",
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1,000", 1000.0),
        ("1.000.000,5", 1000000.5),
        ("3,5", 3.5),
        ("$1.2bn", 1.2e9),
        ("€ 2.5k", 2500.0),
        ("12'500", 12500.0),
    ],
)
def test_number_notations(written: str, value: float) -> None:
    (number,) = numbers(f"costs {written} a year")
    assert value in number.values


def test_ambiguous_day_month_order_keeps_both_readings() -> None:
    (date,) = dates("on 03/04/2024")
    assert date.candidates == {(2024, 4, 3), (2024, 3, 4)}
