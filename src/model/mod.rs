//! The records and their operations. Every write takes the desk lock, reads the file,
//! changes it through `toml_edit` (so a person's comments and layout survive), and
//! replaces it atomically.

pub mod customer;
pub mod listing;
pub mod measure;
pub mod redact;
pub mod report;
pub mod ticket;
pub mod ticket_cache;
pub mod ticket_store;
pub mod vocab;
pub mod worklog;
