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
    /// Change obligation status, record measurements.
    UpdateObligations,
    /// Read the audit trail.
    ReadAudit,
    /// Manage playbooks.
    ManagePlaybooks,
    /// Manage users, tokens and settings.
    ManageUsers,
}

/// Every permission, for matrix checks and documentation.
pub const ALL_PERMISSIONS: [Permission; 8] = [
    Permission::Read,
    Permission::WriteAgreements,
    Permission::DeleteAgreements,
    Permission::Govern,
    Permission::UpdateObligations,
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
            Self::Procurement => {
                matches!(p, Read | WriteAgreements | UpdateObligations | ReadAudit)
            }
            Self::BusinessOwner => matches!(p, Read | UpdateObligations),
            Self::Viewer => matches!(p, Read),
            Self::Counterparty => matches!(p, Read | UpdateObligations),
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
}
