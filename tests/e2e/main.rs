//! The end-to-end tests: one test binary, so the library and the dev-dependencies are
//! linked once instead of once per file. Each module is one area of the product; `common`
//! holds the desk, clock and staff fixtures they share. New tests go in a module here: a
//! file directly in tests/ would be a test binary of its own again.
//!
//! proptest keeps the regressions of `merge_props` and `proptest_loaders` (if it ever finds
//! one) in tests/proptest-regressions/, next to this directory, as it does for src/.

mod common;

mod attachments;
mod audit;
mod cache;
mod check;
mod concurrency;
mod config_errors;
mod crash;
mod crm;
mod csv_lang;
mod customer;
mod customer_cache;
mod desk;
mod disk_faults;
mod docs;
mod examples;
mod exit_codes;
mod export;
mod fields;
mod forms;
mod git;
mod hooks;
mod hooks_trust;
mod hostile;
mod import_atomic;
mod import_attachments;
mod import_tickets;
mod intake;
mod intel;
mod ladder;
mod lang;
mod lifecycle;
mod measure;
mod merge_props;
mod parts;
mod promises;
mod promises_made;
mod proptest_loaders;
mod reach;
mod readme;
mod report;
mod review;
mod schedules;
mod shared_desk;
mod sla;
mod sla_keys;
mod stats;
mod templates;
mod ticket;
mod ticket_bulk;
mod ticket_merge;
mod ticket_search;
mod ticket_set;
mod tiers;
mod views;
mod visits;
mod workbook;
