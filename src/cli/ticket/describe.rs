//! The words of `ticket show`: each event in a line, and the SLA section, in the
//! language of [`People`].

use chrono::{DateTime, Utc};
use svcdesk::desk::Desk;
use svcdesk::i18n::{self, word, word_or_empty};
use svcdesk::model::ticket::{Action, Event, Visibility};
use svcdesk::sla::{TimerStatus, view};

use crate::cli::people::People;

/// `text` padded with spaces to `width` terminal columns (CJK counts two).
pub(super) fn pad(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// `text` right-aligned in `width` terminal columns.
fn rpad(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}

fn entered(p: People, who: &str) -> String {
    i18n::tr_args(p.lang, "show-entered-by", &[("who", &p.staff(who))])
}

/// One line per event: what happened, in words.
pub(super) fn describe(e: &Event, p: People) -> String {
    if e.action == Some(Action::Set) {
        let why = e
            .reason
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let by = e
            .entered_by
            .as_ref()
            .map(|w| format!(" ({})", entered(p, w)))
            .unwrap_or_default();
        return format!("{}{why}{by}", super::set::change(e)).replace('\n', " ");
    }
    let mut parts: Vec<String> = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(if k.is_empty() {
                v
            } else {
                format!("{}: {v}", p.label(k))
            });
        }
    };
    put("", e.title.clone());
    put("grade", e.grade.map(|g| word(p.lang, g)));
    put(
        "department",
        e.department.as_deref().map(|d| p.department(d)),
    );
    put("to", e.assignee.as_deref().map(|a| p.staff(a)));
    put("channel", e.channel.map(|c| word(p.lang, c)));
    put("cause", e.cause.clone());
    put("cause code", e.cause_code.as_deref().map(|c| p.cause(c)));
    put("responsibility", e.responsibility.clone());
    put("need", e.need.clone());
    put("due", e.due.map(|d| d.to_string()));
    put("request", e.request.map(|n| format!("#{n}")));
    put("", e.text.clone());
    put("parts", e.parts.clone());
    put("efficiency", e.efficiency.map(|n| n.to_string()));
    put("attitude", e.attitude.map(|n| n.to_string()));
    put("result", e.result.map(|n| n.to_string()));
    put("satisfaction", e.satisfaction.map(|n| n.to_string()));
    put(
        "",
        e.link.map(|k| {
            format!(
                "{} {}",
                word(p.lang, k),
                e.ticket.clone().unwrap_or_default()
            )
        }),
    );
    put(
        "",
        e.amount.as_ref().map(|a| {
            format!(
                "{a} {} {}",
                e.currency.clone().unwrap_or_default(),
                word_or_empty(p.lang, e.comp_kind)
            )
        }),
    );
    put("", e.ticket.clone().filter(|_| e.link.is_none()));
    put("timer", e.timer.as_deref().map(|t| p.timer(t)));
    put("items", e.items.clone());
    put("carrier", e.carrier.clone());
    put("tracking", e.tracking.clone());
    put("to", e.address.clone());
    put("lead", e.lead.as_deref().map(|l| p.staff(l)));
    let verdict = if e.action == Some(Action::Review) {
        "verdict"
    } else {
        "legal review"
    };
    put(verdict, e.verdict.map(|v| word(p.lang, v)));
    put("exception", e.exception.clone());
    // Stored in desk time, like every time of the desk's records.
    put(
        "promised",
        e.promised.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
    );
    put(
        "",
        match (e.appointment, e.kept) {
            (false, false) => None,
            (false, true) => Some(p.tr("show-promise-kept")),
            (true, false) => Some(p.tr("show-appointment")),
            (true, true) => Some(p.tr("show-appointment-kept")),
        },
    );
    let goods = if e.remote {
        "show-goods-to-ship-remote"
    } else {
        "show-goods-to-ship"
    };
    put("", e.goods.then(|| p.tr(goods)));
    put(
        "redacted",
        e.redacts.map(|n| {
            i18n::tr_args(
                p.lang,
                "show-event",
                &[
                    ("n", &n.to_string()),
                    ("field", e.field.as_deref().unwrap_or_default()),
                ],
            )
        }),
    );
    put("reason", e.reason.clone());
    let names: Vec<&str> = e.files.iter().map(|f| f.name.as_str()).collect();
    put("attached", Some(names.join(", ")));
    put("template", e.template.clone());
    if e.on_call {
        parts.push(p.tr("show-on-call"));
    }
    if e.visibility == Some(Visibility::Customer) {
        parts.push(p.tr("show-told-customer"));
    }
    let text = parts.join("; ").replace('\n', " ");
    match &e.entered_by {
        Some(who) if text.is_empty() => format!("({})", entered(p, who)),
        Some(who) => format!("{text} ({})", entered(p, who)),
        None => text,
    }
}

/// The SLA section of `ticket show`: every run of every timer that applies, with its
/// deadline. A timer that ran more than once shows its runs as `resolve #1`, `#2`.
pub(super) fn sla_text(desk: &Desk, statuses: &[TimerStatus], p: People) -> String {
    if statuses.is_empty() {
        return String::new();
    }
    let mut out = format!("\n{}:\n", p.tr("show-sla"));
    for s in statuses {
        let when = |t: DateTime<Utc>| desk.local(t).format("%Y-%m-%d %H:%M").to_string();
        let detail = match s.stopped {
            Some(stop) => i18n::tr_args(p.lang, "show-sla-ended", &[("when", &when(stop))]),
            None if s.remaining < chrono::Duration::zero() => {
                let left = view::remaining(s);
                let time = i18n::units(p.lang, left.trim_start_matches('-'));
                i18n::tr_args(p.lang, "show-sla-overdue", &[("time", &time)])
            }
            None => {
                let time = i18n::units(p.lang, &view::remaining(s));
                i18n::tr_args(p.lang, "show-sla-left", &[("time", &time)])
            }
        };
        let several = statuses.iter().any(|x| x.timer == s.timer && x.run > 1);
        let name = if several {
            format!("{} #{}", p.timer(&s.timer), s.run)
        } else {
            p.timer(&s.timer)
        };
        out.push_str(&format!(
            "  {} {} {} {} {} {}  {}\n",
            pad(&name, 20),
            pad(&p.state(s.state.as_str()), 9),
            rpad(&p.cell("target", &s.target), 6),
            // The basis in its parentheses, padded after them: "(高)  ", "(II) ".
            pad(&format!("({})", p.cell("basis", &s.basis)), 6),
            p.tr("show-sla-due"),
            when(s.due),
            detail
        ));
    }
    out
}
