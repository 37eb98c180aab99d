//! When a write is stamped. The time is decided under the desk lock, together with
//! reading the record, so a writer that waited for the lock is never "too early".

use chrono::{DateTime, FixedOffset, Timelike, Utc};

/// The time a new history entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The clock, read under the lock: never earlier than the record's last entry, so a
    /// write that queued behind another is stamped at least as late as it.
    Now,
    /// A fixed "now" (SVCDESK_NOW, `sla check --now`): treated exactly like `Now`.
    NowIs(DateTime<Utc>),
    /// An explicit time (`--at`): refused if earlier than the record's last entry.
    At(DateTime<Utc>),
}

impl When {
    /// The time to record, given the record's last entry (if any). Records keep whole
    /// seconds. An explicit time before the last entry is `Err(that time)`.
    pub fn resolve(
        self,
        last: Option<DateTime<FixedOffset>>,
    ) -> std::result::Result<DateTime<Utc>, DateTime<Utc>> {
        let whole = |t: DateTime<Utc>| t.with_nanosecond(0).unwrap_or(t);
        let last = last.map(|l| whole(l.to_utc()));
        match self {
            When::Now => Ok(whole(Utc::now()).max(last.unwrap_or(DateTime::<Utc>::MIN_UTC))),
            When::NowIs(t) => Ok(whole(t).max(last.unwrap_or(DateTime::<Utc>::MIN_UTC))),
            When::At(t) if last.is_some_and(|l| whole(t) < l) => Err(whole(t)),
            When::At(t) => Ok(whole(t)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn now_is_never_before_the_last_entry_and_at_is_refused() {
        let last = Some(t("2026-12-02T08:48:30.700+08:00"));
        let early = t("2026-12-02T08:48:29+08:00").to_utc();
        assert_eq!(
            When::NowIs(early).resolve(last),
            Ok(t("2026-12-02T08:48:30+08:00").to_utc())
        );
        assert_eq!(When::At(early).resolve(last), Err(early));
        assert_eq!(
            When::At(t("2026-12-02T08:48:30+08:00").to_utc()).resolve(last),
            Ok(t("2026-12-02T08:48:30+08:00").to_utc())
        );
        assert_eq!(When::At(early).resolve(None), Ok(early));
        assert!(
            When::Now.resolve(last).unwrap()
                >= t("2026-12-02T08:48:30.700+08:00").to_utc() - chrono::Duration::seconds(1)
        );
    }
}
