//! svcdesk: an after-sales service and complaint desk kept as TOML files.
//!
//! The library holds every rule and never prints; the `svcdesk` binary parses
//! arguments, calls in here, and renders.

pub mod check;
pub mod config;
pub mod desk;
pub mod error;
pub mod git;
pub mod hooks;
pub mod keypath;
pub mod ledger;
pub mod model;
pub mod output;
pub mod sla;
pub mod stats;

pub use error::{Error, Result};
