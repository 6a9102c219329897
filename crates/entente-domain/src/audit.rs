//! Audit events and their hash chain: each event of a tenant carries the SHA-256 of the one
//! before, so altering, removing or reordering any event breaks the chain visibly.

use crate::{AuditEventId, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that precedes a tenant's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEvent {
    /// Identifier.
    pub id: AuditEventId,
    /// Position in the tenant's chain, from 1.
    pub seq: u64,
    /// When.
    pub at: Timestamp,
    /// Who (user e-mail, token name or `system`).
    pub actor: String,
    /// What, e.g. `agreement.create`, `term.set`.
    pub action: String,
    /// Entity type, e.g. `agreement`.
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// The agreement concerned, when there is one.
    pub agreement_id: Option<String>,
    /// Details as JSON text.
    pub details: String,
    /// Hash of the previous event.
    pub prev_hash: String,
    /// Hash of this event.
    pub hash: String,
}

/// The fields of an event that the hash covers.
#[derive(Debug, Clone, Copy)]
pub struct HashInput<'a> {
    /// Sequence number.
    pub seq: u64,
    /// Timestamp text as stored.
    pub at: &'a str,
    /// Actor.
    pub actor: &'a str,
    /// Action.
    pub action: &'a str,
    /// Entity type.
    pub entity: &'a str,
    /// Entity id.
    pub entity_id: &'a str,
    /// Agreement id or "".
    pub agreement_id: &'a str,
    /// Details JSON text.
    pub details: &'a str,
    /// Previous hash.
    pub prev_hash: &'a str,
}

/// Hashes an event: length-prefixed fields so no two distinct events share an input.
pub fn chain_hash(h: HashInput<'_>) -> String {
    let mut d = Sha256::new();
    let seq = h.seq.to_string();
    for part in [
        seq.as_str(),
        h.at,
        h.actor,
        h.action,
        h.entity,
        h.entity_id,
        h.agreement_id,
        h.details,
        h.prev_hash,
    ] {
        d.update((part.len() as u64).to_be_bytes());
        d.update(part.as_bytes());
    }
    hex::encode(d.finalize())
}

/// The first problem found when re-checking a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// Sequence number where the chain breaks.
    pub seq: u64,
    /// What is wrong.
    pub reason: String,
}

/// Re-computes a tenant's chain in sequence order; `None` when intact.
pub fn verify_chain(events: &[AuditEvent]) -> Option<BrokenLink> {
    let mut prev = GENESIS.to_owned();
    for (i, e) in events.iter().enumerate() {
        let expected_seq = i as u64 + 1;
        if e.seq != expected_seq {
            return Some(BrokenLink {
                seq: expected_seq,
                reason: format!("event {expected_seq} is missing (found {} next)", e.seq),
            });
        }
        if e.prev_hash != prev {
            return Some(BrokenLink {
                seq: e.seq,
                reason: "previous-hash link does not match the event before it".into(),
            });
        }
        if recomputed(e) != e.hash {
            return Some(BrokenLink {
                seq: e.seq,
                reason: "content does not match its hash (event altered)".into(),
            });
        }
        prev = e.hash.clone();
    }
    None
}

/// An event's link fields as a neighbour of the events being checked: its hash and the hash
/// it links back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Hash of the event.
    pub hash: String,
    /// Hash of the event before it.
    pub prev_hash: String,
}

fn recomputed(e: &AuditEvent) -> String {
    let at = e.at.to_string();
    let agreement = e.agreement_id.clone().unwrap_or_default();
    chain_hash(HashInput {
        seq: e.seq,
        at: &at,
        actor: &e.actor,
        action: &e.action,
        entity: &e.entity,
        entity_id: &e.entity_id,
        agreement_id: &agreement,
        details: &e.details,
        prev_hash: &e.prev_hash,
    })
}

/// Checks some events (one agreement's) where they stand in the tenant's chain, without the
/// rest of it: each one's content against its hash, the event before it (`link(seq - 1)`)
/// against the hash it links back to, and the event after it (`link(seq + 1)`, or the
/// tenant's `head` for the last one) against its own hash. Altering, removing or reordering
/// one of these events, or its neighbours' links to it, is caught; the rest of the chain is
/// [`verify_chain`]'s to check. `None` when they hold.
pub fn verify_in_place(
    events: &[AuditEvent],
    link: impl Fn(u64) -> Option<Link>,
    head: (u64, &str),
) -> Option<BrokenLink> {
    for e in events {
        if recomputed(e) != e.hash {
            return Some(BrokenLink {
                seq: e.seq,
                reason: "content does not match its hash (event altered)".into(),
            });
        }
        let before = match e.seq {
            0 => None,
            1 => Some(GENESIS.to_owned()),
            n => link(n - 1).map(|l| l.hash),
        };
        if before.as_deref() != Some(e.prev_hash.as_str()) {
            return Some(BrokenLink {
                seq: e.seq,
                reason: match before {
                    None => format!("event {} before it is missing", e.seq.saturating_sub(1)),
                    Some(_) => "previous-hash link does not match the event before it".into(),
                },
            });
        }
        let after = if e.seq == head.0 {
            Some(head.1.to_owned())
        } else {
            link(e.seq + 1).map(|l| l.prev_hash)
        };
        if after.as_deref() != Some(e.hash.as_str()) {
            return Some(BrokenLink {
                seq: e.seq + 1,
                reason: match after {
                    None => format!("event {} after it is missing", e.seq + 1),
                    Some(_) => format!("the event after it does not link to event {}", e.seq),
                },
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_place(all: &[AuditEvent], mine: &[u64]) -> Option<BrokenLink> {
        let picked: Vec<AuditEvent> = all
            .iter()
            .filter(|e| mine.contains(&e.seq))
            .cloned()
            .collect();
        let last = all
            .last()
            .map_or((0, GENESIS.to_owned()), |e| (e.seq, e.hash.clone()));
        verify_in_place(
            &picked,
            |seq| {
                all.iter().find(|e| e.seq == seq).map(|e| Link {
                    hash: e.hash.clone(),
                    prev_hash: e.prev_hash.clone(),
                })
            },
            (last.0, &last.1),
        )
    }

    #[test]
    fn events_checked_in_place_catch_what_touches_them_and_only_that() {
        let intact = chain(6);
        assert_eq!(in_place(&intact, &[2, 5, 6]), None);

        // One of them altered, even with its hash recomputed: its successor's link breaks.
        let mut altered = intact.clone();
        altered[1].details = "{\"n\":99}".into();
        assert_eq!(in_place(&altered, &[2, 5]).unwrap().seq, 2);
        altered[1].hash = recomputed(&altered[1]);
        assert_eq!(in_place(&altered, &[2, 5]).unwrap().seq, 3);

        // Its neighbour removed: the link before it is missing.
        let mut removed = intact.clone();
        removed.remove(3);
        assert_eq!(in_place(&removed, &[5]).unwrap().seq, 5);

        // The last event removed from the end: the head no longer matches.
        let mut cut = intact.clone();
        cut.pop();
        let head = intact.last().unwrap();
        let picked = vec![cut[4].clone()];
        let link = |seq: u64| {
            cut.iter().find(|e| e.seq == seq).map(|e| Link {
                hash: e.hash.clone(),
                prev_hash: e.prev_hash.clone(),
            })
        };
        assert_eq!(
            verify_in_place(&picked, link, (head.seq, &head.hash))
                .unwrap()
                .seq,
            6
        );

        // An event elsewhere altered is not these events' concern.
        let mut elsewhere = intact.clone();
        elsewhere[0].details = "{\"n\":42}".into();
        assert_eq!(in_place(&elsewhere, &[5]), None);
        assert!(verify_chain(&elsewhere).is_some());
    }

    fn chain(n: u64) -> Vec<AuditEvent> {
        let mut prev = GENESIS.to_owned();
        let at = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        (1..=n)
            .map(|seq| {
                let details = format!("{{\"n\":{seq}}}");
                let hash = chain_hash(HashInput {
                    seq,
                    at: &at.to_string(),
                    actor: "a@b.co",
                    action: "agreement.create",
                    entity: "agreement",
                    entity_id: "x",
                    agreement_id: "",
                    details: &details,
                    prev_hash: &prev,
                });
                let e = AuditEvent {
                    id: AuditEventId::new(),
                    seq,
                    at,
                    actor: "a@b.co".into(),
                    action: "agreement.create".into(),
                    entity: "agreement".into(),
                    entity_id: "x".into(),
                    agreement_id: None,
                    details,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), None);
    }

    #[test]
    fn altering_removing_or_reordering_is_detected_at_the_right_event() {
        let mut altered = chain(5);
        altered[2].details = "{\"n\":99}".into();
        assert_eq!(verify_chain(&altered).unwrap().seq, 3);

        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(verify_chain(&removed).unwrap().seq, 2);

        let mut reordered = chain(5);
        reordered.swap(3, 4);
        let (a, b) = (reordered[3].seq, reordered[4].seq);
        reordered[3].seq = b;
        reordered[4].seq = a;
        assert_eq!(verify_chain(&reordered).unwrap().seq, 4);
    }
}
