//! `forward`: routing a person confirms. A ticket of a channel listed in `[routing]
//! manual` is not routed when it is opened: it waits, `new`, in the desk's intake until
//! someone forwards it to the department that handles it. Any open, unresolved ticket
//! can be forwarded (re-routing by hand); its department's people then take it on, so the
//! assignee and the acceptance are cleared and the ticket is `assigned` again.

use super::{Stepped, step};
use crate::desk::{Desk, Id, When, Who};
use crate::error::Result;
use crate::model::ticket::{Action, Ticket};

#[derive(Clone)]
pub struct Forward {
    /// A key of `[departments]`.
    pub department: String,
    /// A person of it, when the forwarder names one.
    pub assignee: Option<String>,
    /// Why, or what the department should know.
    pub text: Option<String>,
}

pub fn forward(desk: &Desk, id: &Id, who: &Who, when: When, o: Forward) -> Result<Stepped> {
    step(desk, id, who, when, Action::Forward, |e| {
        e.department = Some(o.department);
        e.assignee = o.assignee;
        e.text = o.text;
    })
}

/// Whether the ticket still waits in the intake for a person to forward it: open, never
/// routed (no `assign`, `forward` or `escalate` to a department) — what
/// `ticket list --unforwarded` keeps.
pub fn unforwarded(t: &Ticket) -> bool {
    t.is_open() && t.department.is_none()
}
