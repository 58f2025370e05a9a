"""The phrase rules of the prompt-injection detector, as data (``injection`` applies them).

Every pattern runs on the *normalised* text (NFKC, case-folded, zero-width and other format
characters removed, whitespace collapsed to single spaces), so a rule is written in lower case
with plain spaces. Each rule names the literal ``keywords`` of which at least one occurs in
every match: their union is the one alternation that decides, for benign text, that no rule
needs to run. ``weight`` is the rule's confidence on its own; weights under 0.5 are signals
that flag a text only together with another one (see ``injection.injection_score``).

The weights are judgement, written before the rules were measured against the labelled sets
of ``bench/injection.py``; docs/detectors.md states the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OVERRIDE = "instruction_override"
ROLE_PLAY = "role_play"
EXTRACTION = "prompt_extraction"


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str  # OVERRIDE, ROLE_PLAY or EXTRACTION
    name: str
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]
    weight: float
    reason: str


def _rule(
    kind: str, name: str, keywords: str | tuple[str, ...], pattern: str, weight: float, reason: str
) -> Rule:
    """A rule; ``keywords`` is a tuple, or a string of them separated by "|"."""
    listed = tuple(keywords.split("|")) if isinstance(keywords, str) else keywords
    return Rule(kind, name, listed, re.compile(pattern), weight, reason)


# Fragments. Words end at \b; the text has single spaces, so " " is the separator.
_DET = r"(?:(?:all|any|every|each|the|your|my|our|these|those|of|its|about|everything|of the)\s)"
_QUAL = (
    r"(?:previous(?:ly)?|prior|above|earlier|preceding|foregoing|former|original|initial|old|"
    r"past|system|developer|default|all|your|any|every|given|aforementioned|safety|ethical|moral|"
    r"content|built-in|programmed|openai'?s?|anthropic'?s?)"
)
_OBJECT = (
    r"(?:instructions?|prompts?|directions?|directives?|rules|guidelines|commands|programming|"
    r"constraints|restrictions|guardrails|polic(?:y|ies)|training|guidance|orders|context|"
    r"conversation|principles|filters?|limitations)"
)
_OVERRIDE_VERB = (
    r"(?:ignore|ignoring|disregard(?:ing)?|forget(?:ting)?|skip|override|overwrite|bypass|"
    r"neglect|discard|abandon|throw out|set aside|pay no attention to|do not follow|"
    r"don'?t follow|stop following|no longer follow|circumvent)"
)
_REVEAL_VERB = (
    r"(?:repeat|print|show|reveal|display|output|tell|give|write|dump|leak|spell|recite|list|"
    r"share|provide|return|disclose|expose|paste|copy|echo|summari[sz]e|translate|encode|state)"
)
_SECRET_QUAL = (
    r"(?:(?:full|entire|complete|exact|original|initial|hidden|secret|internal|first|system|"
    r"developer|starting|underlying|confidential|verbatim|previous|whole|actual|real|raw|"
    r"current|core)\s)"
)

RULES: tuple[Rule, ...] = (
    # --- instruction override -------------------------------------------------------------
    _rule(
        OVERRIDE,
        "ignore previous instructions",
        "ignor|disregard|forget|skip|overrid|overwrit|bypass|neglect|discard|abandon|throw out"
        "|set aside|no attention|t follow|stop following|no longer follow|circumvent",
        rf"\b{_OVERRIDE_VERB}\s{_DET}{{0,3}}{_QUAL}\s(?:[\w'-]+\s){{0,2}}?{_OBJECT}\b",
        0.9,
        "asks to drop the instructions the model was given",
    ),
    _rule(
        OVERRIDE,
        "disregard the above",
        "ignor|disregard|forget",
        r"\b(?:ignore|disregard|forget)\s(?:all |everything |anything )?(?:(?:that|of) )?"
        r"(?:the |what(?:'s| is| was| has been| you were told| i said)? )?"
        r"(?:(?:written|said|stated|mentioned|given|told) )?"
        r"(?:above|before this|so far|up to (?:now|this point))\b",
        0.8,
        "asks to disregard what came before",
    ),
    _rule(
        OVERRIDE,
        "forget everything",
        "forget",
        r"\bforget (?:everything|all) (?:you(?:'ve| have)? (?:been told|were told|know|learned)"
        r"|(?:that )?(?:i|we|they) (?:said|told you))\b",
        0.6,
        "asks the model to forget what it was told",
    ),
    _rule(
        OVERRIDE,
        "instructions are void",
        "void|null|cancel|revoked|obsolete|outdated|invalid|overridden|replaced|lifted|disabled"
        "|suspended|no longer",
        r"\b(?:previous|prior|above|earlier|original|old|system|initial|your)\s"
        r"(?:instructions?|rules|guidelines|prompt)\s(?:are|is|were|have been|has been)\s"
        r"(?:now )?(?:void|null|cancell?ed|revoked|obsolete|outdated|invalid|overridden|replaced|"
        r"lifted|disabled|suspended|no longer (?:valid|apply|applicable|in effect|relevant))\b",
        0.85,
        "declares the model's instructions void",
    ),
    _rule(
        OVERRIDE,
        "must no longer follow",
        "no longer|not follow|not obey|not adhere|not comply|not be bound|not abide|never follow"
        "|never obey|never adhere|never comply|never abide|never be bound",
        r"\byou (?:must|will|should|shall|do|are to|need to|can) (?:now )?(?:no longer|not|never)"
        r" (?:follow|obey|adhere to|comply with|be bound by|abide by)\s(?:any |your |the |its )?"
        r"(?:previous |prior |original |system |safety |ethical |content )?"
        r"(?:instructions|rules|guidelines|polic(?:y|ies)|restrictions|programming|principles)\b",
        0.75,
        "tells the model to stop following its rules",
    ),
    _rule(
        OVERRIDE,
        "new instructions",
        "your new|your real|your actual|your true|your only|instruction|directive",
        r"\b(?:your (?:new|real|actual|true|only) (?:instructions?|task|role|goal|objective|"
        r"purpose|directives?) (?:is|are|will be)|(?:new|updated|real|actual|true|override|"
        r"overriding|secret|hidden) (?:system )?(?:instructions?|directives?)\s?:)",
        0.55,
        "announces replacement instructions",
    ),
    _rule(
        OVERRIDE,
        "from now on you",
        "from now on",
        r"\bfrom now on,? (?:you|your|u|only|always|respond|reply|answer|act|speak|talk)\b",
        0.45,
        "redefines how the model behaves from here on",
    ),
    _rule(
        OVERRIDE,
        "chat-template delimiter",
        (
            "im_start",
            "im_end",
            "<|system",
            "<|user",
            "<|assistant",
            "endoftext",
            "eot_id",
            "start_header",
            "<<sys>>",
            "<</sys>>",
            "[inst]",
            "[/inst]",
            "<system>",
            "</system>",
            "[system]",
            "### system",
            "### instruction",
            "end of prompt",
            "end of system",
        ),
        r"(?:<\|im_(?:start|end)\|>|<\|(?:system|user|assistant|endoftext|eot_id)\|>|"
        r"<\|start_header_id\|>|<</?sys>>|\[/?inst\]|</?system>|\[system\]|"
        r"### (?:system|instruction)s?:|\bend of (?:system )?prompt\b)",
        0.55,
        "contains a chat-template delimiter that fakes a new system turn",
    ),
    _rule(
        OVERRIDE,
        "override (de)",
        "ignor|vergiss|vergessen|missacht",
        r"\b(?:ignorier(?:e|en|t)?|vergiss|vergessen sie|missachte)\s"
        r"(?:(?:alle|die|deine|ihre|sämtliche|bisherigen|vorherigen|vorigen|obigen|früheren|"
        r"alten|bisher|gegebenen)\s){1,3}(?:anweisungen|instruktionen|befehle|regeln|vorgaben)\b",
        0.85,
        "asks (in German) to drop the instructions given",
    ),
    _rule(
        OVERRIDE,
        "override (fr)",
        "ignor|oubli|ne tiens",
        r"\b(?:ignore[zrs]?|oublie[zrs]?|ne tiens pas compte de)\s"
        r"(?:(?:toutes|tous|les|tes|vos|des|la|le|de|ces)\s){1,3}"
        r"(?:instructions|consignes|règles|directives|ordres)\b",
        0.85,
        "asks (in French) to drop the instructions given",
    ),
    _rule(
        OVERRIDE,
        "override (es/pt)",
        "ignor|olvid|omit|descart|esque|desconsider",
        r"\b(?:ignora|ignore|ignorar|olvida|olvide|olvidar|omite|descarta|esqueça|esqueca|"
        r"desconsidere)\s(?:(?:todas|todos|las|los|tus|sus|de|el|la|as|os|suas|tuas|o|a)\s){1,3}"
        r"(?:instrucciones|indicaciones|reglas|órdenes|directrices|instruções|instrucoes|regras|"
        r"orientações|diretrizes)\b",
        0.85,
        "asks (in Spanish or Portuguese) to drop the instructions given",
    ),
    _rule(
        OVERRIDE,
        "override (it)",
        "ignor|dimentic|trascur",
        r"\b(?:ignora|ignori|ignorare|dimentica|dimentichi|trascura)\s"
        r"(?:(?:tutte|tutti|le|gli|tue|sue|i|di|il|la|delle|precedenti)\s){1,3}"
        r"(?:istruzioni|regole|indicazioni|direttive)\b",
        0.85,
        "asks (in Italian) to drop the instructions given",
    ),
    _rule(
        OVERRIDE,
        "override (nl)",
        "negeer|vergeet",
        r"\b(?:negeer|vergeet)\s(?:(?:alle|de|je|jouw|uw|vorige|eerdere|voorgaande)\s){1,3}"
        r"(?:instructies|aanwijzingen|regels|opdrachten)\b",
        0.85,
        "asks (in Dutch) to drop the instructions given",
    ),
    _rule(
        OVERRIDE,
        "override (ru)",
        "игнор|забуд|проигнор",
        r"(?:проигнорируй|игнорируй|забудь)(?:те)?\s"
        r"(?:(?:все|всё|предыдущие|прошлые|свои|твои|ваши|эти|данные)\s){1,3}"
        r"(?:инструкции|указания|правила|команды)",
        0.85,
        "asks (in Russian) to drop the instructions given",
    ),
    _rule(
        OVERRIDE,
        "override (zh/ja/ko)",
        "忽略|无视|忘记|忘掉|無視|忽視|忘記|の指示|지시|지침",
        r"(?:(?:忽略|无视|忘记|忘掉|無視|忽視|忘記)(?:掉)?(?:之前|以上|上面|先前|前面|所有|全部|你的|的|一切|上述)+"
        r"(?:指令|指示|说明|說明|规则|規則|提示)|(?:以前|前|上記|これまで)の(?:指示|命令|ルール)を(?:無視|忘れ)|"
        r"(?:이전|위의|모든)\s?(?:지시|지침|명령)(?:을|를|은|는)?\s?(?:무시|잊어))",
        0.85,
        "asks (in Chinese, Japanese or Korean) to drop the instructions given",
    ),
    # --- role play / jailbreak personas -----------------------------------------------------
    _rule(
        ROLE_PLAY,
        "do anything now",
        "anything now|dan",
        r"\b(?:do anything now|dan mode|act(?:ing)? as (?:a )?dan|you(?:'re| are) (?:now )?(?:a )?dan"
        r"|as dan\b|\[dan\]|dan:|stay (?:a )?dan)",
        0.9,
        "invokes the DAN ('do anything now') jailbreak persona",
    ),
    _rule(
        ROLE_PLAY,
        "named jailbreak persona",
        "betterdan|antigpt|anti-dan|evil confidant|mongo tom|machiavellian|avoid norms|dude mode"
        "|stan mode|jailbreak mode|jailbroken mode|ucar|aim stands",
        r"\b(?:betterdan|antigpt|anti-dan|evil confidant|mongo tom|always intelligent and "
        r"machiavellian|strive to avoid norms|dude mode|stan mode|jailbreak mode|jailbroken mode|"
        r"ucar\b|aim stands for)",
        0.85,
        "names a known jailbreak persona",
    ),
    _rule(
        ROLE_PLAY,
        "developer mode enabled",
        "developer mode|dev mode|god mode|debug mode|jailbreak mode|unrestricted mode|unfiltered mode"
        "|evil mode|chaos mode|opposite mode",
        r"\b(?:chatgpt|gpt|ai|assistant|model|llm|you|bot|yourself) (?:with|in) (?:the )?"
        r"(?:developer|god|jailbreak|unrestricted|unfiltered|evil|dan) mode\b|\b(?:developer|"
        r"jailbreak|unrestricted|unfiltered|evil|dan|god) mode (?:output|response)s?\b|"
        r"\b(?:simulate|emulate) (?:the )?(?:developer|jailbreak|unrestricted|god) mode\b",
        0.8,
        "switches the model into a 'developer' or other unrestricted mode",
    ),
    _rule(
        ROLE_PLAY,
        "developer mode",
        "developer mode|dev mode|god mode|debug mode|jailbreak mode|unrestricted mode|unfiltered mode"
        "|evil mode|chaos mode|opposite mode",
        r"\b(?:developer|god|jailbreak|unrestricted|unfiltered) mode\b",
        0.35,
        "mentions an unrestricted 'mode' of the model",
    ),
    _rule(
        ROLE_PLAY,
        "you are no longer",
        "no longer",
        r"\byou(?:'re| are) no longer (?:bound|restricted|limited|constrained|an ai|a language model|"
        r"an assistant|chatgpt|claude|gpt|required|subject|governed|obligated)\b",
        0.8,
        "tells the model it is no longer bound by what it is",
    ),
    _rule(
        ROLE_PLAY,
        "you are now",
        "you are now|you're now",
        r"\byou(?:'re| are) now (?:a |an |the |my |in |going to (?:act|be|pretend|play)|free|"
        r"unrestricted|unfiltered|uncensored|jailbroken|evil|called|named|known as|acting|playing|"
        r"operating)",
        0.4,
        "assigns the model a new identity ('you are now …')",
    ),
    _rule(
        ROLE_PLAY,
        "pretend you are",
        "pretend|imagine",
        r"\b(?:pretend(?:ing)?|imagine) (?:that )?(?:you(?:'re| are| were| have no| can| do not|"
        r" don't)|to be)\b",
        0.4,
        "asks the model to pretend to be something else",
    ),
    _rule(
        ROLE_PLAY,
        "act as an unrestricted AI",
        "unrestricted|unfiltered|uncensored|jailbr|evil|amoral|immoral|unethical|rogue|malicious"
        "|unbound|ai without|chatbot without|character who",
        r"\b(?:act|acting|behave|respond|answer|reply|roleplay|role-play|role play|simulate|"
        r"emulate)(?: as| like)? (?:if you (?:are|were) )?(?:an? |the |my )?(?:completely |totally |"
        r"fully )?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|amoral|immoral|unethical|"
        r"rogue|malicious|unbound|ai without|chatbot without|"
        r"character who (?:has no|doesn't|does not|never))\b",
        0.75,
        "asks the model to act as an unrestricted or malicious character",
    ),
    _rule(
        ROLE_PLAY,
        "without restrictions",
        "restriction|limitation|limits|filter|censor|guideline|rules|boundar|constraint|ethic|moral"
        "|guardrail|safeguard|confines|polic",
        r"\b(?:no|without(?: any)?|free (?:from|of)|not bound by|unbound by|freed from|"
        r"broken free (?:of|from)|break free (?:of|from)|ignores?|bypass(?:es)?|circumvents?)\s"
        r"(?:(?:any|all|the|your|its|their|typical|usual|moral|ethical|safety|content|openai'?s?)\s)*"
        r"(?:restrictions|limitations|limits|filters?|filtering|censorship|guidelines|rules|"
        r"boundaries|constraints|ethics|morals|morality|guardrails|safeguards|confines|polic(?:y|ies)"
        r")\b",
        0.35,
        "speaks of having no restrictions",
    ),
    _rule(
        ROLE_PLAY,
        "jailbreak vocabulary",
        "jailbr|uncensored|unfiltered|amoral|abide|comply|adhere|refuse",
        r"\b(?:jailbr[oe]ak(?:en|ed|ing|s)?|uncensored|unfiltered|amoral|"
        r"(?:doesn't|does not|don't|do not|never|won't|will not) (?:have to )?(?:abide|comply|"
        r"adhere) (?:by|to|with) (?:any |the )?(?:rules|polic(?:y|ies)|guidelines|content)|"
        r"(?:never|not|won't|doesn't|cannot|can't) refuse (?:a |any )?(?:request|question|order)s?)",
        0.45,
        "uses jailbreak vocabulary (uncensored, never refuses, …)",
    ),
    _rule(
        ROLE_PLAY,
        "stay in character",
        "in character|break character|breaking character",
        r"\b(?:stay|remain|stays|keep|staying) in character\b|\bbreak(?:ing)? character\b",
        0.4,
        "asks the model to keep up a persona",
    ),
    _rule(
        ROLE_PLAY,
        "content policy",
        "policy|policies",
        r"\b(?:openai|anthropic|content|usage)(?:'s)? (?:content |usage )?polic(?:y|ies)\b",
        0.3,
        "refers to the provider's content policy",
    ),
    _rule(
        ROLE_PLAY,
        "two answers",
        "two responses|two answers|two paragraphs|two outputs|two different|two separate"
        "|2 responses|2 answers|2 paragraphs|2 outputs|2 different|2 separate",
        r"\b(?:two|2) (?:different |separate )?(?:responses|answers|paragraphs|outputs)\b"
        r".{0,120}\b(?:normal|classic|standard|filtered|censored)\b",
        0.45,
        "asks for a 'normal' and an unrestricted answer side by side",
    ),
    # --- prompt extraction ------------------------------------------------------------------
    _rule(
        EXTRACTION,
        "reveal the system prompt",
        "prompt|system message|developer message|instructions|initiali",
        rf"\b{_REVEAL_VERB}(?: me| us| out| back)?\s(?:[\w'-]+\s){{0,3}}?(?:your|the|its)\s"
        rf"{_SECRET_QUAL}{{0,3}}(?:system prompt|system message|system instructions|initial prompt|"
        rf"pre-?prompt|hidden prompt|developer message|hidden instructions|secret instructions|"
        rf"original instructions|initial instructions|initiali[sz]ation|prompt)\b",
        0.85,
        "asks the model to reveal its system prompt",
    ),
    _rule(
        EXTRACTION,
        "reveal your instructions",
        "instruction|directive|guideline|rules|configuration|programming",
        rf"\b{_REVEAL_VERB}(?: me| us| out| back)?\s(?:[\w'-]+\s){{0,3}}?your\s{_SECRET_QUAL}{{0,3}}"
        r"(?:instructions|directives|guidelines|rules|configuration|programming)\b",
        0.65,
        "asks the model to reveal its instructions",
    ),
    _rule(
        EXTRACTION,
        "what are your instructions",
        "instructions|prompt|directives|been given|were given",
        rf"\bwhat (?:are|were|is|was) (?:your|the) {_SECRET_QUAL}{{0,2}}(?:instructions|"
        r"system prompt|initial prompt|prompt|directives|(?:rules|guidelines) you (?:were|have been)"
        r" given)\b",
        0.7,
        "asks what the model's instructions are",
    ),
    _rule(
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
    _rule(
        EXTRACTION,
        "what were you told",
        "told|instructed|programmed|you given|been given",
        r"\bwhat (?:were|was|have) you (?:been )?(?:told|instructed|given|programmed)(?: to do)? "
        r"(?:before|at the (?:beginning|start)|initially|prior to|earlier|by (?:your|the) "
        r"(?:developers?|creators?|operators?|system))",
        0.7,
        "asks what the model was told before the conversation",
    ),
    _rule(
        EXTRACTION,
        "system prompt mentioned",
        "system prompt|system message|系统提示|系統提示",
        r"\bsystem (?:prompt|message)\b|系统提示|系統提示",
        0.3,
        "mentions the system prompt",
    ),
    _rule(
        EXTRACTION,
        "reveal (zh)",
        "显示|输出|重复|告诉我|打印|顯示|輸出|重複|告訴我",
        r"(?:显示|输出|重复|告诉我|打印|顯示|輸出|重複|告訴我)(?:一下)?(?:你的)?(?:系统提示|系統提示|初始指令|"
        r"原始指令|指令|提示词|提示詞)",
        0.8,
        "asks (in Chinese) for the system prompt",
    ),
)

# What every text meets first. Each keyword is reduced to an *anchor*: its longest word, cut
# to five characters ("ignor", "instr", "jailb"). A text whose words, cut alike, hold no anchor
# (one set intersection) needs no rule. Keywords with punctuation ("<|im_") or outside ASCII
# are looked for as they are. A fragment keyword ("ignor") must be five characters or more.
ANCHOR_LENGTH = 5
SEPARATORS = str.maketrans(dict.fromkeys("!\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~“”‘’«»…–—", " "))
_SEPARATOR_RUNS = re.compile(r"[\s!-/:-@\[-`{-~“”‘’«»…–—]+")
KEYWORDS: tuple[str, ...] = tuple(sorted({k for rule in RULES for k in rule.keywords}))


def anchors(text: str) -> set[str]:
    """The words of a (normalised) text, each cut to ``ANCHOR_LENGTH`` characters."""
    if text.isascii():
        return {word[:ANCHOR_LENGTH] for word in text.translate(SEPARATORS).split()}
    return {word[:ANCHOR_LENGTH] for word in _SEPARATOR_RUNS.split(text)}


# Words too common to anchor on: a keyword made only of them ("you are now") is looked for as
# it is, which costs one substring search.
_COMMON = frozenset(
    "you your with from are now on the all new real actual true only far so is of to a an in no "
    "not never mode follow following stop two 2 different separate responses answers paragraphs "
    "outputs been were given anything stands this that t system message start beginning".split()
)


def _anchor(keyword: str) -> str | None:
    if not keyword.isascii() or keyword.translate(SEPARATORS) != keyword:
        return None
    words = [word for word in keyword.split() if word not in _COMMON]
    return max(words, key=len)[:ANCHOR_LENGTH] if words else None


ANCHORS = frozenset(a for k in KEYWORDS if (a := _anchor(k)))
LITERAL_KEYWORDS = tuple(k for k in KEYWORDS if _anchor(k) is None and k.isascii())
FOREIGN_KEYWORDS = tuple(k for k in KEYWORDS if not k.isascii())

# Words of the strongest rules as rot13 shows them: a text holding one is decoded and checked
# again (rot13 keeps offsets, so its findings map back one to one).
ROT13_ANCHORS = frozenset(
    w[:ANCHOR_LENGTH]
    for w in "vtaber qvfertneq sbetrg vafgehpgvbaf flfgrz wnvyoernx qrirybcre nalguvat "
    "cergraq erirny cebzcg".split()
)

# Latin look-alikes from Cyrillic and Greek that NFKC keeps apart ("іgnore" with a Ukrainian
# і). One character to one, so a folded view keeps the offsets of the normalised text.
CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁԛԝɡαεοικνρτυχ",
    "aeopcyxijsdqwgaeoikvptux",
)
