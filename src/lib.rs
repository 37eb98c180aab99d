//! svcdesk: an after-sales service and complaint desk kept as TOML files.
//!
//! The library holds every rule and never prints; the `svcdesk` binary parses
//! arguments, calls in here, and renders. Its modules form layers, each importing only
//! those below it; `layers_test.rs` holds the map and fails the build on an upward use.

// values
pub mod error;
pub mod i18n;
pub mod keypath;
pub mod names;
pub mod output;
pub mod time;
pub mod vocab;
// config
pub mod config;
// desk
pub mod desk;
// records
pub mod model;
// folds
pub mod check;
pub mod ledger;
pub mod sla;
pub mod stats;
pub mod template;
pub mod workbook;
// effects
pub mod git;
pub mod hooks;

pub use error::{Error, Result};

#[cfg(test)]
mod layers_test;
