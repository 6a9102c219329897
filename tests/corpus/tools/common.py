"""Shared constants for the corpus tools.

CLAUSE_CATEGORIES: the 33 yes/no clause categories of the CUAD-style gold schema
(same ids as the development set, so one scorer reads both).
"""

CLAUSE_CATEGORIES = [
    "most_favored_nation",
    "competitive_restriction_exception",
    "non_compete",
    "exclusivity",
    "no_solicit_of_customers",
    "no_solicit_of_employees",
    "non_disparagement",
    "termination_for_convenience",
    "rofr_rofo_rofn",
    "change_of_control",
    "anti_assignment",
    "revenue_profit_sharing",
    "price_restrictions",
    "minimum_commitment",
    "volume_restriction",
    "ip_ownership_assignment",
    "joint_ip_ownership",
    "license_grant",
    "non_transferable_license",
    "affiliate_license_licensor",
    "affiliate_license_licensee",
    "unlimited_all_you_can_eat_license",
    "irrevocable_or_perpetual_license",
    "source_code_escrow",
    "post_termination_services",
    "audit_rights",
    "uncapped_liability",
    "cap_on_liability",
    "liquidated_damages",
    "warranty_duration",
    "insurance",
    "covenant_not_to_sue",
    "third_party_beneficiary",
]


def O(obligor, action, timing=None, threshold=None, vague=False):
    """One obligation label: (obligor, action_contains, timing, threshold, vague).

    timing: None | "w:P30D" (within) | "wb:P5D" (within, business days) |
            "r:quarterly[:P15D]" (recurring) | "rb:monthly:P10D" | "d:2025-09-30" (by date)
    """
    return (obligor, action, timing, threshold, vague)
