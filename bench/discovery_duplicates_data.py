"""A synthetic AI portfolio with known duplicates, and a labelled set of pairs drawn from it.

    .venv/bin/python bench/discovery_duplicates_data.py [--seed 18] [--systems 400] [--out FILE]

Each system does one *job*: a task (summarise, extract, score for risk, answer questions…) on
a family of objects (contracts, invoices, tickets, meetings, code…). Units (business functions
in several countries) build the same jobs independently, so each phrases it its own way: one of
several purpose templates per task, one of several names for the object (*supplier contracts*,
*vendor agreements*, *employment contracts* are all contracts), its own name for the system
(sometimes a code name that says nothing), a description with the unit's own details, typos in
a quarter of the purposes, a vendor and model of its own choosing (or the first builder's), its
own data source, and, for most LLM systems, a telemetry shape drawn around the task's typical
tokens in and out per call.

Ground truth: two systems are duplicates when they do the same job in different units. The
labelled set (``labelled_pairs``) holds true duplicates and hard negatives: the same objects
worked for another job (a contract summariser and a contract risk scorer share most words),
the same task on other objects, and a few random pairs. Everything follows from ``--seed``.

Some synonyms used here are deliberately absent from the engine's concept table
(``aitower.discovery.duplicates_text.CONCEPTS``: *overview*, *key points*, *pull*,
*conversational search*…), but most of the table is this generator's vocabulary, so the
labelled set this script writes also draws on held-out wordings (``HELD_OUT_TASKS`` and the
lists after it) that the table never saw; see the comment above them.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

LABELLED_FILE = Path(__file__).parent / "discovery_duplicates_labelled.json"

# task -> purpose templates ({obj}: the object's phrase, {aud}: who it is for)
TASKS: dict[str, list[str]] = {
    "summary": [
        "Summarise {obj} for {aud}",
        "Summarizes {obj} so {aud} can read them in two minutes",
        "Produce short summaries of {obj}",
        "Condense {obj} into a one-page digest",
        "{Obj} summary assistant",
        "TL;DR of {obj} for busy {aud}",
        "Give {aud} a quick overview of {obj}",
        "Key points from {obj}, summarised",
    ],
    "extract": [
        "Extract key fields from {obj}",
        "Pull the data out of {obj} into our systems",
        "Automated data capture from {obj}",
        "Parse {obj} into structured records",
        "{Obj} data extraction",
        "Read {obj} and fill in the fields for {aud}",
    ],
    "classify": [
        "Classify incoming {obj}",
        "Route {obj} to the right queue",
        "Categorise {obj} by topic and urgency",
        "Triage of {obj} for {aud}",
        "Tag {obj} automatically",
    ],
    "score": [
        "Score {obj} for risk",
        "Risk rating of {obj} for {aud}",
        "Assess the risk in {obj}",
        "{Obj} risk scorer",
        "Predict which {obj} carry the highest risk",
    ],
    "answer": [
        "Answer questions about {obj}",
        "Chatbot answering {aud} questions on {obj}",
        "Q&A over {obj}",
        "Ask anything about {obj}",
        "Conversational search across {obj} for {aud}",
    ],
    "draft": [
        "Draft {obj}",
        "Write first drafts of {obj} for {aud}",
        "Generate {obj} from a short brief",
        "Compose {obj} in our tone of voice",
    ],
    "translate": [
        "Translate {obj} into 12 languages",
        "Localise {obj} for EMEA markets",
        "Machine translation of {obj}",
        "Multilingual versions of {obj} for {aud}",
    ],
    "review": [
        "Review {obj} against the playbook",
        "Check {obj} for compliance issues",
        "Audit {obj} for errors before sign-off",
        "Second-pair-of-eyes review of {obj}",
    ],
    "detect": [
        "Detect fraud in {obj}",
        "Flag anomalies in {obj}",
        "Spot suspicious {obj}",
        "Fraud detection on {obj}",
    ],
    "transcribe": [
        "Transcribe {obj}",
        "Speech-to-text for {obj}",
        "Transcripts of {obj} for {aud}",
    ],
    "complete": [
        "Code completion in the IDE for {obj}",
        "Autocomplete for developers working on {obj}",
        "Coding assistant suggesting completions in {obj}",
    ],
    "forecast": [
        "Forecast {obj}",
        "Weekly forecast of {obj} for {aud}",
        "Predict next quarter's {obj}",
    ],
}

TASK_NAMES: dict[str, list[str]] = {
    "summary": ["Summariser", "Summarizer", "Summary Assistant", "Digest", "TLDR"],
    "extract": ["Extractor", "Data Capture", "Parser", "Reader"],
    "classify": ["Router", "Classifier", "Triage", "Tagger"],
    "score": ["Risk Scorer", "Risk Rater", "Risk Radar"],
    "answer": ["Q&A", "Chatbot", "Helpdesk Bot", "Ask"],
    "draft": ["Drafter", "Writer", "Copy Generator"],
    "translate": ["Translator", "Localiser"],
    "review": ["Reviewer", "Checker"],
    "detect": ["Fraud Detector", "Anomaly Flagger"],
    "transcribe": ["Transcriber", "Scribe"],
    "complete": ["Code Assistant", "Copilot", "Autocomplete"],
    "forecast": ["Forecaster", "Demand Planner"],
}

# Held-out wordings: written for the labelled set only, after the engine's concept table and
# never read when changing it, so that the measured recall is not the recall on the table's own
# vocabulary. ``portfolio(..., held_out=True)`` draws templates, system names and object
# phrases from both lists (about half the labelled systems are worded in these); the tuning
# portfolio (seed 7) and the 10,000-system timing run use the lists above only.
HELD_OUT_TASKS: dict[str, list[str]] = {
    "summary": [
        "Boil {obj} down to the essentials for {aud}",
        "Short briefing notes on {obj}",
        "Highlights of {obj} in a few bullets",
        "Cut {obj} down to one paragraph each",
    ],
    "extract": [
        "Turn {obj} into spreadsheet rows",
        "Lift names, dates and amounts out of {obj}",
        "Digitise {obj} straight into the ERP",
    ],
    "classify": [
        "Sort {obj} into categories",
        "Decide which team handles each of the {obj}",
        "Assign a topic to each of the {obj}",
    ],
    "score": [
        "Rank {obj} by how risky they are",
        "Early warning on risky {obj}",
        "Risk grading of {obj} for {aud}",
    ],
    "answer": [
        "Self-service answers on {obj} for {aud}",
        "A virtual agent that knows {obj}",
        "Look up anything in {obj} by asking in plain English",
    ],
    "draft": [
        "First versions of {obj} written for {aud}",
        "Turn bullet points into {obj}",
        "Ghostwriter for {obj}",
    ],
    "translate": [
        "Render {obj} in French, German and Spanish",
        "Cross-language versions of {obj}",
        "{Obj} in every local language",
    ],
    "review": [
        "Quality control of {obj} before they go out",
        "Proofread {obj} for {aud}",
        "Find problems in {obj} before approval",
    ],
    "detect": [
        "Catch fraudulent {obj}",
        "Unusual patterns in {obj}, surfaced for {aud}",
        "Watch {obj} for suspicious activity",
    ],
    "transcribe": [
        "Turn {obj} into text",
        "Written records of {obj}",
        "Voice to text for {obj}",
    ],
    "complete": [
        "Suggest the next lines of code in {obj}",
        "Pair programmer for {obj}",
        "Inline suggestions while editing {obj}",
    ],
    "forecast": [
        "Projection of {obj} for the next weeks",
        "How much {obj} to expect next month",
        "Outlook of {obj} for {aud}",
    ],
}
HELD_OUT_TASK_NAMES: dict[str, list[str]] = {
    "summary": ["Briefer", "Highlights", "Essentials"],
    "extract": ["Digitiser", "Field Lifter", "Capture Bot"],
    "classify": ["Sorter", "Dispatcher", "Topic Assigner"],
    "score": ["Risk Grader", "Early Warning"],
    "answer": ["Virtual Agent", "Answer Desk", "Buddy"],
    "draft": ["Ghostwriter", "First Draft", "Composer"],
    "translate": ["Polyglot", "Language Bridge"],
    "review": ["Proofreader", "QC", "Inspector"],
    "detect": ["Watchdog", "Sentinel"],
    "transcribe": ["Voice to Text", "Notetaker"],
    "complete": ["Pair Programmer", "Suggest"],
    "forecast": ["Outlook", "Projector"],
}
HELD_OUT_OBJECTS: dict[str, list[str]] = {
    "contracts": ["NDAs", "framework agreements", "legal agreements"],
    "invoices": ["payables", "supplier bills"],
    "expenses": ["out-of-pocket claims", "receipts"],
    "tickets": ["support requests", "customer enquiries", "service desk issues"],
    "meetings": ["board meetings", "webinars", "sales conversations"],
    "hr_policies": ["people policies", "the staff handbook"],
    "code": ["merge requests", "the code"],
    "transactions": ["card payments", "bank transfers"],
    "claims": ["insurance claim forms", "loss notifications"],
    "marketing": ["promotional emails", "landing page copy"],
    "resumes": ["applicant CVs", "candidate profiles"],
    "regulation": ["regulatory changes", "supervisory notices"],
    "docs": ["user guides", "help centre articles"],
    "rfps": ["tenders", "due diligence questionnaires"],
    "demand": ["sales volumes", "order intake"],
}

# mean (input tokens, output tokens) per call; None for systems without LLM telemetry
SHAPES: dict[str, tuple[float, float] | None] = {
    "summary": (3500, 350),
    "extract": (2200, 250),
    "classify": (700, 15),
    "score": (1800, 60),
    "answer": (1200, 280),
    "draft": (600, 700),
    "translate": (900, 950),
    "review": (3000, 500),
    "detect": (900, 40),
    "transcribe": (300, 1500),
    "complete": (1500, 120),
    "forecast": None,
}

# family -> (object phrases, short names, data sources, tasks)
FAMILIES: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "contracts": (
        [
            "supplier contracts",
            "vendor agreements",
            "procurement contracts",
            "employment contracts",
            "customer contracts",
            "sales agreements",
            "client MSAs",
            "contracts",
        ],
        ["Contract", "Agreement", "Legal", "Clause"],
        ["SharePoint contracts", "Icertis CLM", "Contract repository", "Legal DMS (iManage)"],
        ["summary", "extract", "score", "answer", "review", "draft", "translate"],
    ),
    "invoices": (
        ["supplier invoices", "vendor bills", "incoming invoices", "AP invoices", "invoices"],
        ["Invoice", "AP", "Bill"],
        ["SAP S/4HANA", "Coupa", "AP mailbox"],
        ["extract", "classify", "detect", "answer"],
    ),
    "expenses": (
        ["expense receipts", "travel expense claims", "employee expense reports"],
        ["Expense", "Receipt", "T&E"],
        ["SAP Concur", "Expensify"],
        ["extract", "detect", "classify"],
    ),
    "tickets": (
        [
            "customer support tickets",
            "service desk cases",
            "customer complaints",
            "IT helpdesk tickets",
            "IT service requests",
        ],
        ["Ticket", "Support", "Helpdesk", "Case"],
        ["Zendesk", "ServiceNow", "Salesforce Service Cloud", "Jira Service Management"],
        ["classify", "summary", "draft", "answer"],
    ),
    "meetings": (
        [
            "meeting recordings",
            "Teams meetings",
            "video calls",
            "meeting transcripts",
            "sales call recordings",
            "customer calls",
        ],
        ["Meeting", "Minutes", "Call", "Notes"],
        ["Microsoft Teams", "Zoom", "Gong"],
        ["summary", "transcribe", "extract"],
    ),
    "hr_policies": (
        ["HR policies", "the employee handbook", "leave and benefits policies", "HR guidelines"],
        ["HR", "People", "Policy", "Handbook"],
        ["HR SharePoint", "Confluence HR space", "Workday"],
        ["answer", "summary", "translate"],
    ),
    "code": (
        ["source code", "our code base", "pull requests", "the monorepo", "repositories"],
        ["Code", "Dev", "PR"],
        ["GitHub", "GitLab", "Bitbucket"],
        ["complete", "review", "summary"],
    ),
    "transactions": (
        ["card transactions", "payments", "payment transactions", "wire transfers"],
        ["Payments", "Transaction", "Card"],
        ["Core banking DWH", "Payments Kafka stream"],
        ["detect", "score", "classify"],
    ),
    "claims": (
        ["insurance claims", "claim files", "first notice of loss reports"],
        ["Claims", "FNOL"],
        ["Guidewire ClaimCenter", "Claims DWH"],
        ["detect", "extract", "summary", "classify", "score"],
    ),
    "marketing": (
        [
            "marketing emails",
            "campaign copy",
            "social media posts",
            "ad copy",
            "product descriptions",
            "newsletter texts",
        ],
        ["Marketing", "Campaign", "Copy", "Content"],
        ["HubSpot", "Adobe Experience Manager", "Salesforce Marketing Cloud"],
        ["draft", "translate", "review"],
    ),
    "resumes": (
        ["CVs", "job applications", "candidate resumes"],
        ["Talent", "Recruiting", "CV"],
        ["Workday Recruiting", "Greenhouse"],
        ["score", "extract", "summary"],
    ),
    "regulation": (
        ["regulatory updates", "new regulations", "regulator circulars"],
        ["RegTech", "Regulatory", "Compliance"],
        ["Regulatory feed", "Compliance SharePoint"],
        ["summary", "answer", "review"],
    ),
    "docs": (
        [
            "product documentation",
            "technical manuals",
            "the engineering wiki",
            "knowledge base articles",
        ],
        ["Docs", "Knowledge", "Wiki"],
        ["Confluence", "SharePoint", "ServiceNow Knowledge"],
        ["answer", "translate", "summary", "draft"],
    ),
    "rfps": (
        ["RFP questionnaires", "tender documents", "security questionnaires"],
        ["RFP", "Tender", "Bid"],
        ["Loopio", "SharePoint bids"],
        ["answer", "draft", "summary"],
    ),
    "demand": (
        ["product demand", "store sales", "call volumes", "inventory needs"],
        ["Demand", "Sales", "Volume"],
        ["SAP BW", "Snowflake sales mart"],
        ["forecast"],
    ),
}

# The long tail: jobs few units share (a task on one domain's documents), most of a big portfolio.
DOMAINS = [
    "warranty",
    "patent",
    "payroll",
    "shipment",
    "customs",
    "tax",
    "audit",
    "pension",
    "mortgage",
    "lease",
    "fleet",
    "energy",
    "emissions",
    "safety",
    "maintenance",
    "quality",
    "recall",
    "inventory",
    "pricing",
    "tariff",
    "subsidy",
    "grant",
    "donation",
    "membership",
    "loyalty",
    "booking",
    "reservation",
    "itinerary",
    "visa",
    "immigration",
    "litigation",
    "subpoena",
    "trademark",
    "licence",
    "royalty",
    "franchise",
    "dealer",
    "distributor",
    "freight",
    "warehouse",
    "tender",
    "bidding",
    "auction",
    "valuation",
    "appraisal",
    "dividend",
    "bond",
    "equity",
    "derivative",
    "treasury",
    "liquidity",
    "collateral",
    "underwriting",
    "reinsurance",
    "actuarial",
    "pharmacovigilance",
    "clinical",
    "dosage",
    "prescription",
    "lab",
    "radiology",
    "pathology",
    "nursing",
    "rota",
    "shift",
    "timesheet",
    "overtime",
    "onboarding",
    "offboarding",
    "training",
    "certification",
    "exam",
    "curriculum",
    "enrolment",
    "tuition",
    "scholarship",
    "alumni",
    "facilities",
    "cleaning",
    "catering",
    "parking",
    "badge",
    "visitor",
    "cctv",
    "alarm",
    "firmware",
    "telematics",
    "sensor",
    "turbine",
    "pipeline",
    "drilling",
    "mining",
    "crop",
    "harvest",
    "irrigation",
    "livestock",
    "veterinary",
    "retail",
    "store",
    "planogram",
    "merchandising",
    "promotion",
    "coupon",
    "return",
    "refund",
    "chargeback",
    "dispute",
    "collections",
    "arrears",
]
DOC_TYPES = ["documents", "reports", "records", "files", "requests", "forms", "logs", "notices"]
LONG_TAIL_TASKS = [
    "summary",
    "extract",
    "classify",
    "score",
    "answer",
    "draft",
    "translate",
    "review",
    "detect",
    "forecast",
]
HEAD_SHARE = 0.25
MONTHS = ["January", "March", "June", "October"]

AUDIENCES = [
    "lawyers",
    "buyers",
    "managers",
    "analysts",
    "agents",
    "the board",
    "account managers",
    "engineers",
    "recruiters",
    "underwriters",
    "the CFO office",
    "new joiners",
]
FUNCTIONS = [
    "Procurement",
    "Legal",
    "Finance",
    "HR",
    "Sales",
    "Marketing",
    "Customer Service",
    "IT",
    "Operations",
    "Risk",
    "R&D",
    "Compliance",
]
REGIONS = ["DE", "FR", "UK", "US", "NL"]
LLMS = [
    ("OpenAI", "gpt-4o"),
    ("OpenAI", "gpt-4o"),
    ("OpenAI", "gpt-4o-mini"),
    ("Microsoft Azure OpenAI", "gpt-4o"),
    ("Anthropic", "claude-3-5-sonnet"),
    ("Anthropic", "claude-3-haiku"),
    ("Google", "gemini-1.5-pro"),
    ("Google", "gemini-1.5-flash"),
    ("Mistral AI", "mistral-large"),
    ("Meta (self-hosted)", "llama-3.1-70b"),
    ("Cohere", "command-r-plus"),
    ("AWS Bedrock", "claude-3-5-sonnet"),
]
ML_MODELS = [("in-house", "xgboost"), ("in-house", "lightgbm"), ("Databricks", "prophet")]
CODE_NAMES = ["Atlas", "Falcon", "Orion", "Nova", "Phoenix", "Hermes", "Iris", "Apollo", "Lynx"]
DETAILS: dict[str, list[str]] = {
    "summary": [
        "Gives the parties, dates and the main points in a few bullets.",
        "Saves about an hour per document.",
        "Output goes to a Teams channel.",
    ],
    "extract": [
        "Fields land in the ERP after a human check.",
        "Replaced manual keying.",
        "Handles scanned PDFs.",
    ],
    "classify": [
        "Sends each item to a queue with a confidence score.",
        "Cut first response time by a third.",
        "Runs on every new item.",
    ],
    "score": [
        "Outputs a score from 1 to 5 with the signals behind it.",
        "High scores go to a specialist.",
        "Calibrated on last year's cases.",
    ],
    "answer": [
        "Answers with links to the source pages.",
        "Available in Teams and the intranet.",
        "Falls back to a human when unsure.",
    ],
    "draft": [
        "A person edits every draft before it goes out.",
        "Uses our style guide.",
        "Cut writing time in half.",
    ],
    "translate": [
        "Keeps the glossary of approved terms.",
        "Covers 12 languages.",
        "Replaced an agency.",
    ],
    "review": [
        "Lists the issues found with a severity for each.",
        "Runs before every sign-off.",
        "Uses the latest playbook.",
    ],
    "detect": [
        "Alerts go to the investigations team.",
        "Runs in near real time.",
        "Tuned to keep false alarms low.",
    ],
    "transcribe": [
        "Speaker names are added automatically.",
        "Works in five languages.",
        "Output stored for 90 days.",
    ],
    "complete": [
        "Runs as an IDE plugin.",
        "Available to all developers.",
        "Trained on our internal libraries.",
    ],
    "forecast": [
        "Retrained every month on the last three years.",
        "Feeds the S&OP meeting.",
        "Daily granularity.",
    ],
}


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [k for k, word in enumerate(words) if len(word) >= 5]
    if not long:
        return text
    k = rng.choice(long)
    word, at = words[k], rng.randrange(1, len(words[k]) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif kind == 1:
        word = word[:at] + word[at + 1 :]
    else:
        word = word[:at] + word[at] + word[at:]
    words[k] = word
    return " ".join(words)


def _jobs() -> list[tuple[str, str]]:
    return [(task, family) for family, (*_, tasks) in FAMILIES.items() for task in tasks]


def _family(family: str) -> tuple[list[str], list[str], list[str], list[str]]:
    if family in FAMILIES:
        return FAMILIES[family]
    domain = family.removeprefix("tail-")
    return (
        [f"{domain} {kind}" for kind in DOC_TYPES],
        [domain.capitalize()],
        [f"{domain.capitalize()} database", f"{domain.capitalize()} SharePoint"],
        LONG_TAIL_TASKS,
    )


def _system(
    number: int,
    job: tuple[str, str],
    unit: str,
    first: dict[str, Any] | None,
    rng: random.Random,
    held_out: bool = False,
) -> dict[str, Any]:
    task, family = job
    objects, shorts, sources, _ = _family(family)
    templates, names = TASKS[task], TASK_NAMES[task]
    if held_out:
        objects = objects + HELD_OUT_OBJECTS.get(family, [])
        templates, names = templates + HELD_OUT_TASKS[task], names + HELD_OUT_TASK_NAMES[task]
    obj = rng.choice(objects)
    purpose = rng.choice(templates).format(
        obj=obj, Obj=obj[0].upper() + obj[1:], aud=rng.choice(AUDIENCES)
    )
    if rng.random() < 0.25:
        purpose = _typo(purpose, rng)
    if rng.random() < 0.15:
        name = f"Project {rng.choice(CODE_NAMES)}"
    else:
        name = f"{rng.choice(shorts)} {rng.choice(names)}"
    pool = ML_MODELS if task == "forecast" else LLMS
    vendor, model = first["_llm"] if first is not None and rng.random() < 0.4 else rng.choice(pool)
    source = rng.choice(sources)
    shape = SHAPES[task]
    telemetry = None
    if shape is not None and rng.random() < 0.6:
        telemetry = {
            "input_tokens_per_call": round(shape[0] * rng.lognormvariate(0, 0.35), 1),
            "output_tokens_per_call": round(shape[1] * rng.lognormvariate(0, 0.35), 1),
            "calls_per_day": round(rng.lognormvariate(5, 1.2), 1),
        }
    description = (
        " ".join(
            [
                f"Built by {unit} on {vendor} {model}.",
                f"Reads {source}." if rng.random() < 0.8 else "",
                rng.choice(DETAILS[task]) if rng.random() < 0.6 else "",
                f"Live since {rng.choice(MONTHS)} {rng.choice([2023, 2024, 2025])}.",
            ]
        )
        .replace("  ", " ")
        .strip()
    )
    return {
        "id": f"sys-{number:05d}",
        "name": name,
        "purpose": purpose,
        "description": description,
        "unit": unit,
        "vendors": [vendor],
        "models": [model],
        "data_sources": [source],
        "telemetry": telemetry,
        "monthly_cost": round(rng.lognormvariate(6, 1), 2),
        "job": f"{task}:{family}",
        "_llm": (vendor, model),
    }


def portfolio(systems: int, seed: int, held_out: bool = False) -> list[dict[str, Any]]:
    """``systems`` systems with their ground-truth ``job``; ``held_out`` adds the held-out
    wordings (``HELD_OUT_TASKS``) to what each system is worded from.

    ``HEAD_SHARE`` of them do the common jobs of ``FAMILIES`` (popularity skewed, Zipf-like:
    the most common job is built by dozens of units); the rest do long-tail jobs (a task on one
    of ``DOMAINS``' documents), a few systems each.
    """
    rng = random.Random(seed)
    jobs = _jobs()
    rng.shuffle(jobs)
    weights = [1.0 / (rank + 1) ** 0.5 for rank in range(len(jobs))]
    tail = [(task, f"tail-{domain}") for domain in DOMAINS for task in LONG_TAIL_TASKS]
    units = [f"{function} {region}" for function in FUNCTIONS for region in REGIONS]
    first: dict[tuple[str, str], dict[str, Any]] = {}
    out = []
    for number in range(systems):
        job = rng.choices(jobs, weights)[0] if rng.random() < HEAD_SHARE else rng.choice(tail)
        system = _system(number, job, rng.choice(units), first.get(job), rng, held_out)
        first.setdefault(job, system)
        out.append(system)
    for system in out:
        del system["_llm"]
    return out


def labelled_pairs(
    systems: list[dict[str, Any]], seed: int, per_kind: int = 100
) -> list[dict[str, Any]]:
    """Cross-unit pairs: duplicates, same objects other job, same task other objects, random."""
    rng = random.Random(seed + 1)
    by_job: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for system in systems:
        by_job[system["job"]].append(system)
    kinds: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for k, a in enumerate(systems):
        for b in systems[k + 1 :]:
            if a["unit"] == b["unit"]:
                continue
            (task_a, fam_a), (task_b, fam_b) = a["job"].split(":"), b["job"].split(":")
            kind = (
                ("duplicate" if task_a == task_b else "same objects, other job")
                if fam_a == fam_b
                else ("same task, other objects" if task_a == task_b else "random")
            )
            kinds[kind].append((a["id"], b["id"]))
    sizes = {
        "duplicate": per_kind,
        "same objects, other job": per_kind,
        "same task, other objects": per_kind // 2,
        "random": per_kind // 4,
    }
    pairs = []
    for kind, size in sizes.items():
        for a_id, b_id in rng.sample(sorted(kinds[kind]), min(size, len(kinds[kind]))):
            pairs.append({"a": a_id, "b": b_id, "duplicate": kind == "duplicate", "kind": kind})
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--systems", type=int, default=600)
    parser.add_argument("--out", type=Path, default=LABELLED_FILE)
    args = parser.parse_args()
    systems = portfolio(args.systems, args.seed, held_out=True)
    pairs = labelled_pairs(systems, args.seed)
    body = {"seed": args.seed, "held_out": True, "systems": systems, "pairs": pairs}
    args.out.write_text(json.dumps(body, indent=0, ensure_ascii=False) + "\n")
    print(
        f"{len(systems)} systems, {len(pairs)} labelled pairs "
        f"({sum(p['duplicate'] for p in pairs)} duplicates) -> {args.out}"
    )


if __name__ == "__main__":
    main()
