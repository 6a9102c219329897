//! The clause taxonomy: the category ids analysis assigns to clauses and playbooks refer to.
//! Documented in docs/taxonomy.md; includes every clause category of the CUAD labelling scheme.

/// One category of the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    /// Stable id, e.g. `cap_on_liability`.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Group for display (e.g. "Risk allocation").
    pub group: &'static str,
    /// What the category covers.
    pub covers: &'static str,
    /// Whether the id is one of the clause categories of the CUAD labelling scheme.
    pub cuad: bool,
}

/// Every category, grouped for display.
pub const CATEGORIES: &[Category] = &[
    Category {
        id: "parties",
        name: "Parties",
        group: "Structure",
        covers: "The preamble naming the parties, their legal form and defined short names.",
        cuad: false,
    },
    Category {
        id: "recitals",
        name: "Recitals",
        group: "Structure",
        covers: "WHEREAS / Background paragraphs explaining why the parties contract.",
        cuad: false,
    },
    Category {
        id: "definitions",
        name: "Definitions",
        group: "Structure",
        covers: "Defined terms and rules of interpretation.",
        cuad: false,
    },
    Category {
        id: "schedule",
        name: "Schedule / exhibit",
        group: "Structure",
        covers: "Schedules, exhibits, annexes, appendices and attachments.",
        cuad: false,
    },
    Category {
        id: "signatures",
        name: "Signatures",
        group: "Structure",
        covers: "Signature blocks and execution formalities (IN WITNESS WHEREOF).",
        cuad: false,
    },
    Category {
        id: "scope_objectives",
        name: "Scope & objectives",
        group: "Cooperation",
        covers: "Purpose of the cooperation, its scope, goals and the parties' intent to collaborate.",
        cuad: false,
    },
    Category {
        id: "obligations_performance",
        name: "Obligations & performance standards",
        group: "Cooperation",
        covers: "Duties of the parties, service levels, KPIs, milestones, deliverables, efforts standards.",
        cuad: false,
    },
    Category {
        id: "governance",
        name: "Governance",
        group: "Cooperation",
        covers: "Steering or joint committees, alliance/partner managers, representatives, meetings.",
        cuad: false,
    },
    Category {
        id: "reporting",
        name: "Reporting",
        group: "Cooperation",
        covers: "Duties to provide reports (monthly, quarterly, annual) to the other party.",
        cuad: false,
    },
    Category {
        id: "review_cycle",
        name: "Review cycle",
        group: "Cooperation",
        covers: "Periodic review of the agreement or of performance (annual business review).",
        cuad: false,
    },
    Category {
        id: "relationship_of_parties",
        name: "Relationship of the parties",
        group: "Cooperation",
        covers: "Independent contractors; no partnership, joint venture, agency or employment.",
        cuad: false,
    },
    Category {
        id: "term",
        name: "Term",
        group: "Term & exit",
        covers: "Commencement, duration and expiry of the agreement.",
        cuad: false,
    },
    Category {
        id: "renewal",
        name: "Renewal",
        group: "Term & exit",
        covers: "Automatic or optional renewal or extension and renewal terms.",
        cuad: false,
    },
    Category {
        id: "termination",
        name: "Termination",
        group: "Term & exit",
        covers: "Any right to terminate the agreement.",
        cuad: false,
    },
    Category {
        id: "termination_for_convenience",
        name: "Termination for convenience",
        group: "Term & exit",
        covers: "A party may terminate without cause, usually on notice (CUAD).",
        cuad: true,
    },
    Category {
        id: "termination_for_cause",
        name: "Termination for cause",
        group: "Term & exit",
        covers: "Termination for breach, default, insolvency, with or without a cure period.",
        cuad: false,
    },
    Category {
        id: "effects_of_termination",
        name: "Effects of termination",
        group: "Term & exit",
        covers: "What happens on termination or expiry; survival of clauses.",
        cuad: false,
    },
    Category {
        id: "post_termination_services",
        name: "Post-termination services",
        group: "Term & exit",
        covers: "Duties after termination or expiry: transition, wind-down, sell-off, continued services (CUAD).",
        cuad: true,
    },
    Category {
        id: "data_return",
        name: "Data return",
        group: "Term & exit",
        covers: "Return or destruction of data, materials and confidential information on exit.",
        cuad: false,
    },
    Category {
        id: "payment",
        name: "Payment",
        group: "Commercial",
        covers: "Fees, prices, invoicing and payment terms.",
        cuad: false,
    },
    Category {
        id: "revenue_profit_sharing",
        name: "Revenue / profit sharing",
        group: "Commercial",
        covers: "Royalties, commissions, revenue or profit shares (CUAD).",
        cuad: true,
    },
    Category {
        id: "price_restrictions",
        name: "Price restrictions",
        group: "Commercial",
        covers: "Limits on raising or changing prices; fixed pricing (CUAD).",
        cuad: true,
    },
    Category {
        id: "minimum_commitment",
        name: "Minimum commitment",
        group: "Commercial",
        covers: "Minimum order, purchase, volume, fee or royalty commitments (CUAD).",
        cuad: true,
    },
    Category {
        id: "volume_restriction",
        name: "Volume restriction",
        group: "Commercial",
        covers: "Caps on quantities or usage; fees or consent above a threshold (CUAD).",
        cuad: true,
    },
    Category {
        id: "most_favored_nation",
        name: "Most-favoured terms",
        group: "Commercial",
        covers: "Terms at least as favourable as those given to any third party (CUAD).",
        cuad: true,
    },
    Category {
        id: "liquidated_damages",
        name: "Liquidated damages / termination fee",
        group: "Commercial",
        covers: "Liquidated damages, termination or cancellation fees (CUAD).",
        cuad: true,
    },
    Category {
        id: "ip_ownership",
        name: "IP ownership",
        group: "Intellectual property",
        covers: "Who owns intellectual property created or used under the agreement.",
        cuad: false,
    },
    Category {
        id: "background_ip",
        name: "Background IP",
        group: "Intellectual property",
        covers: "Pre-existing (background) IP stays with its owner.",
        cuad: false,
    },
    Category {
        id: "ip_ownership_assignment",
        name: "IP ownership assignment",
        group: "Intellectual property",
        covers: "IP created under the agreement is assigned to or owned by a party (CUAD).",
        cuad: true,
    },
    Category {
        id: "joint_ip_ownership",
        name: "Joint IP ownership",
        group: "Intellectual property",
        covers: "IP jointly owned by the parties (CUAD).",
        cuad: true,
    },
    Category {
        id: "license_grant",
        name: "License grant",
        group: "Intellectual property",
        covers: "A licence or right to use granted by one party to another (CUAD).",
        cuad: true,
    },
    Category {
        id: "non_transferable_license",
        name: "Non-transferable license",
        group: "Intellectual property",
        covers: "A licence that may not be transferred or sublicensed (CUAD).",
        cuad: true,
    },
    Category {
        id: "affiliate_license_licensor",
        name: "Affiliate license (licensor)",
        group: "Intellectual property",
        covers: "A licence granted by the licensor's affiliates (CUAD).",
        cuad: true,
    },
    Category {
        id: "affiliate_license_licensee",
        name: "Affiliate license (licensee)",
        group: "Intellectual property",
        covers: "A licence extending to the licensee's affiliates (CUAD).",
        cuad: true,
    },
    Category {
        id: "unlimited_all_you_can_eat_license",
        name: "Unlimited-use license",
        group: "Intellectual property",
        covers: "Unlimited copies, users or use; enterprise-wide licences (CUAD).",
        cuad: true,
    },
    Category {
        id: "irrevocable_or_perpetual_license",
        name: "Irrevocable or perpetual license",
        group: "Intellectual property",
        covers: "A licence that is perpetual or irrevocable (CUAD).",
        cuad: true,
    },
    Category {
        id: "source_code_escrow",
        name: "Source code escrow",
        group: "Intellectual property",
        covers: "Deposit of source code with an escrow agent (CUAD).",
        cuad: true,
    },
    Category {
        id: "confidentiality",
        name: "Confidentiality",
        group: "Information",
        covers: "Non-disclosure and protection of confidential information, its duration and survival.",
        cuad: false,
    },
    Category {
        id: "data_protection",
        name: "Data protection",
        group: "Information",
        covers: "Personal data, privacy, GDPR/HIPAA, data security and breaches.",
        cuad: false,
    },
    Category {
        id: "publicity",
        name: "Publicity",
        group: "Information",
        covers: "Press releases, public announcements, use of names and logos.",
        cuad: false,
    },
    Category {
        id: "cap_on_liability",
        name: "Cap on liability",
        group: "Risk allocation",
        covers: "Limits on liability: monetary caps and exclusions of damage types (CUAD).",
        cuad: true,
    },
    Category {
        id: "liability_cap",
        name: "Liability cap (amount or formula)",
        group: "Risk allocation",
        covers: "A monetary cap or formula such as fees paid in the preceding 12 months.",
        cuad: false,
    },
    Category {
        id: "uncapped_liability",
        name: "Uncapped liability",
        group: "Risk allocation",
        covers: "Carve-outs from the liability limits, or liability stated to be unlimited (CUAD).",
        cuad: true,
    },
    Category {
        id: "exclusion_of_damages",
        name: "Exclusion of damages",
        group: "Risk allocation",
        covers: "Excluded indirect, consequential, special, punitive damages, lost profits, data.",
        cuad: false,
    },
    Category {
        id: "indemnification",
        name: "Indemnification",
        group: "Risk allocation",
        covers: "Indemnities and hold-harmless undertakings, mutual or one-way.",
        cuad: false,
    },
    Category {
        id: "insurance",
        name: "Insurance",
        group: "Risk allocation",
        covers: "Duties to hold insurance, coverage amounts, certificates (CUAD).",
        cuad: true,
    },
    Category {
        id: "warranties",
        name: "Warranties",
        group: "Risk allocation",
        covers: "Representations, warranties and disclaimers.",
        cuad: false,
    },
    Category {
        id: "warranty_duration",
        name: "Warranty duration",
        group: "Risk allocation",
        covers: "How long a warranty lasts (CUAD).",
        cuad: true,
    },
    Category {
        id: "covenant_not_to_sue",
        name: "Covenant not to sue",
        group: "Risk allocation",
        covers: "A party agrees not to sue or not to challenge rights or validity (CUAD).",
        cuad: true,
    },
    Category {
        id: "third_party_beneficiary",
        name: "Third-party beneficiary",
        group: "Risk allocation",
        covers: "Third-party beneficiaries granted or excluded (CUAD).",
        cuad: true,
    },
    Category {
        id: "force_majeure",
        name: "Force majeure",
        group: "Risk allocation",
        covers: "Events beyond a party's reasonable control excusing performance.",
        cuad: false,
    },
    Category {
        id: "dispute_resolution",
        name: "Dispute resolution",
        group: "Enforcement",
        covers: "How disputes are resolved: negotiation, mediation, arbitration or courts.",
        cuad: false,
    },
    Category {
        id: "negotiation_escalation",
        name: "Negotiation / escalation",
        group: "Enforcement",
        covers: "Good-faith negotiation and escalation to senior executives before other steps.",
        cuad: false,
    },
    Category {
        id: "mediation",
        name: "Mediation",
        group: "Enforcement",
        covers: "Referral of disputes to mediation.",
        cuad: false,
    },
    Category {
        id: "arbitration",
        name: "Arbitration",
        group: "Enforcement",
        covers: "Binding arbitration, rules and seat.",
        cuad: false,
    },
    Category {
        id: "jurisdiction_venue",
        name: "Jurisdiction & venue",
        group: "Enforcement",
        covers: "Courts with jurisdiction, venue and forum.",
        cuad: false,
    },
    Category {
        id: "governing_law",
        name: "Governing law",
        group: "Enforcement",
        covers: "The law that governs the agreement.",
        cuad: false,
    },
    Category {
        id: "audit_rights",
        name: "Audit rights",
        group: "Enforcement",
        covers: "Rights to audit or inspect books, records or facilities (CUAD).",
        cuad: true,
    },
    Category {
        id: "compliance",
        name: "Compliance",
        group: "Enforcement",
        covers: "Compliance with laws, anti-corruption, export control and sanctions.",
        cuad: false,
    },
    Category {
        id: "assignment",
        name: "Assignment",
        group: "Boilerplate",
        covers: "Assignment and transfer of the agreement.",
        cuad: false,
    },
    Category {
        id: "anti_assignment",
        name: "Anti-assignment",
        group: "Boilerplate",
        covers: "Assignment requires consent or is prohibited (CUAD).",
        cuad: true,
    },
    Category {
        id: "change_of_control",
        name: "Change of control",
        group: "Boilerplate",
        covers: "Rights triggered by a merger, acquisition or change of control (CUAD).",
        cuad: true,
    },
    Category {
        id: "notices",
        name: "Notices",
        group: "Boilerplate",
        covers: "How notices are given and when they are deemed received.",
        cuad: false,
    },
    Category {
        id: "entire_agreement",
        name: "Entire agreement",
        group: "Boilerplate",
        covers: "The agreement supersedes prior understandings.",
        cuad: false,
    },
    Category {
        id: "severability",
        name: "Severability",
        group: "Boilerplate",
        covers: "Invalid provisions are severed; the rest survives.",
        cuad: false,
    },
    Category {
        id: "amendment_waiver",
        name: "Amendment & waiver",
        group: "Boilerplate",
        covers: "Amendments in writing; no waiver by failure to enforce.",
        cuad: false,
    },
    Category {
        id: "counterparts",
        name: "Counterparts",
        group: "Boilerplate",
        covers: "Execution in counterparts and electronic signatures.",
        cuad: false,
    },
    Category {
        id: "non_compete",
        name: "Non-compete",
        group: "Restrictive covenants",
        covers: "A party may not compete or deal in competing products (CUAD).",
        cuad: true,
    },
    Category {
        id: "exclusivity",
        name: "Exclusivity",
        group: "Restrictive covenants",
        covers: "Exclusive rights, appointments or dealings (CUAD).",
        cuad: true,
    },
    Category {
        id: "competitive_restriction_exception",
        name: "Competitive restriction exception",
        group: "Restrictive covenants",
        covers: "Exceptions and carve-outs to non-compete, exclusivity or no-solicit clauses (CUAD).",
        cuad: true,
    },
    Category {
        id: "non_solicitation",
        name: "Non-solicitation",
        group: "Restrictive covenants",
        covers: "Any no-solicit covenant (employees or customers).",
        cuad: false,
    },
    Category {
        id: "no_solicit_of_employees",
        name: "No-solicit of employees",
        group: "Restrictive covenants",
        covers: "No soliciting or hiring the other party's employees (CUAD).",
        cuad: true,
    },
    Category {
        id: "no_solicit_of_customers",
        name: "No-solicit of customers",
        group: "Restrictive covenants",
        covers: "No soliciting or diverting the other party's customers (CUAD).",
        cuad: true,
    },
    Category {
        id: "non_disparagement",
        name: "Non-disparagement",
        group: "Restrictive covenants",
        covers: "No disparaging statements about the other party (CUAD).",
        cuad: true,
    },
    Category {
        id: "rofr_rofo_rofn",
        name: "Right of first refusal / offer / negotiation",
        group: "Restrictive covenants",
        covers: "Rights of first refusal, first offer or first negotiation (CUAD).",
        cuad: true,
    },
];

/// Looks a category up by id.
pub fn category(id: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.id == id)
}

/// The display groups, in order.
pub fn groups() -> Vec<&'static str> {
    let mut g: Vec<&'static str> = Vec::new();
    for c in CATEGORIES {
        if !g.contains(&c.group) {
            g.push(c.group);
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_snake_case() {
        for (i, c) in CATEGORIES.iter().enumerate() {
            assert!(
                c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{}",
                c.id
            );
            assert!(
                CATEGORIES[i + 1..].iter().all(|d| d.id != c.id),
                "duplicate {}",
                c.id
            );
        }
    }

    #[test]
    fn the_33_cuad_clause_categories_are_present() {
        assert_eq!(CATEGORIES.iter().filter(|c| c.cuad).count(), 33);
        assert!(category("cap_on_liability").is_some());
        assert!(category("no_such").is_none());
    }
}
