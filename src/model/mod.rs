//! The records and their operations. Every write takes the desk lock, reads the file,
//! changes it through `toml_edit` (so a person's comments and layout survive), and
//! replaces it atomically.
//!
//! [`record`] is the history engine tickets and measures share (replay, append in time
//! order, check, the merge's re-derivation of fields); [`names`] checks the names a
//! record takes from the config. Refusals are typed; the CLI words the advice.

pub mod customer;
pub mod duplicates;
pub mod fields;
pub mod intake;
pub mod intel;
pub mod lifecycle;
pub mod listing;
pub mod measure;
pub mod names;
pub mod record;
pub mod redact;
pub mod report;
pub mod report_review;
pub mod routing;
pub mod schedule;
pub mod search;
pub mod steps;
pub mod ticket;
pub mod ticket_cache;
pub mod ticket_store;
pub mod visit;
pub mod worklog;
