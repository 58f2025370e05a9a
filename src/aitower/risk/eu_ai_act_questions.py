"""The questions of the EU AI Act questionnaire: stable ids, plain text, help, article. Pure.

Kept apart from the classification (``eu_ai_act``) because it is data: the wording can be
improved without touching the rules, while the ids stay stable (stored answers refer to them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    help: str
    article: str
    # What a "yes" means in a reason sentence, e.g. "creditworthiness evaluation of ...".
    label: str


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]


def _q(qid: str, text: str, help_: str, article: str, label: str) -> Question:
    return Question(qid, text, help_, article, label)


PROHIBITED = Section(
    "prohibited",
    "Prohibited practices (Art. 5)",
    "Practices banned in the EU since 2 February 2025. One 'yes' means the system must not be "
    "used.",
    (
        _q(
            "p_manipulation",
            "Does it use subliminal, manipulative or deceptive techniques that distort people's "
            "behaviour in a way that causes or is likely to cause them significant harm?",
            "E.g. hidden cues pushing users into decisions they would not otherwise take.",
            "Art. 5(1)(a)",
            "manipulative or deceptive techniques causing significant harm",
        ),
        _q(
            "p_vulnerabilities",
            "Does it exploit vulnerabilities of people due to their age, disability or social or "
            "economic situation, distorting their behaviour in a harmful way?",
            "E.g. targeting children or people in financial distress with harmful nudges.",
            "Art. 5(1)(b)",
            "exploitation of vulnerabilities of age, disability or social or economic situation",
        ),
        _q(
            "p_social_scoring",
            "Does it score people on their social behaviour or personal traits, leading to "
            "detrimental or unfavourable treatment unrelated or disproportionate to the context?",
            "Social scoring by public or private actors.",
            "Art. 5(1)(c)",
            "social scoring leading to detrimental treatment",
        ),
        _q(
            "p_crime_prediction",
            "Does it predict the risk that a person commits a criminal offence solely from "
            "profiling or from their personality traits?",
            "Not covered: support to a human assessment based on objective, verifiable facts.",
            "Art. 5(1)(d)",
            "predicting criminal offences solely from profiling or personality traits",
        ),
        _q(
            "p_face_scraping",
            "Does it build or expand facial recognition databases by untargeted scraping of "
            "facial images from the internet or CCTV footage?",
            "Any collection of faces not aimed at specific, known people.",
            "Art. 5(1)(e)",
            "untargeted scraping of facial images for recognition databases",
        ),
        _q(
            "p_emotion_workplace",
            "Does it infer the emotions of people at the workplace or in education institutions, "
            "other than for medical or safety reasons?",
            "E.g. measuring employees' mood from webcams or voices.",
            "Art. 5(1)(f)",
            "emotion recognition in the workplace or in education",
        ),
        _q(
            "p_biometric_categorisation",
            "Does it categorise people from biometric data to infer their race, political "
            "opinions, trade union membership, religious beliefs, sex life or sexual orientation?",
            "Labelling or filtering of lawfully acquired biometric datasets is not covered.",
            "Art. 5(1)(g)",
            "biometric categorisation inferring sensitive attributes",
        ),
        _q(
            "p_realtime_rbi",
            "Is it used for real-time remote biometric identification in publicly accessible "
            "spaces for law enforcement?",
            "Narrow exceptions (e.g. searching for a missing person) need prior authorisation.",
            "Art. 5(1)(h)",
            "real-time remote biometric identification in public spaces for law enforcement",
        ),
    ),
)

ANNEX_I = Section(
    "annex_i",
    "Safety components of regulated products (Art. 6(1), Annex I)",
    "Products such as machinery, toys, medical devices, lifts or vehicles are regulated by EU "
    "harmonisation legislation listed in Annex I.",
    (
        _q(
            "annex_i_safety_component",
            "Is it a product, or a safety component of a product, covered by the EU legislation "
            "in Annex I that must undergo a third-party conformity assessment?",
            "E.g. AI in a medical device, a machine or a vehicle certified by a notified body.",
            "Art. 6(1)",
            "safety component of a product under Annex I requiring third-party conformity "
            "assessment",
        ),
    ),
)


def _annex(qid: str, text: str, help_: str, point: str, label: str) -> Question:
    return _q(qid, text, help_, f"Annex III point {point}", label)


ANNEX_III = Section(
    "annex_iii",
    "High-risk use cases (Art. 6(2), Annex III)",
    "The eight areas of Annex III. A 'yes' makes the system high risk unless an Art. 6(3) "
    "exemption below applies.",
    (
        _annex(
            "biometric_remote_identification",
            "Biometrics: does it identify people remotely from biometric data (face, gait, voice)?",
            "Verification that only confirms a person is who they claim to be is not covered.",
            "1(a)",
            "remote biometric identification",
        ),
        _annex(
            "biometric_categorisation",
            "Biometrics: does it categorise people by sensitive or protected attributes inferred "
            "from biometric data?",
            "E.g. estimating age or gender from images.",
            "1(b)",
            "biometric categorisation by sensitive attributes",
        ),
        _annex(
            "biometric_emotion_recognition",
            "Biometrics: does it recognise emotions from biometric data?",
            "Outside the workplace and education (those are prohibited above).",
            "1(c)",
            "emotion recognition",
        ),
        _annex(
            "critical_infrastructure",
            "Critical infrastructure: is it a safety component in managing or operating critical "
            "digital infrastructure, road traffic, or the supply of water, gas, heating or "
            "electricity?",
            "A failure could put people's life or health at risk.",
            "2",
            "safety component of critical infrastructure",
        ),
        _annex(
            "education_admission",
            "Education: does it decide or influence access or admission to education or "
            "vocational training?",
            "E.g. ranking applicants to a university or training programme.",
            "3(a)",
            "admission to education or vocational training",
        ),
        _annex(
            "education_evaluation",
            "Education: does it evaluate learning outcomes, including to steer the learning "
            "process?",
            "E.g. automated grading of exams.",
            "3(b)",
            "evaluation of learning outcomes",
        ),
        _annex(
            "education_level",
            "Education: does it assess the level of education a person will receive or can access?",
            "E.g. deciding which track or course level a student is placed in.",
            "3(c)",
            "assessment of the appropriate level of education",
        ),
        _annex(
            "education_proctoring",
            "Education: does it monitor and detect prohibited behaviour of students during tests?",
            "E.g. online exam proctoring that flags cheating.",
            "3(d)",
            "monitoring of students for cheating during tests",
        ),
        _annex(
            "employment_recruitment",
            "Employment: is it used to recruit or select people: placing targeted job ads, "
            "filtering applications, evaluating candidates?",
            "E.g. CV screening or interview scoring.",
            "4(a)",
            "recruitment or selection of candidates",
        ),
        _annex(
            "employment_decisions",
            "Employment: does it make or support decisions on promotion, termination or task "
            "allocation, or monitor and evaluate workers' performance and behaviour?",
            "E.g. allocating shifts from personal traits, productivity scoring.",
            "4(b)",
            "decisions on promotion, termination, task allocation or monitoring of workers",
        ),
        _annex(
            "public_benefits",
            "Essential services: does it evaluate eligibility for public assistance benefits and "
            "services, or grant, reduce, revoke or reclaim them?",
            "Used by or on behalf of public authorities, including healthcare services.",
            "5(a)",
            "eligibility for public assistance benefits and services",
        ),
        _annex(
            "creditworthiness",
            "Essential services: does it evaluate the creditworthiness of people or establish "
            "their credit score?",
            "Systems used only to detect financial fraud are not covered.",
            "5(b)",
            "creditworthiness evaluation of natural persons",
        ),
        _annex(
            "insurance_pricing",
            "Essential services: does it assess risk or set prices for people's life or health "
            "insurance?",
            "Other insurance lines (car, home) are not covered.",
            "5(c)",
            "risk assessment and pricing for life and health insurance",
        ),
        _annex(
            "emergency_triage",
            "Essential services: does it evaluate or classify emergency calls, dispatch "
            "emergency services, or triage patients in emergency healthcare?",
            "Police, firefighters, medical aid, emergency patient triage.",
            "5(d)",
            "evaluation of emergency calls, dispatch or emergency patient triage",
        ),
        _annex(
            "law_enforcement",
            "Law enforcement: is it used by or for law enforcement to assess the risk of "
            "victimisation or offending, evaluate evidence, or profile people in investigations?",
            "Includes polygraph-like tools and crime analytics about people.",
            "6",
            "use in law enforcement",
        ),
        _annex(
            "migration_border",
            "Migration, asylum and border control: is it used to assess risks of people "
            "entering, examine asylum, visa or residence applications, or detect and identify "
            "people at borders?",
            "Used by or on behalf of competent public authorities.",
            "7",
            "use in migration, asylum and border control management",
        ),
        _annex(
            "justice",
            "Justice: does it assist a judicial authority or alternative dispute resolution in "
            "researching and interpreting facts and law and applying the law to facts?",
            "E.g. drafting decisions or recommending outcomes to judges or arbitrators.",
            "8(a)",
            "administration of justice",
        ),
        _annex(
            "elections",
            "Democratic processes: is it intended to influence the outcome of an election or "
            "referendum, or people's voting behaviour?",
            "Tools only organising or optimising campaigns logistically are not covered.",
            "8(b)",
            "influencing elections or voting behaviour",
        ),
    ),
)

EXEMPTIONS = Section(
    "exemptions",
    "Exemptions from high risk (Art. 6(3))",
    "Only relevant when an Annex III use case applies. An exemption never applies to a system "
    "that profiles people.",
    (
        _q(
            "exemption_narrow_procedural",
            "Does it only perform a narrow procedural task?",
            "E.g. turning unstructured documents into structured data, sorting incoming mail.",
            "Art. 6(3)(a)",
            "narrow procedural task",
        ),
        _q(
            "exemption_improves_human_result",
            "Does it only improve the result of an activity a human has already completed?",
            "E.g. polishing the language of a text a person wrote.",
            "Art. 6(3)(b)",
            "improves the result of a previously completed human activity",
        ),
        _q(
            "exemption_detects_patterns",
            "Does it only detect decision-making patterns or deviations from earlier patterns, "
            "without replacing or influencing the human assessment, which it does not review?",
            "E.g. flagging a grader's inconsistencies for later human review.",
            "Art. 6(3)(c)",
            "detects decision-making patterns without replacing or influencing human assessment",
        ),
        _q(
            "exemption_preparatory",
            "Does it only perform a preparatory task to an assessment relevant to an Annex III "
            "use case?",
            "E.g. indexing, searching or translating files an assessor will read.",
            "Art. 6(3)(d)",
            "preparatory task to an Annex III assessment",
        ),
        _q(
            "profiling",
            "Does it profile natural persons: automated processing of personal data to evaluate "
            "or predict aspects such as their work, finances, health, preferences, behaviour or "
            "location?",
            "Profiling as defined in GDPR Art. 4(4). A 'yes' means no exemption can apply.",
            "Art. 6(3), last subparagraph",
            "profiling of natural persons",
        ),
    ),
)

TRANSPARENCY = Section(
    "transparency",
    "Transparency (Art. 50)",
    "Duties to tell people they deal with AI or AI-made content; they also apply on top of the "
    "high-risk duties.",
    (
        _q(
            "interacts_with_people",
            "Does it interact directly with people (a chatbot, voice assistant or agent)?",
            "People must be told they are dealing with an AI, unless it is obvious.",
            "Art. 50(1)",
            "interacts directly with natural persons",
        ),
        _q(
            "generates_synthetic_content",
            "Does it generate synthetic audio, images, video or text?",
            "Output must be marked as artificially generated in a machine-readable way.",
            "Art. 50(2)",
            "generates synthetic audio, image, video or text content",
        ),
        _q(
            "emotion_or_biometric_categorisation",
            "Is it an emotion recognition or biometric categorisation system (that is not "
            "prohibited)?",
            "The people exposed to it must be informed.",
            "Art. 50(3)",
            "emotion recognition or biometric categorisation system",
        ),
        _q(
            "deep_fakes",
            "Does it generate or manipulate images, audio or video resembling real people, "
            "places or events (deep fakes)?",
            "Such content must be disclosed as artificially generated or manipulated.",
            "Art. 50(4)",
            "generates or manipulates deep fakes",
        ),
        _q(
            "public_interest_text",
            "Does it generate or manipulate text published to inform the public on matters of "
            "public interest?",
            "Not needed when the text is under human editorial review and responsibility.",
            "Art. 50(4)",
            "generates text published to inform the public on matters of public interest",
        ),
    ),
)

SECTIONS: tuple[Section, ...] = (PROHIBITED, ANNEX_I, ANNEX_III, EXEMPTIONS, TRANSPARENCY)
QUESTIONS: dict[str, Question] = {q.id: q for s in SECTIONS for q in s.questions}
EXEMPTION_IDS: tuple[str, ...] = tuple(q.id for q in EXEMPTIONS.questions if q.id != "profiling")
