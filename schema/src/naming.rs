//! Event names: PascalCase, past tense (`UserRegistered`, not `RegisterUser`), and the case
//! conversions between folder names (`user_registered`) and type names (`UserRegistered`).
//!
//! An event is a fact that happened, so its name ends in a past participle. This module tells a
//! participle from an imperative verb or a noun, and suggests the past-tense name:
//! `RegisterUser` → `UserRegistered`, `SendWelcomeEmail` → `WelcomeEmailSent`,
//! `PayOrder` → `OrderPaid`, `UserRegistration` → `UserRegistered`.

/// Splits a PascalCase or camelCase name into words (`HTTPRequestSent` → `HTTP`, `Request`, `Sent`).
pub fn words(name: &str) -> Vec<&str> {
    let bytes = name.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (prev, cur) = (bytes[i - 1], bytes[i]);
        let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = (cur.is_ascii_uppercase()
            && (prev.is_ascii_lowercase() || prev.is_ascii_digit()))
            || (cur.is_ascii_uppercase() && prev.is_ascii_uppercase() && next_lower)
            || (cur.is_ascii_digit() && prev.is_ascii_alphabetic());
        if boundary {
            out.push(&name[start..i]);
            start = i;
        }
    }
    if start < name.len() {
        out.push(&name[start..]);
    }
    out
}

/// `UserRegistered` → `user_registered`.
pub fn to_snake_case(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `user_registered` → `UserRegistered`.
pub fn to_pascal_case(snake: &str) -> String {
    snake
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .map(capitalize)
        .collect()
}

/// Whether a name is PascalCase: starts with an uppercase letter, only letters and digits.
pub fn is_pascal_case(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Whether a name is snake_case (`order_id`).
pub fn is_snake_case(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

/// Whether a name is camelCase (`orderId`).
pub fn is_camel_case(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => {
            first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
        }
        None => String::new(),
    }
}

/// Irregular past participles, and the base forms they come from.
const IRREGULAR: &[(&str, &str)] = &[
    ("arisen", "arise"),
    ("awoken", "awake"),
    ("been", "be"),
    ("begun", "begin"),
    ("bent", "bend"),
    ("bet", "bet"),
    ("bid", "bid"),
    ("bitten", "bite"),
    ("bled", "bleed"),
    ("blown", "blow"),
    ("bound", "bind"),
    ("bought", "buy"),
    ("broadcast", "broadcast"),
    ("broken", "break"),
    ("brought", "bring"),
    ("built", "build"),
    ("burnt", "burn"),
    ("burst", "burst"),
    ("cast", "cast"),
    ("caught", "catch"),
    ("chosen", "choose"),
    ("come", "come"),
    ("cut", "cut"),
    ("dealt", "deal"),
    ("done", "do"),
    ("drawn", "draw"),
    ("driven", "drive"),
    ("dug", "dig"),
    ("eaten", "eat"),
    ("fallen", "fall"),
    ("fed", "feed"),
    ("felt", "feel"),
    ("fought", "fight"),
    ("found", "find"),
    ("fled", "flee"),
    ("flown", "fly"),
    ("forbidden", "forbid"),
    ("forecast", "forecast"),
    ("forgiven", "forgive"),
    ("forgotten", "forget"),
    ("frozen", "freeze"),
    ("given", "give"),
    ("gone", "go"),
    ("got", "get"),
    ("gotten", "get"),
    ("grown", "grow"),
    ("heard", "hear"),
    ("held", "hold"),
    ("hidden", "hide"),
    ("hit", "hit"),
    ("hung", "hang"),
    ("hurt", "hurt"),
    ("kept", "keep"),
    ("known", "know"),
    ("laid", "lay"),
    ("led", "lead"),
    ("left", "leave"),
    ("lent", "lend"),
    ("let", "let"),
    ("lit", "light"),
    ("lost", "lose"),
    ("made", "make"),
    ("meant", "mean"),
    ("met", "meet"),
    ("mistaken", "mistake"),
    ("outgrown", "outgrow"),
    ("overdrawn", "overdraw"),
    ("overridden", "override"),
    ("overtaken", "overtake"),
    ("overthrown", "overthrow"),
    ("overwritten", "overwrite"),
    ("paid", "pay"),
    ("proven", "prove"),
    ("put", "put"),
    ("quit", "quit"),
    ("read", "read"),
    ("rebuilt", "rebuild"),
    ("redone", "redo"),
    ("remade", "remake"),
    ("repaid", "repay"),
    ("reread", "reread"),
    ("reset", "reset"),
    ("resent", "resend"),
    ("retaken", "retake"),
    ("rewritten", "rewrite"),
    ("ridden", "ride"),
    ("risen", "rise"),
    ("run", "run"),
    ("rung", "ring"),
    ("said", "say"),
    ("seen", "see"),
    ("sent", "send"),
    ("set", "set"),
    ("shaken", "shake"),
    ("shed", "shed"),
    ("shot", "shoot"),
    ("shown", "show"),
    ("shut", "shut"),
    ("slid", "slide"),
    ("sold", "sell"),
    ("sought", "seek"),
    ("spent", "spend"),
    ("split", "split"),
    ("spoken", "speak"),
    ("spread", "spread"),
    ("sprung", "spring"),
    ("stolen", "steal"),
    ("stood", "stand"),
    ("struck", "strike"),
    ("stuck", "stick"),
    ("stung", "sting"),
    ("sung", "sing"),
    ("sunk", "sink"),
    ("swept", "sweep"),
    ("sworn", "swear"),
    ("swung", "swing"),
    ("taken", "take"),
    ("taught", "teach"),
    ("thought", "think"),
    ("thrown", "throw"),
    ("told", "tell"),
    ("torn", "tear"),
    ("undergone", "undergo"),
    ("understood", "understand"),
    ("undone", "undo"),
    ("upheld", "uphold"),
    ("upset", "upset"),
    ("withdrawn", "withdraw"),
    ("withheld", "withhold"),
    ("woken", "wake"),
    ("won", "win"),
    ("worn", "wear"),
    ("wound", "wind"),
    ("written", "write"),
];

/// Words ending in `-ed` that are not participles.
const NOT_PARTICIPLES_ED: &[&str] = &[
    "bed", "bleed", "breed", "embed", "feed", "greed", "need", "proceed", "red", "seed", "shed",
    "speed", "succeed", "exceed", "weed", "med", "fed", "shred", "sled", "bred", "ted", "led",
];

/// Nouns of action and the participle a fact about them uses.
const NOUN_PARTICIPLES: &[(&str, &str)] = &[
    ("payment", "Paid"),
    ("shipment", "Shipped"),
    ("delivery", "Delivered"),
    ("refund", "Refunded"),
    ("return", "Returned"),
    ("purchase", "Purchased"),
    ("sale", "Sold"),
    ("signup", "SignedUp"),
    ("login", "LoggedIn"),
    ("logout", "LoggedOut"),
    ("deposit", "Deposited"),
    ("withdrawal", "Withdrawn"),
    ("transfer", "Transferred"),
    ("approval", "Approved"),
    ("removal", "Removed"),
    ("renewal", "Renewed"),
    ("arrival", "Arrived"),
    ("departure", "Departed"),
    ("failure", "Failed"),
    ("closure", "Closed"),
    ("change", "Changed"),
    ("update", "Updated"),
    ("upload", "Uploaded"),
    ("download", "Downloaded"),
    ("request", "Requested"),
    ("export", "Exported"),
    ("import", "Imported"),
    ("receipt", "Received"),
    ("response", "Responded"),
    ("reply", "Replied"),
    ("booking", "Booked"),
    ("order", "Ordered"),
];

/// Whether `word` (any case) is a past participle.
pub fn is_participle(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    if IRREGULAR.iter().any(|(p, _)| *p == w) {
        return true;
    }
    // `-eed` words are participles only when a base verb ends in `-ee` (agreed, freed).
    if w.ends_with("eed") {
        return [
            "agreed",
            "freed",
            "guaranteed",
            "decreed",
            "refereed",
            "disagreed",
            "foreseed",
        ]
        .contains(&w.as_str());
    }
    w.len() > 3 && w.ends_with("ed") && !NOT_PARTICIPLES_ED.contains(&w.as_str())
}

/// The past participle of a verb in its base form (`register` → `Registered`), capitalised.
pub fn participle(verb: &str) -> String {
    let v = verb.to_ascii_lowercase();
    if let Some((p, _)) = IRREGULAR.iter().find(|(_, base)| *base == v) {
        return capitalize(p);
    }
    let bytes = v.as_bytes();
    let n = bytes.len();
    let vowel = |c: u8| b"aeiou".contains(&c);
    let past = if v.ends_with('e') {
        format!("{v}d")
    } else if n >= 2 && v.ends_with('y') && !vowel(bytes[n - 2]) {
        format!("{}ied", &v[..n - 1])
    } else if v.ends_with('c') {
        format!("{v}ked")
    } else if n >= 3
        && !vowel(bytes[n - 1])
        && vowel(bytes[n - 2])
        && !vowel(bytes[n - 3])
        && !b"wxy".contains(&bytes[n - 1])
        && (is_one_syllable(&v) || DOUBLING.contains(&v.as_str()))
    {
        // ship → shipped, stop → stopped; but open → opened.
        format!("{v}{}ed", bytes[n - 1] as char)
    } else {
        format!("{v}ed")
    };
    capitalize(&past)
}

/// Longer verbs whose last consonant doubles (stress on the last syllable, and British `-ll`).
const DOUBLING: &[&str] = &[
    "cancel", "label", "travel", "model", "signal", "total", "refer", "transfer", "submit",
    "commit", "admit", "permit", "omit", "emit", "regret", "occur", "prefer", "control", "patrol",
    "compel", "expel", "propel", "equip",
];

fn is_one_syllable(word: &str) -> bool {
    let mut groups = 0;
    let mut in_vowel = false;
    for c in word.bytes() {
        let v = b"aeiouy".contains(&c);
        if v && !in_vowel {
            groups += 1;
        }
        in_vowel = v;
    }
    groups <= 1
}

/// Common verbs that start imperative names (`CreateOrder`, `SendEmail`).
const VERBS: &[&str] = &[
    "accept",
    "activate",
    "add",
    "approve",
    "archive",
    "assign",
    "authorize",
    "block",
    "book",
    "cancel",
    "capture",
    "change",
    "charge",
    "check",
    "close",
    "complete",
    "confirm",
    "connect",
    "create",
    "deactivate",
    "decline",
    "delete",
    "deliver",
    "deposit",
    "disable",
    "dispatch",
    "edit",
    "enable",
    "expire",
    "export",
    "fail",
    "finish",
    "fulfil",
    "fulfill",
    "generate",
    "grant",
    "import",
    "invite",
    "issue",
    "join",
    "leave",
    "link",
    "lock",
    "log",
    "mark",
    "merge",
    "move",
    "notify",
    "open",
    "order",
    "pay",
    "place",
    "process",
    "publish",
    "purchase",
    "receive",
    "refund",
    "register",
    "reject",
    "release",
    "remove",
    "rename",
    "renew",
    "reopen",
    "request",
    "reserve",
    "reset",
    "resolve",
    "restore",
    "return",
    "revoke",
    "schedule",
    "send",
    "ship",
    "sign",
    "start",
    "stop",
    "submit",
    "suspend",
    "transfer",
    "unlink",
    "unlock",
    "update",
    "upgrade",
    "upload",
    "verify",
    "void",
    "withdraw",
    "make",
    "build",
    "hold",
    "sell",
    "buy",
    "give",
    "take",
    "write",
    "set",
    "put",
    "run",
    "begin",
    "bind",
    "show",
    "tell",
    "find",
    "lose",
    "win",
    "pick",
    "pack",
    "deploy",
];

/// The candidate a mistyped `wanted` most likely meant, if one is close enough (a third of its
/// length in edits, and two more): for "did you mean" hints.
pub fn nearest<'c>(wanted: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::levenshtein(candidate, wanted), candidate))
        .min()
        .filter(|(distance, _)| *distance <= wanted.len() / 3 + 2)
        .map(|(_, candidate)| candidate)
}

/// Why a name is not a good event name, and what it could be instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameProblem {
    /// What is wrong.
    pub message: String,
    /// A better name, when one can be derived.
    pub suggestion: Option<String>,
}

/// Checks an event name: PascalCase, ending in a past participle. `None` when it is fine.
pub fn check_event_name(name: &str) -> Option<NameProblem> {
    if !is_pascal_case(name) {
        let fixed = to_pascal_case(
            &to_snake_case(name).replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_"),
        );
        return Some(NameProblem {
            message: format!("event names are PascalCase: `{name}` is not"),
            suggestion: (is_pascal_case(&fixed) && fixed != name).then_some(fixed),
        });
    }
    let parts = words(name);
    let last = *parts.last()?;
    if is_participle(last) {
        return None;
    }
    // Phrasal verbs: `CartCheckedOut`, `UserLoggedIn`, `UserSignedUp`.
    const PARTICLES: [&str; 9] = [
        "Out", "In", "Up", "Down", "Off", "On", "Over", "Back", "Away",
    ];
    if parts.len() > 1 && PARTICLES.contains(&last) && is_participle(parts[parts.len() - 2]) {
        return None;
    }
    let lower: Vec<String> = parts.iter().map(|w| w.to_ascii_lowercase()).collect();
    let noun_of_action = |w: &str| {
        NOUN_PARTICIPLES
            .iter()
            .find(|(noun, _)| *noun == w)
            .map(|(_, p)| *p)
    };
    // A first word that is only a verb makes an imperative (`PayOrder`); one that is also a noun
    // (`OrderPayment`) is read as the subject unless nothing else fits.
    let imperative = parts.len() > 1 && VERBS.contains(&lower[0].as_str());
    let suggestion = if imperative && noun_of_action(&lower[0]).is_none() {
        // RegisterUser -> UserRegistered
        Some(parts[1..].concat() + &participle(&lower[0]))
    } else if let Some(p) = noun_of_action(&lower[lower.len() - 1]) {
        // OrderPayment -> OrderPaid
        Some(parts[..parts.len() - 1].concat() + p)
    } else if let Some(stem) = nominal_stem(&lower[lower.len() - 1]) {
        // UserRegistration -> UserRegistered
        Some(parts[..parts.len() - 1].concat() + &participle(&stem))
    } else if imperative {
        Some(parts[1..].concat() + &participle(&lower[0]))
    } else if VERBS.contains(&lower[lower.len() - 1].as_str()) {
        // UserRegister -> UserRegistered
        Some(parts[..parts.len() - 1].concat() + &participle(&lower[lower.len() - 1]))
    } else {
        None
    };
    Some(NameProblem {
        message: match &suggestion {
            Some(s) => format!("event names are past tense: `{name}` could be `{s}`"),
            None => format!("event names are past tense: `{name}` does not end in a past participle (`...Created`, `...Sent`)"),
        },
        suggestion,
    })
}

/// The verb behind `-ation`/`-ion`/`-ment` nouns: registration → register, creation → create,
/// deletion → delete, cancellation → cancel.
fn nominal_stem(noun: &str) -> Option<String> {
    const KNOWN: &[(&str, &str)] = &[
        ("registration", "register"),
        ("creation", "create"),
        ("deletion", "delete"),
        ("cancellation", "cancel"),
        ("activation", "activate"),
        ("deactivation", "deactivate"),
        ("verification", "verify"),
        ("confirmation", "confirm"),
        ("completion", "complete"),
        ("subscription", "subscribe"),
        ("modification", "modify"),
        ("notification", "notify"),
        ("authorization", "authorize"),
        ("expiration", "expire"),
        ("suspension", "suspend"),
        ("submission", "submit"),
        ("invitation", "invite"),
        ("reservation", "reserve"),
        ("termination", "terminate"),
        ("settlement", "settle"),
        ("enrollment", "enroll"),
        ("assignment", "assign"),
        ("adjustment", "adjust"),
        ("replacement", "replace"),
        ("acknowledgement", "acknowledge"),
        ("publication", "publish"),
        ("migration", "migrate"),
        ("validation", "validate"),
        ("rejection", "reject"),
        ("selection", "select"),
        ("connection", "connect"),
        ("collection", "collect"),
        ("correction", "correct"),
    ];
    KNOWN
        .iter()
        .find(|(n, _)| *n == noun)
        .map(|(_, v)| (*v).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(name: &str) -> Option<String> {
        check_event_name(name).and_then(|p| p.suggestion)
    }

    #[test]
    fn imperative_names_get_past_tense_suggestions() {
        assert_eq!(
            suggestion("RegisterUser").as_deref(),
            Some("UserRegistered")
        );
        assert_eq!(
            suggestion("SendWelcomeEmail").as_deref(),
            Some("WelcomeEmailSent")
        );
        assert_eq!(suggestion("PayOrder").as_deref(), Some("OrderPaid"));
        assert_eq!(suggestion("ShipOrder").as_deref(), Some("OrderShipped"));
        assert_eq!(suggestion("CancelOrder").as_deref(), Some("OrderCancelled"));
        assert_eq!(
            suggestion("CreatePaymentLink").as_deref(),
            Some("PaymentLinkCreated")
        );
        assert_eq!(
            suggestion("WithdrawFunds").as_deref(),
            Some("FundsWithdrawn")
        );
        assert_eq!(suggestion("BuildReport").as_deref(), Some("ReportBuilt"));
        assert_eq!(suggestion("HoldPayment").as_deref(), Some("PaymentHeld"));
        assert_eq!(suggestion("VerifyEmail").as_deref(), Some("EmailVerified"));
        assert_eq!(suggestion("OpenAccount").as_deref(), Some("AccountOpened"));
    }

    #[test]
    fn noun_names_get_past_tense_suggestions() {
        assert_eq!(
            suggestion("UserRegistration").as_deref(),
            Some("UserRegistered")
        );
        assert_eq!(suggestion("OrderPayment").as_deref(), Some("OrderPaid"));
        assert_eq!(
            suggestion("OrderCancellation").as_deref(),
            Some("OrderCancelled")
        );
        assert_eq!(
            suggestion("UserRegister").as_deref(),
            Some("UserRegistered")
        );
        assert!(
            check_event_name("UserProfile").is_some(),
            "a plain noun is not an event"
        );
    }

    #[test]
    fn real_participles_pass() {
        for name in [
            "UserRegistered",
            "WelcomeEmailSent",
            "OrderPaid",
            "ReportBuilt",
            "PaymentHeld",
            "FundsWithdrawn",
            "OrderShipped",
            "MemberAdded",
            "OrganizationGstAdded",
            "UserDataExportRequested",
            "PaymentLinkArchived",
            "TermsAgreed",
            "PasswordReset",
            "AccountFrozen",
            "DocumentWritten",
            "KeyLost",
            "PriceSet",
            "OrderStatusChanged",
        ] {
            assert_eq!(check_event_name(name), None, "{name}");
        }
    }

    #[test]
    fn words_ending_in_ed_that_are_not_participles_fail() {
        for name in ["NewsFeed", "UserNeed", "DataSeed", "MaxSpeed"] {
            assert!(check_event_name(name).is_some(), "{name}");
        }
    }

    #[test]
    fn case_conversions() {
        assert_eq!(words("HTTPRequestSent"), ["HTTP", "Request", "Sent"]);
        assert_eq!(
            to_snake_case("UserDataExportRequested"),
            "user_data_export_requested"
        );
        assert_eq!(
            to_pascal_case("organization_gst_added"),
            "OrganizationGstAdded"
        );
        assert!(is_snake_case("order_id") && !is_snake_case("orderId") && !is_snake_case("Order"));
        assert!(is_camel_case("orderId") && !is_camel_case("order_id"));
        let problem = check_event_name("user_registered").unwrap();
        assert_eq!(problem.suggestion.as_deref(), Some("UserRegistered"));
    }
}
