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

fn party_names(text: &str) -> Vec<(String, Vec<String>)> {
    json(text)["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let aliases = p["aliases"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect();
            (p["name"].as_str().unwrap_or("").to_owned(), aliases)
        })
        .collect()
}

#[test]
fn parties_defined_by_a_role_without_quotes() {
    let t = "TRANSPORTATION SERVICE AGREEMENT\n\nThis Transportation Service Agreement (Agreement) is entered into by Great Lakes Gas Transmission Limited Partnership (Transporter) and ANR PIPELINE COMPANY (Shipper).\n\nWHEREAS, Shipper has requested Transporter to transport Gas on its behalf.\n\n1. EFFECTIVE DATE: November 01, 2016\n";
    let p = party_names(t);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].0, "Great Lakes Gas Transmission Limited Partnership");
    assert_eq!(p[0].1, vec!["Transporter".to_owned()]);
    assert_eq!(p[1].0, "ANR PIPELINE COMPANY");
    assert_eq!(p[1].1, vec!["Shipper".to_owned()]);
}

#[test]
fn parties_separated_by_and_colon_lines() {
    let t = "SPONSORSHIP AGREEMENT\n\nTHIS AGREEMENT, dated for reference March 13, 1996, is made\n\nBETWEEN:\n\n                  HEALTHCARE CAPITAL CORP., a corporation incorporated pursuant to the laws of the Province of Alberta and having an office located at 1120-595 Eighth Avenue S.W., Calgary\n\n                                                                (the \"Issuer\");\n\nAND:\n\n                  C.M. OLIVER & COMPANY LIMITED, a company amalgamated under the laws of British Columbia, having its head office at 750 West Pender Street, Vancouver\n\n                                                                (the \"Sponsor\").\n\nWHEREAS:\n\nA. The Issuer wishes to distribute units to residents of British Columbia.\n";
    let names: Vec<String> = party_names(t).into_iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        vec!["HEALTHCARE CAPITAL CORP.", "C.M. OLIVER & COMPANY LIMITED"]
    );
    // Inline "AND:" between the parties of one paragraph.
    let t = "CONSULTING AGREEMENT\n\nTHIS AGREEMENT is dated for reference the 1st day of February, 2020. BETWEEN: CORAL GOLD RESOURCES LTD., a company duly incorporated pursuant to the laws of the Province of British Columbia (the \"Company\") AND: INTERMARK CAPITAL CORP., a company duly incorporated pursuant to the laws of the Province of British Columbia (the \"Consultant\").\n\nWHEREAS the Company wishes to retain the Consultant.\n";
    let names: Vec<String> = party_names(t).into_iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        vec!["CORAL GOLD RESOURCES LTD.", "INTERMARK CAPITAL CORP."]
    );
}

#[test]
fn a_cover_page_party_list_ends_before_the_date_and_contents() {
    let t = "MANUFACTURING AND SUPPLY AGREEMENT\n\nBY AND BETWEEN\n\nPFIZER INC.\n\nAND\n\nUPJOHN INC.\n\nDATED AS OF [●]\n\nTABLE OF CONTENTS Page 1. DEFINITIONS 1\n\n2.5 Failure to Supply 19 2.6 Delivery; Risk of Loss 21 2.7 Procurement of Materials 22\n\n1. DEFINITIONS\n\n1.1 \"Affiliate\" means any entity controlling a party.\n";
    let names: Vec<String> = party_names(t).into_iter().map(|p| p.0).collect();
    assert_eq!(names, vec!["PFIZER INC.", "UPJOHN INC."]);
}

#[test]
fn a_party_name_does_not_run_on_into_the_sentence() {
    let t = "INTELLECTUAL PROPERTY AGREEMENT\n\nThis Intellectual Property Agreement is made as of November 16, 2009 by and between GSI Technology, Inc. (\"Purchaser\") and Sony Electronics Inc. (\"Sony\"). Purchaser and Sony are referred to herein as the Parties.\n\n1. Assignment. Sony hereby assigns the Patents to Purchaser.\n";
    let names: Vec<String> = party_names(t).into_iter().map(|p| p.0).collect();
    assert_eq!(names, vec!["GSI Technology, Inc.", "Sony Electronics Inc."]);
}

fn expiry(body: &str) -> Option<String> {
    json(&agreement(body))["expiration_date"]["value"]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn end_dates_of_terms_in_other_words() {
    // "is for a term of": counted from the date the agreement bears (1 March 2026).
    assert_eq!(
        expiry("1. Term\n\n1.1 Commencement. This agreement commences upon execution of this document.\n\n1.2 Term. This agreement is for a term of ten (10) years.").as_deref(),
        Some("2036-03-01")
    );
    assert_eq!(
        expiry("2. Term. This Agreement shall be valid for five (5) years from February 1, 2026 through January 31, 2031 unless this Agreement is terminated earlier pursuant to Section 14 (the \"Term\").").as_deref(),
        Some("2031-01-31")
    );
    // An initial period stands even when the sentence mentions a renewal.
    assert_eq!(
        expiry("1.1 The term of this Agreement shall begin on April 1, 2026 and continue for an initial period of five (5) years unless earlier terminated in accordance with Section 7 hereof, and may be renewed under Section 8 hereof.").as_deref(),
        Some("2031-04-01")
    );
}

#[test]
fn the_end_of_a_renewal_period_is_not_the_expiry() {
    let body = "1.1 The term of this Agreement shall begin on January 1, 2026 and continue for an initial period of five (5) years.\n\n8.1 The Company may renew this Agreement on the same terms for one (1) additional five year period that shall begin on January 1, 2031 and end on December 31, 2035.";
    assert_eq!(expiry(body).as_deref(), Some("2031-01-01"));
}

fn renewal_term(body: &str) -> Option<String> {
    json(&agreement(body))["renewal"]["value"]["term"]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn renewal_terms_written_without_the_word_renew() {
    for (body, want) in [
        (
            "7. Term\n\n7.1 This Agreement shall automatically extend for an additional two (2) years on the same terms herein (\"Renewal Term\") provided Helix receives payments greater than twelve million U.S. dollars ($12,000,000) within the Initial Term.",
            "P2Y",
        ),
        (
            "7. Term\n\n7.1 The term of this Agreement may be extended for an additional two year period with the written consent of both parties.",
            "P2Y",
        ),
        (
            "7. Term\n\n7.1 This Agreement shall be subject to an automatic extension for consecutive one (1) year periods thereafter (each, an \"Extension Term\"), unless terminated upon thirty (30) days' written notice by either Party to the other Party.",
            "P1Y",
        ),
        (
            "7. Term\n\n7.1 Unless either party gives written notice to terminate this Agreement at least six (6) months prior to the end of the Initial Term, this Agreement shall continue on a year to year basis (\"Extended Term(s)\").",
            "P1Y",
        ),
        (
            "7. Term\n\n7.1 The Term will be 3 years from the Effective Date with automatic 2 year term extensions unless otherwise advised by one of the Parties.",
            "P2Y",
        ),
        (
            "7. Term\n\n7.1 The initial term of this Agreement is three (3) years from the Effective Date. Thereafter this Agreement shall renew automatically for successive like terms unless either party objects in writing.",
            "P3Y",
        ),
        (
            "7. Term\n\n7.1 This Agreement shall be automatically extended for one (1) year periods after the Initial Term unless either party gives written notice of its intention not to renew within 180 days prior to any Renewal Term.",
            "P1Y",
        ),
    ] {
        assert_eq!(renewal_term(body).as_deref(), Some(want), "{body}");
    }
}

#[test]
fn the_initial_term_and_other_periods_are_not_renewals() {
    // "extend for a period of five years thereafter ("Initial Term")" is the first term.
    let body = "7.1 Term. This Agreement shall commence on the Effective Date and shall extend for a period of Five (5) years thereafter (\"Initial Term\"), unless this Agreement is extended by mutual written agreement of the Parties.\n\n7.2 Renewal. This Agreement may be renewed for additional periods of one (1) year (each such additional period, a \"Renewal Term\").";
    assert_eq!(renewal_term(body).as_deref(), Some("P1Y"));
    // A definition of successive periods and a period after the end are not renewals.
    let body = "1. Definitions\n\n1.1 \"Calendar Quarter\" means each successive period of three (3) consecutive calendar months ending on March 31, June 30, September 30 and December 31 during the Term.\n\n9. Non-solicitation\n\n9.1 During the Term and any renewal terms of the Agreement, and for a period of one (1) year following the expiration or earlier termination thereof, Helix agrees not to solicit any employee of Northwind.";
    assert_eq!(renewal_term(body), None);
}

fn renewal_notice(body: &str) -> Option<String> {
    json(&agreement(body))["notice_period_to_terminate_renewal"]["value"]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn notice_of_non_renewal_in_less_usual_wording() {
    for (body, want) in [
        // No word "notice": terminated in advance of the end of the term.
        (
            "7.1 The Agreement shall automatically renew for successive one year additional terms unless terminated by either party at least six months prior to the expiration of the then-current term.",
            "P6M",
        ),
        (
            "7.1 This Agreement shall automatically be renewed for successive one (1) year increments unless either party requests in writing, at least ninety (90) days prior to the anniversary date, that this Agreement not be renewed.",
            "P90D",
        ),
        // The notice sentence follows the renewal and names the original term.
        (
            "7.1 The term of this Agreement is twelve (12) months from the date hereof, and will be automatically renewed for one (1) additional twelve month period unless either party shall notify the other in writing of its intention not to renew. Such notice must be given ninety (90) days prior to expiration of the original term.",
            "P90D",
        ),
        // A provider's reminder comes before the customer's notice not to renew.
        (
            "7.1 Northwind shall provide a written renewal notice to Helix at least twelve (12) months prior to the expiration of the Initial Term (the \"Renewal Notice\"). Unless Helix notifies Northwind of its intent not to renew this Agreement in writing within a period of three (3) months following the Renewal Notice, this Agreement shall automatically renew for one (1) twelve-month period.",
            "P3M",
        ),
        (
            "7.1 Thereafter, this Agreement shall automatically continue in effect until either party gives the other at least six (6) months prior written notice of termination.",
            "P6M",
        ),
    ] {
        assert_eq!(renewal_notice(body).as_deref(), Some(want), "{body}");
    }
}

#[test]
fn notice_to_renew_and_insurance_notices_are_not_notice_of_non_renewal() {
    for body in [
        "7.1 You shall have the option to renew the term of this Agreement for four (4) additional ten (10) year terms, upon written notice given by you to us not less than six (6) months prior to the scheduled expiration date of the term then in effect.",
        "7.1 In the event that either party wishes to extend the Term of the Agreement, it shall provide the other Party with written notice at least ninety (90) days prior to the expiration of the Term.",
        "11.2 All such insurance policies shall require at least thirty (30) days' prior notice to Northwind of cancellation, non-renewal or material change.",
    ] {
        assert_eq!(renewal_notice(body), None, "{body}");
    }
}
