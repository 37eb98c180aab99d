//! Git-native collaboration: the record merge (pure) and the repository setup that
//! registers it as git's merge driver for record files.

pub mod driver;
pub mod merge;
pub mod setup;
