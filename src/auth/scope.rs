//! The scope of a request: who is asking and which part of the org tree they may see.

use crate::domain::Role;

/// Computed once per request from the session; every repo function takes it.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The user's id.
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the UI and the audit log.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// The org the user's scope is anchored at (root for school admins).
    pub org_id: i64,
    /// Materialized path of that org (`/1/5/`); everything visible starts with it.
    pub root_path: String,
    /// For the `member` role: the member record the user is.
    pub member_id: Option<i64>,
    /// The session's CSRF token (empty for bearer-token requests, which need none).
    pub csrf: String,
}

impl Scope {
    /// True when an org path lies in the visible subtree.
    pub fn covers(&self, path: &str) -> bool {
        match self.role {
            // A member sees their own branch only, not its neighbours or children.
            Role::Member => path == self.root_path,
            _ => path.starts_with(&self.root_path),
        }
    }
    /// True when the user may change data.
    pub fn can_write(&self) -> bool {
        self.role.can_write()
    }
    /// A scope for command-line tools and the demo loader: the whole tree, acting as `actor`.
    pub fn system(actor: &str) -> Scope {
        Scope {
            user_id: 0,
            username: actor.to_string(),
            display_name: actor.to_string(),
            role: Role::SchoolAdmin,
            org_id: 0,
            root_path: "/".to_string(),
            member_id: None,
            csrf: String::new(),
        }
    }
}
