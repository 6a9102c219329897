//! Extraction: the shared document context (sentences, dates, periods, money, clause hits)
//! and the extractors for parties, key terms (contract value among them) and obligations built on it.

pub(crate) mod law;
pub(crate) mod obligations;
pub(crate) mod parties;
pub(crate) mod terms;
pub(crate) mod value;
pub(crate) mod values;

use crate::classify::{Classified, Hit};
use crate::segment::{Segment, SegmentKind};
use regex::Regex;
use std::sync::LazyLock;
use values::{DateHit, MoneyHit, PeriodHit};

/// "In witness whereof" (or "thereof"), however spaced, in the lowercased text: where the
/// signature block begins.
pub(crate) static TESTIMONIUM_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"in\s+witness\s+(?:where|there)of").unwrap_or_else(|e| panic!("{e}"))
});

/// A value found in the text, with the byte span of its evidence and a confidence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found<T> {
    pub(crate) value: T,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) confidence: f32,
}

impl<T> Found<T> {
    pub(crate) fn new(value: T, span: (usize, usize), confidence: f32) -> Self {
        Self {
            value,
            start: span.0,
            end: span.1,
            confidence,
        }
    }
}

/// Everything extractors need to know about one document.
pub(crate) struct Doc<'a> {
    pub(crate) text: &'a str,
    pub(crate) lower: String,
    pub(crate) segs: Vec<Segment>,
    pub(crate) sents: Vec<(usize, usize)>,
    pub(crate) sent_seg: Vec<usize>,
    pub(crate) dates: Vec<DateHit>,
    pub(crate) periods: Vec<PeriodHit>,
    pub(crate) money: Vec<MoneyHit>,
    pub(crate) classified: Classified,
}

impl<'a> Doc<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let lower = crate::text::ascii_lower(text);
        let segs = crate::segment::segment_with(text, &lower);
        // Sentences never cross segment boundaries.
        let mut sents = Vec::new();
        let mut sent_seg = Vec::new();
        let mut prev_end = 0;
        for (i, s) in segs.iter().enumerate() {
            if s.start > prev_end {
                // Text before the first segment (leading whitespace) has no sentences.
            }
            for sp in crate::text::sentences(text, s.start, s.end) {
                sents.push(sp);
                sent_seg.push(i);
            }
            prev_end = s.end;
        }
        let day_first = prefers_day_first(&lower);
        let dates = values::find_dates(&lower, day_first);
        let periods = values::find_periods(&lower);
        let money = values::find_money(&lower);
        let classified = crate::classify::classify(&lower, &segs, &sents, &sent_seg);
        Self {
            text,
            lower,
            segs,
            sents,
            sent_seg,
            dates,
            periods,
            money,
            classified,
        }
    }

    /// Index of the sentence holding byte `at`.
    pub(crate) fn sentence_at(&self, at: usize) -> Option<usize> {
        let k = self.sents.partition_point(|s| s.1 <= at);
        (k < self.sents.len() && self.sents[k].0 <= at).then_some(k)
    }

    /// Index of the segment holding byte `at`.
    pub(crate) fn segment_at(&self, at: usize) -> Option<usize> {
        let k = self.segs.partition_point(|s| s.end <= at);
        (k < self.segs.len() && self.segs[k].start <= at).then_some(k)
    }

    // Only values lying wholly inside [a, z) are returned, so callers may slice freely.
    // Hits of one kind never overlap, so only the last one can cross `z`.
    pub(crate) fn periods_in(&self, a: usize, z: usize) -> &[PeriodHit] {
        let i = self.periods.partition_point(|p| p.start < a);
        let mut j = self.periods.partition_point(|p| p.start < z).max(i);
        while j > i && self.periods[j - 1].end > z {
            j -= 1;
        }
        &self.periods[i..j]
    }

    pub(crate) fn dates_in(&self, a: usize, z: usize) -> &[DateHit] {
        let i = self.dates.partition_point(|p| p.start < a);
        let mut j = self.dates.partition_point(|p| p.start < z).max(i);
        while j > i && self.dates[j - 1].end > z {
            j -= 1;
        }
        &self.dates[i..j]
    }

    pub(crate) fn money_in(&self, a: usize, z: usize) -> &[MoneyHit] {
        let i = self.money.partition_point(|p| p.start < a);
        let mut j = self.money.partition_point(|p| p.start < z).max(i);
        while j > i && self.money[j - 1].end > z {
            j -= 1;
        }
        &self.money[i..j]
    }

    /// Sentence-level classifier hits for `cat`, in text order.
    pub(crate) fn hits(&self, cat: &str) -> impl Iterator<Item = &Hit> {
        let cat = cat.to_owned();
        self.classified.hits.iter().filter(move |h| h.cat == cat)
    }

    /// Byte range of the title/preamble region (cover to the end of the preamble).
    pub(crate) fn front_region(&self) -> (usize, usize) {
        // Up to the end of the first preamble (which may follow a long table of contents),
        // else up to the first body segment.
        let mut preambles = self
            .segs
            .iter()
            .filter(|s| s.kind == SegmentKind::Preamble && s.start < 60_000);
        let mut pre = preambles.next();
        // A cover's "Between / Sonos, Inc. / And / IAC" is a preamble too short to name the
        // parties in full: the preamble after the contents does.
        if pre.is_some_and(|p| p.end - p.start < 300)
            && let Some(next) = preambles.next()
        {
            pre = Some(next);
        }
        let mut end = match pre {
            Some(p) => p.end.min(p.start + 8000),
            None => {
                let mut e = 0;
                for s in &self.segs {
                    match s.kind {
                        SegmentKind::Title | SegmentKind::Contents => e = s.end,
                        _ => break,
                    }
                }
                e.min(8000)
            }
        };
        if end < 200 {
            end = self.text.len().min(3000);
        }
        (0, crate::text::floor_boundary(self.text, end))
    }

    /// Where the front region ending at `fz` (from [`Doc::front_region`]) ends when run on
    /// through a cover page whose only preamble is the cover's "by and between":
    /// "PROMOTION AGREEMENT / by and between / A / and / B / Dated as of: April 5, 2019 /
    /// TABLE OF CONTENTS" dates the agreement after its parties. `fz` itself otherwise.
    pub(crate) fn cover_end(&self, fz: usize) -> usize {
        let mut preambles = self
            .segs
            .iter()
            .filter(|s| s.kind == SegmentKind::Preamble && s.start < 60_000);
        let short_cover = preambles
            .next()
            .is_some_and(|p| p.end - p.start < 300 && p.end >= fz)
            && preambles.next().is_none();
        if !short_cover {
            return fz;
        }
        let stop = self
            .segs
            .iter()
            .find(|s| {
                s.start >= fz
                    && (matches!(s.kind, SegmentKind::Contents | SegmentKind::Definitions)
                        || s.heading
                            .as_deref()
                            .is_some_and(|h| h.to_ascii_lowercase().contains("contents")))
            })
            .map_or(fz + 1000, |s| s.start);
        crate::text::floor_boundary(self.text, stop.min(fz + 1000))
    }
}

/// Documents in European/UK style write numeric dates day first.
fn prefers_day_first(lower: &str) -> bool {
    let uk = [
        "england and wales",
        "licence",
        "organisation",
        "gmbh",
        "s.a.r.l",
        "b.v.",
        "companies house",
        "favour",
        "a.g.",
    ];
    uk.iter().filter(|w| lower.contains(*w)).count() >= 2
}
