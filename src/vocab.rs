//! The ticket's vocabulary: closed sets of words with one spelling on disk, on the
//! command line and in CSV (kebab-case; grades as roman numerals).

use serde::{Deserialize, Serialize};

macro_rules! vocab {
    ($(#[$m:meta])* $name:ident { $($(#[doc = $doc:literal])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[doc = $doc])* #[serde(rename = $s)] $v),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            }
            pub fn names() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
        impl $crate::vocab::Word for $name {
            fn all() -> &'static [Self] {
                $name::ALL
            }
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn doc(self) -> &'static [&'static str] {
                match self { $($name::$v => &[$($doc),*]),+ }
            }
            fn vocabulary() -> &'static str {
                concat!(module_path!(), "::", stringify!($name))
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A word of a closed vocabulary, as the command line offers it: every spelling, and
/// what each means (its doc comment), so `--help`, man pages and completions list them.
pub trait Word: Copy + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn as_str(self) -> &'static str;
    /// The lines of the word's doc comment, as written.
    fn doc(self) -> &'static [&'static str];
    /// The vocabulary's path (`svcdesk::vocab::State`), which names its words'
    /// translations (`crate::i18n::word`).
    fn vocabulary() -> &'static str;
}

// Other vocabularies (measures', reports') are declared the same way where they live.
pub(crate) use vocab;

vocab!(
    /// Where a ticket is in its life. See `State::allowed` for the machine.
    State {
        /// Registered, not yet routed.
        New = "new",
        /// Routed to a department and/or person, waiting for acceptance.
        Assigned = "assigned",
        /// The assignee confirmed receipt.
        Accepted = "accepted",
        /// Being diagnosed / worked on.
        InProgress = "in-progress",
        /// Waiting for the customer, parts or another department.
        Waiting = "waiting",
        /// Solved; waiting for feedback, revisit and closing.
        Resolved = "resolved",
        /// Archived.
        Closed = "closed",
        /// Merged into another ticket (`ticket merge`): final; its story goes on there.
        Merged = "merged",
    }
);

vocab!(
    /// 问题等级: I general (一般), II serious (严重), III major (重大).
    Grade {
        /// General (一般): minor fault of a non-core function.
        I = "I",
        /// Serious (严重): core function broken.
        II = "II",
        /// Major (重大): safety, batch quality, regulator/media threat.
        III = "III",
    }
);

vocab!(Priority { High = "high", Medium = "medium", Low = "low" });

vocab!(
    /// How the request reached the desk.
    Channel {
        Phone = "phone",
        Email = "email",
        Fax = "fax",
        /// Written form passed on by sales staff.
        Written = "written",
        Chat = "chat",
        WebMessage = "web-message",
        OnlineForm = "online-form",
        /// WeChat or other social media.
        Wechat = "wechat",
        Sms = "sms",
        WalkIn = "walk-in",
        /// A regulator or the media (public opinion, 舆情).
        Regulator = "regulator",
        Media = "media",
    }
);

vocab!(
    /// What a complaint is about.
    ComplaintKind {
        /// 服务态度 service attitude.
        Attitude = "attitude",
        /// 处理结果 the handling result.
        Result = "result",
        /// The same problem after several fixes.
        Repeated = "repeated",
        /// 重大舆情: social media, regulator.
        PublicOpinion = "public-opinion",
    }
);

vocab!(
    /// Every kind of event in a ticket's history.
    Action {
        Open = "open",
        Grade = "grade",
        Assign = "assign",
        Accept = "accept",
        Note = "note",
        Respond = "respond",
        Diagnose = "diagnose",
        Plan = "plan",
        Collab = "collab",
        CollabReply = "collab-reply",
        Escalate = "escalate",
        Wait = "wait",
        Resume = "resume",
        Resolve = "resolve",
        Revisit = "revisit",
        Close = "close",
        Reopen = "reopen",
        Link = "link",
        CompRequest = "comp-request",
        CompReview = "comp-review",
        CompApprove = "comp-approve",
        CompReject = "comp-reject",
        SlaNotified = "sla-notified",
        /// Personal data replaced by `[redacted]` in an earlier event (PIPL).
        Redact = "redact",
        /// This ticket was merged into `ticket` (`ticket merge`); it is now `merged`.
        MergedInto = "merged-into",
        /// The ticket `ticket` was merged into this one (`ticket merge`).
        MergedFrom = "merged-from",
        /// A correction of one field after opening (`field`, `old`, `new`).
        Set = "set",
        /// The warehouse shipped parts or a product (`items`, `carrier`, `tracking`, `address`).
        Ship = "ship",
        /// The shipment reached the customer.
        Delivered = "delivered",
        /// The legal department reviewed the compensation plan (`verdict`).
        LegalReview = "legal-review",
        /// The manager heading a grade III case's special team (`lead`).
        Lead = "lead",
        /// The plan was told to the customer (`plan --told`).
        PlanTold = "plan-told",
        /// A promise to the customer (`promised`, `text`), or with `kept` its keeping:
        /// a run of the built-in `promise` timer.
        Promise = "promise",
        /// Routing a person confirms (`ticket forward`): the ticket goes to `department`.
        Forward = "forward",
        /// The department head's (or a delegate's) review (`verdict`, `text`): `[review]`
        /// gates a step on an approving one; a rejection sends the ticket back.
        Review = "review",
        /// `sla check --apply` told (the `waiting-reminder` hook) of a ticket waiting longer
        /// than `[lifecycle] remind_waiting_after`: once per wait.
        WaitingReminder = "waiting-reminder",
        /// `by` follows the ticket from now on (`ticket follow`): told of its resolve and
        /// close with the opener (SVCDESK_FOLLOWERS).
        Follow = "follow",
        /// The customer answered (an e-mail reply by `intake mail`, a form): `text`,
        /// `channel`, `files`, `message_id`. The one "customer replied" signal, with a
        /// `revisit` after the resolve (see `model::lifecycle::customer_replied`).
        CustomerReply = "customer-reply",
        /// A return or exchange (退换货, category `return`) approved or rejected
        /// (`verdict`): `ticket approve-return`.
        ApproveReturn = "approve-return",
    }
);

vocab!(
    /// How two tickets are linked.
    LinkKind {
        Duplicate = "duplicate",
        Related = "related",
        RepeatOf = "repeat-of",
        /// Opened by `ticket split` from the other ticket.
        SplitFrom = "split-from",
        /// Part of it was split off into the other ticket (`ticket split`).
        SplitInto = "split-into",
    }
);

vocab!(
    /// 补偿/赔款 kinds.
    CompKind {
        Coupon = "coupon",
        Refund = "refund",
        /// A new product for the faulty one (needs goods: starts the `ship` timer).
        Exchange = "exchange",
        Repair = "repair",
        Cash = "cash",
        /// A replacement product or part (needs goods: starts the `ship` timer).
        Replacement = "replacement",
    }
);

vocab!(
    /// Where a compensation request stands: finance reviews, the general manager decides.
    CompState { Requested = "requested", Reviewed = "reviewed", Approved = "approved", Rejected = "rejected" }
);

vocab!(Visibility { Internal = "internal", Customer = "customer" });

vocab!(
    /// A review's verdict: the legal department's on a compensation plan (`comp
    /// legal-review`), a head's or delegate's before a gated step (`ticket review`).
    Verdict { Approved = "approved", Rejected = "rejected" }
);

vocab!(
    /// How far a timer run had gone when `sla check --notify` told of it (the `level` of
    /// an `sla-notified` event; an event without one, from older svcdesk, means breach).
    NotifyLevel { AtRisk = "at-risk", Breach = "breach" }
);

vocab!(
    /// What `sla check --apply` does when the day of a `wait --until` has begun (the
    /// `then` of the wait event; absent, from older svcdesk or not given, means resume).
    WaitThen { Resume = "resume", Close = "close" }
);
