//! Use cases: each command runs in one transaction and writes its audit row in it.

pub mod dashboard;
pub mod development;
pub mod export;
pub mod findings;
pub mod import;
pub mod members;
pub mod org_terms;
pub mod orgs;
pub mod penalties;
pub mod settings;
pub mod users;

use crate::auth::scope::Scope;
use crate::error::{AppError, AppResult};

/// Refuses writes from read-only roles.
pub fn require_write(scope: &Scope) -> AppResult<()> {
    if scope.can_write() {
        Ok(())
    } else {
        Err(AppError::forbidden("当前账号为只读角色，不能修改数据"))
    }
}
