//! The result of analysing one agreement: clauses, parties, key terms and obligations with
//! their evidence, plus its conversion into the domain types the store keeps.

use crate::extract::obligations::ObligationFound;
use crate::extract::parties::PartyFound;
use crate::extract::terms::{Effective, Expiry, Fee, KeyTerms};
use crate::extract::{Doc, Found};
use crate::learn::{Mode, Model};
use crate::segment::SegmentKind;
use crate::text::CharIndex;
use entente_domain::agreement::AgreementKind;
use entente_domain::amendment::AmendmentKind;
use entente_domain::clause::NewClause;
use entente_domain::document::MediaType;
use entente_domain::obligation::NewObligation;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{TermField, TermValue};
use regex::Regex;
use std::sync::LazyLock;

/// A sentence's byte span and hashed features.
/// A sentence's byte span, hashed features and whether it denies exclusivity in words
/// (see [`crate::learn::vetoed`]).
pub(crate) type SentenceFeatures = (usize, usize, Vec<u32>, bool);

/// Where a value came from: the clause (index into the clauses), the character span in the
/// analysed text, and how sure the analysis is (0..=1).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Evidence {
    /// Index into [`Record::clauses`] / [`Analysis::clauses`].
    pub clause: Option<usize>,
    /// Start (characters).
    pub start: usize,
    /// End (characters, exclusive).
    pub end: usize,
    /// Confidence, 0..=1.
    pub confidence: f32,
}

/// A key term in domain form.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedTerm {
    /// Which term.
    pub field: TermField,
    /// Its value.
    pub value: TermValue,
    /// Where it came from.
    pub evidence: Evidence,
}

/// What the store keeps of an analysis.
#[derive(Debug, Clone)]
pub struct Record {
    /// Title, if one was found.
    pub title: Option<String>,
    /// Best guess of the kind of cooperation.
    pub kind: AgreementKind,
    /// Parties with legal name, short name, role and jurisdiction.
    pub parties: Vec<AgreementPartyDraft>,
    /// Clauses; offsets are character offsets into the analysed text.
    pub clauses: Vec<NewClause>,
    /// Key terms with evidence.
    pub terms: Vec<ExtractedTerm>,
    /// Duties to act, with evidence.
    pub obligations: Vec<(NewObligation, Evidence)>,
    /// Prohibitions ("shall not …"), kept apart from obligations.
    pub negative_covenants: Vec<(NewObligation, Evidence)>,
}

/// One clause of the analysed text.
#[derive(Debug, Clone, PartialEq)]
pub struct ClauseInfo {
    /// Part of the agreement.
    pub kind: SegmentKind,
    /// Number as written.
    pub number: Option<String>,
    /// Heading.
    pub heading: Option<String>,
    /// Nesting level (0 for front/back matter, 1 for top-level sections).
    pub level: u8,
    /// Parent clause index.
    pub parent: Option<usize>,
    /// Byte span.
    pub(crate) bytes: (usize, usize),
    /// Character span.
    pub start: usize,
    /// End (characters, exclusive).
    pub end: usize,
    /// Category ids with confidence, most confident first.
    pub categories: Vec<(&'static str, f32)>,
}

/// The analysis of one agreement.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub(crate) text: String,
    pub(crate) chars: CharIndex,
    pub(crate) media_type: Option<MediaType>,
    pub(crate) title: Option<Found<String>>,
    pub(crate) kind: AgreementKind,
    /// The clauses, in text order.
    pub clauses: Vec<ClauseInfo>,
    pub(crate) parties: Vec<Found<PartyFound>>,
    pub(crate) terms: KeyTerms,
    pub(crate) obligations: Vec<Found<ObligationFound>>,
}

static TITLE_WORDS_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?i)(?-u:\b)(?:agreement|contract|memorandum|letter of intent|term sheet|terms of|deed|accord|charter|mou|addendum|amendment|protocol)(?-u:\b)")
        .unwrap_or_else(|e| panic!("{e}"))
});
static SENTENCE_AFTER_TITLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"^([^.:;]*?)\s+(?:The|This|These|Each|By|We|Our)\s+[a-z]")
        .unwrap_or_else(|e| panic!("{e}"))
});
static TITLE_INLINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?-u:\b)[Tt][Hh][Ii][Ss]\s+((?:[A-Z][\w&/-]*\s+){0,7}(?:AGREEMENT|Agreement|CONTRACT|Contract|MEMORANDUM OF UNDERSTANDING|Memorandum of Understanding))")
        .unwrap_or_else(|e| panic!("{e}"))
});

static RESTATED_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?i)(?-u:\b)restat(?:ed|ement)(?-u:\b)").unwrap_or_else(|e| panic!("{e}"))
});
static LETTER_TITLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?i)(?-u:\b)(?:amendment|addendum|side letter|variation agreement|deed of variation)(?-u:\b)")
        .unwrap_or_else(|e| panic!("{e}"))
});
static LETTER_OPENING_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?i)(?-u:\b)(?:this (?:amendment|addendum|side letter)(?-u:\b)|amends? (?:the|that|our) [^.]{0,120}?agreement(?-u:\b)|(?:is|are) (?:hereby )?amended as follows)")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// How far into a text its opening words reach, for telling a letter from a full agreement.
const OPENING_CHARS: usize = 2000;

fn find_title(doc: &Doc<'_>) -> Option<Found<String>> {
    let text = doc.text;
    let (_, fz) = doc.front_region();
    let mut pos = 0;
    for (i, line) in text[..fz].split_inclusive('\n').enumerate() {
        let start = pos;
        pos += line.len();
        if i > 25 {
            break;
        }
        let t = line.trim();
        if t.is_empty() || t.len() > 160 {
            continue;
        }
        let l = t.to_ascii_lowercase();
        if l.starts_with("exhibit")
            || l.starts_with("confidential")
            || l.starts_with("execution")
            || l.starts_with("this ")
            || l.starts_with("these ")
            || l.starts_with("dated")
            || l.starts_with("source:")
            || l.starts_with("[")
            // Party lines of a "BETWEEN … AND …" opening name the agreement only in passing.
            || l == "and"
            || l.starts_with("and ")
            || l.starts_with("and:")
            || l.starts_with("between")
            || l.contains("(\"")
            || l.contains("(the \"")
        {
            continue;
        }
        // A title set in a table: the cell that names the agreement, without the pipes.
        let (t, lead) = if t.starts_with('|') {
            match t
                .split('|')
                .map(str::trim)
                .find(|c| !c.is_empty() && TITLE_WORDS_RE.is_match(c))
            {
                Some(cell) => (cell, line.find(cell).unwrap_or(0)),
                None => continue,
            }
        } else {
            (t, line.len() - line.trim_start().len())
        };
        if let Some(w) = TITLE_WORDS_RE.find(t) {
            // Paragraphs of one table cell are joined into a line: a title cell may run on
            // into its first sentence ("Amendment The parties identified below agree …").
            let t = SENTENCE_AFTER_TITLE_RE
                .captures(&t[w.end()..])
                .and_then(|c| c.get(1))
                .map_or(t, |s| &t[..w.end() + s.end()]);
            // The name the title line defines for itself, and what follows it, are no part
            // of the title: "Contributor License Agreement (“Agreement”) v.1.0".
            let t = t
                .find(" (“")
                .or_else(|| t.find(" (\""))
                .filter(|&i| i >= w.end())
                .map_or(t, |i| &t[..i]);
            let title = crate::text::squash(t.trim_end_matches([',', '.', ':']));
            return Some(Found::new(
                title,
                (start + lead, start + lead + t.len()),
                0.85,
            ));
        }
    }
    if let Some(m) = TITLE_INLINE_RE.captures(&text[..fz]).and_then(|c| c.get(1))
        && m.as_str().split_whitespace().count() >= 2
    {
        return Some(Found::new(
            crate::text::squash(m.as_str()),
            (m.start(), m.end()),
            0.6,
        ));
    }
    capital_heading(text)
}

/// A document that never names itself an agreement may still have a title: its first line,
/// set in capitals apart from the text ("NATIONALLY NOTIFIABLE ARBOVIRAL DISEASES REPORTED TO
/// ARBONET: DATA RELEASE GUIDELINES").
fn capital_heading(text: &str) -> Option<Found<String>> {
    let lead = text.len() - text.trim_start().len();
    let line = text[lead..].lines().next()?;
    let t = line.trim_end();
    let after = &text[lead + line.len()..];
    let words = t.split_whitespace().count();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = t.chars().filter(|c| c.is_uppercase()).count();
    let stands_apart = after.starts_with("\n\n") || after.starts_with("\r\n\r\n");
    let l = t.to_ascii_lowercase();
    let cover = [
        "exhibit",
        "confidential",
        "execution",
        "schedule",
        "annex",
        "appendix",
    ]
    .iter()
    .any(|k| l.starts_with(k));
    (stands_apart
        && !cover
        && (3..=16).contains(&words)
        && letters >= 12
        && capitals * 10 >= letters * 9
        && !t.ends_with(['.', ';', ','])
        && !t.starts_with('|'))
    .then(|| Found::new(crate::text::squash(t), (lead, lead + t.len()), 0.5))
}

fn guess_kind(title: Option<&str>, lower_front: &str, parties: usize) -> AgreementKind {
    let probe = |s: &str| -> Option<AgreementKind> {
        let s = s.to_ascii_lowercase();
        Some(if s.contains("consortium") {
            AgreementKind::Consortium
        } else if s.contains("joint development")
            || s.contains("co-development")
            || s.contains("codevelopment")
            || s.contains("development agreement")
            || s.contains("development and")
        {
            AgreementKind::JointDevelopment
        } else if s.contains("research") {
            AgreementKind::Research
        } else if s.contains("co-marketing")
            || s.contains("comarketing")
            || s.contains("co-branding")
            || s.contains("cobranding")
            || s.contains("co-promotion")
            || s.contains("marketing agreement")
            || s.contains("joint marketing")
        {
            AgreementKind::CoMarketing
        } else if s.contains("alliance") {
            AgreementKind::StrategicAlliance
        } else if s.contains("collaboration")
            || s.contains("cooperation")
            || s.contains("co-operation")
            || s.contains("partnership")
            || s.contains("integration")
            || s.contains("joint venture")
        {
            AgreementKind::Collaboration
        } else {
            return None;
        })
    };
    if let Some(k) = title.and_then(probe) {
        return k;
    }
    if parties >= 3 && lower_front.contains("consortium") {
        return AgreementKind::Consortium;
    }
    probe(lower_front).unwrap_or(AgreementKind::Other)
}

impl Analysis {
    pub(crate) fn new(text: &str, media_type: Option<MediaType>, model: &Model) -> Self {
        Self::build(text, media_type, model, false).0
    }

    /// Analyses `text` with `model`; with `keep_features`, also returns each sentence's
    /// byte span and hashed features (for training).
    pub(crate) fn build(
        text: &str,
        media_type: Option<MediaType>,
        model: &Model,
        keep_features: bool,
    ) -> (Self, Vec<SentenceFeatures>) {
        let doc = Doc::new(text);
        let chars = CharIndex::new(text);
        let parties = crate::extract::parties::extract(&doc);
        let index = crate::extract::terms::Parties::new(&parties);
        let terms = crate::extract::terms::extract(&doc, &index);
        let obligations = crate::extract::obligations::extract(&doc, &index);
        let title = find_title(&doc);
        let (fa, fz) = doc.front_region();
        let kind = guess_kind(
            title.as_ref().map(|t| t.value.as_str()),
            &doc.lower[fa..crate::text::floor_boundary(&doc.lower, fz.min(fa + 3000))],
            parties.len(),
        );
        let clauses = doc
            .segs
            .iter()
            .zip(doc.classified.categories.iter())
            .map(|(s, cats)| ClauseInfo {
                kind: s.kind,
                number: s.number.clone(),
                heading: s.heading.clone(),
                level: s.level,
                parent: s.parent,
                bytes: (s.start, s.end),
                start: chars.char_of(s.start),
                end: chars.char_of(s.end),
                categories: cats.clone(),
            })
            .collect();
        let mut a = Self {
            text: text.to_owned(),
            chars,
            media_type,
            title,
            kind,
            clauses,
            parties,
            terms,
            obligations,
        };
        let feats = a.apply_model(&doc, model, keep_features);
        a.calibrate(model);
        (a, feats)
    }

    /// Runs the learned sentence classifier and combines its findings with the rules'
    /// (per category, as training decided). A category the model adds is put on the clause
    /// of each sentence at or above its threshold, with the probability as confidence.
    fn apply_model(
        &mut self,
        doc: &Doc<'_>,
        model: &Model,
        keep_features: bool,
    ) -> Vec<SentenceFeatures> {
        let classify = model.classifies();
        if !classify && !keep_features {
            return Vec::new();
        }
        let cats = model.categories();
        let mut kept = Vec::new();
        let cuts = model.logit_thresholds();
        let mut best = vec![f32::NEG_INFINITY; cats.len()];
        let mut found: Vec<(usize, usize, f32)> = Vec::new();
        let mut probs_all = Vec::new();
        let mut feats = Vec::new();
        let mut probs = Vec::new();
        let mut batch = crate::learn::Batch::default();
        // (segment, says "exclusive" only to deny it) of each sentence in `batch`.
        let mut scored: Vec<(usize, bool)> = Vec::new();
        let mut heading_seg = usize::MAX;
        let mut heading = Vec::new();
        // The previous sentence's word hashes, kept rather than hashed a second time.
        let mut prev_words: Vec<u32> = Vec::new();
        let mut words: Vec<u32> = Vec::new();
        let mut last: Option<(usize, usize)> = None;
        for (k, &(a, z)) in doc.sents.iter().enumerate() {
            let seg = doc.sent_seg[k];
            let Some(sg) = doc.segs.get(seg) else {
                continue;
            };
            if matches!(sg.kind, SegmentKind::Contents | SegmentKind::Title) {
                continue;
            }
            if seg != heading_seg {
                heading_seg = seg;
                let h = sg.heading.as_deref().unwrap_or("").to_ascii_lowercase();
                crate::learn::heading_features(h.as_bytes(), &mut heading);
            }
            let follows = last.is_some_and(|(j, s)| j + 1 == k && s == seg);
            last = Some((k, seg));
            std::mem::swap(&mut prev_words, &mut words);
            let sentence = &doc.lower.as_bytes()[a..z];
            let prev = if follows { &prev_words[..] } else { &[] };
            let denies = crate::classify::denies_exclusivity(sentence);
            scored.push((seg, denies));
            if keep_features {
                crate::learn::features(sentence, &heading, prev, &mut words, &mut feats);
                if classify {
                    model.logits(&feats, &mut probs);
                    probs_all.extend_from_slice(&probs);
                }
                kept.push((a, z, feats.clone(), denies));
            } else {
                crate::learn::raw_features(sentence, &heading, prev, &mut words, &mut feats);
                batch.push(model, &feats);
            }
        }
        if classify {
            if !keep_features {
                model.logits_batch(&mut batch, &mut probs_all);
            }
            let width = cats.len().max(1);
            for (&(seg, denies), zs) in scored.iter().zip(probs_all.chunks(width)) {
                for (ci, (c, z)) in cats.iter().zip(zs).enumerate() {
                    if c.mode == Mode::Rules || crate::learn::vetoed(c.id, denies) {
                        continue;
                    }
                    best[ci] = best[ci].max(*z);
                    if *z >= cuts[ci].0 {
                        found.push((ci, seg, Model::probability(*z)));
                    }
                }
            }
        }
        if !classify {
            return kept;
        }
        for (ci, c) in cats.iter().enumerate() {
            let model_says = best[ci] >= cuts[ci].0;
            let rules_say = self
                .clauses
                .iter()
                .any(|cl| cl.categories.iter().any(|x| x.0 == c.id));
            let keep_rules = match c.mode {
                Mode::Rules | Mode::Union => true,
                Mode::Model => false,
                Mode::Both => model_says,
                Mode::Graded => best[ci] >= cuts[ci].1,
            };
            if !keep_rules && rules_say {
                // The model only vetoes what the rules inferred: a sentence that states the
                // category in so many words ("liability shall be unlimited") stands, as the
                // training agreements rarely say it that plainly for the model to learn it.
                let express: Vec<usize> = doc
                    .classified
                    .hits
                    .iter()
                    .filter(|h| h.cat == c.id && h.confidence >= crate::classify::EXPRESS)
                    .filter_map(|h| {
                        let k = doc.sents.partition_point(|s| s.1 <= h.start);
                        doc.sent_seg.get(k).copied()
                    })
                    .collect();
                for (i, cl) in self.clauses.iter_mut().enumerate() {
                    if !express.contains(&i) {
                        cl.categories.retain(|x| x.0 != c.id);
                    }
                }
            }
            let add_model = match c.mode {
                Mode::Rules => false,
                Mode::Model | Mode::Union | Mode::Graded => true,
                Mode::Both => false,
            };
            if add_model {
                for &(fci, seg, p) in &found {
                    if fci != ci {
                        continue;
                    }
                    if let Some(cl) = self.clauses.get_mut(seg) {
                        match cl.categories.iter_mut().find(|x| x.0 == c.id) {
                            Some(x) => x.1 = x.1.max(p),
                            None => cl.categories.push((c.id, p)),
                        }
                    }
                }
            }
        }
        for cl in &mut self.clauses {
            cl.categories
                .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        }
        kept
    }

    /// Replaces the rules' confidence of each scored value with the share of such values
    /// that were right on the labelled agreements the model was trained on.
    fn calibrate(&mut self, model: &Model) {
        if !model.is_calibrated() {
            return;
        }
        for p in &mut self.parties {
            p.confidence = model.calibrate("parties", p.confidence);
        }
        let t = &mut self.terms;
        if let Some(f) = t.agreement_date.as_mut() {
            f.confidence = model.calibrate("agreement_date", f.confidence);
        }
        if let Some(f) = t.effective_date.as_mut() {
            f.confidence = model.calibrate("effective_date", f.confidence);
        }
        if let Some(f) = t.expiration_date.as_mut() {
            f.confidence = model.calibrate("expiration_date", f.confidence);
        }
        if let Some(f) = t.renewal.as_mut() {
            f.confidence = model.calibrate("renewal_term", f.confidence);
        }
        if let Some(f) = t.notice_non_renewal.as_mut() {
            f.confidence = model.calibrate("notice_period_to_terminate_renewal", f.confidence);
        }
        if let Some(f) = t.governing_law.as_mut() {
            f.confidence = model.calibrate("governing_law", f.confidence);
        }
    }

    /// The analysed text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What this text would be as an amendment: a letter when its title names an amendment,
    /// addendum or side letter, or its opening words say it amends an agreement ("This
    /// Amendment …", "… amends the Agreement …"), and it does not call itself restated;
    /// otherwise the whole agreement restated. A letter of intent or a letter agreement is an
    /// agreement of its own, not an amendment.
    pub fn amendment_kind(&self) -> AmendmentKind {
        let end = self
            .text
            .char_indices()
            .nth(OPENING_CHARS)
            .map_or(self.text.len(), |(i, _)| i);
        let opening = &self.text[..end];
        let title = self.title.as_ref().map_or("", |t| t.value.as_str());
        if RESTATED_RE.is_match(title) || RESTATED_RE.is_match(opening) {
            AmendmentKind::Restatement
        } else if LETTER_TITLE_RE.is_match(title) || LETTER_OPENING_RE.is_match(opening) {
            AmendmentKind::Letter
        } else {
            AmendmentKind::Restatement
        }
    }

    /// The clause holding byte offset `b`.
    pub(crate) fn clause_at(&self, b: usize) -> Option<usize> {
        let k = self.clauses.partition_point(|c| c.bytes.1 <= b);
        (k < self.clauses.len() && self.clauses[k].bytes.0 <= b).then_some(k)
    }

    pub(crate) fn evidence_of<T>(&self, f: &Found<T>) -> Evidence {
        Evidence {
            clause: self.clause_at(f.start),
            start: self.chars.char_of(f.start),
            end: self.chars.char_of(f.end),
            confidence: f.confidence,
        }
    }

    /// Ids of every category assigned to any clause.
    pub fn categories_present(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self
            .clauses
            .iter()
            .flat_map(|c| c.categories.iter().map(|x| x.0))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The documented `entente analyze --json` object.
    pub fn to_json(&self) -> serde_json::Value {
        entente_domain::json::sorted_keys(crate::json::to_json(self))
    }

    /// A readable summary for `entente analyze`.
    pub fn summary(&self) -> String {
        crate::summary::summary(self)
    }

    /// Domain-typed output for the store.
    pub fn record(&self) -> Record {
        let t = &self.terms;
        let mut terms = Vec::new();
        let mut push = |field: TermField, value: TermValue, ev: Evidence| {
            terms.push(ExtractedTerm {
                field,
                value,
                evidence: ev,
            });
        };
        if let Some(f) = &t.agreement_date {
            push(
                TermField::AgreementDate,
                TermValue::Date(f.value),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.effective_date {
            let d = match f.value {
                Effective::Date(d) => Some(d),
                Effective::LastSignature(d) => d,
            };
            if let Some(d) = d {
                push(
                    TermField::EffectiveDate,
                    TermValue::Date(d),
                    self.evidence_of(f),
                );
            }
        }
        if let Some(f) = &t.initial_term {
            push(
                TermField::InitialTerm,
                TermValue::Period(f.value),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.expiration_date
            && let Expiry::Date { date, .. } = f.value
        {
            push(
                TermField::ExpirationDate,
                TermValue::Date(date),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.renewal {
            push(
                TermField::AutoRenewal,
                TermValue::Bool(f.value.automatic),
                self.evidence_of(f),
            );
            if let Some(p) = f.value.term {
                push(
                    TermField::RenewalTerm,
                    TermValue::Period(p),
                    self.evidence_of(f),
                );
            }
        }
        if let Some(f) = &t.notice_non_renewal {
            push(
                TermField::NoticePeriodNonRenewal,
                TermValue::Period(f.value),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.termination_for_convenience
            && let Some(p) = f.value.notice
        {
            push(
                TermField::TerminationForConvenienceNotice,
                TermValue::Period(p),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.cure_period {
            push(
                TermField::CurePeriod,
                TermValue::Period(f.value),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.governing_law {
            push(
                TermField::GoverningLaw,
                TermValue::Text(f.value.clone()),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.venue {
            push(
                TermField::Venue,
                TermValue::Text(f.value.clone()),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.liability_cap {
            push(
                TermField::LiabilityCap,
                TermValue::Cap(f.value.clone()),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.excluded_damages {
            push(
                TermField::ExcludedDamages,
                TermValue::List(f.value.clone()),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.termination_fee
            && let Fee::Amount(m) = &f.value
        {
            push(
                TermField::TerminationFee,
                TermValue::Money(*m),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.confidentiality
            && let Some(p) = f.value.duration
        {
            push(
                TermField::ConfidentialitySurvival,
                TermValue::Period(p),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.review_cycle {
            push(
                TermField::ReviewCycle,
                TermValue::Period(f.value),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.review_date {
            push(
                TermField::ReviewDate,
                TermValue::Date(f.value),
                self.evidence_of(f),
            );
        }
        if let Some(f) = &t.contract_value {
            push(
                TermField::ContractValue,
                TermValue::Money(f.value.money),
                self.evidence_of(f),
            );
        }
        let parties = self
            .parties
            .iter()
            .map(|p| AgreementPartyDraft {
                party_id: None,
                legal_name: Some(p.value.name.clone()),
                short_name: p.value.aliases.first().cloned(),
                role: p.value.role.clone(),
                jurisdiction: p.value.jurisdiction.clone(),
            })
            .collect();
        let clauses = self
            .clauses
            .iter()
            .map(|c| {
                let (a, z) = c.bytes;
                NewClause {
                    number: c.number.clone(),
                    heading: c.heading.clone(),
                    text: self.text[a..z].to_owned(),
                    start: c.start,
                    end: c.end,
                    categories: c.categories.iter().map(|x| x.0.to_owned()).collect(),
                    confidence: c.categories.first().map_or(0.5, |x| x.1),
                }
            })
            .collect();
        let mut obligations = Vec::new();
        let mut negative_covenants = Vec::new();
        for f in &self.obligations {
            let o = &f.value;
            let text: String = o.text.chars().take(5000).collect();
            let n = NewObligation {
                obligor: o.obligor.chars().take(300).collect(),
                beneficiary: o.beneficiary.clone(),
                text,
                due: o.due.clone(),
                metric: o.metric.clone(),
                status: None,
                owner: None,
                vague: o.vague,
                survives: o.survives,
            };
            if o.negative {
                negative_covenants.push((n, self.evidence_of(f)));
            } else {
                obligations.push((n, self.evidence_of(f)));
            }
        }
        Record {
            title: self.title.as_ref().map(|t| t.value.clone()),
            kind: self.kind,
            parties,
            clauses,
            terms,
            obligations,
            negative_covenants,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_offsets_are_character_offsets() {
        let t = "PARTNERSHIP AGREEMENT\n\nThis Agreement is made between Café Ünïcode GmbH (“Café”) and Beta Ltd (“Beta”).\n\n1. Law. This Agreement is governed by the laws of Germany.\n";
        let a = crate::analyze_text(t);
        let r = a.record();
        let law = r
            .terms
            .iter()
            .find(|x| x.field == TermField::GoverningLaw)
            .unwrap();
        let chars: Vec<char> = t.chars().collect();
        let span: String = chars[law.evidence.start..law.evidence.end].iter().collect();
        assert!(span.contains("governed by the laws of Germany"), "{span}");
        for c in &r.clauses {
            let s: String = chars[c.start..c.end].iter().collect();
            assert_eq!(s, c.text);
        }
        assert_eq!(r.parties.len(), 2);
        assert_eq!(r.kind, AgreementKind::Collaboration);
        assert_eq!(r.title.as_deref(), Some("PARTNERSHIP AGREEMENT"));
    }

    #[test]
    fn a_first_line_in_capitals_titles_a_text_that_never_says_agreement() {
        let title = |t: &str| crate::analyze_text(t).record().title;
        assert_eq!(
            title("DATA RELEASE GUIDELINES FOR ARBOVIRAL DISEASES\n\nThese guidelines govern the release of the data to researchers.\n\n1. Requests. Each request shall be made in writing.\n").as_deref(),
            Some("DATA RELEASE GUIDELINES FOR ARBOVIRAL DISEASES")
        );
        // A cover label, a sentence, or a line that runs on into the text is no title.
        for t in [
            "EXHIBIT 10.1 TO THE REGISTRATION STATEMENT\n\nThese guidelines govern the release of the data.\n",
            "THE PARTIES WILL MEET EVERY MONTH.\n\nThese guidelines govern the release of the data.\n",
            "DATA RELEASE GUIDELINES FOR ARBOVIRAL DISEASES\nThese guidelines govern the release of the data.\n",
        ] {
            assert_eq!(title(t), None, "{t}");
        }
    }

    #[test]
    fn amendment_letters_are_told_from_restated_agreements() {
        let kind = |t: &str| crate::analyze_text(t).amendment_kind();
        let full = "PARTNERSHIP AGREEMENT\n\nThis Agreement is made between Alpha GmbH (\"Alpha\") and Beta Ltd (\"Beta\").\n\n1. Term. Two years.\n\n9. Amendment. This Agreement may be amended only in writing; no amendment of this Agreement is valid unless signed by both parties.\n";
        assert_eq!(kind(full), AmendmentKind::Restatement);
        assert_eq!(
            kind(&full.replace(
                "PARTNERSHIP AGREEMENT",
                "PARTNERSHIP AGREEMENT (as amended)"
            )),
            AmendmentKind::Restatement
        );
        assert_eq!(
            kind(
                "AMENDMENT NO. 1 TO THE PARTNERSHIP AGREEMENT\n\nThis Amendment is made between Alpha GmbH and Beta Ltd.\n\n1. Term. Three years.\n"
            ),
            AmendmentKind::Letter
        );
        assert_eq!(
            kind(
                "Dear Ms Okafor,\n\nThis letter amends the Partnership Agreement between Alpha GmbH and Beta Ltd dated 1 March 2025 as set out below.\n\n1. The notice period is sixty days.\n"
            ),
            AmendmentKind::Letter
        );
        assert_eq!(
            kind(
                "AMENDED AND RESTATED PARTNERSHIP AGREEMENT\n\nThis Amended and Restated Agreement amends the Partnership Agreement and restates it in full.\n"
            ),
            AmendmentKind::Restatement
        );
    }
}
