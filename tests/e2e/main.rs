//! The end-to-end tests: one test binary, so the library, the dev-dependencies and the
//! `svcdesk` binary are linked once instead of once per file. Each module is one area of the
//! product; `common` holds the desk, clock and staff fixtures they share.

mod common;

mod audit;
mod cache;
mod check;
mod concurrency;
mod config_errors;
mod crash;
mod csv_lang;
mod customer;
mod desk;
mod disk_faults;
mod docs;
mod examples;
mod exit_codes;
mod export;
mod git;
mod hooks;
mod hooks_trust;
mod hostile;
mod import_atomic;
mod import_tickets;
mod measure;
mod merge_props;
mod proptest_loaders;
mod readme;
mod report;
mod shared_desk;
mod sla;
mod stats;
mod ticket;
