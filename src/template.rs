//! Templates: reusable texts kept in the desk's `templates/` folder, one file per
//! template (`templates/NAME.md` or `.txt`): an optional TOML header between `+++`
//! lines, then the body, rendered by minijinja in strict mode (an unknown variable is
//! an error, never an empty hole in a text a customer reads).
//!
//! The context a template sees is built by pure functions ([`context`], [`open_context`],
//! [`sample`]) from the records; `ticket respond|note|plan|open --template`, `template
//! show` and `check` (which renders every template against [`sample`]) share them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::config::{Config, Policy, Staff};
use crate::desk::{Desk, Id, Kind, When};
use crate::error::{Error, Result};
use crate::model::customer::{self, Customer};
use crate::model::steps::{self, NewTicket};
use crate::model::ticket::{Action, Ticket};
use crate::model::ticket_store;
use crate::sla::view;

/// The folder of templates, relative to the desk root.
pub const DIR: &str = "templates";
/// The file name endings a template may have, in the order a name is looked up.
pub const EXTENSIONS: [&str; 2] = ["md", "txt"];
/// The steps a template may be used for (its header's `for`).
pub const USES: [Action; 4] = [Action::Respond, Action::Note, Action::Plan, Action::Open];

/// The header between the `+++` lines.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The ticket's title when the template opens one (itself a template).
    #[serde(default)]
    pub title: Option<String>,
    /// The steps it is meant for; empty: respond, note and plan (`open` must be named,
    /// since a ticket being opened has no ID yet).
    #[serde(default, rename = "for")]
    pub uses: Vec<String>,
    /// What it is for, shown by `template list`.
    #[serde(default)]
    pub description: Option<String>,
}

/// One template file, read.
#[derive(Debug, Clone)]
pub struct Template {
    /// The file name without its ending: what `--template` takes.
    pub name: String,
    /// Relative to the desk root, e.g. `templates/受理回复.md`.
    pub path: PathBuf,
    pub header: Header,
    /// The text after the header, as written.
    pub body: String,
    /// Lines of the file before the body (the header and its `+++` lines), so a line of
    /// the body is reported as a line of the file.
    pub body_line: usize,
    /// The line of `title = ` in the file, if the header has one.
    title_line: usize,
}

/// A template rendered: the text, and for `ticket open` the title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub name: String,
    pub title: Option<String>,
    pub body: String,
}

impl Rendered {
    /// The text a step records: the body, then `extra` (a step's `-m`) as a paragraph
    /// of its own; refused if that is empty (a template whose conditions left nothing).
    pub fn text(&self, extra: Option<&str>) -> Result<String> {
        let text = match extra.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) if self.body.is_empty() => e.to_string(),
            Some(e) => format!("{}\n\n{e}", self.body),
            None => self.body.clone(),
        };
        if text.is_empty() {
            return Err(Error::invalid_with_hint(
                format!(
                    "template \"{}\" renders an empty text; nothing was written",
                    self.name
                ),
                "give the template a body, or add the text with -m",
            ));
        }
        Ok(text)
    }
}

impl Template {
    /// Parses a template file's text; `path` is relative to the desk root.
    pub fn parse(path: &Path, text: &str) -> Result<Template> {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (header, body, body_line, title_line) = match text.strip_prefix("+++") {
            Some(rest) if rest.starts_with('\n') || rest.starts_with("\r\n") => {
                let rest = rest.trim_start_matches('\r').trim_start_matches('\n');
                let end = rest
                    .match_indices("+++")
                    .find(|(i, _)| *i == 0 || rest[..*i].ends_with('\n'))
                    .map(|(i, _)| i)
                    .ok_or_else(|| {
                        Error::parse_at(path, text, Some(0), "the header has no closing `+++` line")
                    })?;
                let toml_text = &rest[..end];
                let base = text.len() - rest.len();
                let header: Header = toml::from_str(toml_text).map_err(|e| {
                    let off = e.span().map(|s| s.start + base);
                    Error::parse_at(path, text, off, format!("header: {}", e.message()))
                })?;
                let after = &rest[end + 3..];
                let after = after.split_once('\n').map(|(_, b)| b).unwrap_or("");
                let body_line = text[..text.len() - after.len()].lines().count();
                // The file's line of a header key (the header starts on line 2).
                let first = text[..base].lines().count() + 1;
                let key_line = |key: &str| {
                    toml_text
                        .lines()
                        .position(|l| l.trim_start().starts_with(key))
                        .map_or(1, |i| i + first)
                };
                let lines = (key_line("title"), key_line("for"));
                (header, after.to_string(), body_line, lines)
            }
            _ => (Header::default(), text.to_string(), 0, (1, 1)),
        };
        let (title_line, for_line) = title_line;
        for u in &header.uses {
            if !USES.iter().any(|a| a.as_str() == u) {
                let names: Vec<&str> = USES.iter().map(|a| a.as_str()).collect();
                return Err(Error::Parse {
                    path: path.to_path_buf(),
                    line: for_line,
                    column: 1,
                    message: format!(
                        "header: `for` takes {}, not \"{u}\"{}",
                        names.join(", "),
                        crate::names::did_you_mean(u, names.iter().copied())
                    ),
                });
            }
        }
        Ok(Template {
            name,
            path: path.to_path_buf(),
            header,
            body,
            body_line,
            title_line,
        })
    }

    /// Whether the header allows it for `action` (no `for`: respond, note, plan).
    pub fn is_for(&self, action: Action) -> bool {
        if self.header.uses.is_empty() {
            return action != Action::Open && USES.contains(&action);
        }
        self.header.uses.iter().any(|u| u == action.as_str())
    }

    /// The steps it is for, as its header says or by default.
    pub fn uses(&self) -> Vec<&'static str> {
        USES.iter()
            .filter(|a| self.is_for(**a))
            .map(|a| a.as_str())
            .collect()
    }

    /// Renders the body (and the title) with `ctx`; an unknown variable or a syntax error
    /// is a parse error naming the template file and its line.
    pub fn render(&self, ctx: &Value) -> Result<Rendered> {
        let body = render_one(&self.path, &self.body, self.body_line, ctx)?;
        let title = match &self.header.title {
            Some(t) => Some(render_one(&self.path, t, self.title_line - 1, ctx)?),
            None => None,
        };
        Ok(Rendered {
            name: self.name.clone(),
            title: title.map(|t| t.trim().to_string()),
            body: body.trim().to_string(),
        })
    }
}

/// Renders `source` (which starts at line `offset + 1` of the file `path`) in strict mode.
fn render_one(path: &Path, source: &str, offset: usize, ctx: &Value) -> Result<String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let fail = |e: minijinja::Error| {
        // The range of `sla.respond.due` may start at `.respond`: take the whole path.
        let range = e.range().map(|r| {
            let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
            let start = source[..r.start]
                .char_indices()
                .rev()
                .take_while(|(_, c)| ident(*c))
                .last()
                .map_or(r.start, |(i, _)| i);
            start..r.end.min(source.len())
        });
        let (line, column) = match &range {
            Some(r) => line_column(source, r.start),
            None => (e.line().unwrap_or(1), 1),
        };
        let expr = range.map(|r| source[r].trim().to_string());
        let message = match (e.kind(), expr) {
            (ErrorKind::UndefinedError, Some(expr)) => {
                format!("unknown variable `{expr}`{}", suggest(&expr, ctx))
            }
            _ => match e.detail() {
                Some(d) => format!("{}: {d}", e.kind()),
                None => e.kind().to_string(),
            },
        };
        Error::Parse {
            path: path.to_path_buf(),
            line: offset + line,
            column,
            message,
        }
    };
    let t = env.template_from_str(source).map_err(fail)?;
    t.render(minijinja::value::Serde(ctx)).map_err(fail)
}

/// 1-based line and column (in characters) of byte `off` of `text`.
fn line_column(text: &str, off: usize) -> (usize, usize) {
    let before = &text[..off.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// For `customer.nmae`: the first part of the path the context lacks, and the nearest
/// name it has there, as ` (did you mean `customer.name`?)` or what the object holds.
fn suggest(expr: &str, ctx: &Value) -> String {
    let head = expr.split(['|', '(', ' ']).next().unwrap_or(expr);
    let path: Vec<&str> = head.split('.').collect();
    let mut at = ctx;
    let mut known = String::new();
    for part in path {
        let Some(obj) = at.as_object() else {
            return String::new();
        };
        match obj.get(part) {
            Some(v) => {
                at = v;
                known = if known.is_empty() {
                    part.to_string()
                } else {
                    format!("{known}.{part}")
                };
            }
            None => {
                let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
                let prefix = if known.is_empty() {
                    String::new()
                } else {
                    format!("{known}.")
                };
                return match crate::names::nearest(part, keys.iter().copied()) {
                    Some(n) => format!(" (did you mean `{prefix}{n}`?)"),
                    None if known == "sla" => format!(
                        "; this ticket has no run of SLA timer `{part}` (timers: {}); \
                         `{{% if sla.{part} is defined %}}` guards it",
                        keys.join(", ")
                    ),
                    None => format!("; {} has: {}", shown_name(&known), keys.join(", ")),
                };
            }
        }
    }
    String::new()
}

fn shown_name(known: &str) -> &str {
    if known.is_empty() {
        "the context"
    } else {
        known
    }
}

/// The template files of the desk at `root`, sorted by path (none without the folder).
pub fn files(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join(DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&dir, e))?;
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !name.starts_with('.') && EXTENSIONS.contains(&ext) && p.is_file() {
            out.push(Path::new(DIR).join(name));
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the template file `rel` (relative to `root`).
pub fn read(root: &Path, rel: &Path) -> Result<Template> {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
    Template::parse(rel, &text)
}

/// Every template of the desk, sorted by name.
pub fn list(root: &Path) -> Result<Vec<Template>> {
    files(root)?.iter().map(|f| read(root, f)).collect()
}

/// The template called `name` (`templates/NAME.md`, else `.txt`).
pub fn load(root: &Path, name: &str) -> Result<Template> {
    let bad = name.is_empty()
        || name.contains(['/', '\\'])
        || name.starts_with('.')
        || name.chars().any(char::is_control);
    for ext in EXTENSIONS {
        let rel = Path::new(DIR).join(format!("{name}.{ext}"));
        if !bad && root.join(&rel).is_file() {
            return read(root, &rel);
        }
    }
    let have: Vec<String> = files(root)?
        .iter()
        .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let hint = if have.is_empty() {
        format!("the desk has no templates: write one as {DIR}/{name}.md")
    } else {
        format!(
            "templates: {}{}",
            have.join(", "),
            crate::names::did_you_mean(name, have.iter().map(String::as_str))
        )
    };
    Err(Error::invalid_with_hint(
        format!("no template \"{}\" in {DIR}/", crate::error::shown(name)),
        hint,
    ))
}

/// The template `name` for step `action`, refused if its header says it is not for it.
fn load_for(root: &Path, name: &str, action: Action) -> Result<Template> {
    let t = load(root, name)?;
    if !t.is_for(action) {
        return Err(Error::invalid_with_hint(
            format!(
                "template \"{name}\" is not for `{}` (its header says for = [{}])",
                action.command(),
                t.header.uses.join(", ")
            ),
            format!(
                "add \"{}\" to `for` in {}, or use another template",
                action.as_str(),
                t.path.display()
            ),
        ));
    }
    Ok(t)
}

/// What a template sees besides the ticket: the desk, who acts, and when.
pub struct Scene<'a> {
    pub config: &'a Config,
    pub policy: &'a Policy,
    /// Who acts: a staff ID, or a name when the desk lists no staff.
    pub actor: &'a str,
    pub now: DateTime<Utc>,
}

fn time(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

fn text<T: ToString>(v: &Option<T>) -> Value {
    Value::String(v.as_ref().map(T::to_string).unwrap_or_default())
}

/// The ticket's fields as a template reads them; absent ones are empty text.
fn ticket_value(s: &Scene, t: &Ticket) -> Value {
    let tz = s.config.timezone;
    let staff_name = |id: &Option<String>| {
        id.as_deref()
            .map(|i| s.config.staff(i).map(|p| p.name.as_str()).unwrap_or(i))
            .unwrap_or_default()
            .to_string()
    };
    json!({
        "id": t.id,
        "title": t.title,
        "state": t.state().to_string(),
        "grade": text(&t.grade),
        "priority": text(&t.priority),
        "category": text(&t.category),
        "category_name": t.category.as_ref()
            .and_then(|c| s.config.categories.get(c))
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        "department": text(&t.department),
        "department_name": t.department.as_ref()
            .and_then(|d| s.config.departments.get(d))
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        "assignee": text(&t.assignee),
        "assignee_name": staff_name(&t.assignee),
        "customer": text(&t.customer),
        "contact": text(&t.contact),
        "channel": text(&t.channel),
        "product": text(&t.product),
        "serial": text(&t.serial),
        "purchase_date": text(&t.purchase_date),
        "voucher": text(&t.voucher),
        "opened": t.opened.map(|o| time(tz, o.to_utc())).unwrap_or_default(),
        "description": t.description,
        "cause": text(&t.cause),
        "plan": text(&t.plan),
        "resolution": text(&t.resolution),
    })
}

fn customer_value(c: Option<&Customer>) -> Value {
    let f = |get: fn(&Customer) -> Option<&String>| {
        Value::String(c.and_then(get).cloned().unwrap_or_default())
    };
    json!({
        "id": c.map(|c| c.id.clone()).unwrap_or_default(),
        "name": c.map(|c| c.name.clone()).unwrap_or_default(),
        "contact": f(|c| c.contact.as_ref()),
        "phone": f(|c| c.phone.as_ref()),
        "email": f(|c| c.email.as_ref()),
        "address": f(|c| c.address.as_ref()),
        "industry": f(|c| c.industry.as_ref()),
    })
}

fn staff_value(s: &Scene) -> Value {
    let p: Option<&Staff> = s.config.staff(s.actor);
    json!({
        "id": s.actor,
        "name": p.map(|p| p.name.as_str()).unwrap_or(s.actor),
        "phone": p.and_then(|p| p.phone.clone()).unwrap_or_default(),
        "email": p.and_then(|p| p.email.first().cloned()).unwrap_or_default(),
        "department": p.and_then(|p| p.department.clone()).unwrap_or_default(),
    })
}

/// The whole context around `ticket` and `sla`.
fn around(s: &Scene, ticket: Value, customer: Value, sla: Value) -> Value {
    let me = staff_value(s);
    json!({
        "ticket": ticket,
        "customer": customer,
        "staff": me.clone(),
        "me": me,
        "desk": { "name": s.config.name, "timezone": s.config.timezone.name() },
        "sla": sla,
        "now": time(s.config.timezone, s.now),
        "today": s.now.with_timezone(&s.config.timezone).format("%Y-%m-%d").to_string(),
    })
}

/// The context for a step on `t` (its customer `c`): `sla.NAME` is the latest run of
/// each timer the ticket has run (`due` in desk time, `remaining` as people read it).
pub fn context(s: &Scene, t: &Ticket, c: Option<&Customer>) -> Value {
    let tz = s.config.timezone;
    let mut sla = Map::new();
    for run in s.policy.evaluate(t, s.now) {
        let v = json!({
            "due": time(tz, run.due),
            "remaining": view::remaining(&run),
            "target": run.target,
            "state": run.state.to_string(),
            "started": time(tz, run.started),
        });
        sla.insert(run.timer.clone(), v);
    }
    around(s, ticket_value(s, t), customer_value(c), Value::Object(sla))
}

/// The context for `ticket open`: the ticket as the command line describes it (no ID,
/// title or SLA yet), and the customer given or registered on the way.
pub fn open_context(s: &Scene, o: &NewTicket, c: Option<&Customer>) -> Value {
    let t = Ticket {
        category: Some(o.category.clone()),
        contact: o.contact.clone(),
        channel: Some(o.channel),
        complaint_kind: o.complaint_kind,
        product: o.product.clone(),
        serial: o.serial.clone(),
        purchase_date: o.purchase_date,
        voucher: o.voucher.clone(),
        priority: Some(o.priority),
        grade: o.grade,
        department: o.department.clone(),
        assignee: o.assignee.clone(),
        opened: Some(s.now.fixed_offset()),
        ..Ticket::default()
    };
    let mut ticket = ticket_value(s, &t);
    if let Some(m) = ticket.as_object_mut() {
        for gone in NOT_AT_OPEN {
            m.remove(gone);
        }
    }
    let customer = match (&o.customer, c) {
        (_, Some(c)) => customer_value(Some(c)),
        (steps::Customer::New { name, phone, .. }, None) => {
            let mut v = customer_value(None);
            v["name"] = json!(name);
            v["phone"] = json!(phone);
            v
        }
        _ => customer_value(None),
    };
    around(s, ticket, customer, json!({}))
}

/// Keys of `ticket` a ticket being opened has not got yet.
const NOT_AT_OPEN: [&str; 7] = [
    "id",
    "title",
    "state",
    "description",
    "cause",
    "plan",
    "resolution",
];

/// A context with every variable filled, for `check`: for a step, a run of every SLA
/// timer of the policy; for `open`, what [`open_context`] has.
pub fn sample(s: &Scene, action: Action) -> Value {
    let mut t = Ticket {
        id: "T20261202-SAMPLE".into(),
        title: "示例工单".into(),
        description: "示例问题描述".into(),
        opened: Some(s.now.fixed_offset()),
        ..Ticket::default()
    };
    for f in [
        &mut t.category,
        &mut t.department,
        &mut t.assignee,
        &mut t.customer,
        &mut t.contact,
        &mut t.product,
        &mut t.serial,
        &mut t.voucher,
        &mut t.cause,
        &mut t.plan,
        &mut t.resolution,
    ] {
        *f = Some("示例".into());
    }
    let mut ctx = context(s, &t, None);
    if let Some(c) = ctx["customer"].as_object_mut() {
        for v in c.values_mut() {
            *v = json!("示例");
        }
        c.insert("name".into(), json!("示例客户"));
    }
    if action == Action::Open {
        if let Some(m) = ctx["ticket"].as_object_mut() {
            for gone in NOT_AT_OPEN {
                m.remove(gone);
            }
        }
        return ctx;
    }
    let due = time(s.config.timezone, s.now);
    let sla: BTreeMap<&str, Value> = s
        .policy
        .timer_names()
        .map(|n| {
            let v = json!({"due": due, "remaining": "1h", "target": "1h",
                           "state": "running", "started": due});
            (n, v)
        })
        .collect();
    ctx["sla"] = json!(sla);
    ctx
}

/// Renders template `name` for step `action` on ticket `id`, as it stands now.
/// `when` the step is taken, as the step will stamp it.
pub fn for_ticket(
    desk: &Desk,
    id: &Id,
    actor: &str,
    when: When,
    name: &str,
    action: Action,
) -> Result<Rendered> {
    let tmpl = load_for(&desk.root, name, action)?;
    let t = ticket_store::load(desk, id)?;
    let now = when
        .resolve(t.event.last().map(|e| e.at))
        .unwrap_or_else(|at| at);
    let c = match &t.customer {
        Some(c) => match desk.resolve(Kind::Customer, c) {
            Ok(cid) => Some(customer::load(desk, &cid)?),
            Err(_) => None,
        },
        None => None,
    };
    let policy = desk.config.policy()?;
    let s = Scene {
        config: &desk.config,
        policy: &policy,
        actor,
        now,
    };
    tmpl.render(&context(&s, &t, c.as_ref()))
        .map_err(|e| for_ticket_error(e, id))
}

fn for_ticket_error(e: Error, id: &Id) -> Error {
    match e {
        Error::Parse {
            path,
            line,
            column,
            message,
        } => Error::Invalid {
            message: format!("{}:{line}:{column}: {message}", path.display()),
            hint: Some(format!(
                "nothing was written for {id}; `svcdesk template show NAME --ticket {id}` \
                 previews it, `svcdesk check` checks every template"
            )),
        },
        e => e,
    }
}

/// Renders template `name` for `ticket open` with what the command line gives.
pub fn for_open(
    desk: &Desk,
    o: &NewTicket,
    actor: &str,
    now: DateTime<Utc>,
    name: &str,
) -> Result<Rendered> {
    let tmpl = load_for(&desk.root, name, Action::Open)?;
    let c = match &o.customer {
        steps::Customer::Existing(q) => {
            Some(customer::load(desk, &desk.resolve(Kind::Customer, q)?)?)
        }
        steps::Customer::New { .. } => None,
    };
    let policy = desk.config.policy()?;
    let s = Scene {
        config: &desk.config,
        policy: &policy,
        actor,
        now,
    };
    tmpl.render(&open_context(&s, o, c.as_ref()))
        .map_err(|e| match e {
            Error::Parse {
                path,
                line,
                column,
                message,
            } => Error::invalid_with_hint(
                format!("{}:{line}:{column}: {message}", path.display()),
                "nothing was opened; `svcdesk check` checks every template",
            ),
            e => e,
        })
}

/// Every template rendered against [`sample`] for each step it is for: the faults, as
/// parse errors naming the file and line (for `check`).
pub fn check(desk: &Desk, now: DateTime<Utc>) -> Result<Vec<Error>> {
    let mut faults = Vec::new();
    let Ok(policy) = desk.config.policy() else {
        return Ok(faults);
    };
    let actor = desk
        .config
        .staff
        .first()
        .map(|p| p.id.as_str())
        .unwrap_or("staff");
    let s = Scene {
        config: &desk.config,
        policy: &policy,
        actor,
        now,
    };
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for rel in files(&desk.root)? {
        let t = match read(&desk.root, &rel) {
            Ok(t) => t,
            Err(e) => {
                faults.push(e);
                continue;
            }
        };
        if let Some(first) = seen.insert(t.name.clone(), rel.clone()) {
            faults.push(Error::Parse {
                path: rel.clone(),
                line: 1,
                column: 1,
                message: format!(
                    "template \"{}\" is also {}; `--template {}` takes the .md",
                    t.name,
                    first.display(),
                    t.name
                ),
            });
        }
        let steps = [Action::Respond, Action::Open];
        for action in steps {
            let wanted = if action == Action::Open {
                t.is_for(Action::Open)
            } else {
                USES[..3].iter().any(|a| t.is_for(*a))
            };
            if !wanted {
                continue;
            }
            match t.render(&sample(&s, action)) {
                Ok(_) => {}
                Err(Error::Parse {
                    path,
                    line,
                    column,
                    message,
                }) if action == Action::Open && message.contains("`ticket.") => {
                    faults.push(Error::Parse {
                        path,
                        line,
                        column,
                        message: format!(
                            "{message} (for `ticket open`: a ticket being opened has no {} \
                             yet; take \"open\" out of `for`, or guard it with \
                             {{% if ticket.id is defined %}})",
                            NOT_AT_OPEN.join(", ")
                        ),
                    });
                    break;
                }
                Err(e) => {
                    faults.push(e);
                    break;
                }
            }
        }
    }
    Ok(faults)
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
