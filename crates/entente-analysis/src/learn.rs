//! What the analysis learns from labelled agreements (`entente train DIR`): a sentence
//! classifier for the CUAD clause categories and the calibration of value confidences.
//!
//! The classifier is a one-vs-rest logistic regression over hashed features of a sentence
//! (words, word pairs, word prefixes; the words and word pairs of its clause heading; the
//! words of the sentence before it), trained by plain
//! stochastic gradient descent in a fixed order (seeded shuffle), so the same data gives
//! the same weights to the last digit written. We wrote the ~150 lines rather than take
//! `linfa-logistic`: that crate pulls ndarray, argmin and their numeric stack (dozens of
//! crates, a noticeably longer cold build for CI) and optimises a dense design matrix,
//! while our data are sparse hashed features and the model is 33 small sparse vectors.
//!
//! For each category, training decides with an inner cross-validation how the model and
//! the hand-written rules combine (rules only, either, both, or graded: the rules' finding
//! confirmed at a lower probability, the model alone at a higher one) and the probability
//! thresholds, by document-level F1 on documents the fold model did not see.
//! Only the `KEEP` strongest weights of each category are kept, so the committed model
//! (`model/model.txt`) stays small and loads in milliseconds.

use crate::analysis::Analysis;
use crate::eval::{self, EvalError};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::LazyLock;

/// The committed model, written by `entente train ../shared/corpus/cuad-train`.
pub const BUILTIN_TEXT: &str = include_str!("../model/model.txt");

static BUILTIN: LazyLock<Model> = LazyLock::new(|| {
    // The committed file is checked by a unit test; should it ever fail to parse, the
    // analysis falls back to its rules rather than refusing to run.
    Model::parse(BUILTIN_TEXT).unwrap_or_else(|_| Model::rules_only())
});

const BITS: u32 = 18;
const DIM: usize = 1 << BITS;
const MASK: u32 = (1 << BITS) - 1;
/// Weights kept per category after training.
const KEEP: usize = 1500;
const EPOCHS: usize = 10;
/// Positive sentences are rare (about one in a hundred per category): weigh them up.
const POS_WEIGHT: f32 = 8.0;
/// A `graded` combination must beat the best single-threshold one by this much: it has two
/// thresholds to fit to the same few out-of-fold documents.
const GRADED_MARGIN: f64 = 0.005;
const SEED: u64 = 0x5eed_c0de_2026;
const INNER_FOLDS: usize = 3;
/// Gold spans shorter than this overlap with a sentence do not label it.
const MIN_OVERLAP: usize = 12;

/// How the model and the rules decide that a document has a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The rules alone.
    Rules,
    /// The model alone (sentences at or above the threshold).
    Model,
    /// Either.
    Union,
    /// Both: the rules' finding stands only when the model agrees somewhere.
    Both,
    /// The rules' finding stands when the model gives it at least the lower `vouch`
    /// probability somewhere; the model alone adds it at the (higher) threshold.
    Graded,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Rules => "rules",
            Mode::Model => "model",
            Mode::Union => "union",
            Mode::Both => "both",
            Mode::Graded => "graded",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "rules" => Mode::Rules,
            "model" => Mode::Model,
            "union" => Mode::Union,
            "both" => Mode::Both,
            "graded" => Mode::Graded,
            _ => return None,
        })
    }
    /// Whether a document has the category, from the rules' finding and the highest
    /// sentence probability `p`.
    fn decide(self, rule: bool, p: f32, threshold: f32, vouch: f32) -> bool {
        match self {
            Mode::Rules => rule,
            Mode::Model => p >= threshold,
            Mode::Union => rule || p >= threshold,
            Mode::Both => rule && p >= threshold,
            Mode::Graded => (rule && p >= vouch) || p >= threshold,
        }
    }
}

/// One category's classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryModel {
    /// Taxonomy id.
    pub id: &'static str,
    /// How the model combines with the rules.
    pub mode: Mode,
    /// Sentence probability at which the model says "present".
    pub threshold: f32,
    /// In `graded` mode, the probability at which the model confirms the rules' finding
    /// (the threshold otherwise).
    pub vouch: f32,
    bias: f32,
    /// (feature, weight), sorted by feature.
    weights: Vec<(u32, f32)>,
}

/// Calibration of one field: raw rule confidence → share of such values that were right.
#[derive(Debug, Clone, PartialEq)]
struct Calibration {
    field: String,
    raw: f32,
    n: u32,
    correct: u32,
    confidence: f32,
}

/// A trained model: clause categories and confidence calibration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    categories: Vec<CategoryModel>,
    calibration: Vec<Calibration>,
    /// One bit per feature with any weight: 32 KB that stay in the fastest cache, so the
    /// many features a sentence has that no category weighs cost no trip to `offsets`.
    present: Vec<u64>,
    /// Set bits of `present` before each of its words: a weighed feature's rank, its index
    /// in `offsets`, is this plus the set bits below it in its word.
    rank: Vec<u32>,
    /// Feature rank → range of `entry_cat` and `entry_w`, for scoring a sentence in one
    /// pass; indexed by rank rather than by feature so that it holds only the weighed
    /// features (about a fifteenth of the hash space) and stays in cache. Empty when no
    /// category has weights.
    offsets: Vec<u32>,
    /// Category index of each entry, grouped by feature (apart from the weights: packed,
    /// the two take 5 bytes an entry instead of 8).
    entry_cat: Vec<u8>,
    /// Weight of each entry.
    entry_w: Vec<f32>,
    /// Feature rank → its row in `dense`, or `SPARSE`. The features many categories weigh
    /// (the common words) are also the ones most sentences have: their weights are kept as
    /// a full row per feature, added to the log-odds of every category at once, and their
    /// entries left out of `entry_cat`/`entry_w`.
    dense_row: Vec<u16>,
    /// `categories.len()` weights per dense feature, 0 where a category has none. Adding
    /// 0 leaves a sum unchanged (no sum here is ever -0), so the log-odds are those of the
    /// sparse entries to the last bit.
    dense: Vec<f32>,
}

/// `dense_row` of a feature whose weights are sparse entries.
const SPARSE: u16 = u16::MAX;
/// Features weighed by at least this many categories get a dense row (about 1,300 of the
/// committed model's 17,700, 170 KB, holding two fifths of its weights).
const DENSE_MIN: u32 = 6;

/// Why a model file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("model line {line}: {message}")]
pub struct ModelError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The sentences of one document, scored together by [`Model::logits_batch`]: each
/// distinct feature of a sentence that the model weighs is one entry
/// `feature << 32 | sentence`, in sentence order.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    entries: Vec<u64>,
    /// Radix-sort buffer.
    spare: Vec<u64>,
    /// Distinct features of each sentence, weighed or not (the scale of its sum).
    distinct: Vec<u32>,
    /// The features of the sentence being pushed, one bit each (cleared after each push).
    seen: Vec<u64>,
}

impl Batch {
    /// Adds a sentence's features as [`raw_features`] gave them; returns its index.
    ///
    /// Repeats are dropped here with a bitmap of the 2^18 features (32 KB, so it stays in
    /// the fastest cache) instead of by sorting every occurrence, and a feature no category
    /// of `model` weighs leaves only its count: most occurrences are of such features, so
    /// the sort in [`Model::logits_batch`] handles a fraction of them.
    pub(crate) fn push(&mut self, model: &Model, raw: &[u32]) -> usize {
        let k = self.distinct.len();
        if self.seen.len() != DIM / 64 {
            self.seen = vec![0; DIM / 64];
        }
        let mut distinct = 0u32;
        for &f in raw {
            // Features are masked to BITS bits, so the word index is in range.
            let (word, bit) = ((f & MASK) as usize / 64, 1u64 << (f % 64));
            let w = &mut self.seen[word];
            if *w & bit != 0 {
                continue;
            }
            *w |= bit;
            distinct += 1;
            if model.present.get(word).is_some_and(|p| p & bit != 0) {
                self.entries.push(u64::from(f) << 32 | k as u64);
            }
        }
        for &f in raw {
            self.seen[(f & MASK) as usize / 64] = 0;
        }
        self.distinct.push(distinct);
        k
    }

    /// Sorts the entries by feature, keeping sentence order within a feature (two stable
    /// counting passes of 9 bits over the 18-bit feature).
    fn sort(&mut self) {
        const RADIX: u32 = 9;
        let n = self.entries.len();
        self.spare.clear();
        self.spare.resize(n, 0);
        for pass in 0..BITS.div_ceil(RADIX) {
            let shift = 32 + pass * RADIX;
            let digit = |e: u64| ((e >> shift) & ((1 << RADIX) - 1)) as usize;
            let mut start = [0usize; 1 << RADIX];
            for &e in &self.entries {
                start[digit(e)] += 1;
            }
            let mut sum = 0;
            for c in start.iter_mut() {
                let count = *c;
                *c = sum;
                sum += count;
            }
            for &e in &self.entries {
                let d = digit(e);
                self.spare[start[d]] = e;
                start[d] += 1;
            }
            std::mem::swap(&mut self.entries, &mut self.spare);
        }
    }
}

/// The weights one feature carries.
enum Weights<'a> {
    /// One per category, 0 where a category has none.
    Row(&'a [f32]),
    /// (category index, weight) pairs.
    Entries(&'a [u8], &'a [f32]),
}

fn mix(x: u32, salt: u32) -> u32 {
    let mut h = x ^ salt.wrapping_mul(0x9e37_79b9);
    h ^= h >> 16;
    h = h.wrapping_mul(0x7feb_352d);
    h ^= h >> 15;
    h = h.wrapping_mul(0x846c_a68b);
    h ^= h >> 16;
    h & MASK
}

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;
/// The hash of every token that holds a digit: "30 days" and "60 days" say the same thing.
const NUMBER: u32 = 0x2323;

fn token_hash(t: &[u8]) -> u32 {
    if t.iter().any(u8::is_ascii_digit) {
        return NUMBER;
    }
    let mut h = FNV_OFFSET;
    for &b in t {
        h ^= u32::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn tokens(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|b| !b.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// Words longer than this also give their first `PREFIX` letters as a feature, so that
/// "assign", "assigns" and "assignment" share evidence across the few labelled sentences.
const PREFIX: usize = 5;

/// The hashed features of one (lowercased) sentence, its clause heading and the sentence
/// before it in the same clause, sorted.
///
/// The sentence gives its words, word pairs and word prefixes; the heading its words and
/// word pairs ("change of control" as a heading says more than its words apart, see
/// [`heading_features`]); the previous sentence its words, in their own hash space: many
/// CUAD spans run over two sentences whose second ("Such consent shall not be withheld …")
/// says little alone. `prev_words` are the previous sentence's word hashes as this function
/// left them in `words` for it, so that no sentence is hashed twice.
pub(crate) fn features(
    sentence: &[u8],
    heading: &[u32],
    prev_words: &[u32],
    words: &mut Vec<u32>,
    out: &mut Vec<u32>,
) {
    raw_features(sentence, heading, prev_words, words, out);
    out.sort_unstable();
    out.dedup();
}

/// [`features`] as generated: unsorted and with repeats, for [`Model::logits_batch`].
pub(crate) fn raw_features(
    sentence: &[u8],
    heading: &[u32],
    prev_words: &[u32],
    words: &mut Vec<u32>,
    out: &mut Vec<u32>,
) {
    out.clear();
    words.clear();
    let mut prev = 0x5151_u32;
    // One walk over the bytes finds each token and hashes it as [`tokens`] and
    // [`token_hash`] would, the prefix's hash being the token's hash after PREFIX bytes.
    let n = sentence.len();
    let mut i = 0;
    while i < n {
        if !sentence[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut h = FNV_OFFSET;
        let mut digit = false;
        let mut prefix = None;
        while i < n && sentence[i].is_ascii_alphanumeric() {
            let b = sentence[i];
            digit |= b.is_ascii_digit();
            h = (h ^ u32::from(b)).wrapping_mul(FNV_PRIME);
            i += 1;
            if i - start == PREFIX {
                prefix = Some(if digit { NUMBER } else { h });
            }
        }
        let h = if digit { NUMBER } else { h };
        words.push(h);
        out.push(mix(h, 1));
        out.push(mix(prev.wrapping_mul(31).wrapping_add(h), 2));
        if let Some(p) = prefix.filter(|_| i - start > PREFIX) {
            out.push(mix(p, 7));
        }
        prev = h;
    }
    out.extend_from_slice(heading);
    out.extend(prev_words.iter().map(|&h| mix(h, 6)));
}

/// The features a clause heading gives each of its sentences (computed once per clause).
pub(crate) fn heading_features(heading: &[u8], out: &mut Vec<u32>) {
    out.clear();
    let mut prev = 0x5353_u32;
    for t in tokens(heading) {
        let h = token_hash(t);
        out.push(mix(h, 3));
        out.push(mix(prev.wrapping_mul(31).wrapping_add(h), 5));
        prev = h;
    }
}

/// Whether the model's reading of category `id` from a sentence is set aside. A sentence
/// that says "exclusive" only as "non-exclusive" or in an idiom ("exclusive jurisdiction")
/// reads, word for word, much like an exclusive grant, and the model tags such licence
/// grants as exclusivity; the same sentence never gives the rules the category either
/// ([`crate::classify::denies_exclusivity`]). Training and analysis apply it alike, so the
/// thresholds chosen in training are those that hold in use.
pub(crate) fn vetoed(id: &str, denies_exclusivity: bool) -> bool {
    denies_exclusivity && id == "exclusivity"
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn scale(n: usize) -> f32 {
    1.0 / (n.max(1) as f32).sqrt()
}

/// Weights are kept to four decimals, so a model written and read back is the same model.
fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

impl Model {
    /// The committed model.
    pub fn builtin() -> &'static Model {
        &BUILTIN
    }

    /// No learned parts: the rules decide, confidences stay as the rules give them.
    pub fn rules_only() -> Model {
        Model::default()
    }

    /// The category models.
    pub fn categories(&self) -> &[CategoryModel] {
        &self.categories
    }

    fn build_index(&mut self) {
        self.present.clear();
        self.rank.clear();
        self.offsets.clear();
        self.entry_cat.clear();
        self.entry_w.clear();
        self.dense_row.clear();
        self.dense.clear();
        if self.categories.iter().all(|c| c.weights.is_empty()) {
            return;
        }
        // A category the rules alone decide is never scored: its weights stay in the file
        // (what training learned) but out of the index, which is then a fifth smaller.
        let scored = |c: &CategoryModel| c.mode != Mode::Rules;
        let mut count = vec![0u32; DIM];
        for c in self.categories.iter().filter(|c| scored(c)) {
            for &(f, _) in &c.weights {
                count[f as usize] += 1;
            }
        }
        self.present = vec![0u64; DIM / 64];
        // Start of each weighed feature's entries, in feature order (hence rank order).
        let mut start = vec![0u32; DIM];
        // Dense row of each feature that has one.
        let mut row_of = vec![SPARSE; DIM];
        let width = self.categories.len();
        // A row holds one weight per category: a feature listed twice by one category (no
        // file training writes) would need two additions, so such a model stays sparse.
        let rows_fit = self
            .categories
            .iter()
            .all(|c| c.weights.windows(2).all(|p| p[0].0 < p[1].0));
        self.offsets.push(0);
        let mut total = 0u32;
        let mut rows = 0u16;
        for (f, n) in count.iter().enumerate() {
            if *n > 0 {
                self.present[f / 64] |= 1 << (f % 64);
                start[f] = total;
                if rows_fit && *n >= DENSE_MIN && rows < SPARSE - 1 {
                    row_of[f] = rows;
                    self.dense_row.push(rows);
                    rows += 1;
                } else {
                    self.dense_row.push(SPARSE);
                    total += n;
                }
                self.offsets.push(total);
            }
        }
        self.dense = vec![0.0; usize::from(rows) * width];
        let mut seen = 0u32;
        for w in &self.present {
            self.rank.push(seen);
            seen += w.count_ones();
        }
        self.entry_cat = vec![0; total as usize];
        self.entry_w = vec![0.0; total as usize];
        for (ci, c) in self
            .categories
            .iter()
            .enumerate()
            .filter(|(_, c)| scored(c))
        {
            for &(f, w) in &c.weights {
                let row = row_of[f as usize];
                if row != SPARSE {
                    // Weights are sorted by feature without repeats, so each cell is set once.
                    self.dense[usize::from(row) * width + ci] = w;
                    continue;
                }
                let at = &mut start[f as usize];
                self.entry_cat[*at as usize] = ci as u8;
                self.entry_w[*at as usize] = w;
                *at += 1;
            }
        }
    }

    /// Whether any category consults the model.
    pub(crate) fn classifies(&self) -> bool {
        self.categories.iter().any(|c| c.mode != Mode::Rules)
    }

    /// Probability of each category for a sentence's features.
    pub(crate) fn score(&self, feats: &[u32], out: &mut Vec<f32>) {
        self.logits(feats, out);
        for o in out.iter_mut() {
            *o = sigmoid(*o);
        }
    }

    /// The log-odds of each category for a sentence's features (what [`Model::score`] turns
    /// into probabilities; comparing log-odds saves the exponentials on the hot path).
    pub(crate) fn logits(&self, feats: &[u32], out: &mut Vec<f32>) {
        out.clear();
        out.resize(self.categories.len(), 0.0);
        for &f in feats {
            if let Some(w) = self.weights_of(f) {
                Self::add_weights(&w, out);
            }
        }
        self.finish_logits(out, feats.len());
    }

    /// The weights of feature `f`, if any category weighs it.
    fn weights_of(&self, f: u32) -> Option<Weights<'_>> {
        let word = f as usize / 64;
        let bit = f % 64;
        let (&w, &before) = (self.present.get(word)?, self.rank.get(word)?);
        if w >> bit & 1 == 0 {
            return None;
        }
        let r = before as usize + (w & ((1u64 << bit) - 1)).count_ones() as usize;
        let row = *self.dense_row.get(r)?;
        if row != SPARSE {
            let width = self.categories.len();
            let at = usize::from(row) * width;
            return self.dense.get(at..at + width).map(Weights::Row);
        }
        let (a, z) = (
            *self.offsets.get(r)? as usize,
            *self.offsets.get(r + 1)? as usize,
        );
        Some(Weights::Entries(
            self.entry_cat.get(a..z)?,
            self.entry_w.get(a..z)?,
        ))
    }

    /// Adds the weights of feature `f` to the log-odds sums `out`.
    fn add_weights(w: &Weights<'_>, out: &mut [f32]) {
        match w {
            Weights::Row(ws) => {
                for (o, &x) in out.iter_mut().zip(*ws) {
                    *o += x;
                }
            }
            Weights::Entries(cats, ws) => {
                for (&ci, &x) in cats.iter().zip(*ws) {
                    if let Some(o) = out.get_mut(ci as usize) {
                        *o += x;
                    }
                }
            }
        }
    }

    /// The log-odds of every sentence of `batch`, `categories().len()` per sentence, as
    /// [`Model::logits`] gives them for each sentence's sorted distinct features, to the
    /// last bit: each sentence's sum still runs over its distinct features in ascending
    /// order. Scoring a document's sentences together walks the weight tables once, in
    /// feature order, instead of once per sentence in no order: the tables (about 450 KB)
    /// do not fit the fastest caches, and looked up sentence by sentence they cost more
    /// than all the rest of the scoring.
    pub(crate) fn logits_batch(&self, batch: &mut Batch, out: &mut Vec<f32>) {
        let width = self.categories.len();
        let n = batch.distinct.len();
        out.clear();
        out.resize(n * width, 0.0);
        batch.sort();
        let mut feature = u32::MAX;
        let mut weights = None;
        for &e in &batch.entries {
            let (f, k) = ((e >> 32) as u32, e as u32 as usize);
            if f != feature {
                feature = f;
                weights = self.weights_of(f);
            }
            if let (Some(w), Some(o)) = (&weights, out.get_mut(k * width..(k + 1) * width)) {
                Self::add_weights(w, o);
            }
        }
        for (o, &d) in out.chunks_mut(width.max(1)).zip(&batch.distinct) {
            self.finish_logits(o, d as usize);
        }
    }

    /// Turns a sentence's summed weights into log-odds: scaled by its `distinct` features'
    /// count, plus each category's bias.
    fn finish_logits(&self, sums: &mut [f32], distinct: usize) {
        let sc = scale(distinct);
        for (o, c) in sums.iter_mut().zip(&self.categories) {
            *o = c.bias + *o * sc;
        }
    }

    /// The log-odds at which each category's threshold is met, and its vouch.
    pub(crate) fn logit_thresholds(&self) -> Vec<(f32, f32)> {
        let logit = |t: f32| {
            let t = t.clamp(1e-6, 1.0 - 1e-6);
            (t / (1.0 - t)).ln()
        };
        self.categories
            .iter()
            .map(|c| (logit(c.threshold), logit(c.vouch)))
            .collect()
    }

    /// A probability from log-odds.
    pub(crate) fn probability(z: f32) -> f32 {
        sigmoid(z)
    }

    /// The calibrated confidence of a value of `field` that the rules gave `raw`.
    pub fn calibrate(&self, field: &str, raw: f32) -> f32 {
        let key = bin(raw);
        self.calibration
            .iter()
            .find(|c| c.field == field && (c.raw - key).abs() < 1e-6)
            .or_else(|| {
                self.calibration
                    .iter()
                    .find(|c| c.field == field && c.raw < 0.0)
            })
            .map_or(raw, |c| c.confidence)
    }

    /// Whether this model calibrates confidences.
    pub fn is_calibrated(&self) -> bool {
        !self.calibration.is_empty()
    }

    /// The model as the text committed in `model/model.txt`.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        s.push_str("entente-model 1\n");
        s.push_str(
            "# Written by `entente train DIR` (see docs/analysis.md); do not edit by hand.\n",
        );
        s.push_str("# cat ID MODE THRESHOLD BIAS, then FEATURE WEIGHT lines; cal FIELD RAW N CORRECT CONFIDENCE\n");
        for c in &self.categories {
            let _ = write!(
                s,
                "cat {} {} {:.2} {:.4}",
                c.id,
                c.mode.as_str(),
                c.threshold,
                c.bias
            );
            if c.mode == Mode::Graded {
                let _ = write!(s, " {:.2}", c.vouch);
            }
            s.push('\n');
            for (f, w) in &c.weights {
                let _ = writeln!(s, "{f} {w:.4}");
            }
        }
        for c in &self.calibration {
            let _ = writeln!(
                s,
                "cal {} {:.2} {} {} {:.3}",
                c.field, c.raw, c.n, c.correct, c.confidence
            );
        }
        s
    }

    /// Reads a model written by [`Model::to_text`].
    pub fn parse(text: &str) -> Result<Model, ModelError> {
        let ids = crate::classify::emitted_ids();
        let mut m = Model::default();
        let err = |line: usize, message: String| ModelError { line, message };
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, "entente-model 1")) => {}
            _ => return Err(err(1, "expected the header `entente-model 1`".into())),
        }
        for (i, line) in lines {
            let n = i + 1;
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let p: Vec<&str> = line.split_whitespace().collect();
            let num = |k: usize| -> Result<f32, ModelError> {
                p.get(k)
                    .and_then(|x| x.parse::<f32>().ok())
                    .ok_or_else(|| err(n, format!("field {} is not a number", k + 1)))
            };
            match p.first().copied() {
                Some("cat") => {
                    let id = p.get(1).copied().unwrap_or("");
                    let Some(id) = ids.iter().find(|x| **x == id).copied() else {
                        return Err(err(n, format!("unknown category `{id}`")));
                    };
                    let Some(mode) = p.get(2).and_then(|x| Mode::parse(x)) else {
                        return Err(err(
                            n,
                            "mode must be rules, model, union, both or graded".into(),
                        ));
                    };
                    if m.categories.len() >= 250 {
                        return Err(err(n, "too many categories".into()));
                    }
                    let threshold = num(3)?;
                    let vouch = if mode == Mode::Graded {
                        num(5)?
                    } else {
                        threshold
                    };
                    m.categories.push(CategoryModel {
                        id,
                        mode,
                        threshold,
                        vouch,
                        bias: num(4)?,
                        weights: Vec::new(),
                    });
                }
                Some("cal") => {
                    let field = p.get(1).copied().unwrap_or("").to_owned();
                    let count = |k: usize| -> Result<u32, ModelError> {
                        p.get(k)
                            .and_then(|x| x.parse::<u32>().ok())
                            .ok_or_else(|| err(n, format!("field {} is not a count", k + 1)))
                    };
                    m.calibration.push(Calibration {
                        field,
                        raw: num(2)?,
                        n: count(3)?,
                        correct: count(4)?,
                        confidence: num(5)?,
                    });
                }
                _ => {
                    let Some(c) = m.categories.last_mut() else {
                        return Err(err(n, "a weight before any `cat` line".into()));
                    };
                    let f = p
                        .first()
                        .and_then(|x| x.parse::<u32>().ok())
                        .filter(|f| *f <= MASK)
                        .ok_or_else(|| err(n, "feature must be a number below 2^18".into()))?;
                    c.weights.push((f, num(1)?));
                }
            }
        }
        m.build_index();
        Ok(m)
    }
}

/// The calibration bin of a raw confidence (steps of 0.05).
fn bin(raw: f32) -> f32 {
    (raw * 20.0).round() / 20.0
}

// ---------- training ----------

/// One sentence: its features and the categories whose gold spans it overlaps (bit mask).
struct Sample {
    /// Byte span of the sentence in the agreement's text.
    span: (usize, usize),
    feats: Vec<u32>,
    labels: u64,
    /// The sentence says "exclusive" only negated or in an idiom.
    denies: bool,
}

/// One labelled agreement, analysed once with the rules.
pub(crate) struct Prepared {
    /// The agreement's id in gold.jsonl.
    pub(crate) id: String,
    samples: Vec<Sample>,
    /// Categories the gold marks present / absent (unlabelled ones in neither).
    gold_yes: u64,
    gold_no: u64,
    /// Categories the rules find.
    rules: u64,
    /// Field counts (clause categories excluded) from the scorer.
    pub(crate) fields: eval::Scores,
    /// (field, raw confidence, right?) of every value the rules gave.
    pub(crate) values: Vec<(String, f32, bool)>,
}

/// Reads gold.jsonl of `dir` and prepares each agreement.
pub(crate) fn prepare_corpus(dir: &Path) -> Result<(Vec<String>, Vec<Prepared>), EvalError> {
    let golds = eval::read_gold(dir)?;
    let cats = eval::categories_of(&golds);
    let limits = crate::Limits::default();
    let mut out = Vec::new();
    for g in &golds {
        let Some(tf) = g["text_file"].as_str() else {
            continue;
        };
        let bytes = eval::read(&dir.join(tf))?;
        let Ok(ing) = crate::ingest(&bytes, tf, &limits) else {
            continue;
        };
        out.push(prepare(&ing.text, g, &cats));
    }
    Ok((cats, out))
}

fn prepare(text: &str, gold: &Value, cats: &[String]) -> Prepared {
    let (a, sents) = Analysis::build(text, None, Model::rules_only_ref(), true);
    // Gold spans are in characters; map them to bytes of this text.
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let byte_of = |c: usize| starts.get(c).copied().unwrap_or(text.len());
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    let mut gold_yes = 0u64;
    let mut gold_no = 0u64;
    for (ci, cat) in cats.iter().enumerate() {
        let g = &gold["clauses"][cat.as_str()];
        match g["present"].as_bool() {
            Some(true) => gold_yes |= 1 << ci,
            Some(false) => gold_no |= 1 << ci,
            None => {}
        }
        for sp in g["spans"].as_array().into_iter().flatten() {
            for pc in sp["pieces"].as_array().into_iter().flatten() {
                if let (Some(s), Some(e)) = (pc["start"].as_u64(), pc["end"].as_u64()) {
                    spans.push((ci, byte_of(s as usize), byte_of(e as usize)));
                }
            }
        }
    }
    let samples = sents
        .into_iter()
        .map(|(a0, z0, feats, denies)| {
            let mut labels = 0u64;
            for &(ci, s, e) in &spans {
                let ov = z0.min(e).saturating_sub(a0.max(s));
                if ov >= MIN_OVERLAP.min(z0 - a0) {
                    labels |= 1 << ci;
                }
            }
            Sample {
                span: (a0, z0),
                feats,
                labels,
                denies,
            }
        })
        .collect();
    let present = a.categories_present();
    let mut rules = 0u64;
    for (ci, cat) in cats.iter().enumerate() {
        if present.contains(&cat.as_str()) {
            rules |= 1 << ci;
        }
    }
    let mut fields = eval::Scores::new();
    let mut values = Vec::new();
    eval::score_doc(&a, gold, &[], &mut fields, &mut values);
    Prepared {
        id: gold["id"].as_str().unwrap_or("?").to_owned(),
        samples,
        gold_yes,
        gold_no,
        rules,
        fields,
        values,
    }
}

impl Model {
    fn rules_only_ref() -> &'static Model {
        static EMPTY: LazyLock<Model> = LazyLock::new(Model::default);
        &EMPTY
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: enough for a reproducible shuffle.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The order in which epoch `epoch` visits samples with stable keys `keys`: by a hash of
/// each key and the epoch, so each sample's rank among the others depends on theirs alone.
fn epoch_order(keys: &[u64], epoch: usize) -> Vec<usize> {
    let mut order: Vec<(u64, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| (Rng(key ^ SEED.wrapping_add(epoch as u64)).next(), i))
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, i)| i).collect()
}

/// Logistic regression, one vector per category, over the samples of `docs`.
fn train_weights(cats: &[String], docs: &[&Prepared]) -> Vec<(f32, Vec<(u32, f32)>)> {
    let nc = cats.len();
    // Each sentence's place in an epoch's order is a hash of its agreement, its position and
    // the epoch, not a draw from one shuffle of all sentences: a sentence added, dropped or
    // moved elsewhere in the corpus leaves every other sentence's order as it was, so a
    // change to one agreement's reading does not retrain all categories on a new path.
    let mut samples: Vec<&Sample> = Vec::new();
    let mut keys: Vec<u64> = Vec::new();
    for d in docs {
        let doc_key = d.id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        for s in &d.samples {
            samples.push(s);
            keys.push(doc_key ^ (s.span.0 as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        }
    }
    let mut w = vec![0f32; DIM * nc];
    let mut b = vec![0f32; nc];
    let mut z = vec![0f32; nc];
    let mut g = vec![0f32; nc];
    for epoch in 0..EPOCHS {
        let order = epoch_order(&keys, epoch);
        let lr = 0.2 / (1.0 + epoch as f32);
        for &k in &order {
            let s = samples[k];
            let sc = scale(s.feats.len());
            z.copy_from_slice(&b);
            for &f in &s.feats {
                let row = &w[f as usize * nc..f as usize * nc + nc];
                for (zi, wi) in z.iter_mut().zip(row) {
                    *zi += wi * sc;
                }
            }
            for c in 0..nc {
                let (y, wt) = if s.labels >> c & 1 == 1 {
                    (1.0, POS_WEIGHT)
                } else {
                    (0.0, 1.0)
                };
                g[c] = lr * wt * (sigmoid(z[c]) - y);
                b[c] -= g[c];
            }
            for &f in &s.feats {
                let row = &mut w[f as usize * nc..f as usize * nc + nc];
                for (wi, gi) in row.iter_mut().zip(&g) {
                    *wi -= gi * sc;
                }
            }
        }
    }
    (0..nc)
        .map(|c| {
            let mut ws: Vec<(u32, f32)> = (0..DIM)
                .map(|f| (f as u32, w[f * nc + c]))
                .filter(|x| x.1 != 0.0)
                .collect();
            ws.sort_by(|x, y| y.1.abs().total_cmp(&x.1.abs()).then(x.0.cmp(&y.0)));
            ws.truncate(KEEP);
            ws.sort_by_key(|x| x.0);
            let ws = ws
                .into_iter()
                .map(|(f, x)| (f, round4(x)))
                .filter(|x| x.1 != 0.0)
                .collect();
            (round4(b[c]), ws)
        })
        .collect()
}

fn model_from(cats: &[String], weights: Vec<(f32, Vec<(u32, f32)>)>) -> Model {
    let ids = crate::classify::emitted_ids();
    let mut m = Model::default();
    for (cat, (bias, ws)) in cats.iter().zip(weights) {
        let Some(id) = ids.iter().find(|x| **x == cat.as_str()).copied() else {
            continue;
        };
        m.categories.push(CategoryModel {
            id,
            mode: Mode::Model,
            threshold: 0.5,
            vouch: 0.5,
            bias,
            weights: ws,
        });
    }
    m.build_index();
    m
}

/// The highest sentence probability of each category in a document.
fn doc_max(m: &Model, d: &Prepared) -> Vec<f32> {
    let mut best = vec![0f32; m.categories.len()];
    let mut p = Vec::new();
    for s in &d.samples {
        m.score(&s.feats, &mut p);
        for ((b, x), c) in best.iter_mut().zip(&p).zip(&m.categories) {
            if !vetoed(c.id, s.denies) {
                *b = b.max(*x);
            }
        }
    }
    best
}

const THRESHOLDS: [f32; 20] = [
    0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
    0.9, 0.95, 0.98,
];

fn f1(tp: u32, fp: u32, fn_: u32) -> f64 {
    if tp == 0 {
        return if fp == 0 && fn_ == 0 { 1.0 } else { 0.0 };
    }
    2.0 * f64::from(tp) / f64::from(2 * tp + fp + fn_)
}

/// Learns a model from prepared agreements.
pub(crate) fn fit(cats: &[String], docs: &[&Prepared]) -> Model {
    // Out-of-fold document scores decide each category's mode and threshold.
    let mut oof: Vec<Vec<f32>> = vec![Vec::new(); docs.len()];
    for fold in 0..INNER_FOLDS {
        let train: Vec<&Prepared> = docs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % INNER_FOLDS != fold)
            .map(|(_, d)| *d)
            .collect();
        let m = model_from(cats, train_weights(cats, &train));
        for (i, d) in docs.iter().enumerate() {
            if i % INNER_FOLDS == fold {
                oof[i] = doc_max(&m, d);
            }
        }
    }
    let mut m = model_from(cats, train_weights(cats, docs));
    for (ci, c) in m.categories.iter_mut().enumerate() {
        let Some(k) = cats.iter().position(|x| x == c.id) else {
            continue;
        };
        let count = |mode: Mode, t: f32, v: f32| {
            let (mut tp, mut fp, mut fn_) = (0, 0, 0);
            for (d, p) in docs.iter().zip(&oof) {
                let yes = d.gold_yes >> k & 1 == 1;
                let no = d.gold_no >> k & 1 == 1;
                let pred = mode.decide(
                    d.rules >> k & 1 == 1,
                    p.get(ci).copied().unwrap_or(0.0),
                    t,
                    v,
                );
                match (pred, yes, no) {
                    (true, true, _) => tp += 1,
                    (true, _, true) => fp += 1,
                    (false, true, _) => fn_ += 1,
                    _ => {}
                }
            }
            f1(tp, fp, fn_)
        };
        let mut best = (count(Mode::Rules, 0.5, 0.5), Mode::Rules, 0.5, 0.5);
        // The model alone never replaces the rules: on agreements unlike the training set
        // (the project's own cooperation agreements) that lost more than it gained.
        for mode in [Mode::Union, Mode::Both] {
            for t in THRESHOLDS {
                let s = count(mode, t, t);
                // A learned combination must beat the rules clearly to replace them.
                let margin = if best.1 == Mode::Rules { 0.01 } else { 0.0 };
                if s > best.0 + margin {
                    best = (s, mode, t, t);
                }
            }
        }
        // Rules and model at two levels: the rules' finding needs only a little support
        // from the model, the model alone needs more. Union (vouch 0) and both (no
        // threshold) are its edges; it wins where the rules are right but not always.
        for t in THRESHOLDS {
            for v in THRESHOLDS.iter().copied().filter(|v| *v < t) {
                let s = count(Mode::Graded, t, v);
                let margin = if best.1 == Mode::Rules { 0.01 } else { 0.0 } + GRADED_MARGIN;
                if s > best.0 + margin {
                    best = (s, Mode::Graded, t, v);
                }
            }
        }
        c.mode = best.1;
        c.threshold = best.2;
        c.vouch = best.3;
    }
    // The index now leaves out the categories the rules alone decide, as a parsed model's does.
    m.build_index();
    m.calibration = calibrate(docs);
    m
}

/// Lower bound of a Wilson interval (z = 1.64): a bin's confidence is what its share of
/// right values is at least, at 95 % one-sided, so small bins do not look surer than they are.
fn wilson_low(correct: u32, n: u32) -> f32 {
    if n == 0 {
        return 0.0;
    }
    let z = 1.64f64;
    let n = f64::from(n);
    let p = f64::from(correct) / n;
    let c = p + z * z / (2.0 * n);
    let r = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((c - r) / (1.0 + z * z / n)) as f32
}

fn calibrate(docs: &[&Prepared]) -> Vec<Calibration> {
    let mut bins: BTreeMap<(String, i32), (u32, u32)> = BTreeMap::new();
    for d in docs {
        for (f, raw, ok) in &d.values {
            for key in [
                (f.clone(), (bin(*raw) * 100.0).round() as i32),
                (f.clone(), -100),
            ] {
                let e = bins.entry(key).or_default();
                e.0 += 1;
                e.1 += u32::from(*ok);
            }
        }
    }
    bins.into_iter()
        .map(|((field, raw), (n, correct))| Calibration {
            field,
            raw: raw as f32 / 100.0,
            n,
            correct,
            confidence: (wilson_low(correct, n) * 1000.0).round() / 1000.0,
        })
        .collect()
}

/// Trains a model on the labelled corpus in `dir` (which holds gold.jsonl).
pub fn train(dir: &Path) -> Result<Model, EvalError> {
    let (cats, docs) = prepare_corpus(dir)?;
    let refs: Vec<&Prepared> = docs.iter().collect();
    Ok(fit(&cats, &refs))
}

/// Document-level category presence under a model (bit mask), from the rules' findings
/// and the sentence probabilities, exactly as [`crate::analyze_text_with`] decides it.
pub(crate) fn doc_categories(m: &Model, cats: &[String], d: &Prepared) -> u64 {
    let best = doc_max(m, d);
    let mut out = d.rules;
    for (ci, c) in m.categories.iter().enumerate() {
        let Some(k) = cats.iter().position(|x| x == c.id) else {
            continue;
        };
        let rule = d.rules >> k & 1 == 1;
        let p = best.get(ci).copied().unwrap_or(0.0);
        if c.mode.decide(rule, p, c.threshold, c.vouch) {
            out |= 1 << k;
        } else {
            out &= !(1 << k);
        }
    }
    out
}

/// Why category `id` came out as it did for `d`: whether the rules found it, and the
/// model's highest probability with the byte span of the sentence that has it.
pub(crate) fn explain(m: &Model, d: &Prepared, k: usize, id: &str) -> (bool, f32, (usize, usize)) {
    let rule = d.rules >> k & 1 == 1;
    let Some(ci) = m.categories.iter().position(|c| c.id == id) else {
        return (rule, 0.0, (0, 0));
    };
    let mut best = (0f32, (0, 0));
    let mut p = Vec::new();
    for s in &d.samples {
        m.score(&s.feats, &mut p);
        if let Some(&x) = p.get(ci)
            && !vetoed(id, s.denies)
            && x > best.0
        {
            best = (x, s.span);
        }
    }
    (rule, best.0, best.1)
}

/// Gold presence of category `k`: Some(true/false), None when unlabelled.
pub(crate) fn gold_of(d: &Prepared, k: usize) -> Option<bool> {
    if d.gold_yes >> k & 1 == 1 {
        Some(true)
    } else if d.gold_no >> k & 1 == 1 {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sample dropped from the corpus leaves the others in the order they had: one
    /// agreement read differently does not send training down another path.
    #[test]
    fn dropping_a_sample_keeps_the_order_of_the_others() {
        let keys: Vec<u64> = (0..500u64)
            .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 77)
            .collect();
        for epoch in 0..3 {
            let full = epoch_order(&keys, epoch);
            let mut fewer_keys = keys.clone();
            fewer_keys.remove(123);
            let fewer: Vec<u64> = epoch_order(&fewer_keys, epoch)
                .into_iter()
                .map(|i| fewer_keys[i])
                .collect();
            let expected: Vec<u64> = full
                .into_iter()
                .filter(|&i| i != 123)
                .map(|i| keys[i])
                .collect();
            assert_eq!(fewer, expected, "epoch {epoch}");
        }
        // Each epoch visits in a different order.
        assert_ne!(epoch_order(&keys, 0), epoch_order(&keys, 1));
    }

    /// The one-walk tokeniser of `raw_features` gives the features of the plain definition:
    /// words split at every byte that is not a letter or digit, a token with a digit hashed
    /// as a number, and the prefix of a long word hashed from its first letters alone.
    #[test]
    fn raw_features_equal_the_plain_definition() {
        let sentences: [&[u8]; 6] = [
            b"licensee shall pay 30% within sixty (60) days; assignment assigns assign.",
            b"abcde abcdef abcd1x abcde1 1abcdef a1 --- x",
            b"",
            b"  ...  ",
            b"non-exclusive, royalty-free licence\xc2\xa0granted",
            b"trailingword",
        ];
        let heading = [mix(token_hash(b"term"), 3)];
        let prev = [token_hash(b"prior"), token_hash(b"words")];
        for s in sentences {
            let (mut words, mut got) = (Vec::new(), Vec::new());
            raw_features(s, &heading, &prev, &mut words, &mut got);
            let mut want = Vec::new();
            let mut want_words = Vec::new();
            let mut last = 0x5151_u32;
            for t in tokens(s) {
                let h = token_hash(t);
                want_words.push(h);
                want.push(mix(h, 1));
                want.push(mix(last.wrapping_mul(31).wrapping_add(h), 2));
                if t.len() > PREFIX {
                    want.push(mix(token_hash(&t[..PREFIX]), 7));
                }
                last = h;
            }
            want.extend_from_slice(&heading);
            want.extend(prev.iter().map(|&h| mix(h, 6)));
            assert_eq!(got, want, "{}", String::from_utf8_lossy(s));
            assert_eq!(words, want_words);
        }
    }

    /// Scoring a document's sentences together gives each sentence the log-odds it gets
    /// alone, to the last bit, whatever the repeats and the order of its features.
    #[test]
    fn batch_scoring_equals_sentence_scoring() {
        let model = Model::builtin();
        assert!(model.classifies(), "the committed model scores sentences");
        let mut heading = Vec::new();
        heading_features(b"change of control; assignment", &mut heading);
        let sentences: [&[u8]; 5] = [
            b"neither party may assign this agreement without the prior written consent of the other party, such consent not to be unreasonably withheld.",
            b"the the the agreement agreement shall shall terminate terminate.",
            b"",
            b"licensee shall not, during the term and for two (2) years thereafter, directly or indirectly compete with licensor in the territory.",
            b"any change of control of licensee shall be deemed an assignment for the purposes of this section.",
        ];
        let mut batch = Batch::default();
        let (mut words, mut prev, mut raw) = (Vec::new(), Vec::new(), Vec::new());
        let mut alone = Vec::new();
        for s in sentences {
            std::mem::swap(&mut prev, &mut words);
            raw_features(s, &heading, &prev, &mut words, &mut raw);
            batch.push(model, &raw);
            let mut sorted = raw.clone();
            sorted.sort_unstable();
            sorted.dedup();
            let mut z = Vec::new();
            model.logits(&sorted, &mut z);
            alone.push(z);
        }
        let mut together = Vec::new();
        model.logits_batch(&mut batch, &mut together);
        let width = model.categories().len();
        assert_eq!(together.len(), sentences.len() * width);
        for (k, z) in alone.iter().enumerate() {
            let got = &together[k * width..(k + 1) * width];
            let same = got.iter().zip(z).all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "sentence {k}: {got:?} != {z:?}");
        }
        // The assignment sentence reads as anti-assignment far more than the empty one.
        let anti = model
            .categories()
            .iter()
            .position(|c| c.id == "anti_assignment")
            .expect("anti_assignment is a category");
        assert!(together[anti] > together[2 * width + anti] + 1.0);
    }
}
