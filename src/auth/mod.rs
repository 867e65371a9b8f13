//! Authentication and request scoping.
pub mod scope;
