//! Service-level deadlines: evaluating a desk's SLA timers on tickets ([`policy`]), the
//! holiday years their deadlines need ([`coverage`]) and the timer columns of lists
//! ([`view`]). The calendar and targets they count in are [`crate::time`]; the policy is
//! compiled from `[sla]` by [`crate::config::policy`].
//!
//! This module is pure: it reads no files, prints nothing and never looks at the clock.

pub mod check;
pub mod coverage;
pub mod policy;
pub mod view;
pub mod visit;

pub use coverage::HolidayGaps;
pub use policy::{TimerState, TimerStatus};
