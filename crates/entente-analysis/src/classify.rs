//! Clause classification: multi-label rules over sentences and headings that assign
//! taxonomy category ids (docs/taxonomy.md) to each segmented clause, with a confidence.

use crate::segment::{Segment, SegmentKind};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

/// A rule: when a sentence holds one of `keys` and matches `re` (and not `not`), the clause
/// holding it gets category `cat` with weight `w`.
struct Rule {
    cat: &'static str,
    keys: &'static [&'static str],
    re: &'static str,
    not: &'static str,
    w: f32,
}

const fn r(
    cat: &'static str,
    keys: &'static [&'static str],
    re: &'static str,
    not: &'static str,
    w: f32,
) -> Rule {
    Rule {
        cat,
        keys,
        re,
        not,
        w,
    }
}

/// The weight of a rule whose sentences state their category in so many words: its hits
/// stand even where the learned model would veto the category.
pub(crate) const EXPRESS: f32 = 0.99;

static RULES: &[Rule] = &[
    // ---- CUAD categories ----
    r(
        "most_favored_nation",
        &[
            "most favo",
            "less favo",
            "at least as favo",
            "more favo",
            "higher fee",
            "lowest pri",
            "lowest rat",
            "lowest fee",
        ],
        r"most[\s-]+favou?red|not be less favou?rable than (?:those|that|the (?:prices?|terms)) (?:offered|granted|provided|given|extended|charged)|lowest (?:prices?|rates?|fees?) (?:charged|offered|given|extended|made available) to (?:any )?others?|(?:no less|at least as|not less|not be less) favou?rabl[ey] (?:terms |prices? |pricing )?than[^.;]{0,80}(?:any other|another|other (?:customer|client|distributor|licensee|reseller|purchaser)|third part|situated)|not be charged (?:a )?higher fee[^.;]{0,80}other|(?:terms|price|pricing)[^.]{0,80}more favou?rable[^.]{0,80}(?:third part|other customer|any other)",
        "",
        0.8,
    ),
    r(
        "non_compete",
        &["compet", "non-compet", "noncompet"],
        r"non-?compet|not to compete|(?:shall|will|may) not[^.;]*(?:compet|competing|competitive|competitor)|(?:refrain|abstain) from[^.;]*compet|(?:engage|participate|invest)[^.;]*in any (?:business|activity)[^.;]*compet",
        r"competent|competition law|anti-?trust|competitive (?:bid|pric)",
        0.7,
    ),
    r(
        "exclusivity",
        &["exclusiv"],
        r"(?:an?|the|its|sole and) exclusive (?:right|license|licence|distribut|agent|provider|supplier|basis|partner|reseller|sponsor|cooperat|marketing|use|arrangement|relationship|territory|category|field|appointment|rights|dealer|representative|manufactur)|exclusively (?:to|with|for|from|through)|on an exclusive basis|exclusivity|exclusive (?:period|category|field)",
        r"non-?exclusive[^.;]*$|exclusive (?:jurisdiction|remedy|remedies|venue|forum|of|property)|sole and exclusive remedy|exclusive of (?:vat|tax)",
        0.7,
    ),
    r(
        "exclusivity",
        &[
            "will not grant",
            "shall not grant",
            "not appoint",
            "any other supplier",
            "any other distributor",
            "any third party any right",
            "exclusively",
        ],
        r"(?:shall|will) not (?:grant|appoint|authori[sz]e|engage)[^.;]*(?:any (?:other|third)|another)[^.;]*(?:right|distribut|supplier|provider|agent|licens|sponsor)|purchase [^.;]*(?:exclusively|solely) from|exclusively",
        r"exclusively (?:for the purpose|in connection|used|for use)",
        0.6,
    ),
    r(
        "no_solicit_of_customers",
        &[
            "solicit",
            "circumvent",
            "divert",
            "induce",
            "persuade",
            "encourage",
            "contact any",
        ],
        r"(?:induce|persuade|encourage) any (?:customer|client)[^.;]{0,80}(?:terminate|diminish|reduce|cease)|not (?:to )?contact any (?:of [^.;]{0,30})?customer|(?:not|neither|nor|refrain|no party|prohibit|restrict|covenants? that)[^.;]*(?:(?:solicit|divert|circumvent|entice)[^.;]*(?:customer|client|subscriber|account|vendor|member|business)|(?:customer|client)s?[^.;]*(?:solicit|divert))|non-?(?:solicit|circumvent)[^.;]*(?:customer|client|account)",
        r"solicit(?:ation)? (?:of )?(?:employees|personnel)|unsolicited|solicitation of proxies|solicit(?:ation)? (?:to employ|for employment|the employment)|(?-u:\b)may solicit|solicitation,? demand|(?:offered for sale|sold)[^.;]*solicited|general solicitation|solicitation of subscribers|restrictions? on non-?solicitation",
        0.7,
    ),
    r(
        "no_solicit_of_employees",
        &["solicit", "hire", "recruit", "poach"],
        r"(?:not|neither|refrain from|no party)[^.;]*(?:solicit|recruit|hire|induce|entice|poach)[^.;]*(?:employee|personnel|staff|workforce)|non-?solicit(?:ation)?[^.;]*(?:employee|personnel)|(?:solicit|recruit|hire)[^.;]*(?:employee|personnel)[^.;]*(?:without (?:the )?(?:prior )?(?:written )?consent)",
        r"general solicitation|advertisement|not be deemed|employees of (?:the )?(?:customer|client)s? of",
        0.7,
    ),
    r(
        "non_disparagement",
        &["disparag", "derogatory"],
        r"disparag|derogatory (?:statement|remark|comment)s?",
        "",
        0.9,
    ),
    r(
        "termination_for_convenience",
        &["terminat", "convenience", "withdraw"],
        r"terminat[^.;]*for (?:its |their )?convenience|(?-u:\b)(?:may|can|shall have the right to|will have the right to|has the right to|have the right to|is entitled to|are entitled to|right to|elect to|option to|shall be entitled to)\s+(?:[a-z,]+\s+){0,4}?terminat[^.;]*(?:without cause|with or without cause|for any reason or no reason|for any or no reason|for no reason|at (?:its|their) (?:sole )?(?:discretion|option|convenience)|at any time[^.;]*(?:notice|written)|(?:upon|by|on|with|giving|after|following|providing|by giving|by providing)[^.;]*(?:days?|months?|weeks?)'?[^.;]*notice)|(?:either|any|each) party (?:may|can|shall be entitled to) (?:withdraw|terminate)[^.;]*(?:notice|at any time)",
        r"neither party (?:may|shall|will|is entitled to|has the right to) terminat|(?:may|shall|will) not terminat|no right to terminat|(?-u:\b)(?:breach|default|insolven|bankrupt|fails?|failure|force majeure|change (?:of|in) control|cure|non-?payment|renew|mutual|written agreement of|if|in the event|upon the occurrence|prior to the (?:end|expiration)|expiration of the)(?-u:\b)",
        0.75,
    ),
    // A condition that is the terminating party's own choice is no cause: "Either Party may
    // terminate this Letter at any time by written notice … if it decides not to proceed with
    // the Proposed Transaction" (the rule above rejects any "if").
    r(
        "termination_for_convenience",
        &[
            "decides not",
            "elects not",
            "wishes not",
            "chooses not",
            "no longer wishes",
        ],
        r"(?:may|can|is entitled to|shall be entitled to|has the right to) (?:withdraw|terminate)[^.;]*(?-u:\b)if (?:it|such party|that party|the terminating party) (?:decides|elects|wishes|chooses|determines) not to (?:proceed|continue|pursue)|(?:may|can) (?:withdraw|terminate)[^.;]*(?-u:\b)if (?:it|such party|that party) no longer wishes to",
        r"(?:may|shall|will) not (?:withdraw|terminate)|neither party",
        0.75,
    ),
    // A right to terminate for convenience stated in the same sentence as termination for
    // cause ("may terminate (a) for convenience on 90 days' notice or (b) for material breach"):
    // the rule above rejects any sentence that mentions a breach, this one only a denial.
    r(
        "termination_for_convenience",
        &["convenience", "without cause"],
        r"terminat[^.]{0,200}?(?:for (?:its |their |any |either party's )?(?:own )?convenience|(?-u:\b)without cause)|(?:for (?:its |their )?convenience|without cause)[^.;]{0,60}terminat",
        r"(?:not|no right to|neither party)[^.;]{0,30}(?:be entitled to |have the right to |may |to )?terminat[^.;]{0,60}(?:convenience|without cause)|(?:no|not)[^.;]{0,12}(?:right|entitle)[^.;]{0,40}(?:convenience|without cause)|convenience store",
        0.7,
    ),
    r(
        "rofr_rofo_rofn",
        &[
            "first refusal",
            "first offer",
            "first negotiation",
            "right of first",
            "first option",
            "matching right",
            "right to match",
            "first right",
            "first opportunity",
            "right to negotiate",
            "first consideration",
            "first contact",
        ],
        r"right of first|first (?:refusal|offer|negotiation|option)|right to match|matching right|first right (?:of|to)\b|first opportunity to|exclusive right to negotiate|first consideration|(?:will|shall) first (?:offer|contact)",
        r"first right to (?:initiate|prosecute|bring|enforce|control|defend|sue|file)",
        0.9,
    ),
    r(
        "change_of_control",
        &[
            "change of control",
            "change in control",
            "merger",
            "acqui",
            "controlling interest",
            "majority of",
            "substantially all",
            "reorgani",
            "change in the ownership",
            "ownership or control",
        ],
        r"change (?:of|in) (?:control|ownership)|controlling interest|(?:merger|consolidat|reorgani[sz]ation)[^.;]*(?:assign|terminat|consent|notice|transfer)|(?:majority|fifty percent|50%)[^.;]*(?:voting|equity|shares|stock|ownership)|(?:ownership|management) or control",
        "",
        0.7,
    ),
    r(
        "anti_assignment",
        &["assign", "transfer", "delegat"],
        r"(?:not|neither|no)[^.;]*(?:assign|transfer|delegat)[^.;]*(?:without|prior|consent|approv|void)|(?:assign|transfer)[^.;]*(?:without the (?:prior )?(?:express )?(?:written )?(?:consent|approval)|is prohibited|shall be (?:null and )?void)|may not be assigned|not (?:be )?(?:assignable|transferable)|personal to",
        r"intellectual property rights?[^.;]*assign to",
        0.8,
    ),
    r(
        "revenue_profit_sharing",
        &[
            "royalt",
            "revenue",
            "profit",
            "commission",
            "percent",
            "%",
            "net sales",
            "gross sales",
            "share of",
        ],
        r"royalties|royalty[\s-]+(?:payment|rate|fee|report|on|of|equal|shall|will|in the amount|at|based|percentage|due|payable|for|bearing|income)|revenue[\s-]+shar|profit[\s-]+shar|share (?:of|in) (?:the )?(?:net |gross )?(?:revenue|profit|proceeds|income|sales)|commissions?(?-u:\b)[^.;]*(?:rate|%|percent|paid|payable|earned|due|of|on)|(?:\d+(?:\.\d+)?\s*%|percent)[^.;]*(?:of (?:the |all |its )?(?:net |gross |total )?(?:revenue|sales|receipts|proceeds|profit|income|fees|amounts? (?:received|collected)|premium)|net sales|gross revenue)|(?:revenue|profit)s? (?:will|shall) be (?:shared|split|divided)",
        r"(?:interest|late)[^.;]*(?:rate|charge)|sales tax|withholding|commissioner|(?:exchange|trade|communications|european|utilit(?:y|ies)|federal|securities) commission",
        0.7,
    ),
    r(
        "price_restrictions",
        &["price", "pricing", "increase", "adjust"],
        r"(?:shall|will|may) not (?:increase|raise|change|adjust|exceed)[^.;]*(?:price|pric|fee|rate)|(?:do|does|shall|will) not exceed (?:a |an )?[^.;]{0,20}(?:%|percent) increase|(?:increase|adjust)[^.;]{0,80}(?:does|shall|will)? ?not (?:to )?exceed (?:\d|an?\b)|(?:increase|adjust)[^.;]{0,60}(?:only )?once (?:per|a|each) (?:year|calendar year|contract year)|(?:adjust|increase)[^.;]{0,60}not more (?:often|frequently) than|(?:price|pricing|fees?)[^.;]*(?:shall|will) (?:remain )?(?:fixed|firm)|price (?:increase|adjustment)s?[^.;]*(?:not exceed|limited|cap)|most favou?red (?:pric|customer)",
        "",
        0.6,
    ),
    r(
        "minimum_commitment",
        &[
            "minimum",
            "at least",
            "not less than",
            "no less than",
            "shall purchase",
            "shall order",
            "commit",
        ],
        r"minimum (?:purchase|order|quantit|volume|commitment|annual|monthly|quarterly|fee|royalt|payment|revenue|sales|number|requirement|amount|guarantee|spend)|(?:purchase|order|buy|sell|procure)[^.;]*(?:at least|not less than|no less than|a minimum of)|(?:at least|not less than|no less than) [^.;]*(?:units|orders|per (?:month|year|quarter)|annually|in each)|(?:volume|purchase) commitment|take[\s-]or[\s-]pay",
        "",
        0.6,
    ),
    r(
        "volume_restriction",
        &[
            "maximum",
            "up to",
            "not exceed",
            "in excess of",
            "cap on",
            "no more than",
            "more than",
        ],
        r"maximum (?:daily |annual |monthly )?(?:quantit|volume|number|amount of product|order)|(?:orders?|quantit|volume|units|purchases?)[^.;]*(?:in excess of|exceed(?:s|ing)?|more than|greater than) [^.;]*(?:forecast|per|units|%|percent)|(?:not|no) (?:to )?(?:exceed|more than)[^.;]*(?:units|orders|quantit|appearances|links|events)",
        "",
        0.5,
    ),
    r(
        "ip_ownership_assignment",
        &[
            "assign",
            "owned by",
            "own all",
            "shall own",
            "will own",
            "solely own",
            "exclusively own",
            "own any",
            "own the",
            "property of",
            "vest",
            "work made for hire",
            "work for hire",
            "title to",
            "title in",
            "ownership",
        ],
        r"hereby (?:irrevocably )?(?:assigns?|transfers?|conveys?)[^.;]*(?:right|title|interest|intellectual|invention|work product|deliverable|copyright|patent)|(?:shall|will) (?:assign|transfer|convey) to[^.;]*(?:all )?(?:right, title|rights? in|title|intellectual|invention|ownership)|work(?:s)? (?:made )?for hire|(?:shall|will) (?:be|become|remain) (?:the )?(?:sole and )?(?:exclusive )?(?:property|owned by)[^.;]*|(?:shall|will) (?:solely |exclusively )?own (?:all|any|the)[^.;]*(?:right|intellectual|invention|work product|deliverable|data|improvement|development)|(?:ownership|title) (?:of|to|in)[^.;]*(?:shall|will) (?:vest|remain|be|belong)|(?:vest|belong)s? (?:solely |exclusively )?(?:in|to|with)[^.;]*(?:upon|on|immediately)",
        r"jointly|joint(?:ly)? own|remain the property of (?:the )?(?:disclos|lender|bank)|confidential information[^.;]*(?:remain|shall be) the property",
        0.6,
    ),
    r(
        "joint_ip_ownership",
        &[
            "joint",
            "co-own",
            "undivided",
            "of both parties",
            "by both parties",
        ],
        r"joint,? (?:equal and )?undivided|undivided (?:ownership )?interest in|(?:become|be|remain) the (?:joint )?property of both parties|owned by both parties|ownership of[^.;]*(?:created|developed|made|conceived|invented) jointly|jointly[\s-]+owned|(?:shall|will) (?:continue to )?jointly own|joint(?:ly)? own(?:ership|ed)?|co-own|owned jointly|joint (?:intellectual property|invention|ip|patent|work product|developments?)(?-u:\b)[^.;]*(?:own|belong|title)|jointly[^.;]*(?:develop|funds?)[^.;]*(?:own|property)",
        "",
        0.8,
    ),
    r(
        "license_grant",
        &["licen", "right to use", "grant"],
        r"(?:grants?|granted|grant to)[^.;]*(?:licen[cs]e|right to (?:use|reproduce|distribute|display|sell|market|make|copy|link|access))|hereby licen[cs]es?|(?:shall|will) (?:have|receive|obtain) a [^.;]*licen[cs]e|(?:is|are) (?:hereby )?granted a[^.;]*licen[cs]e|sub-?licen[cs]e (?:to|its|the)|licen[cs]e (?:back|to use)",
        r"(?:shall|will|may) not (?:grant|sublicense)[^.;]*licen[cs]e|no (?:right or )?licen[cs]e (?:is|shall be)|nothing[^.;]*(?:grant|licen)",
        0.7,
    ),
    r(
        "non_transferable_license",
        &[
            "transferable",
            "non-transferable",
            "nontransferable",
            "non-sublicens",
            "not transfer",
            "sublicens",
        ],
        r"non-?\s?transferable|not transferable|non-?sub-?licens|without the right to (?:sublicense|transfer)|may not (?:sell|transfer|assign|sublicense)[^.;]*(?:licen|software|right|data)|(?:shall|will) not (?:sell|transfer|assign|rent|lease|sublicense)[^.;]*(?:licen|software|marks|data|content)",
        "",
        0.7,
    ),
    r(
        "affiliate_license_licensor",
        &["affiliate", "affliate", "group to", "as representative of"],
        r"(?:its|their) affiliates?[^.;]*(?:hereby )?grants?[^.;]*licen|(?:on behalf of|for) itself and its aff?i?liates[^.;]*grants?|cause (?:its aff?i?liates|(?:each|the|all)(?: other)? members? of the [a-z]+ group)[^.;]{0,20} to (?:hereby )?grant|for itself and as representative of [^.;]{0,60}group[^.;]*grants?|obtain from (?:its|your|their) aff?i?liates|licen[cs]e[^.;]*(?:owned|controlled) by[^.;]*(?:or )?its affiliates",
        "",
        0.6,
    ),
    r(
        "affiliate_license_licensee",
        &["affiliate"],
        r"grants?[^.;]*(?:and|or|to) its affiliates[^.;]*licen|licen[cs]e[^.;]*(?:to|for|by) (?:the )?[a-z]*\s?(?:and|or) (?:its|their) affiliates|sub-?licen[cs]e[^.;]*(?:to )?(?:its|their) affiliates",
        "",
        0.6,
    ),
    r(
        "unlimited_all_you_can_eat_license",
        &[
            "unlimited",
            "enterprise-wide",
            "enterprise wide",
            "all you can eat",
            "no additional",
            "no extra",
            "the number of",
        ],
        r"unlimited(?:,? [a-z-]+){0,6},? (?:number|copies|users|licen|use|right|access|quantity|runs|calls|calling)|unlimited,[^.;]{0,120}?(?:right|licen[cs]e) to (?:use|reuse|copy|reproduce)|(?:multiple|unlimited) [a-z]+[^.;]{0,80}(?:for|at) no (?:additional|extra) (?:fee|charge|cost)|without (?:limit|limitation) (?:on|as to) the number of (?:copies|users|units|installations)|enterprise[\s-]wide licen|all[\s-]you[\s-]can[\s-]eat",
        r"unlimited (?:legal right|number of (?:common |ordinary )?shares|liability)",
        0.7,
    ),
    r(
        "irrevocable_or_perpetual_license",
        &["perpetual", "irrevocable"],
        r"(?:perpetual|irrevocable)[^.;]*(?:licen[cs]e|right to use|right to)|licen[cs]e[^.;]*(?:perpetual|irrevocabl)",
        "",
        0.8,
    ),
    r(
        "source_code_escrow",
        &["escrow"],
        r"source code[^.;]*escrow|escrow[^.;]*source code|escrow agent|escrow agreement[^.;]*(?:software|code|deposit)",
        "",
        0.8,
    ),
    r(
        "post_termination_services",
        &["terminat", "expir"],
        r"(?-u:\b)(?:upon|after|following|on|in the event of)(?-u:\b)[^.;]*(?:the )?(?:termination|expiration|expiry)[^.;]*(?:shall|will|must|agrees to)[^.;]*(?:return|destroy|deliver|provide|continue|complete|transition|cooperate|assist|purchase|sell|pay|cease|notify|wind|maintain|fulfil|perform)|transition (?:services|assistance|period)|wind[\s-]down|sell[\s-]off|(?:for|of) (?:a period of )?[^.;]*(?:after|following) (?:the )?(?:termination|expiration|expiry)|survive[^.;]*(?:to the extent|until|for the purpose|as necessary)",
        r"^(?:this agreement|the term)[^.;]*(?:shall|will) (?:commence|begin)|(?:shall|will|may) not (?:directly|participate|engage|compete|solicit|sell|market|disclose|use)|agrees? not to|confidential",
        0.55,
    ),
    r(
        "audit_rights",
        &[
            "audit",
            "inspect",
            "examine",
            "books and records",
            "records",
        ],
        r"(?-u:\b)audit|(?:inspect|examin)[^.;]*(?:books|records|accounts|facilit|premises|documentation)|(?:books|records)[^.;]*(?:inspect|examin|review|copy|available)",
        r"audit committee|audited financial statements|independent (?:registered )?public accountants? (?:have|has) audited",
        0.75,
    ),
    r(
        "uncapped_liability",
        &["unlimited liability", "liability shall be unlimited"],
        r"(?:except|other than|excluding|exclusion|save|not apply|shall not limit|does not limit|no limitation)[^.;]*(?:liab|damages)|(?:liab|damages)[^.;]*(?:shall not apply|does not apply|will not apply|except (?:for|in|with|as|to)|other than|excluding)|unlimited liability|liability[^.;]*(?:shall be|is) unlimited",
        r"warrant(?:y|ies)[^.;]*(?:disclaim|except)",
        0.0,
    ),
    r(
        "uncapped_liability",
        &["unlimited", "without limit"],
        r"unlimited liability|liability(?:[^.;]|\.\d)*(?:shall be|is|remains|will be) unlimited|(?:liability|liable)[^.;]*without (?:any )?limit(?:ation)?(?-u:\b)",
        r"warrant(?:y|ies)[^.;]*(?:disclaim|except)|(?:not|never) (?:be )?unlimited",
        EXPRESS,
    ),
    r(
        "cap_on_liability",
        &["liab", "damages", "in no event"],
        r"(?:in no event|not be liable|no liability|under no circumstances|neither party (?:shall|will) be liable)[^.;]*(?:indirect|consequential|incidental|special|punitive|exemplary|lost profits|loss of profits|exceed|in excess)|(?:aggregate|total|cumulative|maximum|entire) liability[^.;]*(?:exceed|limited|not be more|in excess|greater than|cap)|liability[^.;]*(?:shall|will) (?:not )?(?:exceed|be limited)|limitation of liability|limited to (?:the )?(?:amount|fees|sums|direct damages)|(?:shall|will) not be liable[^.;]*(?:for any amount|in excess|beyond)",
        "",
        0.8,
    ),
    r(
        "liquidated_damages",
        &[
            "liquidated",
            "penalty",
            "termination fee",
            "cancellation fee",
            "break fee",
            "termination payment",
            "early termination",
        ],
        r"liquidated damages|(?:termination|cancell?ation|break[\s-]?up|early termination) (?:fee|payment|charge)|as a penalty|not (?:as )?a penalty",
        "",
        0.85,
    ),
    r(
        "warranty_duration",
        &["warrant"],
        r"warrant(?:y|ies|s)?[^.;]*(?:period of|for a period|for \w+ \(\d+\)|for (?:\d+|one|two|three|six|twelve|ninety|thirty|sixty) (?:days|months|years)|(?:days|months|years) (?:after|from|following)|warranty period|expire)|warranty period",
        r"survive",
        0.6,
    ),
    r(
        "insurance",
        &["insur", "insured"],
        r"insurance|insured|insurer|(?:certificate|policy) of insurance",
        r"insurance (?:company|agency|agent|products?|business|premium|brokerage|carrier)s? (?:that|which|sold)|reinsurance",
        0.8,
    ),
    r(
        "covenant_not_to_sue",
        &[
            "sue",
            "contest",
            "challenge",
            "claim against",
            "bring any action",
            "bring any claim",
            "bring a claim",
            "bring an action",
        ],
        r"covenant not to sue|not (?:to )?sue|(?:shall|will|may) not[^.;]*(?:contest|challenge|dispute)[^.;]*(?:validity|ownership|right|title)|(?:shall|will|may) not (?:bring|commence|institute|assert)[^.;]*(?:action|claim|suit|proceeding)|(?:waives?|release)[^.;]*(?:any )?(?:right to )?(?:sue|bring (?:any )?(?:claim|action))",
        "",
        0.7,
    ),
    r(
        "third_party_beneficiary",
        &["beneficiar"],
        r"third[\s-]+part(?:y|ies)[\s-]+beneficiar|intended beneficiar|(?:express|intended) third[\s-]+part",
        r"(?:no|not|nothing|neither|none)[^.;]*(?:third[\s-]+part|beneficiar)|third[\s-]+part(?:y|ies)[\s-]+beneficiar[^.;]*(?:shall not|will not|not be)|(?-u:\b)(?:no|not)(?-u:\b)[^.;]*(?:right|benefit|remed)",
        0.85,
    ),
    // A beneficiary named in so many words ("Ehave shall be a third party beneficiary
    // hereunder, but shall not have any obligations"; "Duval is not a party hereto … but is an
    // intended specific third party creditor beneficiary") stands even where the sentence says
    // "not" elsewhere, unless the negation is of the naming itself.
    r(
        "third_party_beneficiary",
        &["beneficiar"],
        r"(?:shall|will) be (?:deemed (?:to be )?)?(?:an? )?(?:direct and )?(?:express(?:ly)? |intended )?third[\s-]+part(?:y|ies)[\s-]+beneficiar|(?:is|are) (?:an? )?(?:express |intended )(?:specific )?third[\s-]+part(?:y|ies) (?:[a-z]+ )?beneficiar",
        r"(?:no|not|nothing|neither|none)[^.;]{0,40}(?:shall|will) be (?:deemed (?:to be )?)?(?:an? )?(?:direct and )?(?:express(?:ly)? |intended )?third",
        0.85,
    ),
    r(
        "competitive_restriction_exception",
        &["compet", "exclusiv", "solicit"],
        r"(?:nothing|notwithstanding|shall not (?:prevent|restrict|prohibit|preclude|limit)|not be deemed to (?:prevent|restrict)|provided, however|except)[^.;]*(?:compet|exclusiv|solicit|non-?compete|restrict)|(?:compet|exclusiv|solicit)[^.;]*(?:shall not (?:prevent|restrict|prohibit|apply|preclude)|except (?:for|that|as)|provided, however|does not apply|not apply to)",
        // Consent is no carve-out: "except as otherwise approved in writing by Franchisor,
        // Member shall not … compete".
        r"competent|(?:except|unless) (?:as )?(?:otherwise )?(?:with the (?:prior )?(?:written )?consent|(?:approved|agreed|consented|authori[sz]ed)(?: to)?(?: in writing)?)",
        0.5,
    ),
    r(
        "non_compete",
        &["similar", "compet", "during the term", "exclusive field"],
        r"(?:shall|will|may|agrees?|covenants?)(?: not|,? and shall cause its affiliates not)(?: to)?[^.;]*(?:sell|market|distribut|develop|manufactur|offer|participate|engage|provide|commerciali[sz]|promote|license|research|place advertising|advertis)[^.;]*(?:compet|similar|same or similar|substantially similar|exclusive field)|(?:during the term|for a period of)[^.;]*(?:shall|will|may) not[^.;]*(?:sell|market|distribut|develop|manufactur|commercially offer|engage in)[^.;]*(?:product|service|business)",
        r"competent|competitive (?:bid|pric)|confidential",
        0.6,
    ),
    r(
        "uncapped_liability",
        &[
            "not apply",
            "nothing in this",
            "without limit",
            "unlimited",
            "shall not limit",
            "does not limit",
            "not be limited",
            "not exclude or limit",
            "exclude or limit",
        ],
        r"(?:limitations?|exclusions?|caps?|limits)(?: of liability| on liability| in (?:this )?(?:section|clause|article)[^.;]*)?[^.;]*(?:shall not|do not|does not|will not) apply[^.;]*(?:breach|indemn|confidential|gross negligence|wil(?:l)?ful|fraud|death|personal injury|infring)|nothing in this[^.;]*(?:limit|exclude)s?[^.;]*liability[^.;]*(?:death|personal injury|fraud|gross negligence|wil(?:l)?ful)|(?:liability|liable)[^.;]*without limit|unlimited liability|liability[^.;]*(?:shall be|is|remains) unlimited|(?:shall|will) not be (?:limited|capped)[^.;]*(?:breach|indemn|confidential|gross negligence|wil(?:l)?ful|fraud)",
        r"warrant(?:y|ies)[^.;]*(?:disclaim|except)",
        0.7,
    ),
    // ---- Entente categories ----
    r(
        "governing_law",
        &[
            "governed by",
            "governed under",
            "governing law",
            "laws of",
            "law of",
            "applicable law",
            "construed in accordance",
            "governed exclusively",
            "governed solely",
        ],
        r"(?:governed by|construed|interpreted|enforced)[^.;]*(?:laws?|law) of|governed (?:exclusively |solely )?(?:by|under) (?:the )?(?:[a-z]+ ){1,3}laws?(?-u:\b)|(?:governed|construed|interpreted)[^.;]{0,60}(?:in accordance with|under) (?:the )?(?:substantive )?(?:[a-z]+ ){1,3}laws?(?-u:\b)|governing law|(?:laws?|law) of [^.;]*(?:shall|will) (?:govern|apply)",
        "",
        0.9,
    ),
    r(
        "dispute_resolution",
        &[
            "arbitra",
            "mediat",
            "dispute",
            "jurisdiction",
            "courts",
            "escalat",
            "negotiat",
        ],
        // "mediat" at a word's start: "immediately" is no mediation.
        r"arbitrat|(?-u:\b)mediat|(?:disputes?|claims?|controvers)[^.;]*(?:resolved|settled|submitted|referred|escalat|negotiat|courts?|arbitrat)|exclusive jurisdiction|submit[^.;]*jurisdiction|courts? (?:of|located|sitting|in)|(?-u:\b)venue|escalat",
        "",
        0.8,
    ),
    r("arbitration", &["arbitra"], r"arbitrat", "", 0.9),
    r(
        "mediation",
        &["mediat"],
        r"(?-u:\b)mediat(?:ion|or|ed)|non-binding mediation",
        r"intermediat|immediat",
        0.9,
    ),
    r(
        "negotiation_escalation",
        &[
            "escalat",
            "negotiat",
            "senior executive",
            "good faith",
            "good-faith",
            "amicabl",
            "discuss",
            "dispute",
        ],
        r"escalat|(?:disputes?|controvers|differences?)[^.;]*(?:negotiat|senior (?:executives|management|managers|officers)|good[\s-]faith|amicabl|discuss|principals|managing directors|chief executives)|(?:attempt|try|endeavou?r|seek)[^.;]*(?:resolve|settle)[^.;]*(?:dispute|controvers|difference)|(?:negotiat|discuss)[^.;]*in good[\s-]faith[^.;]*(?:resolve|settle)[^.;]*(?:dispute|claim|controvers)|(?:meet|confer)[^.;]*(?:resolve|settle)",
        r"^(?:[^.;]*)(?:arbitrat|courts?)(?:[^.;]*)$",
        0.7,
    ),
    r(
        "jurisdiction_venue",
        &["jurisdiction", "venue", "court", "forum", "tribunal"],
        // "venue" and "forum" as words: "revenue" names no court.
        r"(?:exclusive|non-exclusive) jurisdiction|submit[^.;]*jurisdiction|place of jurisdiction|(?-u:\b)venue|(?:courts?|tribunal) (?:of|located|sitting|in) |(?-u:\b)forum",
        r"competent jurisdiction to be",
        0.8,
    ),
    r(
        "confidentiality",
        &[
            "confidential",
            "non-disclosure",
            "nondisclosure",
            "proprietary information",
            "trade secret",
        ],
        r"confidential(?:ity)? information|(?:keep|hold|treat|maintain)[^.;]*(?:confiden|secret)|confidentiality|non-?disclosure|shall not disclose|proprietary information",
        "",
        0.8,
    ),
    r(
        "data_protection",
        &[
            "personal data",
            "data protection",
            "gdpr",
            "privacy",
            "personal information",
            "data processing",
            "hipaa",
            "data subject",
        ],
        r"personal data|data protection|gdpr|privacy|personal(?:ly identifiable)? information|data process|hipaa|data subject|data security|security breach",
        // "No personal data will be shared under this Agreement" rules data protection out.
        r"(?:^|[^a-z])no personal (?:data|information) (?:will|shall|is to|are to|may) be (?:shared|disclosed|exchanged|processed|transferred|provided)|(?:will|shall) not (?:share|disclose|exchange|process|transfer|provide)[^.;]{0,30}(?:any )?personal (?:data|information)|does not (?:involve|require) (?:the )?(?:sharing|processing|exchange) of (?:any )?personal",
        0.8,
    ),
    r(
        "force_majeure",
        &[
            "force majeure",
            "act of god",
            "acts of god",
            "beyond its reasonable control",
            "beyond the reasonable control",
            "beyond their reasonable control",
        ],
        r"force majeure|acts? of god|beyond (?:its|the|their)[^.;]*(?:reasonable )?control",
        "",
        0.9,
    ),
    r(
        "notices",
        &["notice", "notices"],
        r"notices?[^.;]*(?:in writing|shall be (?:given|sent|delivered|deemed|addressed)|addressed to|delivered (?:by|personally|to)|by (?:registered|certified|e-?mail|courier|facsimile))|(?:shall be|deemed) (?:given|received|delivered)[^.;]*(?:when|upon|on|if)",
        "",
        0.7,
    ),
    r(
        "publicity",
        &[
            "publicity",
            "press release",
            "public announcement",
            "announce",
            "use the name",
        ],
        r"publicity|press release|public (?:announcement|statement|disclosure)|(?:use|using) (?:the )?(?:name|names|logo|trademarks?)[^.;]*(?:without|prior|consent)|announce",
        "",
        0.7,
    ),
    r(
        "entire_agreement",
        &[
            "entire agreement",
            "entire understanding",
            "supersede",
            "whole agreement",
            "complete agreement",
        ],
        r"entire (?:agreement|understanding)|supersede|whole agreement|complete (?:and exclusive )?(?:statement|agreement)",
        "",
        0.9,
    ),
    r(
        "indemnification",
        &["indemn", "hold harmless", "defend"],
        r"indemnif|hold[^.;]*harmless|(?:defend|indemnify)[^.;]*(?:against|from)",
        "",
        0.9,
    ),
    r(
        "exclusion_of_damages",
        &[
            "indirect",
            "consequential",
            "incidental",
            "punitive",
            "lost profits",
            "loss of profit",
            "special damages",
            "exemplary",
        ],
        r"(?:not be liable|not liable|no liability|in no event|under no circumstances|neither party (?:shall|will|is) (?:be )?liable|(?:shall|will) not be (?:liable|responsible)|exclud|disclaim|waive)[^.;]*(?:indirect|consequential|incidental|special|punitive|exemplary|lost profits|loss of profits?)|(?:indirect|consequential|incidental|punitive|lost profits|loss of profits?)[^.;]*(?:shall not|will not|excluded|not be recoverable|not be liable|is excluded|are excluded)",
        "",
        0.85,
    ),
    r(
        "liability_cap",
        &["liab", "exceed", "limited to", "more than"],
        r"(?:aggregate|total|cumulative|maximum|entire) liability[^.;]*(?:exceed|limited|not be more|in excess|greater than)|liability[^.;]*(?:shall|will) (?:not )?(?:exceed|be limited)|liability[^.;]*(?:is|are|be|shall be|will be) limited to|liab[^.;]*(?:in no (?:case|event)|not|never)[^.;]*(?:exceed|more than)|limited to (?:the )?(?:amount|fees|sums|total)|(?:shall|will) not be liable[^.;]*(?:for any amount|in excess|beyond)",
        "",
        0.85,
    ),
    r(
        "warranties",
        &["warrant", "represent"],
        r"represents? and warrants?|warrants? (?:that|to)|warranty|warranties|representations? and warrant",
        "",
        0.7,
    ),
    r(
        "term",
        &[
            "term of this",
            "shall commence",
            "shall continue",
            "remain in full force",
            "remain in force",
            "remain in effect",
            "initial term",
            "shall expire",
            "come into force",
            "come into effect",
            "this agreement shall",
        ],
        r"(?:term of this (?:agreement|contract)|initial term|this (?:agreement|contract) shall (?:commence|continue|remain|expire|be effective|terminate (?:on|upon the))|remain in (?:full )?(?:force|effect) (?:for|until)|shall expire|come into (?:force|effect))",
        "",
        0.8,
    ),
    r(
        "renewal",
        &["renew", "extend", "extension"],
        r"(?:automatically|auto-?)\s*(?:be )?(?:renew|extend)|renew(?:al|ed|s)?[^.;]*(?:term|period|successive|additional|year)|(?:successive|additional|further) (?:renewal )?(?:terms?|periods?) of|from year to year|year-to-year|month-to-month|evergreen",
        r"renewable energy",
        0.8,
    ),
    r(
        "termination",
        &["terminat"],
        r"(?:may|shall|right to|entitled to|will) terminat|terminat\w* (?:this|the) (?:agreement|contract)|(?:this|the) (?:agreement|contract) (?:may|shall|will) (?:be )?terminat",
        "",
        0.7,
    ),
    r(
        "termination_for_cause",
        &["breach", "default", "insolven", "bankrupt", "cure"],
        r"terminat[^.;]*(?:material(?:ly)? breach|breach|default|insolven|bankrupt|receiver|liquidat|fail(?:s|ure)? to (?:cure|remedy|perform))|(?:breach|default)[^.;]*(?:not (?:been )?(?:cured|remedied)|fail(?:s|ure)? to (?:cure|remedy))[^.;]*terminat|(?:cure|remedy) (?:such|the|any) (?:breach|default)",
        "",
        0.8,
    ),
    r(
        "effects_of_termination",
        &["terminat", "expir", "surviv"],
        r"(?:upon|after|following|on|in the event of) (?:the )?(?:any )?(?:termination|expiration|expiry)[^.;]*(?:shall|will)|surviv|effects? of (?:termination|expiration)|consequences of termination",
        "",
        0.7,
    ),
    r(
        "data_return",
        &["return", "destroy", "delete"],
        r"(?:return|destroy|delete|erase)[^.;]*(?:confidential information|data|materials|documents|records|information)[^.;]*(?:terminat|expir|request)|(?:terminat|expir)[^.;]*(?:return|destroy|delete|erase)[^.;]*(?:confidential information|data|materials|documents|records)",
        "",
        0.8,
    ),
    r(
        "payment",
        &["pay", "invoice", "fee", "price", "compensat"],
        r"(?:shall|will|agrees to) pay|payment (?:terms|shall|will|of)|invoic|fees? (?:shall|will|are|is|payable)|(?:payable|due) within|compensat(?:e|ion)",
        r"(?:shall|will) not be (?:entitled to|obligated to) (?:any )?(?:pay|compensat)",
        0.7,
    ),
    r(
        "non_solicitation",
        &["solicit"],
        r"solicit",
        r"unsolicited|solicitation of proxies|general solicitation",
        0.7,
    ),
    r(
        "assignment",
        &["assign"],
        r"(?-u:\b)assign(?:ment|ed|s|able)?(?-u:\b)",
        r"assigned (?:to it|a (?:value|number))",
        0.6,
    ),
    r(
        "ip_ownership",
        &[
            "intellectual property",
            "invention",
            "ownership",
            "own all",
            "owned by",
            "background ip",
            "foreground",
            "proprietary rights",
        ],
        r"(?:intellectual property|proprietary rights?|invention|foreground|background (?:ip|intellectual|technology))[^.;]*(?:own|belong|vest|title|property|assign)|(?:own|owner|ownership|belong|vest)[^.;]*(?:intellectual property|invention|work product|deliverable|improvement|development)",
        "",
        0.7,
    ),
    r(
        "background_ip",
        &["background"],
        r"background (?:ip|intellectual property|technology|know-how|rights)|pre-existing (?:ip|intellectual property)",
        "",
        0.9,
    ),
    r(
        "obligations_performance",
        &[
            "service level",
            "uptime",
            "availability",
            "response time",
            "kpi",
            "key performance",
            "performance standard",
            "milestone",
            "deliverable",
            "work plan",
            "workplan",
            "shall use",
            "commercially reasonable efforts",
            "best efforts",
            "reasonable efforts",
        ],
        r"service levels?|uptime|availability[^.;]*(?:%|percent)|response time|kpi|key performance|performance (?:standard|metric|criteria|level)|milestone|deliverable|work ?plan|(?:commercially )?reasonable efforts|best efforts",
        "",
        0.6,
    ),
    r(
        "governance",
        &[
            "steering committee",
            "joint committee",
            "alliance manager",
            "relationship manager",
            "partner manager",
            "project manager",
            "governance",
            "joint development committee",
            "joint steering",
            "representatives",
        ],
        r"(?:steering|joint|management|executive|alliance|operating|research|development) committee|(?:alliance|relationship|partner|project|program) manager|governance|(?:appoint|designate)[^.;]*representatives?",
        "",
        0.7,
    ),
    r(
        "reporting",
        &["report"],
        r"(?:shall|will|must) (?:provide|deliver|submit|send|furnish)[^.;]*reports?|reports? (?:shall|will|must) be|(?:monthly|quarterly|annual|written) reports?",
        "",
        0.7,
    ),
    r(
        "review_cycle",
        &["review", "revisit", "benchmark"],
        r"(?:review|revisit|re-?evaluate|benchmark)[^.;]*(?:this agreement|annually|each year|every (?:\w+ )?(?:year|month|quarter)|periodic|performance|terms)|(?:annual|quarterly|periodic) (?:business )?review",
        "",
        0.7,
    ),
    r(
        "scope_objectives",
        &[
            "purpose",
            "objective",
            "scope",
            "collaborat",
            "cooperat",
            "alliance",
            "partnership",
            "wish to",
            "desire to",
        ],
        r"(?:purpose|objective|scope|goals?) of (?:this|the) (?:agreement|collaboration|cooperation|alliance|partnership|project)|(?:the parties|parties) (?:wish|desire|intend|agree) to (?:collaborat|cooperat|work together|establish|form|enter)|(?:establish|form)[^.;]*(?:strategic )?(?:alliance|partnership|collaboration|cooperation)",
        "",
        0.7,
    ),
    r(
        "relationship_of_parties",
        &[
            "independent contractor",
            "joint venture",
            "partnership",
            "agency",
            "relationship of the parties",
            "employer",
        ],
        r"independent contractors?|(?:not|no)[^.;]*(?:joint venture|partnership|agency|employment)|relationship of the parties",
        "",
        0.8,
    ),
    r(
        "severability",
        &["severab", "invalid", "unenforceable", "illegal"],
        r"severab|(?:held|found|determined|deemed) (?:to be )?(?:invalid|illegal|unenforceable|void)",
        "",
        0.8,
    ),
    r(
        "amendment_waiver",
        &[
            "amend",
            "modif",
            "waive",
            "waiver",
            "variation",
            "varied",
            "vary",
        ],
        r"(?:amend|modif|(?-u:\b)variation|(?-u:\b)varied|(?-u:\b)vary)[^.;]*(?:in writing|signed|written)|(?:no )?waiver[^.;]*(?:in writing|shall not|construed|deemed)|failure[^.;]*to (?:enforce|exercise|insist)",
        "",
        0.7,
    ),
    r("counterparts", &["counterpart"], r"counterparts?", "", 0.9),
    r(
        "compliance",
        &[
            "comply with",
            "compliance with",
            "anti-corruption",
            "anti-bribery",
            "fcpa",
            "bribery act",
            "export control",
            "sanction",
        ],
        r"(?:comply|compliance) with (?:all )?(?:applicable )?(?:laws|legal|regulations|the foreign corrupt)|anti-?corruption|anti-?bribery|fcpa|bribery act|export control|sanctions",
        "",
        0.7,
    ),
];

/// Headings that alone say what a clause is about.
static HEADINGS: &[(&str, &[&str])] = &[
    ("governing law", &["governing_law"]),
    ("applicable law", &["governing_law"]),
    ("choice of law", &["governing_law"]),
    ("confidential", &["confidentiality"]),
    ("non-disclosure", &["confidentiality"]),
    ("force majeure", &["force_majeure"]),
    ("notice", &["notices"]),
    ("insurance", &["insurance"]),
    ("indemn", &["indemnification"]),
    ("limitation of liability", &["cap_on_liability"]),
    ("limitations of liability", &["cap_on_liability"]),
    ("limitation on liability", &["cap_on_liability"]),
    ("publicity", &["publicity"]),
    ("press release", &["publicity"]),
    ("announcement", &["publicity"]),
    ("entire agreement", &["entire_agreement"]),
    ("assignment", &["assignment"]),
    ("audit", &["audit_rights"]),
    ("arbitration", &["dispute_resolution", "arbitration"]),
    ("dispute", &["dispute_resolution"]),
    ("mediation", &["dispute_resolution", "mediation"]),
    ("jurisdiction", &["jurisdiction_venue"]),
    ("term and termination", &["term", "termination"]),
    ("termination", &["termination"]),
    ("renewal", &["renewal"]),
    ("term", &["term"]),
    ("duration", &["term"]),
    ("data protection", &["data_protection"]),
    ("privacy", &["data_protection"]),
    ("personal data", &["data_protection"]),
    ("warrant", &["warranties"]),
    ("intellectual property", &["ip_ownership"]),
    ("ownership", &["ip_ownership"]),
    ("non-compet", &["non_compete"]),
    ("noncompet", &["non_compete"]),
    ("non-solicit", &["non_solicitation"]),
    ("exclusivity", &["exclusivity"]),
    ("most favo", &["most_favored_nation"]),
    ("payment", &["payment"]),
    ("fees", &["payment"]),
    ("compensation", &["payment"]),
    ("royalt", &["revenue_profit_sharing", "payment"]),
    ("revenue shar", &["revenue_profit_sharing", "payment"]),
    ("profit shar", &["revenue_profit_sharing", "payment"]),
    ("purpose", &["scope_objectives"]),
    ("scope", &["scope_objectives"]),
    ("objective", &["scope_objectives"]),
    ("governance", &["governance"]),
    ("steering committee", &["governance"]),
    ("service level", &["obligations_performance"]),
    ("performance", &["obligations_performance"]),
    ("obligations", &["obligations_performance"]),
    ("responsibilities", &["obligations_performance"]),
    ("survival", &["effects_of_termination"]),
    ("effect of termination", &["effects_of_termination"]),
    ("effects of termination", &["effects_of_termination"]),
    ("consequences of termination", &["effects_of_termination"]),
    ("severab", &["severability"]),
    ("counterpart", &["counterparts"]),
    ("amendment", &["amendment_waiver"]),
    ("variation", &["amendment_waiver"]),
    ("waiver", &["amendment_waiver"]),
    ("relationship of the parties", &["relationship_of_parties"]),
    ("independent contractor", &["relationship_of_parties"]),
    ("change of control", &["change_of_control"]),
    ("change in control", &["change_of_control"]),
    ("reports", &["reporting"]),
    ("reporting", &["reporting"]),
    ("compliance", &["compliance"]),
    ("anti-corruption", &["compliance"]),
    ("anti-bribery", &["compliance"]),
    ("license", &["license_grant"]),
    ("licence", &["license_grant"]),
    ("definitions", &["definitions"]),
    ("interpretation", &["definitions"]),
    ("escrow", &["source_code_escrow"]),
    ("liquidated damages", &["liquidated_damages"]),
    ("non-disparagement", &["non_disparagement"]),
];

/// Categories whose sentence-level hits the extractors read (all of them are kept).
const CONSUMED: &[&str] = &[
    "governing_law",
    "jurisdiction_venue",
    "arbitration",
    "mediation",
    "negotiation_escalation",
    "termination_for_convenience",
    "renewal",
    "liability_cap",
    "cap_on_liability",
    "exclusion_of_damages",
    "uncapped_liability",
    "indemnification",
    "confidentiality",
    "ip_ownership",
    "ip_ownership_assignment",
    "joint_ip_ownership",
    "background_ip",
    "liquidated_damages",
    "exclusivity",
    "non_compete",
    "revenue_profit_sharing",
    "review_cycle",
];

struct Compiled {
    ac: AhoCorasick,
    /// For each AC pattern, the rules it triggers.
    triggers: Vec<Vec<u16>>,
    res: Vec<regex::bytes::Regex>,
    nots: Vec<Option<regex::bytes::Regex>>,
    /// Every heading needle of `HEADINGS`, in its order.
    headings: AhoCorasick,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut keys: Vec<&'static str> = Vec::new();
    let mut triggers: Vec<Vec<u16>> = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        for k in rule.keys {
            match keys.iter().position(|x| x == k) {
                Some(p) => triggers[p].push(i as u16),
                None => {
                    keys.push(k);
                    triggers.push(vec![i as u16]);
                }
            }
        }
    }
    // Non-overlapping leftmost-longest matching is much faster than overlapping search;
    // a key then also triggers the rules of every key it contains ("non-compet" ⊃ "compet").
    let expanded: Vec<Vec<u16>> = keys
        .iter()
        .map(|k| {
            let mut v: Vec<u16> = Vec::new();
            for (j, other) in keys.iter().enumerate() {
                if k.contains(other) {
                    v.extend_from_slice(&triggers[j]);
                }
            }
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let triggers = expanded;
    let ac = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&keys)
        .unwrap_or_else(|e| panic!("classifier keywords: {e}"));
    let res = RULES
        .iter()
        .map(|r| {
            crate::text::bytes_regex(&format!("(?-u){}", r.re))
                .unwrap_or_else(|e| panic!("rule {}: {e}", r.cat))
        })
        .collect();
    let nots = RULES
        .iter()
        .map(|r| {
            (!r.not.is_empty()).then(|| {
                crate::text::bytes_regex(&format!("(?-u){}", r.not))
                    .unwrap_or_else(|e| panic!("rule {} not: {e}", r.cat))
            })
        })
        .collect();
    let headings = AhoCorasick::new(HEADINGS.iter().map(|(needle, _)| *needle))
        .unwrap_or_else(|e| panic!("heading keywords: {e}"));
    Compiled {
        ac,
        triggers,
        res,
        nots,
        headings,
    }
});

/// A category hit inside a clause, with the sentence that shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub(crate) cat: &'static str,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) confidence: f32,
}

/// The categories of each segment, plus the sentence-level hits behind them.
pub(crate) struct Classified {
    pub(crate) categories: Vec<Vec<(&'static str, f32)>>,
    pub(crate) hits: Vec<Hit>,
}

/// Classifies every segment. `lower` is the ASCII-lowercased text, `sentences` the sentence
/// spans of the whole text (sorted), `seg_of` maps each sentence to its segment.
pub(crate) fn classify(
    lower: &str,
    segs: &[Segment],
    sentences: &[(usize, usize)],
    seg_of: &[usize],
) -> Classified {
    let c = &*COMPILED;
    let mut cand: Vec<Vec<u16>> = vec![Vec::new(); sentences.len()];
    for m in c.ac.find_iter(lower) {
        let at = m.start();
        let k = sentences.partition_point(|s| s.1 <= at);
        if k < sentences.len() && sentences[k].0 <= at {
            cand[k].extend_from_slice(&c.triggers[m.pattern().as_usize()]);
        }
    }
    let mut hits = Vec::new();
    // Exclusivity hits of sentences that deny it: they still place a carve-out
    // ("non-exclusive; nothing restricts either party from competing") before they go.
    let mut denied: Vec<usize> = Vec::new();
    let mut categories: Vec<Vec<(&'static str, f32)>> = vec![Vec::new(); segs.len()];
    for (k, rules) in cand.iter_mut().enumerate() {
        if rules.is_empty() {
            continue;
        }
        rules.sort_unstable();
        rules.dedup();
        let (a, z) = sentences[k];
        let s = &lower[a..z];
        let seg = seg_of[k];
        let kind = segs.get(seg).map(|s| s.kind);
        if matches!(kind, Some(SegmentKind::Contents | SegmentKind::Title)) {
            continue;
        }
        for &ri in rules.iter() {
            let ri = ri as usize;
            let rule = &RULES[ri];
            // Categories no extractor reads need one hit per clause, not every sentence.
            if !CONSUMED.contains(&rule.cat)
                && categories
                    .get(seg)
                    .is_some_and(|cs| cs.iter().any(|(c, _)| *c == rule.cat))
            {
                continue;
            }
            if !c.res[ri].is_match(s.as_bytes()) {
                continue;
            }
            if c.nots[ri]
                .as_ref()
                .is_some_and(|n| n.is_match(s.as_bytes()))
            {
                continue;
            }
            if rule.cat == "exclusivity" && denies_exclusivity(s.as_bytes()) {
                denied.push(a);
            }
            // An exception to a restriction needs a restriction to except from: "except as set
            // out in Section 7.1, a non-exclusive licence" or "remedies are not exclusive"
            // restrict nothing.
            if rule.cat == "competitive_restriction_exception"
                && !["compet", "solicit", "restrict"]
                    .iter()
                    .any(|w| s.contains(w))
                && denies_exclusivity(s.as_bytes())
            {
                continue;
            }
            // Definitions and recitals describe, they do not stipulate: lower confidence.
            let mut w = if rule.w == 0.0 { 0.6 } else { rule.w };
            if matches!(kind, Some(SegmentKind::Definitions | SegmentKind::Recitals)) {
                w *= 0.6;
            }
            hits.push(Hit {
                cat: rule.cat,
                start: a,
                end: z,
                confidence: w,
            });
            if let Some(cats) = categories.get_mut(seg) {
                add(cats, rule.cat, w);
            }
        }
    }
    // uncapped_liability only where the same sentence limits liability.
    let limit_sentences: Vec<(usize, usize)> = hits
        .iter()
        .filter(|h| {
            matches!(
                h.cat,
                "cap_on_liability" | "exclusion_of_damages" | "liability_cap"
            )
        })
        .map(|h| (h.start, h.end))
        .collect();
    // uncapped_liability is decided on the limitation sentences only (carve-outs).
    if let Some(ui) = RULES.iter().position(|r| r.cat == "uncapped_liability") {
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for &(a, z) in &limit_sentences {
            if seen.contains(&(a, z))
                || hits
                    .iter()
                    .any(|h| h.cat == "uncapped_liability" && h.start == a)
            {
                continue;
            }
            seen.push((a, z));
            let st = &lower[a..z];
            if c.res[ui].is_match(st.as_bytes())
                && !c.nots[ui]
                    .as_ref()
                    .is_some_and(|n| n.is_match(st.as_bytes()))
            {
                hits.push(Hit {
                    cat: "uncapped_liability",
                    start: a,
                    end: z,
                    confidence: 0.6,
                });
            }
        }
    }
    hits.retain(|h| {
        h.cat != "uncapped_liability"
            || h.confidence >= 0.7
            || limit_sentences.contains(&(h.start, h.end))
    });
    // An exception to a competitive restriction needs the restriction in the same clause
    // (or its parent clause).
    let seg_of_hit = |h: &Hit| {
        let k = sentences.partition_point(|s| s.1 <= h.start);
        seg_of.get(k).copied()
    };
    let restricted: Vec<usize> = hits
        .iter()
        .filter(|h| {
            matches!(
                h.cat,
                "non_compete"
                    | "exclusivity"
                    | "no_solicit_of_customers"
                    | "no_solicit_of_employees"
            )
        })
        .filter_map(&seg_of_hit)
        .collect();
    hits.retain(|h| {
        h.cat != "competitive_restriction_exception"
            || seg_of_hit(h).is_some_and(|sg| {
                restricted.contains(&sg)
                    || segs
                        .get(sg)
                        .and_then(|x| x.parent)
                        .is_some_and(|p| restricted.contains(&p))
                    || restricted
                        .iter()
                        .any(|r| segs.get(*r).and_then(|x| x.parent) == Some(sg))
            })
    });
    hits.retain(|h| h.cat != "exclusivity" || !denied.contains(&h.start));
    restrictions_under_headings(lower, segs, sentences, seg_of, &mut hits);
    for cats in categories.iter_mut() {
        cats.clear();
    }
    for h in &hits {
        let k = sentences.partition_point(|s| s.1 <= h.start);
        if let Some(&seg) = seg_of.get(k) {
            add(&mut categories[seg], h.cat, h.confidence);
        }
    }
    // Headings.
    for (i, s) in segs.iter().enumerate() {
        if let Some(h) = &s.heading {
            let lh = h.to_ascii_lowercase();
            let mut present = vec![false; HEADINGS.len()];
            for m in c.headings.find_overlapping_iter(&lh) {
                present[m.pattern().as_usize()] = true;
            }
            for (i_h, (needle, cats)) in HEADINGS.iter().enumerate() {
                let matched = if *needle == "term" {
                    lh.split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == "term")
                } else {
                    present[i_h]
                };
                if matched {
                    for cat in *cats {
                        add(&mut categories[i], cat, 0.9);
                    }
                }
            }
        }
        match s.kind {
            SegmentKind::Definitions => add(&mut categories[i], "definitions", 0.95),
            SegmentKind::Recitals => add(&mut categories[i], "recitals", 0.95),
            SegmentKind::Preamble => add(&mut categories[i], "parties", 0.9),
            SegmentKind::Signature => add(&mut categories[i], "signatures", 0.95),
            SegmentKind::Schedule => add(&mut categories[i], "schedule", 0.9),
            _ => {}
        }
    }
    // Derived groupings: the CUAD-level ids imply the broader ones.
    for cats in categories.iter_mut() {
        let derived: Vec<(&'static str, f32)> = cats
            .iter()
            .filter_map(|(c, w)| {
                let parent = match *c {
                    "termination_for_convenience" | "termination_for_cause" => "termination",
                    "arbitration"
                    | "mediation"
                    | "negotiation_escalation"
                    | "jurisdiction_venue" => "dispute_resolution",
                    "no_solicit_of_customers" | "no_solicit_of_employees" => "non_solicitation",
                    "anti_assignment" => "assignment",
                    "ip_ownership_assignment" | "joint_ip_ownership" | "background_ip" => {
                        "ip_ownership"
                    }
                    "liability_cap" => "cap_on_liability",
                    "revenue_profit_sharing" => "payment",
                    _ => return None,
                };
                Some((parent, *w))
            })
            .collect();
        for (c, w) in derived {
            add(cats, c, w);
        }
        cats.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    }
    Classified { categories, hits }
}

/// Mentions of "exclusive" that grant or promise no exclusivity: the negated forms
/// ("non-exclusive", "non- exclusive" as PDF line breaks leave it, "not an exclusive"),
/// the legal idioms (exclusive jurisdiction, remedy, property; construed or resolved
/// exclusively under a law or before a court; exclusively for a purpose) and an exclusive
/// licence that is only a prospect (a first refusal to acquire one, a bar on granting one).
static NOT_EXCLUSIVITY: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    // A fixed pattern: its compilation is checked by the `rules_compile` test.
    crate::text::bytes_regex(
        r"(?-u)non[\s-]*exclusiv[a-z]*|not (?:be |an? |the )*exclusiv[a-z]*|exclusive (?:jurisdiction|venue|forum|remed[a-z]*|property|owner[a-z]*|right,? title|of )|(?:owned|construed|interpreted|governed|resolved|settled|brought|heard|litigated|adjudicated|venued) (?:solely and )?exclusively|exclusively (?:for (?:the |its |their )?(?:[a-z-]+ ){0,2}purposes?|in (?:the )?(?:[a-z]+ ){0,3}courts?|under (?:the )?laws?|by (?:the )?(?:laws?|courts?))|(?:refusal|negotiation|option|right) to (?:acquire|negotiate|obtain) (?:an? )?exclusiv[a-z]*|(?:neither party|no party|not) (?:may |shall |will )?(?:grant|appoint) (?:an? )?exclusiv[a-z]*",
    )
    .unwrap_or_else(|e| panic!("NOT_EXCLUSIVITY: {e}"))
});

/// Whether a (lowercased) sentence says "exclusive" only in ways that state no exclusivity:
/// then neither a rule nor the learned model may read the category from it. A sentence that
/// never says "exclusive" is not judged here (a restriction can be written without the word).
pub(crate) fn denies_exclusivity(sentence: &[u8]) -> bool {
    let Some(first) = memchr::memmem::find(sentence, b"exclusiv") else {
        return false;
    };
    let mut covered = 0;
    let mut at = first;
    for m in NOT_EXCLUSIVITY.find_iter(sentence) {
        if m.end() <= at {
            continue;
        }
        if m.start() > at {
            return false;
        }
        covered = covered.max(m.end());
        match memchr::memmem::find(&sentence[covered..], b"exclusiv") {
            Some(i) => at = covered + i,
            None => return true,
        }
    }
    false
}

/// Sub-clauses under an "Exclusivity" or "Non-Competition" heading restrict even when their
/// own words do not say so ("Partner shall not market any product of a Competitor"): each of
/// their duty sentences becomes a hit of the heading's category.
fn restrictions_under_headings(
    lower: &str,
    segs: &[Segment],
    sentences: &[(usize, usize)],
    seg_of: &[usize],
    hits: &mut Vec<Hit>,
) {
    let cat_of = |i: usize| -> Option<&'static str> {
        let h = segs.get(i)?.heading.as_deref()?.to_ascii_lowercase();
        if h.contains("non-exclusiv") {
            None
        } else if h.contains("exclusiv") {
            Some("exclusivity")
        } else if h.contains("non-compet")
            || h.contains("noncompet")
            || h.contains("restrictive covenant")
        {
            Some("non_compete")
        } else {
            None
        }
    };
    if !segs.iter().any(|s| {
        s.heading.as_deref().is_some_and(|h| {
            h.to_ascii_lowercase().contains("exclusiv")
                || h.to_ascii_lowercase().contains("compet")
                || h.to_ascii_lowercase().contains("restrictive")
        })
    }) {
        return;
    }
    let mut added = Vec::new();
    for (k, &(a, z)) in sentences.iter().enumerate() {
        let Some(&sg) = seg_of.get(k) else { continue };
        // The clause's own heading, else its parent's (one level up is enough for "5.2").
        let Some(cat) = cat_of(sg).or_else(|| segs.get(sg).and_then(|s| s.parent).and_then(cat_of))
        else {
            continue;
        };
        if hits.iter().any(|h| h.cat == cat && h.start == a) {
            continue;
        }
        let st = &lower[a..z];
        let restricts = [
            "shall not",
            "will not",
            "may not",
            "must not",
            "shall exclusively",
            "shall only",
            "will only",
            "sole ",
            "refrain",
            "agrees not",
            "undertakes not",
            "exclusive ",
        ]
        .iter()
        .any(|w| st.contains(w));
        if restricts {
            added.push(Hit {
                cat,
                start: a,
                end: z,
                confidence: 0.6,
            });
        }
    }
    hits.extend(added);
}

fn add(cats: &mut Vec<(&'static str, f32)>, cat: &'static str, w: f32) {
    match cats.iter_mut().find(|(c, _)| *c == cat) {
        // Independent evidence raises confidence: 1 - (1-a)(1-b).
        Some((_, v)) => *v = 1.0 - (1.0 - *v) * (1.0 - w * 0.5),
        None => cats.push((cat, w)),
    }
}

/// Every category id the classifier can emit (checked against the taxonomy in tests).
pub(crate) fn emitted_ids() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = RULES.iter().map(|r| r.cat).collect();
    for (_, cats) in HEADINGS {
        v.extend_from_slice(cats);
    }
    v.extend([
        "definitions",
        "recitals",
        "parties",
        "signatures",
        "schedule",
        "termination",
        "dispute_resolution",
        "non_solicitation",
        "assignment",
        "ip_ownership",
        "cap_on_liability",
        "payment",
    ]);
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::segment;

    fn cats_of(t: &str) -> Vec<&'static str> {
        let lower = t.to_ascii_lowercase();
        let segs = segment(t);
        let sents = crate::text::sentences(t, 0, t.len());
        let seg_of: Vec<usize> = sents
            .iter()
            .map(|s| {
                segs.partition_point(|g| g.end <= s.0)
                    .min(segs.len().saturating_sub(1))
            })
            .collect();
        let c = classify(&lower, &segs, &sents, &seg_of);
        let mut all: Vec<&'static str> = c.categories.into_iter().flatten().map(|x| x.0).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    #[test]
    fn leaving_when_a_party_decides_not_to_proceed_is_termination_for_convenience() {
        let t = "6. Term\n\n6.2 Either Party may terminate this Letter at any time by written notice to the other Party if it decides not to proceed with the Proposed Transaction.\n";
        assert!(
            cats_of(t).contains(&"termination_for_convenience"),
            "{:?}",
            cats_of(t)
        );
        // A condition of the other party's making is a cause.
        let t = "6. Term\n\n6.2 Either Party may terminate this Letter at any time by written notice if the other Party fails to pay any amount due.\n";
        assert!(
            !cats_of(t).contains(&"termination_for_convenience"),
            "{:?}",
            cats_of(t)
        );
    }

    #[test]
    fn rules_compile() {
        let _ = &*COMPILED;
        let _ = &*NOT_EXCLUSIVITY;
    }

    #[test]
    fn negated_and_idiomatic_exclusive_deny_exclusivity() {
        for s in [
            "brightwater grants kestrel a perpetual, non-exclusive, royalty-free license to use the assets.",
            "sonos grants iac a non- exclusive, nontransferable license.",
            "the rights and remedies herein are cumulative and not exclusive of any other remedies.",
            "any dispute shall be resolved exclusively in the state courts of san mateo county.",
            "the software is and shall remain the sole and exclusive property of vip.",
            "the data may be used exclusively for the purpose of the project.",
            "tuz grants deltaflux a right of first refusal to acquire an exclusive licence to its results.",
            "neither party may grant an exclusive license under joint ip without consent.",
        ] {
            assert!(denies_exclusivity(s.as_bytes()), "{s}");
        }
        for s in [
            "supplier appoints distributor as its exclusive distributor of the products.",
            "licensor grants a non-exclusive licence in europe and an exclusive licence in asia.",
            "the parties shall exclusively use each other's services.",
            "supplier shall not appoint any other distributor in the territory.",
        ] {
            assert!(!denies_exclusivity(s.as_bytes()), "{s}");
        }
        let c = cats_of(
            "1. Disputes. Any dispute shall be resolved exclusively in the courts of London.\n",
        );
        assert!(!c.contains(&"exclusivity"), "{c:?}");
    }

    #[test]
    fn most_favoured_terms_compare_with_what_others_get() {
        for t in [
            "4. Prices. The prices offered to Distributor shall not be less favorable than those offered to agents and distributors of NTC.\n",
            "4. Prices. Such increase shall not exceed 5% of the preceding year's Prices nor the lowest price charged to others for the same Product.\n",
        ] {
            assert!(cats_of(t).contains(&"most_favored_nation"), "{t}");
        }
        let c = cats_of("4. Prices. Supplier shall quote its lowest prices in each proposal.\n");
        assert!(!c.contains(&"most_favored_nation"), "{c:?}");
    }

    #[test]
    fn rare_categories_read_their_plain_phrasings() {
        for (t, cat) in [
            (
                "9. Joint Works. Each Party shall own a joint, equal and undivided ownership interest in such Joint Works.\n",
                "joint_ip_ownership",
            ),
            (
                "9. Inventions. The parties may agree that an Invention derived jointly may become the property of both parties.\n",
                "joint_ip_ownership",
            ),
            (
                "2. License. Individual grants Lifeway an unlimited, perpetual, non-exclusive, worldwide and, except as set forth in Section 9, royalty-free, right to use the name of Individual.\n",
                "unlimited_all_you_can_eat_license",
            ),
            (
                "2. Viewing. Multiple viewings of the Licensed Program shall be permitted for no additional fee.\n",
                "unlimited_all_you_can_eat_license",
            ),
            (
                "5. Renewal. Maintenance renews for one (1) year, subject to adjustments proposed by Netzee not to exceed 5%.\n",
                "price_restrictions",
            ),
            (
                "5. Renewal. Tickets may renew the Agreement with Sponsor Fees that do not exceed a 10 percent increase over the existing Sponsor Fees.\n",
                "price_restrictions",
            ),
            (
                "7. Covenants. Maimon agrees not to induce or persuade any customer of the Company to terminate or diminish its relationship with the Company.\n",
                "no_solicit_of_customers",
            ),
            (
                "7. Customers. The Company shall not contact any of Distributor's customers for any reason.\n",
                "no_solicit_of_customers",
            ),
            (
                "14. Beneficiaries. Ehave shall be a third party beneficiary hereunder, but shall not have any obligations to the End User.\n",
                "third_party_beneficiary",
            ),
            (
                "14. Beneficiaries. Duval is not a party hereto and has no liability hereunder but is an intended specific third party creditor beneficiary hereof.\n",
                "third_party_beneficiary",
            ),
            (
                "2. License. Licensor on behalf of itself and its Affliates hereby grants to Licensee a limited license to use the Licensed Mark.\n",
                "affiliate_license_licensor",
            ),
            (
                "2. License. RemainCo, for itself and as representative of all other members of the RemainCo Group, hereby grants to SpinCo a perpetual license to the Know-How.\n",
                "affiliate_license_licensor",
            ),
        ] {
            assert!(cats_of(t).contains(&cat), "{cat}: {t}");
        }
        // The same words where they state none of it.
        for (t, cat) in [
            (
                "9. Title. Each Party retains an undivided commitment to quality.\n",
                "joint_ip_ownership",
            ),
            (
                "5. Fees. Fees shall be adjusted each year to the published rate card.\n",
                "price_restrictions",
            ),
            (
                "14. Beneficiaries. No third party is intended to be nor shall any such third party be deemed to be a third party beneficiary of this Agreement.\n",
                "third_party_beneficiary",
            ),
            (
                "7. Sales. Distributor shall persuade customers to buy the Products.\n",
                "no_solicit_of_customers",
            ),
        ] {
            assert!(!cats_of(t).contains(&cat), "{cat}: {t}");
        }
    }

    #[test]
    fn consent_and_denied_exclusivity_are_no_exception_to_a_restriction() {
        let c = cats_of(
            "7. Restrictive Covenants. Except as otherwise approved in writing by Franchisor, Member shall not compete with Franchisor in the Territory.\n",
        );
        assert!(c.contains(&"non_compete"), "{c:?}");
        assert!(!c.contains(&"competitive_restriction_exception"), "{c:?}");
        let c = cats_of(
            "7. Non-Competition. Licensee shall not market any competing product in the Territory. Except as set out in Section 9, Licensor grants Licensee a non-exclusive licence to the Marks.\n",
        );
        assert!(c.contains(&"non_compete"), "{c:?}");
        assert!(!c.contains(&"competitive_restriction_exception"), "{c:?}");
        let c = cats_of(
            "7. Non-Competition. Licensee shall not market any competing product in the Territory, except that Licensee may sell products that compete with the Products outside the Territory.\n",
        );
        assert!(c.contains(&"competitive_restriction_exception"), "{c:?}");
    }

    #[test]
    fn immediately_is_no_mediation_and_revenue_no_venue() {
        let c = cats_of(
            "6. Liability. The total liability shall not exceed the fees paid in the 12 month period immediately before the claim.\n",
        );
        assert!(!c.contains(&"dispute_resolution"), "{c:?}");
        let c = cats_of(
            "9. Disputes. Any dispute shall first be referred to mediation under the CEDR Model Mediation Procedure.\n",
        );
        assert!(c.contains(&"dispute_resolution"), "{c:?}");
        // "Revenue" names no venue, even where the sentence speaks of a jurisdiction.
        let c = cats_of(
            "7. Taxes. Revenue shall be reduced by the withholding taxes imposed by any jurisdiction on payments.\n",
        );
        assert!(
            !c.contains(&"jurisdiction_venue") && !c.contains(&"dispute_resolution"),
            "{c:?}"
        );
    }

    #[test]
    fn soliciting_customers_is_a_restriction_only_when_forbidden() {
        let c = cats_of(
            "1. Marketing. Distributor shall use its best efforts to solicit customers for the Products in the Territory.\n",
        );
        assert!(!c.contains(&"no_solicit_of_customers"), "{c:?}");
        // Soliciting employees, a permission, a bribe report, securities and a clause that
        // only refers to a non-solicitation are no restriction on soliciting customers.
        for t in [
            "1. Employees. Neither Distributor nor any of its affiliates will employ or solicit to employ any of the employees of Vendor.\n",
            "1. Advertising. Agent shall not use amplified sound to advertise the Sale, provided that Agent may solicit customers in the Stores themselves.\n",
            "1. Conduct. Distributor shall not remain silent about any solicitation, demand or other request for anything of value by an employee of a customer.\n",
            "1. Offering. The Corporation has not sold, offered for sale or solicited any offer to buy any security from any customer.\n",
            "1. Reasonableness. The Consultant shall not contest that the above restriction on non-solicitation is necessary to protect the business of the Company.\n",
        ] {
            assert!(!cats_of(t).contains(&"no_solicit_of_customers"), "{t}");
        }
        for t in [
            "1. Non-Solicitation. During the Term, Distributor shall not solicit any customer of Supplier.\n",
            "1. Customers. Neither party will, directly or indirectly, divert any customer or account of the other party.\n",
            "1. Non-Circumvention. Agent agrees to a non-circumvention of the Principal's customers.\n",
        ] {
            assert!(cats_of(t).contains(&"no_solicit_of_customers"), "{t}");
        }
    }

    #[test]
    fn an_assignment_allowed_on_a_merger_is_no_change_of_control() {
        let c = cats_of(
            "1. Assignment. Either party may assign this Agreement without consent to a successor in connection with a merger or a sale of all or substantially all of its assets.\n",
        );
        assert!(!c.contains(&"change_of_control"), "{c:?}");
        for t in [
            "1. Termination. In the event of a change of control of Licensee, Licensor may terminate this Agreement.\n",
            "1. Assignment. Any merger or consolidation of Licensee shall be deemed an assignment requiring Licensor's consent.\n",
        ] {
            assert!(cats_of(t).contains(&"change_of_control"), "{t}");
        }
    }

    #[test]
    fn typical_clauses_get_their_categories() {
        let c = cats_of(
            "1. Law. This Agreement shall be governed by the laws of the State of New York.\n\n2. Assignment. Neither party may assign this Agreement without the prior written consent of the other party.\n\n3. Either party may terminate this Agreement for convenience upon ninety (90) days prior written notice.\n\n4. IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR ANY INDIRECT OR CONSEQUENTIAL DAMAGES, EXCEPT FOR BREACH OF SECTION 7.\n",
        );
        for want in [
            "governing_law",
            "anti_assignment",
            "termination_for_convenience",
            "cap_on_liability",
            "uncapped_liability",
            "exclusion_of_damages",
        ] {
            assert!(c.contains(&want), "{want} missing from {c:?}");
        }
    }

    #[test]
    fn exclusive_jurisdiction_is_not_exclusivity() {
        let c = cats_of("1. The courts of London shall have exclusive jurisdiction.\n");
        assert!(!c.contains(&"exclusivity"), "{c:?}");
        assert!(c.contains(&"jurisdiction_venue"));
    }
}
