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
        "system prompt|system message|系统提示|系統提示",
        r"\bsystem (?:prompt|message)\b|系统提示|系統提示",
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
)
