//! jiceng (基层): a platform for a university's grassroots party-organization work.
//!
//! Layers, dependencies pointing down only: `web` → `service` → `repo` → `rules` → `domain`.
//! See ARCHITECTURE.md.

pub mod auth;
pub mod calendar;
pub mod cli;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod excel;
pub mod repo;
pub mod rules;
pub mod service;
pub mod util;
pub mod web;
pub mod workdays;
