"""Duplicate initiatives: hand-made portfolios whose answer a reader can check by eye."""

from __future__ import annotations

import itertools
import random

import pytest

from aitower.discovery.duplicates import (
    Initiative,
    InvalidInitiative,
    TelemetryShape,
    find_duplicates,
)
from aitower.discovery.duplicates_phrasing import phrasing_words
from aitower.discovery.duplicates_scoring import THRESHOLD, prepare
from aitower.discovery.duplicates_text import concept_words

SUMMARY_SHAPE = TelemetryShape(input_tokens_per_call=3500, output_tokens_per_call=350)


def _summarisers() -> list[Initiative]:
    """The demo: three units each building a contract summariser, and a lookalike."""
    return [
        Initiative(
            id="proc",
            name="Contract Summariser",
            purpose="Summarise supplier contracts for buyers",
            unit="Procurement",
            vendors=("OpenAI",),
            models=("gpt-4o",),
            data_sources=("SharePoint contracts",),
            telemetry=SUMMARY_SHAPE,
            monthly_cost=1200.0,
        ),
        Initiative(
            id="legal",
            name="Agreement Digest",
            purpose="Contract summary for the legal team: parties, term, renewal",
            unit="Legal",
            vendors=("OpenAI",),
            models=("openai/gpt-4o",),
            data_sources=("SharePoint contracts",),
            telemetry=TelemetryShape(input_tokens_per_call=4100, output_tokens_per_call=300),
            monthly_cost=800.0,
        ),
        Initiative(
            id="sales",
            name="Deal Desk TLDR",
            purpose="Summarizes customer agreements for account managers",
            unit="Sales",
            vendors=("Anthropic",),
            models=("claude-3-5-sonnet",),
            data_sources=("Salesforce",),
            monthly_cost=500.0,
        ),
        Initiative(
            id="risk",
            name="Contract Risk Scorer",
            purpose="Score supplier contracts for risk",
            unit="Risk",
            vendors=("OpenAI",),
            models=("gpt-4o",),
            data_sources=("SharePoint contracts",),
            telemetry=TelemetryShape(input_tokens_per_call=1800, output_tokens_per_call=60),
            monthly_cost=900.0,
        ),
    ]


def test_three_units_contract_summarisers_form_one_cluster_without_the_risk_scorer() -> None:
    [cluster] = find_duplicates(_summarisers())

    assert cluster.members == ("legal", "proc", "sales")
    assert cluster.units == ("Legal", "Procurement", "Sales")
    assert cluster.combined_monthly_cost == 2500.0
    assert THRESHOLD <= cluster.score <= 1.0


def test_reasons_quote_the_purposes_and_name_the_shared_model_and_data_source() -> None:
    [cluster] = find_duplicates(_summarisers())

    assert cluster.reasons[0].startswith("purpose ")
    assert "% alike: '" in cluster.reasons[0]
    assert "same model gpt-4o (2 of 3 systems)" in cluster.reasons
    assert "same data source: SharePoint contracts (2 of 3 systems)" in cluster.reasons
    assert any(
        r.startswith("similar telemetry shape") and r.endswith("(2 of 3 systems)")
        for r in cluster.reasons
    )
    pair = next(p for p in cluster.pairs if {p.first, p.second} == {"proc", "legal"})
    assert "same model gpt-4o" in pair.reasons
    assert "same data source: SharePoint contracts" in pair.reasons
    assert any(reason.startswith("similar telemetry shape") for reason in pair.reasons)


def test_same_unit_pairs_are_not_fragmentation_unless_asked() -> None:
    one_unit = [
        Initiative(id=item.id, name=item.name, purpose=item.purpose, unit="Legal")
        for item in _summarisers()
    ]

    assert find_duplicates(one_unit) == []
    [cluster] = find_duplicates(one_unit, across_units_only=False)
    assert cluster.members == ("legal", "proc", "sales")


def test_unknown_unit_counts_as_another_unit() -> None:
    finding = Initiative(id="shadow", name="contract summariser", purpose="summarise contracts")
    owned = Initiative(
        id="proc",
        name="Contract Summariser",
        purpose="Summarise supplier contracts",
        unit="Procurement",
    )

    [cluster] = find_duplicates([finding, owned])
    assert cluster.members == ("proc", "shadow")
    assert cluster.combined_monthly_cost is None


def test_empty_and_single_inputs_have_no_clusters() -> None:
    assert find_duplicates([]) == []
    assert find_duplicates([_summarisers()[0]]) == []


def test_different_jobs_on_other_objects_stay_apart() -> None:
    portfolio = [
        Initiative(
            id="a", name="HR Q&A", purpose="Answer employee questions about HR policies", unit="HR"
        ),
        Initiative(
            id="b",
            name="Invoice Extractor",
            purpose="Extract fields from supplier invoices",
            unit="Finance",
        ),
        Initiative(id="c", name="Code Assistant", purpose="Code completion in the IDE", unit="IT"),
    ]
    assert find_duplicates(portfolio) == []


@pytest.mark.parametrize(
    ("field", "item"),
    [
        ("initiatives[1].id", Initiative(id="proc", name="again")),
        ("initiatives[1].name", Initiative(id="x", name=" ")),
        (
            "initiatives[1].telemetry.output_tokens_per_call",
            Initiative(id="x", name="x", telemetry=TelemetryShape(100, 0)),
        ),
        ("initiatives[1].monthly_cost", Initiative(id="x", name="x", monthly_cost=-1.0)),
    ],
)
def test_bad_input_names_the_record_and_field(field: str, item: Initiative) -> None:
    with pytest.raises(InvalidInitiative, match=field.replace("[", r"\[").replace("]", r"\]")):
        find_duplicates([_summarisers()[0], item])


def test_spellings_inflections_and_synonyms_meet() -> None:
    assert concept_words("Summarises supplier agreements") == ["summary", "supplier", "contract"]
    assert concept_words("contract summarizer") == ["contract", "summary"]
    assert concept_words("Contract Risk Scorer") == ["contract", "score", "score"]


def _random_portfolio(seed: int) -> list[Initiative]:
    rng = random.Random(seed)
    verbs = [
        "Summarise",
        "Summary of",
        "Extract fields from",
        "Answer questions about",
        "Translate",
        "Classify",
        "Score the risk of",
    ]
    objects = [
        "supplier contracts",
        "vendor agreements",
        "invoices",
        "vendor bills",
        "support tickets",
        "HR policies",
        "meeting notes",
    ]
    units = ["Legal", "Finance", "HR", "Sales", None]
    return [
        Initiative(
            id=f"s{k}",
            name=f"system {k}",
            purpose=f"{rng.choice(verbs)} {rng.choice(objects)}",
            unit=rng.choice(units),
            models=(rng.choice(["gpt-4o", "claude-3-haiku"]),),
        )
        for k in range(rng.randrange(2, 70))
    ]


@pytest.mark.parametrize("seed", range(12))
def test_clusters_are_disjoint_and_each_is_connected_by_pairs_above_the_threshold(
    seed: int,
) -> None:
    portfolio = _random_portfolio(seed)
    units = {item.id: item.unit for item in portfolio}
    clusters = find_duplicates(portfolio)

    members = [m for cluster in clusters for m in cluster.members]
    assert len(members) == len(set(members))
    for cluster in clusters:
        assert len(cluster.members) >= 2
        assert len(cluster.pairs) == len(cluster.members) - 1
        assert cluster.linked_pairs >= len(cluster.pairs)
        edges = {(p.first, p.second) for p in cluster.pairs}
        for pair in cluster.pairs:
            assert pair.score >= THRESHOLD - 0.0005  # scores are rounded to 3 places
            assert {pair.first, pair.second} <= set(cluster.members)
            assert units[pair.first] is None or units[pair.first] != units[pair.second]
        reached, frontier = {cluster.members[0]}, [cluster.members[0]]
        while frontier:
            node = frontier.pop()
            for a, b in edges:
                for here, there in ((a, b), (b, a)):
                    if here == node and there not in reached:
                        reached.add(there)
                        frontier.append(there)
        assert reached == set(cluster.members)


def test_result_does_not_depend_on_input_order() -> None:
    portfolio = _random_portfolio(3)
    shuffled = portfolio[:]
    random.Random(1).shuffle(shuffled)

    def shape(clusters: list) -> set:  # type: ignore[type-arg]
        return {c.members for c in clusters}

    assert shape(find_duplicates(portfolio)) == shape(find_duplicates(shuffled))


def test_pairs_in_a_cluster_are_listed_once_best_first() -> None:
    [cluster] = find_duplicates(_summarisers())
    keys = [frozenset((p.first, p.second)) for p in cluster.pairs]
    assert len(keys) == len(set(keys))
    assert [p.score for p in cluster.pairs] == sorted(
        (p.score for p in cluster.pairs), reverse=True
    )
    assert all(a != b for a, b in itertools.combinations(keys, 2))


def test_three_contract_summarisers_worded_differently_form_one_cluster() -> None:
    # Three units, three wordings of one job, no shared model, source or telemetry: the text
    # alone must bring them together (summarise/digest/TL;DR, contracts/agreements/MSAs).
    portfolio = [
        Initiative(
            id="a", name="Contract Summariser", purpose="Summarise supplier contracts", unit="A"
        ),
        Initiative(
            id="b", name="Agreement Digest", purpose="Digest of vendor agreements", unit="B"
        ),
        Initiative(id="c", name="MSA TL;DR", purpose="TL;DR of client MSAs", unit="C"),
        Initiative(
            id="d",
            name="Contract Risk Classifier",
            purpose="Classify supplier contracts by risk",
            unit="D",
        ),
    ]

    [cluster] = find_duplicates(portfolio)

    assert cluster.members == ("a", "b", "c")
    assert cluster.linked_pairs == 3  # every pair, not a chain


def test_contract_summariser_and_contract_risk_classifier_are_not_duplicates() -> None:
    # Same object, same unit-free wording, other job: the job mismatch keeps them apart.
    portfolio = [
        Initiative(
            id="sum", name="Contract Summariser", purpose="Summarise supplier contracts", unit="A"
        ),
        Initiative(
            id="risk",
            name="Contract Risk Classifier",
            purpose="Classify supplier contracts by risk",
            unit="B",
        ),
    ]
    assert find_duplicates(portfolio) == []


def test_acronym_plurals_meet_their_concept() -> None:
    # Snowball keeps "msas" and "cvs"; without the plural rule they share nothing with
    # "MSA" and "CV" and the two systems are never compared.
    assert concept_words("client MSAs") == concept_words("client MSA") == ["customer", "contract"]
    assert concept_words("CVs") == ["resume"]


def test_two_clusters_merge_when_half_the_pairs_between_them_are_linked() -> None:
    # Hand-computed scores (token set + sort ratios of the concept words, / 200): a, b, c
    # alike score 1; each with d ("summary supplier invoice") 0.788; d with e ("summary
    # invoice") 0.885; a, b, c with e 0.568, under the threshold. Best first: {a, b, c},
    # then {d, e}, then a–d asks to merge the two: 3 of the 3 × 2 pairs between them are
    # linked (a–d, b–d, c–d), density 0.5 ≥ MIN_LINK_DENSITY, so they merge.
    texts = {
        "a": "Summarise supplier contracts",
        "b": "Summarise supplier contracts",
        "c": "Summarise supplier contracts",
        "d": "Summarise supplier invoices",
        "e": "Summarise invoices",
    }
    portfolio = [
        Initiative(id=key, name=key, purpose=text, unit=f"unit {key}")
        for key, text in texts.items()
    ]

    [cluster] = find_duplicates(portfolio)

    assert cluster.members == ("a", "b", "c", "d", "e")
    assert cluster.linked_pairs == 7
    assert [(p.first, p.second, p.score) for p in cluster.pairs] == [
        ("a", "b", 1.0),
        ("a", "c", 1.0),
        ("d", "e", 0.885),
        ("a", "d", 0.788),
    ]
    # Without d, e is linked to nobody: a, b, c stay alone.
    [alone] = find_duplicates([item for item in portfolio if item.id != "d"])
    assert alone.members == ("a", "b", "c")


_OBJECTS = [
    "invoices",
    "tickets",
    "claims",
    "contracts",
    "payments",
    "resumes",
    "emails",
    "policies",
    "orders",
    "shipments",
    "complaints",
]


def test_words_one_job_is_always_phrased_with_are_learnt_from_the_portfolio() -> None:
    # Hand-computed: "right" and "queue" are used 11 times, all by routers (share 1 ≥ 0.7,
    # uses ≥ 10); each object is used twice, once per job; "summary" and "classify" are jobs.
    prepared = [
        prepare(Initiative(id=f"r{k}", name="x", purpose=f"Route {o} to the right queue"))
        for k, o in enumerate(_OBJECTS)
    ] + [
        prepare(Initiative(id=f"s{k}", name="x", purpose=f"Summarise {o}"))
        for k, o in enumerate(_OBJECTS)
    ]

    assert phrasing_words(prepared) == {"right", "queue"}
    assert phrasing_words(prepared[:9]) == frozenset()  # nine uses: too few to learn from


def test_routers_of_different_objects_are_not_one_cluster_however_alike_their_phrasing() -> None:
    routers = [
        Initiative(id=f"r{k}", name="Router", purpose=f"Route {o} to the right queue", unit=f"u{k}")
        for k, o in enumerate(_OBJECTS)
    ]
    twin = Initiative(
        id="twin", name="Router", purpose="Route invoices to the right team", unit="v"
    )

    [cluster] = find_duplicates([*routers, twin])

    assert cluster.members == ("r0", "twin")  # both route invoices
