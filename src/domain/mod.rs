//! Domain types: closed vocabularies and validated values. No IO.

pub mod enums;
pub mod idcard;
pub mod text;

pub use enums::*;
