//! Extraction from the wording lawyers actually use: termination for convenience sharing a
//! sentence with termination for cause, adjectival governing law, one-way indemnities beside a
//! mutual one, months against years, British "variation", and sub-clauses under "Exclusivity".

use serde_json::Value;

fn json(text: &str) -> Value {
    entente_analysis::analyze_text(text).to_json()
}

fn agreement(body: &str) -> String {
    format!(
        "PARTNERSHIP AGREEMENT\n\nThis Partnership Agreement is made on 1 March 2026 between Northwind Systems GmbH (\"Northwind\") and Helix Data Ltd (\"Helix\").\n\n{body}\n"
    )
}

#[test]
fn termination_for_convenience_is_found_in_a_sentence_that_also_covers_cause() {
    for (body, notice) in [
        (
            "12. Termination\n\n12.1 Either Party may terminate this Agreement (a) for convenience on ninety (90) days' prior written notice to the other Party; or (b) with immediate effect by written notice if the other Party commits a material breach which is not remedied within thirty (30) days of written notice.",
            "P90D",
        ),
        (
            "12. Termination\n\n12.1 Either Party may terminate this Agreement with immediate effect if the other Party commits a material breach that it fails to remedy within thirty (30) days of written notice, or for convenience upon six (6) months' written notice.",
            "P6M",
        ),
        (
            "12. Termination\n\n12.1 This Agreement may be terminated by either Party without cause on sixty (60) days' written notice, or by either Party for cause if the other Party becomes insolvent.",
            "P60D",
        ),
    ] {
        let j = json(&agreement(body));
        let tfc = &j["termination_for_convenience"]["value"];
        assert_eq!(tfc["notice"].as_str(), Some(notice), "{body}\n{tfc}");
        assert_eq!(tfc["by"].as_str(), Some("either"), "{body}");
    }
}

#[test]
fn a_denied_right_to_terminate_for_convenience_is_not_one() {
    let j = json(&agreement(
        "12. Termination\n\n12.1 Neither Party may terminate this Agreement for convenience. Either Party may terminate this Agreement if the other Party commits a material breach.",
    ));
    assert!(
        j["termination_for_convenience"].is_null(),
        "{}",
        j["termination_for_convenience"]
    );
}

#[test]
fn governing_law_written_as_an_adjective_is_understood() {
    for (sentence, law) in [
        (
            "This Agreement shall be governed by and construed in accordance with English law.",
            "England and Wales",
        ),
        (
            "This Agreement and any non-contractual obligations arising out of it are governed by Dutch law.",
            "Netherlands",
        ),
        (
            "This Agreement is governed by and shall be construed in accordance with German law, excluding the UN Convention on Contracts for the International Sale of Goods.",
            "Germany",
        ),
        (
            "This Agreement shall be governed by New York law without regard to its conflict of laws rules.",
            "New York",
        ),
        (
            "This Agreement shall be governed by and construed in accordance with the laws of Germany.",
            "Germany",
        ),
        (
            "This Agreement is governed exclusively by Swiss law.",
            "Switzerland",
        ),
    ] {
        let j = json(&agreement(&format!("15. Governing Law\n\n15.1 {sentence}")));
        assert_eq!(
            j["governing_law"]["value"].as_str(),
            Some(law),
            "{sentence}"
        );
    }
}

#[test]
fn a_one_way_indemnity_stays_visible_beside_a_mutual_one() {
    let j = json(&agreement(
        "9. Indemnities\n\n9.1 Each Party shall indemnify the other Party against all third-party claims arising from its breach of clause 7 (Confidentiality).\n\n9.2 Helix shall indemnify, defend and hold harmless Northwind against all losses, damages and costs arising from any claim that the Helix Platform infringes the intellectual property rights of a third party.",
    ));
    let v = &j["indemnity"]["value"];
    assert_eq!(v["kind"].as_str(), Some("mutual"), "{v}");
    let one_way = v["one_way"].as_array().expect("one_way list");
    assert_eq!(one_way.len(), 1, "{v}");
    assert_eq!(one_way[0].as_str(), Some("Helix"));
    assert!(
        j["indemnity"]["one_way_evidence"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("infringes")),
        "{v}"
    );
}

#[test]
fn sixty_months_is_five_years() {
    let j = json(&agreement(
        "3. Term\n\n3.1 This Agreement commences on the Effective Date and continues for a period of sixty (60) months.",
    ));
    let p = entente_domain::Period::parse(j["initial_term"]["value"].as_str().unwrap()).unwrap();
    let five = entente_domain::Period::years(5).unwrap();
    assert!(p.cmp_span(five).is_eq(), "{p}");
}

#[test]
fn british_variation_is_an_amendment_clause() {
    for body in [
        "20. Variation\n\n20.1 No variation of this Agreement shall be effective unless it is in writing and signed by the authorised representatives of both Parties.",
        "20. General\n\n20.1 This Agreement may only be varied by a written instrument signed by both Parties.",
    ] {
        let a = entente_analysis::analyze_text(&agreement(body));
        assert!(
            a.categories_present().contains(&"amendment_waiver"),
            "{body}: {:?}",
            a.categories_present()
        );
    }
}

#[test]
fn sub_clauses_under_an_exclusivity_heading_are_exclusivity() {
    let a = entente_analysis::analyze_text(&agreement(
        "6. Exclusivity\n\n6.1 During the Term and for twelve (12) months thereafter, Helix shall not market, sell or promote any product that competes with the Northwind Connector in the Territory.\n\n6.2 Northwind shall not appoint any other reseller in Germany.\n\n7. Fees\n\n7.1 Helix shall pay Northwind an annual fee of EUR 100,000.",
    ));
    let j = a.to_json();
    let clauses = j["clauses"].as_array().unwrap();
    for n in ["6.1", "6.2"] {
        let c = clauses
            .iter()
            .find(|c| c["number"].as_str().map(|x| x.trim_end_matches('.')) == Some(n))
            .unwrap_or_else(|| panic!("no clause {n}"));
        let cats: Vec<&str> = c["categories"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(cats.contains(&"exclusivity"), "{n}: {cats:?}");
    }
    let ex = &j["exclusivity"]["value"];
    assert_eq!(ex["duration"].as_str(), Some("term + P12M"), "{ex}");
}
