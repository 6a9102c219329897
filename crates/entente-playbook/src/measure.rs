//! Detection quality against a labelled corpus: for each blind spot, how many agreements the
//! checks flag that the gold labels also mark (precision) and how many marked they find (recall).

use crate::model::BlindSpot;
use serde::Serialize;
use std::fmt::Write as _;

/// A labelled agreement of `tests/corpus/gold.jsonl`.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldEntry {
    /// Its id.
    pub id: String,
    /// Its text file, relative to the corpus folder.
    pub text_file: String,
    /// The blind spots the labels mark.
    pub blind_spots: Vec<BlindSpot>,
}

/// Reads `gold.jsonl` (one JSON object per line; lines without `blind_spots` are skipped).
pub fn parse_gold(jsonl: &str) -> Result<Vec<GoldEntry>, String> {
    let mut out = Vec::new();
    for (i, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        let (Some(id), Some(file), Some(spots)) = (
            v["id"].as_str(),
            v["text_file"].as_str(),
            v["blind_spots"].as_array(),
        ) else {
            continue;
        };
        let mut blind_spots = Vec::new();
        for s in spots {
            let name = s.as_str().unwrap_or_default();
            blind_spots.push(
                BlindSpot::parse(name)
                    .ok_or_else(|| format!("line {}: unknown blind spot {name:?}", i + 1))?,
            );
        }
        out.push(GoldEntry {
            id: id.to_owned(),
            text_file: file.to_owned(),
            blind_spots,
        });
    }
    Ok(out)
}

/// The confusion counts and rates for one blind spot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpotMeasure {
    /// The blind spot.
    pub blind_spot: BlindSpot,
    /// Flagged and labelled.
    pub true_positives: usize,
    /// Flagged, not labelled.
    pub false_positives: usize,
    /// Labelled, not flagged.
    pub false_negatives: usize,
    /// Neither.
    pub true_negatives: usize,
    /// TP / (TP + FP); 1 when nothing was flagged.
    pub precision: f64,
    /// TP / (TP + FN); 1 when nothing is labelled.
    pub recall: f64,
    /// Ids of the agreements flagged wrongly.
    pub false_positive_ids: Vec<String>,
    /// Ids of the agreements missed.
    pub false_negative_ids: Vec<String>,
}

/// Compares `(id, labelled, flagged)` per agreement, blind spot by blind spot.
pub fn measure(results: &[(String, Vec<BlindSpot>, Vec<BlindSpot>)]) -> Vec<SpotMeasure> {
    BlindSpot::FIVE
        .into_iter()
        .map(|b| {
            let mut m = SpotMeasure {
                blind_spot: b,
                true_positives: 0,
                false_positives: 0,
                false_negatives: 0,
                true_negatives: 0,
                precision: 1.0,
                recall: 1.0,
                false_positive_ids: Vec::new(),
                false_negative_ids: Vec::new(),
            };
            for (id, gold, got) in results {
                match (gold.contains(&b), got.contains(&b)) {
                    (true, true) => m.true_positives += 1,
                    (false, true) => {
                        m.false_positives += 1;
                        m.false_positive_ids.push(id.clone());
                    }
                    (true, false) => {
                        m.false_negatives += 1;
                        m.false_negative_ids.push(id.clone());
                    }
                    (false, false) => m.true_negatives += 1,
                }
            }
            let flagged = m.true_positives + m.false_positives;
            let labelled = m.true_positives + m.false_negatives;
            if flagged > 0 {
                m.precision = m.true_positives as f64 / flagged as f64;
            }
            if labelled > 0 {
                m.recall = m.true_positives as f64 / labelled as f64;
            }
            m
        })
        .collect()
}

/// A plain-text table of the measures.
pub fn table(measures: &[SpotMeasure]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:<24} {:>4} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "blind spot", "TP", "FP", "FN", "TN", "precision", "recall"
    );
    for m in measures {
        let _ = writeln!(
            o,
            "{:<24} {:>4} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}",
            m.blind_spot.as_str(),
            m.true_positives,
            m.false_positives,
            m.false_negatives,
            m.true_negatives,
            m.precision,
            m.recall
        );
    }
    for m in measures {
        if !m.false_positive_ids.is_empty() {
            let _ = writeln!(
                o,
                "  {} flagged but not labelled: {}",
                m.blind_spot,
                m.false_positive_ids.join(", ")
            );
        }
        if !m.false_negative_ids.is_empty() {
            let _ = writeln!(
                o,
                "  {} labelled but missed: {}",
                m.blind_spot,
                m.false_negative_ids.join(", ")
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_and_recall_count_per_blind_spot() {
        use BlindSpot::*;
        let r = vec![
            ("a".into(), vec![MissingExit], vec![MissingExit]),
            ("b".into(), vec![], vec![MissingExit]),
            ("c".into(), vec![MissingExit, StaticDocument], vec![]),
            ("d".into(), vec![], vec![]),
        ];
        let m = measure(&r);
        let exit = m.iter().find(|x| x.blind_spot == MissingExit).unwrap();
        assert_eq!(
            (
                exit.true_positives,
                exit.false_positives,
                exit.false_negatives
            ),
            (1, 1, 1)
        );
        assert!((exit.precision - 0.5).abs() < 1e-9 && (exit.recall - 0.5).abs() < 1e-9);
        assert_eq!(exit.false_negative_ids, ["c"]);
        let st = m.iter().find(|x| x.blind_spot == StaticDocument).unwrap();
        assert_eq!(st.recall, 0.0);
        assert!(table(&m).contains("missing_exit"));
    }

    #[test]
    fn gold_lines_are_read_and_unknown_labels_rejected() {
        let g = parse_gold(
            "{\"id\":\"x\",\"text_file\":\"txt/x.txt\",\"blind_spots\":[\"missing_exit\"]}\n",
        )
        .unwrap();
        assert_eq!(g[0].blind_spots, [BlindSpot::MissingExit]);
        assert!(
            parse_gold("{\"id\":\"x\",\"text_file\":\"t\",\"blind_spots\":[\"nope\"]}").is_err()
        );
    }
}
