"""The screening rules as data: word lists per language, and the phrasings built from them.

Every pattern is matched against normalised text (see ``screening.normalise``): lower case,
accents removed, one space between words. So patterns are written in plain ASCII with single
spaces, and every repetition is bounded (no ReDoS: no nested quantifier over free text).

A rule belongs to one of five families: ``override`` (drop your instructions), ``address``
(text that speaks to a model), ``persona`` (you are now ...), ``verdict`` (dictates a score
or an outcome) and ``markup`` (chat-template or fence tags, requests for the prompt).
Measured on ``evals/datasets/screening.yaml`` by ``python -m evals.screening``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One phrasing: a name for reviewers and reports, its language and its pattern."""

    name: str
    language: str
    pattern: str


def words(*alternatives: str) -> str:
    """A non-capturing alternation of literal phrasings (already regex-safe)."""
    return "(?:" + "|".join(alternatives) + ")"


def optional(group: str, times: int = 1) -> str:
    """``group`` followed by a space, up to ``times`` times."""
    return f"(?:{group} ){{0,{times}}}"


# Sentence start in normalised text: the start, or after end punctuation or a line label.
START = r"(?:^|[.!?;:>\]\)\"'*#-] ?)"
# A bounded stretch of one clause.
GAP = r"[^.;:!?\n]{0,50}?"

# ----------------------------------------------------------------------------- English
NOT_NEGATED = r"(?<!not )(?<!never )(?<!n't )"
EN_DROP = NOT_NEGATED + words(
                "ignore", "disregard", "forget", "override", "overlook", "bypass", "discard",
                "set aside", "put aside", "throw out", "throw away", "pay no attention to",
                "do not follow", "don't follow",
                "stop following", "abandon", "dismiss", "neglect", "skip")
EN_DET = words("all", "any", "each", "every", "of", "the", "my", "these", "those", "such",
               "whatever")
EN_QUALIFIER = words("previous", "prior", "above", "earlier", "preceding", "foregoing",
                     "original", "initial", "old", "system", "given", "hidden")
EN_ORDERS = words("instructions?", "prompts?", "directions", "directives?", "guidance",
                  "guidelines?", "rules", "commands?", "orders", "context", "programming",
                  "constraints", "tasks?")
EN_SAFEGUARDS = words("guardrails", "safeguards", "restrictions", "filters", "safety rules",
                      "checks", "verification", "rules", "limits", "policies")
EN_SOURCES = words("evidence", "documents?", "passages?", "sources?", "context", "records?")
EN_RETRIEVED = words("retrieved", "provided", "other", "remaining", "supplied")
EN_SINCE = words("above", "before", "previously", "so far", "earlier",
                 r"(?:that )?you (?:were|have been|got) (?:told|given|instructed)",
                 "(?:that )?you (?:received|got|were sent)",
                 "(?:that |which )?(?:preceded|precedes|came before|comes before)")
EN_AI = words(r"a\.?i", "llms?", "gpt", "chatgpt", "claude", "gemini", "copilot", "chat ?bots?",
              "(?:large )?language models?",
              r"(?:a\.?i|automated|assessment|audit|review|compliance|grading|scoring) "
              "(?:assistants?|models?|assessors?|reviewers?|auditors?|readers?|agents?|bots?|"
              "evaluators?|graders?)",
              r"(?:assessor|reviewer|auditor|evaluator|grader|reviewing|assessing) "
              r"(?:a\.?i|bot|model)s?")
EN_ADDRESSEE = words(EN_AI, "assistants?", "models?", "bots?", "assessor bots?",
                     "automated (?:tools?|systems?)", "automated review (?:tools?|systems?)")
# A bare 5 as a score, not a range's end ("1 to 5") nor a quantity ("5 staff", "5-minute").
FIVE = (r"(?<!to )(?<!from )(?<!and )(?<!or )(?<!-)5(?: ?/ ?5| out of 5)?"
        r"(?= ?(?:$|[.,;!)]| and | for | across | on | in | only))")
EN_OUTCOME = words("level [3-5]", FIVE,
                   r"(?:fully )?(?:compliant|effective|met|satisfied)(?= ?(?:$|[.,;!]))",
                   "as (?:fully )?met",
                   "as (?:fully )?(?:compliant|implemented|effective|satisfied|in place)",
                   "fully (?:met|implemented|compliant|effective)", "optimi[sz]ing",
                   "(?:a )?perfect (?:score|rating)", "(?:the )?(?:highest|maximum|top) "
                   "(?:maturity )?(?:level|score|rating|grade)", "no gaps")
EN_TARGET = words("this", "these", "every", "all", "each", "everything", "it", "them",
                  "the (?:company|organi[sz]ation|isms|supplier|controls?|requirements?)")
EN_SCORE = words("rate", "score", "mark", "grade", "classify", "label", "evaluate", "assess",
                 "judge", "consider", "treat", "give", "award", "set", "report", "call",
                 "summari[sz]e", "count", "declare", "deem")
EN_ANSWER = words("respond with", "answer with", "reply with", "return", "output", "print",
                  "assign", "award", "give", "grant", "propose", "report")
EN_REVEAL = words("reveal", "print", "repeat", "show", "output", "display", "disclose", "leak",
                  "tell me", "write out")
EN_ACTIVE = words("reading", "evaluating", "grading", "scoring", "assessing", "reviewing")

ENGLISH = (
    Rule("drop earlier instructions", "en",
         rf"\b{EN_DROP} {optional(EN_DET, 3)}(?:your )?{optional(EN_QUALIFIER, 2)}{EN_ORDERS} "
         rf"{EN_SINCE}"),
    Rule("drop qualified instructions", "en",
         rf"\b{EN_DROP} {optional(EN_DET, 3)}(?:your )?{EN_QUALIFIER} "
         rf"{optional(EN_QUALIFIER, 1)}{EN_ORDERS}\b"
         rf"|\b{EN_DROP} {optional(EN_DET, 3)}{EN_RETRIEVED} {EN_SOURCES}\b"),
    Rule("drop your instructions", "en",
         rf"\b{EN_DROP} {optional(EN_DET, 2)}(?:your|its|their) {optional(EN_QUALIFIER, 2)}"
         rf"{EN_ORDERS}\b|\boverrides? (?:all )?your (?:configuration|instructions|programming|"
         r"prompt|system prompt|guidelines|rules|settings)\b"
         rf"|\b{EN_DROP} (?:all )?your (?:usual )?{EN_SAFEGUARDS}\b"
         r"|\b(?:whatever|regardless of|despite|notwithstanding) (?:what )?your "
         r"(?:instructions|prompt|rules|guidelines|programming|system prompt)\b"),
    Rule("drop everything before", "en",
         rf"\b{EN_DROP} (?:all|everything|anything)(?: (?:of|in))?(?: the)? {EN_SINCE}"
         rf"|\b{EN_DROP} the above\b"),
    Rule("earlier text void", "en",
         r"\b(?:nothing|none of what|none of the things) (?:that )?you (?:were|have been) "
         r"(?:told|instructed|given)\b|\b(?:before|above) this (?:line|point|sentence|message) "
         r"(?:applies|counts|matters|is (?:void|cancelled|obsolete))"
         r"|\bsystem (?:override|prompt|instructions?|message) ?:"),
    Rule("drop what others say", "en",
         r"\b(?:forget|ignore|disregard) what (?:the )?(?:other |previous |retrieved )?"
         r"(?:documents?|evidence|sources?|passages?|records?) (?:say|said|show|state)"),
    Rule("note to a model", "en",
         rf"\bnote (?:to|for) (?:the |any |all |an? |every |dear )?{EN_ADDRESSEE}"
         r"(?= ?[:,;\-]|$)"),
    Rule("greeting a model", "en",
         rf"\b(?:dear|hey|hi|hello|attention|attn|greetings) ,?(?:the |any |all )?"
         rf"{EN_ADDRESSEE}(?: (?:model|system))?(?= ?[:,!\-])"),
    Rule("label for a model", "en",
         rf"{START}(?:to|for) (?:the |any |all |every )?{EN_ADDRESSEE} ?:"
         r"|\b(?:instructions?|message|notice|guidance|information|orders) (?:to|for) "
         rf"(?:the |any |all |every )?{EN_AI} ?:"),
    Rule("model named as reader", "en",
         rf"{START}{EN_AI} ?:|{START}(?:language model|llm|chatgpt|chatbot|gpt|copilot) ?,"
         rf"|{START}(?:assessor|reviewer|auditor|evaluator|grader) "
         r"(?:a\.?i|bot|model)s? ?[:,]"
         rf"|\b(?:the |any |an? )?(?:{EN_AI}|models?) {EN_ACTIVE} "
         r"(?:this|these|it)\b"),
    Rule("addressed to a model", "en",
         rf"\b(?:addressed|directed|written) (?:to|for) (?:the |any |an? )?{EN_ADDRESSEE}\b"
         rf"|\bif you are (?:an? |the )?{EN_AI}\b"
         rf"|\bwhatever (?:is |system is |tool is )?{EN_ACTIVE} this\b"),
    Rule("model told to score", "en",
         rf"\b{EN_AI} (?:must|should|shall|will|needs to|has to|is to) "
         r"(?:rate|score|mark|grade|award|assign|conclude|return|classify)\b"),
    Rule("persona", "en",
         r"\byou are (?:now|from now on|no longer) (?:an?|the|my|in|acting|operating|free|"
         r"going to|allowed)\b|\bfrom now on,? you\b"
         r"|\byou (?:must|should|will|shall) now (?:behave|act|respond|answer|operate|pretend)\b"
         r"|\byou (?:have been|were|are being) (?:reconfigured|reprogrammed|jailbroken|unlocked|"
         r"updated to|instructed to)\b"
         rf"|\byou are (?:an? |the )?{EN_AI}\b|\bpretend (?:to be|you are|that you)\b"
         r"|\bact as (?:an? |the )?(?:lenient|generous|friendly|unrestricted|uncensored|"
         r"different|new)\b|\b(?:developer|jailbreak|god) mode\b|\bdo anything now\b"),
    Rule("dictated score", "en",
         rf"\b{EN_SCORE} {EN_TARGET}\b{GAP} {EN_OUTCOME}"),
    Rule("dictated outcome", "en",
         rf"\b{EN_ANSWER} (?:(?:a|the|maturity) ){{0,2}}(?:level|score|rating|grade) "
         r"(?:of )?[3-5]\b"
         r"|\b(?:report|conclude|say|declare|respond|answer|reply) (?:that )?(?:there are )?"
         r"(?:no gaps|level [3-5]|(?:all|every|each|the) (?:controls?|requirements?|facets?|"
         r"findings?|clauses?) (?:is|are) (?:fully )?(?:met|compliant|effective|satisfied|"
         r"implemented)|(?:that )?(?:the )?(?:organi[sz]ation|company|isms) is (?:fully )?"
         r"compliant)"
         rf"|\b(?:rate|score|mark)\b{GAP}\bas (?:optimi[sz]ing|fully (?:met|implemented|"
         r"compliant)|level [3-5])\b"),
    Rule("dictated answer", "en",
         r"\b(?:answer|respond|reply|say) (?:with )?[\"']?(?:yes|true|met|compliant)[\"']?"
         r"(?: to (?:every|all|each|any)\b| always\b| ?$| ?[.!])"
         r"|\balways (?:answer|respond|reply|say) (?:with )?[\"']?(?:yes|true|met|compliant)\b"),
    Rule("gaps withheld", "en",
         r"\b(?:do not|don't|never) (?:mention|report|list|flag|raise|include|show) (?:any )?"
         r"(?:gaps|nonconformit(?:y|ies)|deficienc(?:y|ies))\b"
         r"|\b(?:maturity|rating|score|level) (?:for|of) (?:all|every|each) (?:clauses?|controls?|"
         r"requirements?) (?:is|are|=) (?:level )?5\b"),
    Rule("document passed off as a record", "en",
         r"\b(?:treat|regard|consider|accept) (?:this|the) (?:document|addendum|text|passage|"
         r"page|file|section) as (?:an? )?(?:signed |verified |valid |genuine |approved )?"
         r"(?:audit )?(?:record|evidence|proof)\b"
         r"|\b(?:treat|regard|consider|accept|take) (?:this|the following|the text below|"
         r"what follows) as (?:the )?(?:final|binding|authoritative|only|official) "
         r"(?:verdict|answer|result|instructions?|assessment|word)\b"),
    Rule("new instructions", "en",
         r"\b(?:new|real|actual|true|secret|hidden|important|updated) "
         r"(?:instructions|directives|task) ?:"),
    Rule("asks for the prompt", "en",
         rf"\b{EN_REVEAL} (?:me )?(?:the |your )?(?:system prompt|initial prompt|hidden prompt|"
         r"full prompt|original prompt|(?:instructions|prompt) (?:above|you were given))"
         r"|\byour (?:system|initial|hidden|original|secret) (?:prompt|instructions)\b"),
)

# ----------------------------------------------------------------------------- German
DE_AI = words(r"k\.?i\.?", "ki-system", "ki-assistent", "ki-modell", "sprachmodell", "modell",
              r"a\.?i", "llm", "chatbot", "assistent", "assistentin", "bewertungssystem")
DE_ORDERS = words("anweisungen", "instruktionen", "befehle", "vorgaben", "regeln",
                  "anordnungen", "hinweise", "prompts?", "aufgaben", "richtlinien")
GERMAN = (
    Rule("drop earlier instructions", "de",
         r"\b(?:ignorier(?:e|en sie)?|vergiss|vergessen sie|missachte|missachten sie|"
         r"ubergehe|ubergehen sie|verwirf|verwerfen sie|befolge nicht|befolgen sie nicht|"
         r"beachte nicht|beachten sie nicht) "
         r"(?:(?:alle|die|deine|ihre|samtliche|jegliche|bitte) ){0,2}"
         r"(?:vorherigen|bisherigen|obigen|vorigen|fruheren|vorangegangenen|ursprunglichen|"
         rf"alten|erhaltenen|gegebenen) {DE_ORDERS}\b"),
    Rule("instructions dropped, verb last", "de",
         r"\b(?:vorherigen|bisherigen|obigen|vorigen|fruheren|vorangegangenen|ursprunglichen|"
         rf"alten|erhaltenen|gegebenen) {DE_ORDERS} (?:bitte )?(?:ignorieren|vergessen|"
         r"missachten|ubergehen|verwerfen|nicht (?:mehr )?(?:beachten|befolgen))\b"),
    Rule("drop everything before", "de",
         r"\b(?:vergiss|vergessen sie|ignoriere|ignorieren sie) alles,? "
         r"(?:was|bisher|zuvor|vorher|obige|davor)"
         r"|\b(?:vergiss|vergessen sie|ignoriere|ignorieren sie) das "
         r"(?:obige|vorherige|bisherige)"),
    Rule("note to a model", "de",
         rf"\b(?:hinweis|nachricht|notiz|anmerkung|achtung|botschaft) (?:an|fur) "
         rf"(?:die |das |den |jede |jedes |eine |ein )?{DE_AI}(?= ?[:,;\-]|$)"
         rf"|{START}an (?:die|das|den) {DE_AI} ?:"
         rf"|\b(?:liebe|lieber|liebes|hallo|hey) (?:die |das |den )?{DE_AI} ?[:,!]"),
    Rule("persona", "de",
         r"\b(?:du bist|sie sind) (?:jetzt|nun|ab sofort|ab jetzt) (?:ein|eine|der|die|das|"
         r"kein|keine|im)\b"
         r"|\bab (?:jetzt|sofort) (?:bist du|wirst du|antwortest du|sind sie)\b"
         r"|\btu so,? als\b"),
    Rule("dictated score", "de",
         r"\b(?:bewerte|bewerten sie|stufe|markiere|markieren sie|vergib|vergeben sie|gib|"
         r"geben sie|setze|kennzeichne|beurteile|beurteilen sie)\b"
         rf"{GAP} (?:(?:mit|auf|als) (?:stufe |note |level |reifegrad )?5\b|"
         r"(?:stufe|level|note|reifegrad) 5\b|als (?:vollstandig )?(?:erfullt|konform|umgesetzt)|"
         r"(?:die )?hochste (?:stufe|note|bewertung|reifegradstufe)|(?:mit )?(?:der )?"
         r"(?:hochstnote|bestnote|hochstbewertung|hochstwertung))"),
)

# ----------------------------------------------------------------------------- French
FR_AI = words("l'ia", r"l'i\.a\.", "l'intelligence artificielle", "l'assistant",
              "l'agent", "(?:du |le )modele(?: de langage| d'ia)?", "(?:le |du )chatbot",
              "(?:le |du )llm", "(?:l'|le )evaluateur automatique")
FR_ORDERS = words("instructions", "consignes", "directives", "regles", "ordres",
                  "indications", "prompts?", "commandes")
FRENCH = (
    Rule("drop earlier instructions", "fr",
         r"\b(?:ignore|ignorez|ignorer|oublie|oubliez|oublier|ne tiens pas compte|"
         r"ne tenez pas compte|ne pas tenir compte|fais abstraction|faites abstraction|"
         r"passe outre|passez outre|neglige|negligez|ecarte|ecartez|mets de cote|"
         r"mettez de cote|laisse de cote|laissez de cote) "
         r"(?:(?:de|des|d'|toutes|tous|les|tes|vos|ces|aux) ?){0,3}"
         rf"(?:{FR_ORDERS} (?:precedentes|anterieures|ci-dessus|initiales|d'origine|recues|"
         rf"donnees|de depart)|(?:tes|vos) {FR_ORDERS})\b"),
    Rule("drop everything before", "fr",
         r"\b(?:oublie|oubliez|ignore|ignorez) (?:tout ce (?:qu'|que |qui )|"
         r"ce qui (?:precede|est (?:ecrit )?ci-dessus))"),
    Rule("note to a model", "fr",
         rf"\b(?:note|message|remarque|avis|attention|consigne|consignes|instruction|"
         rf"instructions) (?:a|pour) {FR_AI}(?= ?[:,;\-]|$)"
         rf"|\ba l'attention (?:de |d')?{FR_AI}"),
    Rule("persona", "fr",
         r"\b(?:tu es|vous etes) (?:maintenant|desormais|a present|dorenavant) "
         r"(?:un|une|le|la|l'|en mode)\b"
         r"|\ba partir de maintenant,? (?:tu|vous)\b|\b(?:fais|faites) comme si\b"),
    Rule("dictated score", "fr",
         r"\b(?:attribue|attribuez|donne|donnez|accorde|accordez) (?:la |une )?"
         r"(?:note|niveau|evaluation) (?:de )?(?:5|maximale?)\b"
         r"|\b(?:evalue|evaluez|note|notez|marque|marquez|classe|classez|considere|considerez|"
         rf"declare|declarez) (?:chaque|tous|toutes|tout|l'ensemble|les|l'entreprise|"
         rf"l'organisation|la societe|ce|cette)\b{GAP} (?:a 5\b|au niveau 5|niveau 5|"
         r"(?:comme )?(?:conformes?|satisfaite?s?|pleinement (?:mis|mise)s? en))"),
)

# ----------------------------------------------------------------------------- Spanish
ES_AI = words("la ia", r"la i\.a\.", "la inteligencia artificial", "el asistente",
              "el modelo(?: de lenguaje)?", "el chatbot", "el llm", "ia")
ES_ORDERS = words("instrucciones", "indicaciones", "ordenes", "directrices", "reglas",
                  "normas", "consignas", "prompts?")
SPANISH = (
    Rule("drop earlier instructions", "es",
         r"\b(?:ignora|ignore|ignorad|ignoren|olvida|olvide|olviden|haz caso omiso|"
         r"haga caso omiso|no hagas caso|no tengas en cuenta|no tenga en cuenta|pasa por alto|"
         r"descarta|descarte) "
         r"(?:(?:de|a|todas|todos|las|los|tus|sus|estas) ){0,3}"
         rf"(?:{ES_ORDERS} (?:anteriores|previas|de arriba|precedentes|iniciales|originales|"
         rf"recibidas)|(?:tus|sus) {ES_ORDERS})\b"),
    Rule("drop everything before", "es",
         r"\b(?:olvida|olvide|ignora|ignore) (?:todo )?lo (?:que te|anterior|dicho|previo)"),
    Rule("note to a model", "es",
         rf"\b(?:nota|mensaje|aviso|atencion) (?:para|a) {ES_AI}(?= ?[:,;\-]|$)"),
    Rule("persona", "es",
         r"\b(?:ahora|a partir de ahora|desde ahora),? (?:eres|seras) (?:un|una|el|la)\b"
         r"|\beres ahora (?:un|una|el|la)\b"),
    Rule("dictated score", "es",
         r"\b(?:califica|calificad|valora|evalua|puntua|marca|asigna|otorga|da|dale)\b"
         rf"{GAP} (?:con (?:un )?5\b|(?:el )?nivel 5\b|"
         r"como (?:(?:plenamente|totalmente) )?(?:cumplid|conform|satisfech)\w*|"
         r"la (?:maxima|mas alta) (?:nota|puntuacion|calificacion))"),
)

# ----------------------------------------------------------------------------- Italian
IT_AI = words("l'ia", r"l'i\.a\.", "l'intelligenza artificiale", "l'assistente",
              "il modello(?: linguistico)?", "il chatbot", "l'llm")
IT_ORDERS = words("istruzioni", "indicazioni", "direttive", "regole", "ordini", "consegne",
                  "prompt")
ITALIAN = (
    Rule("drop earlier instructions", "it",
         r"\b(?:ignora|ignorate|ignori|dimentica|dimenticate|dimentichi|non tenere conto|"
         r"non tenete conto|non considerare|trascura|tralascia) "
         r"(?:(?:di|delle|degli|dei|tutte|tutti|le|gli|i|tue|tuoi|vostre) ){0,3}"
         rf"(?:{IT_ORDERS} (?:precedenti|anteriori|di sopra|iniziali|originali|ricevute)|"
         rf"(?:tue|vostre) {IT_ORDERS})\b"),
    Rule("drop everything before", "it",
         r"\b(?:dimentica|dimenticate|ignora|ignorate) (?:tutto (?:quello|quanto|cio|il resto)|"
         r"quanto (?:sopra|precede|detto))"),
    Rule("note to a model", "it",
         rf"\b(?:nota|messaggio|avviso|attenzione) (?:per|a|all') ?{IT_AI}(?= ?[:,;\-]|$)"),
    Rule("persona", "it",
         r"\b(?:ora|adesso|d'ora in poi|da ora),? (?:sei|tu sei) (?:un|una|il|la|l')"
         r"|\bsei ora (?:un|una|il|la|l')"),
    Rule("dictated score", "it",
         r"\b(?:valuta|valutate|assegna|assegnate|attribuisci|dai|date|segna|classifica|"
         rf"considera)\b{GAP} (?:con (?:un )?5\b|(?:il )?livello 5\b|"
         r"come (?:conform|soddisfatt|attuat|pienamente)\w*|il (?:massimo|punteggio massimo))"),
)

# ----------------------------------------------------------------------------- Dutch
NL_AI = words("ai", r"a\.i\.", "ki", "taalmodel", "model", "assistent", "chatbot", "llm")
NL_ORDERS = words("instructies", "opdrachten", "aanwijzingen", "regels", "richtlijnen",
                  "prompts?", "bevelen")
DUTCH = (
    Rule("drop earlier instructions", "nl",
         r"\b(?:negeer|negeert|vergeet|vergeten|veronachtzaam|passeer) "
         r"(?:(?:alle|de|je|jouw|uw|al) ){0,2}"
         r"(?:vorige|eerdere|voorgaande|bovenstaande|oorspronkelijke|oude|gegeven|huidige) "
         rf"{NL_ORDERS}\b|\b(?:negeer|vergeet) (?:je|jouw|uw) {NL_ORDERS}\b"),
    Rule("drop everything before", "nl",
         r"\b(?:vergeet|negeer) (?:alles (?:wat|dat|hierboven|eerder|van)|het (?:voorgaande|"
         r"bovenstaande))"),
    Rule("note to a model", "nl",
         rf"\b(?:opmerking|bericht|notitie|let op|aandacht) (?:voor|aan) (?:de |het )?"
         rf"{NL_AI}(?= ?[:,;\-]|$)"),
    Rule("persona", "nl",
         r"\b(?:je bent|jij bent|u bent) nu (?:een|de|het)\b|\bvanaf nu (?:ben|ga|moet|zal) je\b"
         r"|\bdoe alsof\b"),
    Rule("dictated score", "nl",
         r"\b(?:geef|beoordeel|markeer|waardeer|ken|scoor|zet)\b"
         rf"{GAP} (?:(?:niveau|score) 5\b|met (?:een )?5\b|"
         r"als (?:(?:volledig|geheel) )?(?:voldaan|compliant|"
         r"geimplementeerd)|de hoogste (?:score|beoordeling|waardering|niveau))"),
)

# ----------------------------------------------------------------------------- any language
ATTENTION = words("attention", "achtung", "attenzione", "atencion", "let op", "aandacht",
                  "avis", "nota bene", "important")
AI_WORD = words(r"a\.?i", "ki", "ia", "llm", "chatbot", "gpt", "chatgpt", "sprachmodell",
                "taalmodel", "language model", "modele de langage", "modelo de lenguaje",
                "modello linguistico")
MARKUP = (
    Rule("attention, model", "any",
         rf"\b{ATTENTION}[,:]? (?:the |die |das |la |l'|el |de |het )?{AI_WORD} ?[:,!]"),
    Rule("chat-template token", "any",
         r"<\|[a-z0-9_ .:-]{1,40}\|>|\[/?inst\]|<</?sys>>|<(?:start|end)_of_turn>"
         r"|</?(?:system|assistant|user|developer|instructions?|prompt)>"),
    Rule("fence tag", "any", r"</? ?evidence\b"),
    Rule("role heading", "any",
         r"#{2,} ?(?:system|instructions?|response|assistant|user) ?:"),
)

RULES: tuple[Rule, ...] = (*ENGLISH, *GERMAN, *FRENCH, *SPANISH, *ITALIAN, *DUTCH, *MARKUP)
