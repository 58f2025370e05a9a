"""The questions of the EU AI Act questionnaire: stable ids, plain text, help, article. Pure.

Kept apart from the classification (``eu_ai_act``) because it is data: the wording can be
improved without touching the rules, while the ids stay stable (stored answers refer to them).
This module holds what decides the tier (Art. 5, Art. 6(1) with Annex I, Art. 6(2) with
Annex III); ``eu_ai_act_questions_more`` holds the Art. 6(3) derogation, Art. 50, the
organisation's role and general-purpose AI models.

Each question cites the point of Regulation (EU) 2024/1689 it comes from. A question that only
matters when another was answered "yes" names those in ``needed_when``: it is asked (and
required) only then, and counts as "no" otherwise. A question that comes from the 2026
amendment carries ``verified=False`` and its source (see ``eu_ai_act_obligations.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

ACT = "act"  # the source key of Regulation (EU) 2024/1689 in eu_ai_act_obligations.yaml
AMENDED = "consolidated_2026"  # the amended text, known only from a secondary copy


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    help: str
    article: str
    # What a "yes" means in a reason sentence, e.g. "creditworthiness evaluation of ...".
    label: str
    # Asked only when one of these was answered "yes"; otherwise it counts as "no".
    needed_when: tuple[str, ...] = ()
    source: str = ACT
    verified: bool = True


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]


def ask(
    qid: str,
    text: str,
    help_: str,
    article: str,
    label: str,
    needed_when: tuple[str, ...] = (),
) -> Question:
    return Question(qid, text, help_, article, label, needed_when)


def _amended(qid: str, text: str, help_: str, article: str, label: str) -> Question:
    return Question(qid, text, help_, article, label, (), AMENDED, False)


PROHIBITED = Section(
    "prohibited",
    "Prohibited practices (Art. 5)",
    "Practices banned in the EU since 2 February 2025: placing such a system on the market, "
    "putting it into service and using it are all prohibited. One 'yes' means the system must "
    "not be provided or used.",
    (
        ask(
            "p_manipulation",
            "Does it use subliminal, purposefully manipulative or deceptive techniques that "
            "materially distort the behaviour of a person or group, in a way that causes or is "
            "reasonably likely to cause significant harm to that person, another person or a "
            "group of persons?",
            "E.g. hidden cues pushing users into decisions they would not otherwise take, "
            "whether the harm falls on the user or on others.",
            "Art. 5(1)(a)",
            "manipulative or deceptive techniques causing significant harm to the person, "
            "another person or a group of persons",
        ),
        ask(
            "p_vulnerabilities",
            "Does it exploit vulnerabilities of people due to their age, disability or a "
            "specific social or economic situation, distorting their behaviour in a way that "
            "causes or is reasonably likely to cause them or another person significant harm?",
            "E.g. targeting children or people in financial distress with harmful nudges.",
            "Art. 5(1)(b)",
            "exploitation of vulnerabilities of age, disability or social or economic situation",
        ),
        _amended(
            "p_intimate_imagery",
            "Does it generate or manipulate realistic images, video or audio of an identifiable "
            "person's intimate parts or of them in sexually explicit activities without their "
            "explicit consent, either as its purpose or as a foreseeable outcome it has no "
            "adequate safeguards against, or do you use it for that?",
            "Added by the 2026 amendment (from 2 December 2026); 'nudification' apps. Editing that "
            "does not increase exposure is not manipulation (Art. 5(1b)). Source not verified.",
            "Art. 5(1)(ba)",
            "generation of non-consensual intimate imagery of identifiable persons",
        ),
        _amended(
            "p_csam",
            "Does it generate or manipulate child sexual abuse material (Directive 2011/93/EU, "
            "Art. 2(c) and (e)), either as its purpose or as a foreseeable outcome it has no "
            "adequate safeguards against, or do you use it for that?",
            "Added by the 2026 amendment (from 2 December 2026). Source not verified.",
            "Art. 5(1)(bb)",
            "generation of child sexual abuse material",
        ),
        ask(
            "p_social_scoring",
            "Does it score people over time on their social behaviour or personal or "
            "personality characteristics, with the score leading to detrimental or unfavourable "
            "treatment in social contexts unrelated to those where the data was generated or "
            "collected, or to treatment that is unjustified or disproportionate to their social "
            "behaviour or its gravity?",
            "Social scoring by public or private actors; either kind of treatment suffices.",
            "Art. 5(1)(c)",
            "social scoring leading to detrimental treatment in unrelated contexts, or "
            "unjustified or disproportionate to the behaviour or its gravity",
        ),
        ask(
            "p_crime_prediction",
            "Does it predict the risk that a person commits a criminal offence solely from "
            "profiling or from their personality traits?",
            "Not covered: support to a human assessment based on objective, verifiable facts.",
            "Art. 5(1)(d)",
            "predicting criminal offences solely from profiling or personality traits",
        ),
        ask(
            "p_face_scraping",
            "Does it build or expand facial recognition databases by untargeted scraping of "
            "facial images from the internet or CCTV footage?",
            "Any collection of faces not aimed at specific, known people.",
            "Art. 5(1)(e)",
            "untargeted scraping of facial images for recognition databases",
        ),
        ask(
            "p_emotion_workplace",
            "Does it infer the emotions of people at the workplace or in education institutions, "
            "other than for medical or safety reasons?",
            "E.g. measuring employees' mood from webcams or voices.",
            "Art. 5(1)(f)",
            "emotion recognition in the workplace or in education",
        ),
        ask(
            "p_biometric_categorisation",
            "Does it categorise people from biometric data to infer their race, political "
            "opinions, trade union membership, religious beliefs, sex life or sexual orientation?",
            "Labelling or filtering of lawfully acquired biometric datasets is not covered.",
            "Art. 5(1)(g)",
            "biometric categorisation inferring sensitive attributes",
        ),
        ask(
            "p_realtime_rbi",
            "Is it used for real-time remote biometric identification in publicly accessible "
            "spaces for law enforcement?",
            "Answer 'yes' even if you rely on one of the exceptions: they are asked next.",
            "Art. 5(1)(h)",
            "real-time remote biometric identification in public spaces for law enforcement",
        ),
    ),
)

_RBI = ("p_realtime_rbi",)
RBI_EXCEPTIONS = Section(
    "rbi_exceptions",
    "Real-time remote biometric identification: exceptions (Art. 5(1)(h), 5(2)–(7))",
    "Only relevant when the system is used for real-time remote biometric identification in "
    "public spaces for law enforcement. Such use is prohibited unless strictly necessary for one "
    "of these objectives and authorised before each use.",
    (
        ask(
            "rbi_victims",
            "Is each use strictly necessary for the targeted search for specific victims of "
            "abduction, trafficking in human beings or sexual exploitation, or for missing "
            "persons?",
            "Objective (i).",
            "Art. 5(1)(h)(i)",
            "targeted search for victims of abduction, trafficking or sexual exploitation, or "
            "for missing persons",
            _RBI,
        ),
        ask(
            "rbi_threat",
            "Is each use strictly necessary to prevent a specific, substantial and imminent "
            "threat to the life or physical safety of people, or a genuine and present or "
            "foreseeable threat of a terrorist attack?",
            "Objective (ii).",
            "Art. 5(1)(h)(ii)",
            "prevention of a specific, substantial and imminent threat to life or of a terrorist "
            "attack",
            _RBI,
        ),
        ask(
            "rbi_suspects",
            "Is each use strictly necessary to locate or identify a person suspected of an "
            "offence listed in Annex II punishable by a custodial sentence or detention order of "
            "at least four years, for an investigation, prosecution or penalty?",
            "Objective (iii).",
            "Art. 5(1)(h)(iii)",
            "localisation or identification of suspects of Annex II offences punishable by at "
            "least four years",
            _RBI,
        ),
        ask(
            "rbi_authorised",
            "Is each use authorised beforehand by a judicial authority or an independent "
            "administrative authority whose decision is binding, under national law that allows "
            "it (or, in a duly justified urgency, requested within 24 hours)?",
            "Art. 5(3) and 5(5). Also needed before use: a fundamental rights impact assessment "
            "and registration in the EU database (Art. 5(2)).",
            "Art. 5(3)",
            "prior authorisation of each use",
            _RBI,
        ),
    ),
)

ANNEX_I = Section(
    "annex_i",
    "Safety components of regulated products (Art. 6(1), Annex I)",
    "Products such as machinery, toys, medical devices, lifts or vehicles are regulated by EU "
    "harmonisation legislation listed in Annex I.",
    (
        ask(
            "annex_i_safety_component",
            "Is it a product, or a safety component of a product, covered by the EU legislation "
            "in Annex I that must undergo a third-party conformity assessment?",
            "E.g. AI in a medical device, a machine or a vehicle certified by a notified body.",
            "Art. 6(1)",
            "safety component of a product under Annex I requiring third-party conformity "
            "assessment",
        ),
        ask(
            "annex_i_section_b",
            "Is that product covered by legislation in Section B of Annex I: civil aviation, "
            "two- or three-wheel and quadricycle vehicles, agricultural and forestry vehicles, "
            "marine equipment, rail systems, motor vehicles and their trailers?",
            "Section A (toys, lifts, medical devices, radio equipment, ...) is 'no'. For Section B "
            "products only Art. 6(1), Arts. 102–109 and 112 (and Art. 57 in part) of the Act "
            "apply (Art. 2(2)). By "
            "secondary reports the 2026 amendment moves machinery to Section B (not verified).",
            "Art. 2(2), Annex I Section B",
            "product under Annex I Section B legislation",
            ("annex_i_safety_component",),
        ),
    ),
)


def _annex(
    qid: str, text: str, help_: str, point: str, label: str, needed_when: tuple[str, ...] = ()
) -> Question:
    return ask(qid, text, help_, f"Annex III point {point}", label, needed_when)


_LAW = ("law_enforcement",)
_MIGRATION = ("migration_border",)
_LAW_BY = "Law enforcement: is it used by or for law-enforcement authorities "
_MIG_BY = "Migration, asylum and border control: is it used by or for competent public authorities "

ANNEX_III = Section(
    "annex_iii",
    "High-risk use cases (Art. 6(2), Annex III)",
    "The eight areas of Annex III, every point. A 'yes' makes the system high risk unless the "
    "Art. 6(3) derogation below applies.",
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
            "Education: does it determine access or admission to, or assign people to, "
            "educational and vocational training institutions?",
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
            "Employment: does it make decisions affecting work relationships, promotion or "
            "termination, allocate tasks from behaviour or personal traits, or monitor and "
            "evaluate workers' performance and behaviour?",
            "E.g. allocating shifts from personal traits, productivity scoring.",
            "4(b)",
            "decisions on promotion, termination, task allocation or monitoring of workers",
        ),
        _annex(
            "public_benefits",
            "Essential services: does it evaluate eligibility for essential public assistance "
            "benefits and services, or grant, reduce, revoke or reclaim them?",
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
            "Law enforcement: is it used by or on behalf of law-enforcement authorities, or by "
            "EU bodies supporting them?",
            "The area of point 6; its five uses are asked next. 'No' skips them.",
            "6",
            "use in law enforcement",
        ),
        _annex(
            "law_enforcement_victim_risk",
            _LAW_BY + "to assess the risk of a person becoming the victim of criminal offences?",
            "Victimisation risk assessment.",
            "6(a)",
            "assessing the risk of a person becoming a victim of crime",
            _LAW,
        ),
        _annex(
            "law_enforcement_polygraph",
            _LAW_BY + "as a polygraph or similar tool?",
            "E.g. lie detection from voice or facial cues.",
            "6(b)",
            "polygraph or similar tool in law enforcement",
            _LAW,
        ),
        _annex(
            "law_enforcement_evidence",
            _LAW_BY + "to evaluate the reliability of evidence in investigating or prosecuting "
            "criminal offences?",
            "Evidence reliability assessment.",
            "6(c)",
            "evaluating the reliability of evidence",
            _LAW,
        ),
        _annex(
            "law_enforcement_offending_risk",
            _LAW_BY + "to assess the risk of a person offending or re-offending (not solely from "
            "profiling), or to assess personality traits or past criminal behaviour?",
            "Prediction solely from profiling is prohibited (Art. 5(1)(d)).",
            "6(d)",
            "assessing the risk of offending or re-offending",
            _LAW,
        ),
        _annex(
            "law_enforcement_profiling",
            _LAW_BY + "to profile people in detecting, investigating or prosecuting criminal "
            "offences?",
            "Profiling as in Art. 3(4) of Directive (EU) 2016/680.",
            "6(e)",
            "profiling in the detection, investigation or prosecution of crime",
            _LAW,
        ),
        _annex(
            "migration_border",
            "Migration, asylum and border control: is it used by or on behalf of competent "
            "public authorities, or by EU bodies, in that area?",
            "The area of point 7; its four uses are asked next. 'No' skips them.",
            "7",
            "use in migration, asylum and border control management",
        ),
        _annex(
            "migration_polygraph",
            _MIG_BY + "as a polygraph or similar tool?",
            "E.g. interview tools claiming to detect deception.",
            "7(a)",
            "polygraph or similar tool in migration, asylum or border control",
            _MIGRATION,
        ),
        _annex(
            "migration_risk",
            _MIG_BY + "to assess a security, irregular-migration or health risk posed by a person "
            "who intends to enter or has entered a Member State?",
            "Risk assessment of travellers and migrants.",
            "7(b)",
            "assessing security, irregular-migration or health risks of people entering",
            _MIGRATION,
        ),
        _annex(
            "migration_applications",
            _MIG_BY + "to examine applications for asylum, visas or residence permits and related "
            "complaints, including the reliability of evidence?",
            "Eligibility assessment of applicants.",
            "7(c)",
            "examination of asylum, visa or residence applications",
            _MIGRATION,
        ),
        _annex(
            "migration_identification",
            _MIG_BY + "to detect, recognise or identify people, other than verifying travel "
            "documents?",
            "Verification of travel documents is not covered.",
            "7(d)",
            "detecting, recognising or identifying people in migration or border control",
            _MIGRATION,
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

# The two area questions that only open their points (6 and 7): not use cases themselves.
ANNEX_III_AREAS: tuple[str, ...] = ("law_enforcement", "migration_border")
ANNEX_III_POINTS: tuple[Question, ...] = tuple(
    q for q in ANNEX_III.questions if q.id not in ANNEX_III_AREAS
)
RBI_OBJECTIVE_IDS: tuple[str, ...] = ("rbi_victims", "rbi_threat", "rbi_suspects")


def annex_iii_point(question: Question) -> str:
    """The point of an Annex III question, e.g. ``5(b)`` for ``Annex III point 5(b)``."""
    return question.article.removeprefix("Annex III point ")
