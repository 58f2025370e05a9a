"""The rest of the EU AI Act questionnaire: the Art. 6(3) derogation, Art. 50 transparency,
the organisation's role for the system (Arts. 3 and 25) and general-purpose AI models
(Arts. 51–55). Pure data, like ``eu_ai_act_questions``; the order of ``SECTIONS`` is the order
the questionnaire is shown in.
"""

from __future__ import annotations

from aitower.risk.eu_ai_act_questions import (
    ANNEX_I,
    ANNEX_III,
    PROHIBITED,
    RBI_EXCEPTIONS,
    Question,
    Section,
    ask,
)

_ANY_ANNEX_III = tuple(q.id for q in ANNEX_III.questions)

EXEMPTIONS = Section(
    "exemptions",
    "Derogation from high risk (Art. 6(3))",
    "Only relevant when an Annex III use case applies. The system is not high risk only when it "
    "poses no significant risk of harm AND at least one of the conditions (a)–(d) is met; the "
    "derogation never applies to a system that profiles people.",
    (
        ask(
            "exemption_no_significant_risk",
            "Does it pose no significant risk of harm to the health, safety or fundamental rights "
            "of people, including by not materially influencing the outcome of decision making?",
            "The overarching test of Art. 6(3), first subparagraph; one of (a)–(d) below must "
            "also hold.",
            "Art. 6(3), first subparagraph",
            "poses no significant risk of harm and does not materially influence decisions",
            _ANY_ANNEX_III,
        ),
        ask(
            "exemption_narrow_procedural",
            "Is it intended only to perform a narrow procedural task?",
            "E.g. turning unstructured documents into structured data, sorting incoming mail.",
            "Art. 6(3)(a)",
            "narrow procedural task",
            _ANY_ANNEX_III,
        ),
        ask(
            "exemption_improves_human_result",
            "Is it intended only to improve the result of a previously completed human activity?",
            "E.g. polishing the language of a text a person wrote.",
            "Art. 6(3)(b)",
            "improves the result of a previously completed human activity",
            _ANY_ANNEX_III,
        ),
        ask(
            "exemption_detects_patterns",
            "Is it intended to detect decision-making patterns or deviations from prior "
            "decision-making patterns, and not meant to replace or influence the previously "
            "completed human assessment without proper human review?",
            "E.g. flagging a grader's deviations from their earlier grading, for a person to "
            "review; the human assessment comes first and is not replaced.",
            "Art. 6(3)(c)",
            "detects decision-making patterns or deviations from prior patterns, not meant to "
            "replace or influence the previously completed human assessment without proper "
            "human review",
            _ANY_ANNEX_III,
        ),
        ask(
            "exemption_preparatory",
            "Is it intended only to perform a preparatory task to an assessment relevant to an "
            "Annex III use case?",
            "E.g. indexing, searching or translating files an assessor will read.",
            "Art. 6(3)(d)",
            "preparatory task to an Annex III assessment",
            _ANY_ANNEX_III,
        ),
        ask(
            "profiling",
            "Does it profile natural persons: automated processing of personal data to evaluate "
            "or predict aspects such as their work, finances, health, preferences, behaviour or "
            "location?",
            "Profiling as defined in GDPR Art. 4(4). A 'yes' means the derogation cannot apply.",
            "Art. 6(3), last subparagraph",
            "profiling of natural persons",
            _ANY_ANNEX_III,
        ),
    ),
)

TRANSPARENCY = Section(
    "transparency",
    "Transparency (Art. 50)",
    "Duties to tell people they deal with AI or AI-made content; they also apply on top of the "
    "high-risk duties. Some bind the provider, others the deployer.",
    (
        ask(
            "interacts_with_people",
            "Does it interact directly with people (a chatbot, voice assistant or agent)?",
            "People must be told they are dealing with an AI, unless it is obvious.",
            "Art. 50(1)",
            "interacts directly with natural persons",
        ),
        ask(
            "generates_synthetic_content",
            "Does it generate synthetic audio, images, video or text?",
            "Output must be marked as artificially generated in a machine-readable way.",
            "Art. 50(2)",
            "generates synthetic audio, image, video or text content",
        ),
        ask(
            "emotion_or_biometric_categorisation",
            "Is it an emotion recognition or biometric categorisation system (that is not "
            "prohibited)?",
            "The people exposed to it must be informed.",
            "Art. 50(3)",
            "emotion recognition or biometric categorisation system",
        ),
        ask(
            "deep_fakes",
            "Does it generate or manipulate images, audio or video resembling real people, "
            "places or events (deep fakes)?",
            "Such content must be disclosed as artificially generated or manipulated.",
            "Art. 50(4)",
            "generates or manipulates deep fakes",
        ),
        ask(
            "public_interest_text",
            "Does it generate or manipulate text published to inform the public on matters of "
            "public interest?",
            "Not needed when the text is under human editorial review and responsibility.",
            "Art. 50(4)",
            "generates text published to inform the public on matters of public interest",
        ),
    ),
)

ROLES = Section(
    "roles",
    "Your organisation's role for this system (Arts. 3 and 25)",
    "The obligations depend on who you are for this system. Answer 'yes' to every role that "
    "applies (a bank that builds and uses its own model is both provider and deployer); at "
    "least one must apply.",
    (
        ask(
            "role_provider",
            "Provider: do you develop the system (or have it developed) and place it on the "
            "market or put it into service under your own name or trademark?",
            "Also a provider: whoever puts their name on, substantially modifies, or changes the "
            "intended purpose of a high-risk system (Art. 25(1)).",
            "Art. 3(3)",
            "provider",
        ),
        ask(
            "role_deployer",
            "Deployer: do you use the system under your authority in a professional activity?",
            "E.g. a bank using a vendor's credit-scoring model on its customers.",
            "Art. 3(4)",
            "deployer",
        ),
        ask(
            "role_importer",
            "Importer: are you established in the EU and place on the EU market a system bearing "
            "the name or trademark of a company established outside the EU?",
            "Importers have their own duties of verification (Art. 23).",
            "Art. 3(6)",
            "importer",
        ),
        ask(
            "role_distributor",
            "Distributor: do you make the system available on the EU market, in the supply chain, "
            "without being its provider or importer?",
            "E.g. a reseller or marketplace (Art. 24).",
            "Art. 3(7)",
            "distributor",
        ),
        ask(
            "role_product_manufacturer",
            "Product manufacturer: do you place on the market or put into service, under your "
            "own name, a product (Annex I) of which the system is a safety component?",
            "You are then considered the provider of the high-risk AI system (Art. 25(3)).",
            "Art. 25(3)",
            "product manufacturer",
        ),
        ask(
            "deployer_public_service",
            "Is your organisation a body governed by public law, or a private entity providing "
            "public services?",
            "Such deployers of Annex III systems owe a fundamental rights impact assessment "
            "(Art. 27(1)); public authorities also register their use (Art. 49(3)).",
            "Art. 27(1)",
            "body governed by public law or private entity providing public services",
            ("role_deployer",),
        ),
    ),
)

_GPAI = ("gpai_provider",)
GPAI = Section(
    "gpai",
    "General-purpose AI models (Arts. 51–55)",
    "A general-purpose AI model shows significant generality and performs a wide range of "
    "distinct tasks (Art. 3(63)), e.g. a large language model. The duties bind the model's "
    "provider, not those who only build on it.",
    (
        ask(
            "gpai_provider",
            "Is the system, or the model it is built on, a general-purpose AI model that your "
            "organisation develops and places on the market under its own name?",
            "Using a vendor's model through its API is 'no': the vendor is the model's provider.",
            "Art. 3(63), Art. 53",
            "provider of a general-purpose AI model",
        ),
        ask(
            "gpai_high_impact",
            "Does the model have high-impact capabilities, matching or exceeding those of the "
            "most advanced general-purpose AI models, by appropriate tools and benchmarks?",
            "Systemic risk, condition (a).",
            "Art. 51(1)(a)",
            "high-impact capabilities",
            _GPAI,
        ),
        ask(
            "gpai_compute_over_threshold",
            "Was the cumulative compute used to train the model greater than 10^25 floating-point "
            "operations?",
            "High-impact capabilities are then presumed (Art. 51(2)); notify the Commission "
            "within two weeks (Art. 52(1)).",
            "Art. 51(2)",
            "training compute above 10^25 FLOP",
            _GPAI,
        ),
        ask(
            "gpai_designated",
            "Has the Commission designated the model as having systemic risk (ex officio or "
            "after an alert of the scientific panel)?",
            "Systemic risk, condition (b), with the criteria of Annex XIII.",
            "Art. 51(1)(b)",
            "designated by the Commission",
            _GPAI,
        ),
        ask(
            "gpai_open_source",
            "Is the model released under a free and open-source licence, with its weights, "
            "architecture and usage information public?",
            "Exempts from Art. 53(1)(a)–(b) and Art. 54, unless the model has systemic risk "
            "(Art. 53(2), Art. 54(6)).",
            "Art. 53(2)",
            "released under a free and open-source licence",
            _GPAI,
        ),
    ),
)

SECTIONS: tuple[Section, ...] = (
    ROLES,
    PROHIBITED,
    RBI_EXCEPTIONS,
    ANNEX_I,
    ANNEX_III,
    EXEMPTIONS,
    TRANSPARENCY,
    GPAI,
)
QUESTIONS: dict[str, Question] = {q.id: q for s in SECTIONS for q in s.questions}
EXEMPTION_TEST_ID = "exemption_no_significant_risk"
EXEMPTION_IDS: tuple[str, ...] = (
    "exemption_narrow_procedural",
    "exemption_improves_human_result",
    "exemption_detects_patterns",
    "exemption_preparatory",
)
ROLE_IDS: tuple[str, ...] = (
    "role_provider",
    "role_deployer",
    "role_importer",
    "role_distributor",
    "role_product_manufacturer",
)
