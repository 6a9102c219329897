//! Roles and permissions: the one permission matrix every edge enforces (see
//! docs/security.md). A role grants a fixed set of permissions; nothing else is checked.

use crate::ValidationError;
use serde::{Deserialize, Serialize};

/// A user's role in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, settings, playbooks, and everything legal can do.
    Admin,
    /// Everything on agreements.
    Legal,
    /// Agreements and obligations, no deletion or governance.
    Procurement,
    /// Their own agreements; updates obligations.
    BusinessOwner,
    /// Read-only.
    Viewer,
    /// A counterparty's user: sees only what is shared with their party.
    Counterparty,
}

/// Something a request may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read agreements, clauses, terms, obligations.
    Read,
    /// Create and edit agreements, terms, documents.
    WriteAgreements,
    /// Delete agreements.
    DeleteAgreements,
    /// Move agreements through their lifecycle, approve, sign.
    Govern,
    /// Change obligation status and owner, waive or reopen occurrences, record measurements,
    /// manage watchers.
    UpdateObligations,
    /// Mark an occurrence of a visible obligation done and attach evidence to it. Counterparty
    /// users hold this without `UpdateObligations`: they report their own performance but do
    /// not waive or reassign duties.
    CompleteOccurrences,
    /// See what the organisation keeps to itself: playbook findings and risk scores, approval
    /// rounds and policy, transitions, reviews, disputes, watchers, alerts and measurements.
    ReadInternal,
    /// Read the audit trail.
    ReadAudit,
    /// Manage playbooks.
    ManagePlaybooks,
    /// Manage users, tokens and settings.
    ManageUsers,
}

/// Every permission, for matrix checks and documentation.
pub const ALL_PERMISSIONS: [Permission; 10] = [
    Permission::Read,
    Permission::WriteAgreements,
    Permission::DeleteAgreements,
    Permission::Govern,
    Permission::UpdateObligations,
    Permission::CompleteOccurrences,
    Permission::ReadInternal,
    Permission::ReadAudit,
    Permission::ManagePlaybooks,
    Permission::ManageUsers,
];

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Self::Admin,
        Self::Legal,
        Self::Procurement,
        Self::BusinessOwner,
        Self::Viewer,
        Self::Counterparty,
    ];

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Legal => "legal",
            Self::Procurement => "procurement",
            Self::BusinessOwner => "business_owner",
            Self::Viewer => "viewer",
            Self::Counterparty => "counterparty",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or_else(|| {
            ValidationError::new("role", format!("{s:?} is not a role (admin, legal, procurement, business_owner, viewer, counterparty)"))
        })
    }

    /// Whether this role holds every permission `other` holds.
    pub fn allows_all_of(self, other: Role) -> bool {
        ALL_PERMISSIONS
            .iter()
            .all(|p| !other.allows(*p) || self.allows(*p))
    }

    /// The permission matrix.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Admin => true,
            Self::Legal => !matches!(p, ManageUsers | ManagePlaybooks),
            Self::Procurement => matches!(
                p,
                Read | ReadInternal
                    | WriteAgreements
                    | UpdateObligations
                    | CompleteOccurrences
                    | ReadAudit
            ),
            Self::BusinessOwner => {
                matches!(
                    p,
                    Read | ReadInternal | UpdateObligations | CompleteOccurrences
                )
            }
            Self::Viewer => matches!(p, Read | ReadInternal),
            // The other company's user: the shared text and its own party's duties, nothing
            // internal (see docs/security.md, "Counterparty scope").
            Self::Counterparty => matches!(p, Read | CompleteOccurrences),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users_and_viewers_only_read() {
        for r in Role::ALL {
            assert_eq!(r.allows(Permission::ManageUsers), r == Role::Admin, "{r:?}");
            assert!(r.allows(Permission::Read));
        }
        assert!(!Role::Viewer.allows(Permission::UpdateObligations));
        assert!(Role::Legal.allows(Permission::Govern));
        assert!(!Role::Procurement.allows(Permission::DeleteAgreements));
    }

    #[test]
    fn only_counterparties_lack_internal_reads_and_they_only_complete_occurrences() {
        for r in Role::ALL {
            assert_eq!(
                r.allows(Permission::ReadInternal),
                r != Role::Counterparty,
                "{r:?}"
            );
            // Whoever may change an obligation may also record its completion.
            assert!(
                !r.allows(Permission::UpdateObligations)
                    || r.allows(Permission::CompleteOccurrences)
            );
        }
        let cp = Role::Counterparty;
        assert!(cp.allows(Permission::CompleteOccurrences));
        for p in ALL_PERMISSIONS {
            assert_eq!(
                cp.allows(p),
                matches!(p, Permission::Read | Permission::CompleteOccurrences),
                "{p:?}"
            );
        }
        assert!(!Role::Viewer.allows(Permission::CompleteOccurrences));
    }
}
