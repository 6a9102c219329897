//! Portfolio risk: the latest check of every agreement aggregated overall and by kind,
//! counterparty and owner (mean and worst score, how many agreements each blind spot flags),
//! and the agreements by regulatory flag (competition, data protection, competitor cooperation).

use crate::model::{BlindSpot, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One agreement's latest check, as the portfolio sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PortfolioItem {
    /// Agreement id.
    pub agreement_id: String,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: String,
    /// Owner e-mail.
    pub owner: Option<String>,
    /// Legal names of the parties.
    pub parties: Vec<String>,
    /// Risk score 0–100.
    pub score: u32,
    /// Blind spots flagged.
    pub flagged: Vec<BlindSpot>,
    /// Worst severity found.
    pub worst: Option<Severity>,
    /// Number of findings.
    pub findings: usize,
    /// The worst regulatory finding per area (competition, data protection), when any.
    #[serde(default)]
    pub regulatory: Vec<RegulatoryFinding>,
    /// A person entered that the parties compete (actually or potentially).
    #[serde(default)]
    pub competitor_cooperation: bool,
}

/// An agreement's worst finding in one regulatory area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegulatoryFinding {
    /// `competition` or `data_protection`.
    pub area: BlindSpot,
    /// The worst severity found in it.
    pub worst: Severity,
}

/// The agreements carrying one regulatory flag at one severity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegulatoryGroup {
    /// `competition`, `data_protection`, or `competitor_cooperation` (entered context).
    pub flag: String,
    /// The worst severity of the flag's findings (none for `competitor_cooperation` without
    /// a competition finding).
    pub severity: Option<Severity>,
    /// The agreements, riskiest first.
    pub agreements: Vec<FlaggedAgreement>,
}

/// An agreement listed under a regulatory flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FlaggedAgreement {
    /// Agreement id.
    pub agreement_id: String,
    /// Title.
    pub title: String,
    /// Risk score 0–100.
    pub score: u32,
}

/// How many agreements a blind spot flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpotCount {
    /// The blind spot.
    pub blind_spot: BlindSpot,
    /// Agreements flagged for it.
    pub agreements: usize,
}

/// Aggregates over a group of agreements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Group {
    /// The kind, counterparty or owner.
    pub key: String,
    /// Agreements in the group.
    pub agreements: usize,
    /// Mean risk score, one decimal.
    pub mean_score: f64,
    /// Highest risk score.
    pub max_score: u32,
    /// Agreements scoring 50 or more.
    pub high_risk: usize,
    /// Agreements flagged per blind spot (the five, in order).
    pub flagged: Vec<SpotCount>,
}

/// Agreements per band of risk score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Band {
    /// Lowest score in the band.
    pub from: u32,
    /// Highest score in the band.
    pub to: u32,
    /// Agreements in it.
    pub agreements: usize,
}

/// The portfolio's risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Portfolio {
    /// Everything, as one group.
    pub overall: Group,
    /// Score distribution in bands of 20.
    pub distribution: Vec<Band>,
    /// By agreement kind.
    pub by_kind: Vec<Group>,
    /// By party (an agreement counts once for each of its parties).
    pub by_counterparty: Vec<Group>,
    /// By owner ("(no owner)" when unassigned).
    pub by_owner: Vec<Group>,
    /// The ten riskiest agreements.
    pub riskiest: Vec<PortfolioItem>,
    /// Agreements by regulatory flag and severity: competition and data protection by the
    /// worst finding (critical first), then the competitor cooperations.
    #[serde(default)]
    pub regulatory: Vec<RegulatoryGroup>,
}

fn regulatory(items: &[PortfolioItem]) -> Vec<RegulatoryGroup> {
    let listed = |mut v: Vec<&PortfolioItem>| {
        v.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.title.cmp(&b.title)));
        v.into_iter()
            .map(|i| FlaggedAgreement {
                agreement_id: i.agreement_id.clone(),
                title: i.title.clone(),
                score: i.score,
            })
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    for area in BlindSpot::REGULATORY {
        for sev in Severity::ALL.into_iter().rev() {
            let v: Vec<&PortfolioItem> = items
                .iter()
                .filter(|i| {
                    i.regulatory
                        .iter()
                        .any(|r| r.area == area && r.worst == sev)
                })
                .collect();
            if !v.is_empty() {
                out.push(RegulatoryGroup {
                    flag: area.as_str().to_owned(),
                    severity: Some(sev),
                    agreements: listed(v),
                });
            }
        }
    }
    let v: Vec<&PortfolioItem> = items.iter().filter(|i| i.competitor_cooperation).collect();
    if !v.is_empty() {
        let severity = v
            .iter()
            .flat_map(|i| i.regulatory.iter())
            .filter(|r| r.area == BlindSpot::Competition)
            .map(|r| r.worst)
            .max();
        out.push(RegulatoryGroup {
            flag: "competitor_cooperation".to_owned(),
            severity,
            agreements: listed(v),
        });
    }
    out
}

fn group(key: &str, items: &[&PortfolioItem]) -> Group {
    let n = items.len();
    let sum: u32 = items.iter().map(|i| i.score).sum();
    let mean = if n == 0 {
        0.0
    } else {
        (f64::from(sum) / n as f64 * 10.0).round() / 10.0
    };
    Group {
        key: key.to_owned(),
        agreements: n,
        mean_score: mean,
        max_score: items.iter().map(|i| i.score).max().unwrap_or(0),
        high_risk: items.iter().filter(|i| i.score >= 50).count(),
        flagged: BlindSpot::FIVE
            .into_iter()
            .map(|b| SpotCount {
                blind_spot: b,
                agreements: items.iter().filter(|i| i.flagged.contains(&b)).count(),
            })
            .collect(),
    }
}

fn groups<'a>(keyed: impl Iterator<Item = (String, &'a PortfolioItem)>) -> Vec<Group> {
    let mut map: BTreeMap<String, Vec<&PortfolioItem>> = BTreeMap::new();
    for (k, i) in keyed {
        map.entry(k).or_default().push(i);
    }
    let mut v: Vec<Group> = map.iter().map(|(k, is)| group(k, is)).collect();
    // Riskiest groups first.
    v.sort_by(|a, b| {
        b.mean_score
            .total_cmp(&a.mean_score)
            .then_with(|| a.key.cmp(&b.key))
    });
    v
}

/// Aggregates the latest checks of a portfolio.
pub fn aggregate(items: &[PortfolioItem]) -> Portfolio {
    let all: Vec<&PortfolioItem> = items.iter().collect();
    let distribution = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 100)]
        .into_iter()
        .map(|(from, to)| Band {
            from,
            to,
            agreements: items
                .iter()
                .filter(|i| (from..=to).contains(&i.score))
                .count(),
        })
        .collect();
    let mut riskiest: Vec<PortfolioItem> = items.to_vec();
    riskiest.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.title.cmp(&b.title)));
    riskiest.truncate(10);
    Portfolio {
        overall: group("all agreements", &all),
        distribution,
        by_kind: groups(items.iter().map(|i| (i.kind.clone(), i))),
        by_counterparty: groups(
            items
                .iter()
                .flat_map(|i| i.parties.iter().map(move |p| (p.clone(), i))),
        ),
        by_owner: groups(items.iter().map(|i| {
            (
                i.owner.clone().unwrap_or_else(|| "(no owner)".to_owned()),
                i,
            )
        })),
        riskiest,
        regulatory: regulatory(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        kind: &str,
        owner: Option<&str>,
        parties: &[&str],
        score: u32,
        flagged: &[BlindSpot],
    ) -> PortfolioItem {
        PortfolioItem {
            agreement_id: format!("{kind}-{score}"),
            title: format!("{kind} {score}"),
            kind: kind.into(),
            owner: owner.map(str::to_owned),
            parties: parties.iter().map(|p| (*p).to_owned()).collect(),
            score,
            flagged: flagged.to_vec(),
            worst: None,
            findings: 0,
            regulatory: Vec::new(),
            competitor_cooperation: false,
        }
    }

    #[test]
    fn regulatory_flags_group_agreements_by_area_and_worst_severity() {
        let mut a = item("collaboration", None, &["A"], 90, &[]);
        a.regulatory = vec![
            RegulatoryFinding {
                area: BlindSpot::Competition,
                worst: Severity::Critical,
            },
            RegulatoryFinding {
                area: BlindSpot::DataProtection,
                worst: Severity::High,
            },
        ];
        a.competitor_cooperation = true;
        let mut b = item("research", None, &["B"], 20, &[]);
        b.competitor_cooperation = true;
        let c = item("research", None, &["C"], 10, &[]);
        let p = aggregate(&[a, b, c]);
        let keys: Vec<(String, Option<Severity>, usize)> = p
            .regulatory
            .iter()
            .map(|g| (g.flag.clone(), g.severity, g.agreements.len()))
            .collect();
        assert_eq!(
            keys,
            [
                ("competition".into(), Some(Severity::Critical), 1),
                ("data_protection".into(), Some(Severity::High), 1),
                ("competitor_cooperation".into(), Some(Severity::Critical), 2),
            ]
        );
        assert_eq!(p.regulatory[2].agreements[0].score, 90, "riskiest first");
    }

    #[test]
    fn groups_count_each_agreement_under_its_kind_parties_and_owner() {
        let items = [
            item(
                "research",
                Some("a@x.com"),
                &["Acme", "Uni"],
                80,
                &[BlindSpot::MissingExit],
            ),
            item("research", None, &["Acme", "Lab"], 20, &[]),
            item(
                "consortium",
                Some("a@x.com"),
                &["Acme", "Uni", "Lab"],
                50,
                &[BlindSpot::MissingExit],
            ),
        ];
        let p = aggregate(&items);
        assert_eq!(p.overall.agreements, 3);
        assert_eq!(p.overall.mean_score, 50.0);
        assert_eq!(p.overall.high_risk, 2);
        let research = p.by_kind.iter().find(|g| g.key == "research").unwrap();
        assert_eq!((research.agreements, research.max_score), (2, 80));
        let acme = p.by_counterparty.iter().find(|g| g.key == "Acme").unwrap();
        assert_eq!(acme.agreements, 3);
        let uni = p.by_counterparty.iter().find(|g| g.key == "Uni").unwrap();
        assert_eq!(uni.mean_score, 65.0);
        let exit = uni
            .flagged
            .iter()
            .find(|s| s.blind_spot == BlindSpot::MissingExit)
            .unwrap();
        assert_eq!(exit.agreements, 2);
        assert!(
            p.by_owner
                .iter()
                .any(|g| g.key == "(no owner)" && g.agreements == 1)
        );
        assert_eq!(p.riskiest[0].score, 80);
        assert_eq!(
            p.distribution.iter().map(|b| b.agreements).sum::<usize>(),
            3
        );
        assert_eq!(p.by_kind[0].key, "consortium", "riskiest group first");
    }
}
