//! Generates a desk's git history for the `svcdesk audit` benchmark, as a `git fast-import`
//! stream on stdout: the desk's svcdesk.toml in a first commit, then tickets worked step by
//! step, one commit per step by the git identity of the staff member who took it (open,
//! assign, accept, resolve, close; every 10th ticket also a compensation request, finance
//! review and GM approval). Tickets are spread over 24 months (2025-2026), sharded by
//! month as svcdesk stores them; within a month the steps are interleaved across its
//! tickets in rounds, as on a busy desk, so each file changes in several commits. Every 500th approval is forged: li
//! commits `comp-approve` by chen (entered by li), which the audit must report.
//!
//!     cargo run --release --example gen_history -- DESK/svcdesk.toml --tickets 10000 \
//!         | git -C DESK fast-import --quiet && git -C DESK reset -q --hard main
//!
//! The svcdesk.toml given must list the staff below with `email = "<id>@example.com"`
//! (bench/audit.sh appends them). Deterministic: same arguments, same history.

use std::fmt::Write as _;
use std::io::Write;

const STAFF: &str = r#"
[[staff]]
id = "li"
name = "李丽"
department = "customer-service"
roles = ["agent"]
email = "li@example.com"

[[staff]]
id = "sun"
name = "孙红"
department = "customer-service"
roles = ["agent"]
email = "sun@example.com"

[[staff]]
id = "wang"
name = "王工"
department = "service"
roles = ["engineer"]
email = "wang@example.com"

[[staff]]
id = "liu"
name = "刘工"
department = "service"
roles = ["engineer"]
email = "liu@example.com"

[[staff]]
id = "zhao"
name = "赵会计"
department = "finance"
roles = ["finance"]
email = "zhao@example.com"

[[staff]]
id = "chen"
name = "陈总"
department = "management"
roles = ["gm", "manager"]
email = "chen@example.com"
"#;

struct Ticket {
    month: usize,
    id: String,
    path: String,
    agent: &'static str,
    engineer: &'static str,
    text: String,
    comp: bool,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut config = None;
    let mut n = 10_000usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--tickets" => {
                n = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--tickets N")
            }
            "--staff" => {
                print!("{STAFF}");
                return;
            }
            _ => config = Some(a),
        }
    }
    let config = std::fs::read_to_string(
        config.expect("usage: gen_history DESK/svcdesk.toml [--tickets N]"),
    )
    .expect("svcdesk.toml is readable");
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, out.lock());
    let mut mark = 0u64;
    // 2025-01-01 00:00 Shanghai; each month starts on its 1st, ten minutes per commit.
    let months = 24usize;
    let month_start = |m: usize| {
        use chrono::TimeZone;
        let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        tz.with_ymd_and_hms(2025 + (m / 12) as i32, (m % 12) as u32 + 1, 1, 9, 0, 0)
            .unwrap()
    };
    let mut time = month_start(0).timestamp();
    let mut commit = |out: &mut dyn Write, t: i64, who: &str, msg: &str, path: &str, data: &str| {
        mark += 1;
        write!(
            out,
            "commit refs/heads/main\nmark :{mark}\nauthor {who} <{who}@example.com> {t} +0800\n\
             committer {who} <{who}@example.com> {t} +0800\ndata {}\n{msg}\n",
            msg.len() + 1
        )
        .unwrap();
        write!(out, "M 100644 inline {path}\ndata {}\n{data}\n", data.len()).unwrap();
        mark
    };
    let at = |t: i64| {
        let local = chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
        local.format("%Y-%m-%dT%H:%M:%S+08:00").to_string()
    };
    let mut commits = commit(&mut out, time, "chen", "desk", "svcdesk.toml", &config);

    let agents = ["li", "sun"];
    let engineers = ["wang", "liu"];
    let mut tickets: Vec<Ticket> = (0..n)
        .map(|i| {
            // IDs in Crockford base32, deterministic; month folders follow the clock roughly.
            let alphabet = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
            let mut r = String::new();
            let mut x = (i as u64).wrapping_mul(2654435761) ^ 0x5bd1e995;
            for _ in 0..6 {
                r.push(alphabet[(x % 32) as usize] as char);
                x /= 32;
            }
            let month = i * months / n;
            let day = month_start(month);
            let id = format!("T{}-{r}", day.format("%Y%m%d"));
            Ticket {
                month,
                path: format!("tickets/{}/{id}.toml", day.format("%Y/%m")),
                id,
                agent: agents[i % 2],
                engineer: engineers[(i / 2) % 2],
                text: String::new(),
                comp: i % 10 == 0,
            }
        })
        .collect();
    let mut approvals = 0usize;
    // Rounds: every ticket takes its next step, then the next round.
    let steps = [
        "open",
        "assign",
        "accept",
        "comp-request",
        "comp-review",
        "comp-approve",
        "resolve",
        "close",
    ];
    for (month, step) in (0..months).flat_map(|m| steps.map(|s| (m, s))) {
        if step == "open" {
            time = time.max(month_start(month).timestamp());
        }
        for t in tickets.iter_mut().filter(|t| t.month == month) {
            if step.starts_with("comp") && !t.comp {
                continue;
            }
            let (by, mut committer, mut entered) = match step {
                "open" | "assign" | "close" => (t.agent, t.agent, None),
                "accept" | "resolve" | "comp-request" => (t.engineer, t.engineer, None),
                "comp-review" => ("zhao", "zhao", None),
                _ => ("chen", "chen", None),
            };
            if step == "comp-approve" {
                approvals += 1;
                if approvals.is_multiple_of(500) {
                    committer = "li";
                    entered = Some("li");
                }
            }
            time += 600;
            let stamp = time;
            let mut ev = format!("\n[[event]]\nat = {}\nby = \"{by}\"\n", at(stamp));
            if let Some(e) = entered {
                writeln!(ev, "entered_by = \"{e}\"").unwrap();
            }
            writeln!(ev, "action = \"{step}\"").unwrap();
            match step {
                "open" => {
                    t.text = format!(
                        "schema = 1\nid = \"{}\"\nstate = \"new\"\ntitle = \"X200 fault {}\"\n\
                         customer = \"C20260105-AAAAAA\"\ncategory = \"complaint\"\n\
                         priority = \"medium\"\ndescription = \"\"\"\nThe X200 stops after an \
                         hour; the customer restarted it twice.\n\"\"\"\n",
                        t.id, t.id
                    );
                    ev.push_str("title = \"X200 fault\"\ncustomer = \"C20260105-AAAAAA\"\n");
                    ev.push_str("channel = \"phone\"\ncategory = \"complaint\"\n");
                    ev.push_str("description = \"The X200 stops after an hour.\"\n");
                }
                "assign" => writeln!(
                    ev,
                    "department = \"service\"\nassignee = \"{}\"",
                    t.engineer
                )
                .unwrap(),
                "comp-request" => ev.push_str("amount = \"500\"\ncomp_kind = \"coupon\"\n"),
                "resolve" => ev.push_str("text = \"replaced the driver board, tested 2 h\"\n"),
                "close" => ev.push_str("satisfaction = 5\n"),
                _ => {}
            }
            t.text.push_str(&ev);
            let msg = format!("ticket {}: {step} (by {by})", t.id);
            commits = commit(&mut out, stamp, committer, &msg, &t.path, &t.text);
        }
    }
    out.flush().unwrap();
    eprintln!(
        "{commits} commits, {n} tickets, {} forged approvals",
        approvals / 500
    );
}
