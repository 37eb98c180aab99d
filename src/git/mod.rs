//! Git-native collaboration: the record merge (pure), the repository setup that
//! registers it as git's merge driver for record files, and the audit of who committed
//! each event.

pub mod audit;
pub mod driver;
pub mod merge;
pub mod setup;
