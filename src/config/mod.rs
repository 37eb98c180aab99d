//! `svcdesk.toml`: the desk's name, time zone, calendar, categories and routing,
//! departments, staff and SLA policy. `DEFAULT_TEMPLATE` is what `svcdesk init` writes;
//! it is also the reference for every key (the man page quotes it).

use std::collections::BTreeMap;
use std::path::Path;

use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::keypath::KeyPath;
use crate::names::did_you_mean;
use crate::time::{Calendar, CalendarConfig, CalendarError};

pub mod compensation;
pub mod duplicates;
pub mod fields;
pub mod hooks;
pub mod intake;
pub mod ladder;
pub mod permissions;
pub mod policy;
pub mod review;
pub mod tiers;
pub mod views;

pub use policy::{Policy, PolicyError};

use crate::keypath::toml_string;

pub const FILE_NAME: &str = "svcdesk.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub schema: u32,
    pub name: String,
    #[serde(deserialize_with = "de_tz", serialize_with = "ser_tz")]
    pub timezone: Tz,
    #[serde(default)]
    pub calendar: CalendarConfig,
    #[serde(default)]
    pub departments: BTreeMap<String, Department>,
    #[serde(default)]
    pub categories: BTreeMap<String, Category>,
    #[serde(default)]
    pub routing: Routing,
    #[serde(default)]
    pub staff: Vec<Staff>,
    #[serde(default)]
    pub sla: Sla,
    #[serde(default)]
    pub git: GitConfig,
    #[serde(default)]
    pub hooks: Hooks,
    #[serde(default)]
    pub attachments: Attachments,
    #[serde(default)]
    pub duplicates: duplicates::Duplicates,
    /// `[causes]`: fault causes (故障分类), code -> name, that `ticket diagnose
    /// --cause-code` records and `stats --top` ranks. Optional: empty when absent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub causes: BTreeMap<String, String>,
    /// `[views.NAME]`: saved ticket listings (see `views`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub views: views::Views,
    /// `[fields.NAME]`: the desk's own typed fields (see `fields`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: fields::Fields,
    #[serde(default)]
    pub compensation: compensation::Compensation,
    /// `lang = "zh" | "en"`: the language of tables, `show` and reports for people
    /// (`--lang` and SVCDESK_LANG override it); JSON and CSV keep ids. Default en.
    #[serde(default, skip_serializing_if = "crate::i18n::Lang::is_en")]
    pub lang: crate::i18n::Lang,
    /// `[lifecycle]`: what `sla check --apply` does by itself. Optional: nothing when absent.
    #[serde(default, skip_serializing_if = "Lifecycle::is_off")]
    pub lifecycle: Lifecycle,
    /// `[calendars.NAME]`: more business calendars, with the keys of `[calendar]` (which
    /// is the one named `default`); `[sla.tiers.NAME] calendar` picks one. Optional.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub calendars: BTreeMap<String, CalendarConfig>,
    /// `[review]`: which tickets need their department head's review, before which step
    /// (see `review`). Optional: no review when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<review::Review>,
    /// `[visits]`: site visits (see `model::visit`). Optional: defaults when absent.
    #[serde(default)]
    pub visits: Visits,
    /// `[reports]`: what a field-service report needs before it is submitted, and who
    /// reviews it. Optional: defaults when absent.
    #[serde(default)]
    pub reports: Reports,
    /// `[intake]`: mail and web-form intake (`svcdesk intake`). Optional: defaults when absent.
    #[serde(default, skip_serializing_if = "intake::Intake::is_off")]
    pub intake: intake::Intake,
    /// `[permissions]`: which roles may take which ticket steps. Optional: without it
    /// (or without `[[staff]]`) only the built-in role rules hold.
    #[serde(default, skip_serializing_if = "permissions::Permissions::is_empty")]
    pub permissions: permissions::Permissions,
}

/// The report fields `[reports] required` may name (the keys of a report file).
pub const REPORT_REQUIRABLE: &[&str] = &[
    "ticket",
    "location",
    "departed",
    "arrived",
    "left",
    "returned",
    "travel",
    "work_done",
    "problems",
    "parts",
    "cost",
    "signed_by",
    "outcome",
    "satisfaction",
];

/// `[reports]`: the review of field-service reports (现场服务完成情况汇报).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reports {
    /// Fields a report must have before `report submit` (keys of the report file).
    #[serde(default = "default_report_required")]
    pub required: Vec<String>,
    /// The roles (any one of them) that may review a submitted report, once the desk
    /// lists staff. Default: supervisor, head.
    #[serde(default = "default_visit_approvers")]
    pub reviewers: Vec<String>,
}

fn default_report_required() -> Vec<String> {
    ["arrived", "work_done", "signed_by", "outcome"]
        .map(String::from)
        .to_vec()
}

impl Default for Reports {
    fn default() -> Self {
        Reports {
            required: default_report_required(),
            reviewers: default_visit_approvers(),
        }
    }
}

/// `[visits]`: who decides a site-visit request (内部请示单).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Visits {
    /// The roles (any one of them) that may approve or reject a visit request, once the
    /// desk lists staff. Default: supervisor, head.
    #[serde(default = "default_visit_approvers")]
    pub approvers: Vec<String>,
    /// The engineer leaves site only after `visit return-approve` by an approver
    /// (「同意後方可返回」): a report completing the visit is refused before it.
    #[serde(default)]
    pub return_approval: bool,
}

fn default_visit_approvers() -> Vec<String> {
    vec!["supervisor".into(), "head".into()]
}

impl Default for Visits {
    fn default() -> Self {
        Visits {
            approvers: default_visit_approvers(),
            return_approval: false,
        }
    }
}

/// `[lifecycle]`: rules `svcdesk sla check --apply` (cron) applies by itself, each change
/// an ordinary event by `svcdesk` (see `model::lifecycle`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// Close a ticket resolved longer ago than this (an SLA target: "5wd", "48h", "16bh"),
    /// counted from its resolve or from the customer's last revisit answer after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_resolved_after: Option<crate::time::Target>,
    /// Tell (the `waiting-reminder` hook, once per wait) of a ticket waiting longer than
    /// this, counted from its `wait` or the customer's last reply since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_waiting_after: Option<crate::time::Target>,
}

impl Lifecycle {
    pub fn is_off(&self) -> bool {
        self.close_resolved_after.is_none() && self.remind_waiting_after.is_none()
    }
}

/// `[attachments]`: files attached to records, kept in the desk (see
/// `desk::attachments`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Attachments {
    /// The largest file that may be attached: "20MB", "512KB", "1GB" (1024-based) or
    /// bytes; default 20MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<String>,
}

/// `[attachments] max_size` when the config does not say: 20 MB.
pub const DEFAULT_MAX_ATTACHMENT: u64 = 20 * 1024 * 1024;

impl Attachments {
    /// The limit in bytes (validated when the config loaded).
    pub fn max_size(&self) -> u64 {
        self.max_size
            .as_deref()
            .and_then(parse_size)
            .unwrap_or(DEFAULT_MAX_ATTACHMENT)
    }
}

/// A `[causes]` code: letters, digits, '-' and '_' (what a CSV cell and a command line
/// carry unquoted).
pub fn cause_code_ok(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// A size such as `20MB`, `512KB`, `1GB` or `1000` (bytes); K/M/G are 1024-based, case
/// and a space before the unit do not matter.
pub fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_uppercase();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(digits);
    let n: u64 = n.parse().ok()?;
    let mult: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// `[hooks]`: commands run after a change is on disk, to tell people (see `crate::hooks`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hooks {
    /// How long a hook may run before it is killed, e.g. "30s" (default 30s).
    #[serde(default)]
    pub timeout: Option<String>,
    #[serde(default)]
    pub rule: Vec<HookRule>,
}

/// `[[hooks.rule]]`: which events run which command. Empty conditions match anything.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HookRule {
    /// Actions: ticket actions (`open`, `assign`, ...), `sla-breach`, `measure-due`, `sla-at-risk`, `sla-ladder`, or `*`.
    #[serde(deserialize_with = "one_or_many")]
    pub on: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub grade: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub priority: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub department: Vec<String>,
    /// Run with `sh -c` in the desk's root.
    pub command: String,
    /// This rule's own timeout, overriding `[hooks] timeout`.
    #[serde(default)]
    pub timeout: Option<String>,
}

/// `[git]`: how the desk works with git.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GitConfig {
    /// Commit each change as it is made, as `--commit` does for one command.
    #[serde(default)]
    pub commit: bool,
    /// `svcdesk audit`: a role-restricted event (compensation review and decision) must
    /// come from a commit with a good signature by a staff member who holds the role.
    #[serde(default)]
    pub signed_approvals: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub name: String,
    #[serde(default)]
    pub head: Option<String>,
    /// Staff the head authorised to review in their stead (`[review]`, 授权人).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delegates: Vec<String>,
}

impl Department {
    /// Who may review its tickets: the head, then the delegates.
    pub fn reviewers(&self) -> Vec<&str> {
        self.head
            .iter()
            .chain(&self.delegates)
            .map(String::as_str)
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub name: String,
    pub department: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    #[serde(default)]
    pub assign: AssignRule,
    /// Channels whose tickets are not routed when opened: they wait, `new`, in the
    /// intake until a person forwards them (`ticket forward`). Optional: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<String>,
}

impl Routing {
    /// Whether tickets of `channel` wait for a person to forward them (`manual`).
    pub fn is_manual(&self, channel: crate::vocab::Channel) -> bool {
        self.manual.iter().any(|m| m == channel.as_str())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignRule {
    /// Route to the department only; a person picks it up or is assigned by hand.
    #[default]
    None,
    RoundRobin,
    LeastOpen,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Their git identities (`user.email`), one or a list: who they are when they act
    /// without `--as`, and how `svcdesk audit` knows a commit's author.
    #[serde(default, deserialize_with = "one_or_many")]
    pub email: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    #[serde(default)]
    pub timers: BTreeMap<String, Timer>,
    /// What `sla check --escalate` does with a breached timer.
    #[serde(default)]
    pub escalate: Option<Escalation>,
    /// `[[sla.ladder]]`: what `sla check --notify` does as a run nears and passes its
    /// deadline (see [`ladder`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ladder: Vec<ladder::Rung>,
    /// `[sla.tiers.NAME]`: customer tiers (service levels) with their own calendar and
    /// targets (see `tiers`). Optional.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tiers: BTreeMap<String, tiers::Tier>,
}

/// `[sla.escalate]`: move tickets whose timer breached to a person (e.g. the after-sales
/// manager), recorded as an `escalate` event by `svcdesk`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Staff id who takes over.
    pub to: String,
    /// Only tickets of these grades ([] = any).
    #[serde(default)]
    pub grades: Vec<String>,
    /// Only breaches of these timers ([] = any).
    #[serde(default)]
    pub timers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Timer {
    /// Actions that start (or restart) the clock: one name or a list.
    #[serde(deserialize_with = "one_or_many")]
    pub start: Vec<String>,
    /// Actions that stop it: one name or a list.
    #[serde(deserialize_with = "one_or_many")]
    pub stop: Vec<String>,
    #[serde(default)]
    pub pause: Vec<String>,
    #[serde(default)]
    pub warn: Option<String>,
    /// A run that ends without its stop action (the ticket closed first) is `n/a` rather
    /// than `missed`: the step is not owed on every ticket.
    #[serde(default)]
    pub optional: bool,
    /// Keyed by grade (`I`, `II`, `III`), priority (`high`, `medium`, `low`), `all`, or
    /// `remote` (a run started for a remote customer: that target alone applies).
    pub target: BTreeMap<String, String>,
    /// Only a start step that needs goods shipped (`goods = true` on the event: a `plan
    /// --needs-parts`, a `comp approve` of an exchange or replacement) begins a run.
    #[serde(default)]
    pub goods: bool,
}

pub const ROLES: &[&str] = &[
    "agent",
    "engineer",
    "supervisor",
    "head",
    "manager",
    "warehouse",
    "finance",
    "gm",
    "legal",
    "sales",
    "admin",
];

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Config::parse(path, &text)
    }

    /// Parses and validates `svcdesk.toml`. Every error is `PATH:LINE:COLUMN: KEY...`,
    /// pointing at the offending value itself (a list's element, not the list).
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start);
            let message = e.message().trim();
            let message = offset
                .and_then(|offset| wrong_type(text, offset, message))
                .unwrap_or_else(|| message.to_string());
            Error::parse_at(path, text, offset, message)
        })?;
        let at =
            |key: &KeyPath, message: String| Error::parse_at(path, text, key.locate(text), message);
        config
            .validate()
            .map_err(|(key, message)| at(&key, message))?;
        fields::validate(&config.fields).map_err(|(key, message)| at(&key, message))?;
        let departments: Vec<&str> = config.departments.keys().map(String::as_str).collect();
        hooks::validate_in(&config.hooks, &departments)
            .map_err(|(key, message)| at(&key, format!("{key}: {message}")))?;
        let categories: Vec<&str> = config.categories.keys().map(String::as_str).collect();
        intake::validate_in(&config.intake, &categories)
            .map_err(|(key, message)| at(&key, message))?;
        // The SLA policy is checked on every load, so a typo in a target fails every
        // command (and `svcdesk check`) at its line, not only the cron job.
        if let Ok(calendar) = config.calendar() {
            let policy = Policy::new(&config.sla, calendar)
                .and_then(|p| p.with_tiers(&config))
                .map_err(|e| at(e.key(), e.to_string()))?;
            let categories: Vec<&str> = config.categories.keys().map(String::as_str).collect();
            policy
                .check_names(&categories, &departments)
                .map_err(|e| at(e.key(), e.to_string()))?;
        }
        Ok(config)
    }

    /// Cross-references serde cannot check. An error gives the key of the offending value
    /// and the whole message, which starts with that key.
    fn validate(&self) -> std::result::Result<(), (KeyPath, String)> {
        let bad = |key: KeyPath, problem: String| {
            let message = format!("{key}: {problem}");
            Err((key, message))
        };
        let known = |names: &mut dyn Iterator<Item = &String>| {
            names.map(String::as_str).collect::<Vec<_>>().join(", ")
        };
        let not_department = |d: &str| {
            format!(
                "\"{d}\" is not a department{}; known: {}",
                did_you_mean(d, self.departments.keys().map(String::as_str)),
                known(&mut self.departments.keys())
            )
        };
        if self.schema != 1 {
            return Err((
                KeyPath::new(["schema"]),
                format!(
                    "schema = {} is not supported by this svcdesk (it reads schema 1); upgrade svcdesk",
                    self.schema
                ),
            ));
        }
        if let Err(e) = self.calendar() {
            return bad(e.key(&self.calendar), e.to_string());
        }
        if let Some(m) = &self.attachments.max_size
            && parse_size(m).is_none_or(|n| n == 0)
        {
            return bad(
                KeyPath::new(["attachments", "max_size"]),
                format!("\"{m}\" is not a size; write one such as \"20MB\", \"512KB\" or \"1GB\""),
            );
        }
        for (code, name) in &self.causes {
            if !cause_code_ok(code) {
                return bad(
                    KeyPath::new(["causes", code.as_str()]),
                    format!("\"{code}\" is not a cause code: use letters, digits, '-' and '_'"),
                );
            }
            if name.trim().is_empty() {
                return bad(
                    KeyPath::new(["causes", code.as_str()]),
                    "a cause needs a name, such as \"电气 Electrical\"".into(),
                );
            }
        }
        for (i, m) in self.routing.manual.iter().enumerate() {
            use crate::vocab::Channel;
            if Channel::parse(m).is_none_or(|c| c.as_str() != m) {
                return bad(
                    KeyPath::new(["routing", "manual"]).index(i),
                    format!(
                        "\"{m}\" is not a channel{}; channels are: {}",
                        did_you_mean(m, Channel::ALL.iter().map(|c| c.as_str())),
                        Channel::names()
                    ),
                );
            }
        }
        for (key, cat) in &self.categories {
            if !self.departments.contains_key(&cat.department) {
                return bad(
                    KeyPath::new(["categories", key, "department"]),
                    not_department(&cat.department),
                );
            }
        }
        if let Some(esc) = &self.sla.escalate {
            let key = |k: &str| KeyPath::new(["sla", "escalate", k]);
            if !self.staff.is_empty() && self.staff(&esc.to).is_none() {
                return bad(
                    key("to"),
                    format!(
                        "\"{}\" is not on the staff list{}; staff: {}",
                        esc.to,
                        did_you_mean(&esc.to, self.staff.iter().map(|s| s.id.as_str())),
                        known(&mut self.staff.iter().map(|s| &s.id))
                    ),
                );
            }
            for (i, g) in esc.grades.iter().enumerate() {
                if !["I", "II", "III"].contains(&g.as_str()) {
                    return bad(
                        key("grades").index(i),
                        format!("\"{g}\" is not a grade (I, II, III)"),
                    );
                }
            }
            for (i, t) in esc.timers.iter().enumerate() {
                if !self.sla.timers.contains_key(t) {
                    return bad(
                        key("timers").index(i),
                        format!(
                            "\"{t}\" is not a timer in [sla.timers]{}; timers: {}",
                            did_you_mean(t, self.sla.timers.keys().map(String::as_str)),
                            known(&mut self.sla.timers.keys())
                        ),
                    );
                }
            }
        }
        ladder::check_people(&self.sla, &self.staff)?;
        for (name, table) in &self.views {
            if !views::valid_name(name) {
                return bad(
                    KeyPath::new(["views", name]),
                    "a view's name is letters, digits, - and _".into(),
                );
            }
            views::View::read(name, table)?;
        }
        self.compensation.validate()?;
        if let Some(r) = &self.review {
            let categories: Vec<&str> = self.categories.keys().map(String::as_str).collect();
            r.validate(&categories)?;
        }
        for (d, dept) in &self.departments {
            let people = dept
                .head
                .iter()
                .map(|h| (KeyPath::new(["departments", d, "head"]), h));
            let delegates = dept
                .delegates
                .iter()
                .enumerate()
                .map(|(i, s)| (KeyPath::new(["departments", d, "delegates"]).index(i), s));
            for (key, s) in people.chain(delegates) {
                if !self.staff.is_empty() && self.staff(s).is_none() {
                    return bad(
                        key,
                        format!(
                            "\"{s}\" is not on the staff list{}; staff: {}",
                            did_you_mean(s, self.staff.iter().map(|s| s.id.as_str())),
                            known(&mut self.staff.iter().map(|s| &s.id))
                        ),
                    );
                }
            }
        }
        for (j, f) in self.reports.required.iter().enumerate() {
            if !REPORT_REQUIRABLE.contains(&f.as_str()) {
                return bad(
                    KeyPath::new(["reports", "required"]).index(j),
                    format!(
                        "unknown report field \"{f}\"{}; fields are: {}",
                        did_you_mean(f, REPORT_REQUIRABLE.iter().copied()),
                        REPORT_REQUIRABLE.join(", ")
                    ),
                );
            }
        }
        let roles = self
            .visits
            .approvers
            .iter()
            .map(|r| ("visits", "approvers", r))
            .enumerate()
            .chain(
                self.reports
                    .reviewers
                    .iter()
                    .map(|r| ("reports", "reviewers", r))
                    .enumerate(),
            );
        for (j, (section, key, r)) in roles {
            if !ROLES.contains(&r.as_str()) {
                return bad(
                    KeyPath::new([section, key]).index(j),
                    format!(
                        "unknown role \"{r}\"{}; roles are: {}",
                        did_you_mean(r, ROLES.iter().copied()),
                        ROLES.join(", ")
                    ),
                );
            }
        }
        self.permissions.validate()?;
        let mut seen = std::collections::HashMap::new();
        for (i, s) in self.staff.iter().enumerate() {
            let key = |k: &str| KeyPath::new(["staff"]).index(i).key(k);
            if let Some(first) = seen.insert(s.id.as_str(), i) {
                return bad(
                    key("id"),
                    format!(
                        "staff id \"{}\" appears twice (first as staff[{first}])",
                        s.id
                    ),
                );
            }
            if let Some(d) = &s.department
                && !self.departments.contains_key(d)
            {
                return bad(key("department"), not_department(d));
            }
            for (j, r) in s.roles.iter().enumerate() {
                if !ROLES.contains(&r.as_str()) {
                    return bad(
                        key("roles").index(j),
                        format!(
                            "unknown role \"{r}\"{}; roles are: {}",
                            did_you_mean(r, ROLES.iter().copied()),
                            ROLES.join(", ")
                        ),
                    );
                }
            }
        }
        tiers::validate(self)?;
        Ok(())
    }

    /// The saved view `[views.NAME]` (checked when the config was loaded); an unknown
    /// name is refused with the nearest names.
    pub fn view(&self, name: &str) -> Result<views::View> {
        let Some(table) = self.views.get(name) else {
            if self.views.is_empty() {
                return Err(Error::invalid_with_hint(
                    format!("no view \"{name}\": {FILE_NAME} has no [views]"),
                    "define one, e.g. [views.my-open] with mine = true and open = true",
                ));
            }
            return Err(crate::names::not_known(
                format!("no view \"{name}\" in {FILE_NAME} [views]"),
                name,
                "views of this desk",
                self.views.keys().map(String::as_str),
            ));
        };
        views::View::read(name, table).map_err(|(_, m)| Error::invalid(format!("{FILE_NAME}: {m}")))
    }

    pub fn staff(&self, id: &str) -> Option<&Staff> {
        self.staff.iter().find(|s| s.id == id)
    }

    /// The business calendar (validated when the config was loaded).
    pub fn calendar(&self) -> std::result::Result<Calendar, CalendarError> {
        Calendar::new(self.timezone, &self.calendar)
    }

    /// The compiled SLA policy (validated when the config was loaded, so an error here
    /// means the config was built by hand).
    pub fn policy(&self) -> Result<Policy> {
        let calendar = self
            .calendar()
            .map_err(|e| Error::invalid(format!("{FILE_NAME} [calendar]: {e}")))?;
        Policy::new(&self.sla, calendar)
            .and_then(|p| p.with_tiers(self))
            .map_err(|e| Error::invalid(format!("{FILE_NAME}: {e}")))
    }

    /// The calendar named `name`: `default` is `[calendar]`, others `[calendars.NAME]`
    /// (validated when the config was loaded).
    pub fn named_calendar(&self, name: &str) -> Option<Calendar> {
        if name == tiers::DEFAULT_CALENDAR {
            return self.calendar().ok();
        }
        Calendar::new(self.timezone, self.calendars.get(name)?).ok()
    }

    /// The staff member one of whose `email` entries is `email` (case-blind, as mail is).
    pub fn staff_by_email(&self, email: &str) -> Option<&Staff> {
        let email = email.trim();
        if email.is_empty() {
            return None;
        }
        self.staff
            .iter()
            .find(|s| s.email.iter().any(|e| e.trim().eq_ignore_ascii_case(email)))
    }

    pub fn has_role(&self, id: &str, role: &str) -> bool {
        self.staff(id)
            .is_some_and(|s| s.roles.iter().any(|r| r == role))
    }

    /// Who automatic routing may pick in a department: its agents and engineers, or
    /// everyone in it when nobody has those roles. In staff-list order.
    pub fn routable_staff(&self, department: &str) -> Vec<String> {
        let members: Vec<&Staff> = self
            .staff
            .iter()
            .filter(|s| s.department.as_deref() == Some(department))
            .collect();
        let workers: Vec<String> = members
            .iter()
            .filter(|s| s.roles.iter().any(|r| r == "agent" || r == "engineer"))
            .map(|s| s.id.clone())
            .collect();
        if workers.is_empty() {
            members.iter().map(|s| s.id.clone()).collect()
        } else {
            workers
        }
    }
}

/// One name or a list of names, read as a list. A wrong type says what is expected, so
/// that [`wrong_type`] can explain it (serde's untagged enums cannot).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    struct OneOrMany;
    impl<'de> serde::de::Visitor<'de> for OneOrMany {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a name or a list of names")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut names = Vec::new();
            while let Some(name) = seq.next_element::<String>()? {
                names.push(name);
            }
            Ok(names)
        }
    }
    d.deserialize_any(OneOrMany)
}

/// What belongs at a key, said with an example, for the type mistakes people make most:
/// `(pattern, sentence)` with patterns as in [`KeyPath::matches`].
const EXPECTED: &[(&str, &str)] = &[
    (
        "sla.tiers.*.targets.*",
        "a tier's target is a quoted string such as \"8h\", or a table such as { III = \"4h\", all = \"8h\" }",
    ),
    (
        "sla.tiers.*.targets.*.*",
        "a target is a quoted string such as \"48h\", \"8bh\" or \"3wd\"",
    ),
    (
        "sla.timers.*.target.*",
        "a target is a quoted string such as \"48h\", \"8bh\" or \"3wd\"",
    ),
    (
        "sla.timers.*.warn",
        "`warn` is a quoted string such as \"4h\", \"2bh\" or \"1wd\"",
    ),
    (
        "sla.timers.*.target",
        "`target` is a table such as { II = \"48h\", all = \"3wd\" }",
    ),
    (
        "sla.timers.*.start",
        "`start` is an action such as \"open\", or a list such as [\"open\", \"reopen\"]",
    ),
    (
        "sla.timers.*.stop",
        "`stop` is an action such as \"resolve\", or a list such as [\"resolve\", \"close\"]",
    ),
    (
        "sla.timers.*.start.[]",
        "an action is a quoted name such as \"open\"",
    ),
    (
        "sla.timers.*.stop.[]",
        "an action is a quoted name such as \"resolve\"",
    ),
    (
        "sla.timers.*.pause",
        "`pause` is a list of ticket states such as [\"waiting\"]",
    ),
    (
        "sla.timers.*.pause.[]",
        "a ticket state is a quoted name such as \"waiting\"",
    ),
    (
        "calendar.workdays",
        "`workdays` is a list such as [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]",
    ),
    (
        "calendar.workdays.[]",
        "a weekday is a quoted name such as \"mon\"",
    ),
    (
        "calendar.hours",
        "`hours` is a list such as [\"09:00-12:00\", \"13:30-18:00\"]",
    ),
    (
        "calendar.hours.[]",
        "working hours are a quoted interval such as \"09:00-12:00\"",
    ),
    (
        "calendar.holidays",
        "`holidays` is a list such as [\"2026-10-01..2026-10-07\", \"2026-12-25\"]",
    ),
    (
        "calendar.holidays.[]",
        "a holiday is a quoted date or range such as \"2026-12-25\" or \"2026-10-01..2026-10-07\"",
    ),
    (
        "calendar.makeup_days",
        "`makeup_days` is a list such as [\"2026-10-10\"]",
    ),
    (
        "calendar.makeup_days.[]",
        "a make-up day is a quoted date such as \"2026-10-10\"",
    ),
    (
        "hooks.timeout",
        "a timeout is a quoted duration such as \"30s\" or \"2m\"",
    ),
    (
        "hooks.rule.[].timeout",
        "a timeout is a quoted duration such as \"30s\" or \"2m\"",
    ),
    ("staff.[].roles", "`roles` is a list such as [\"engineer\"]"),
    (
        "attachments.max_size",
        "a size is a quoted string such as \"20MB\" or \"512KB\"",
    ),
    (
        "duplicates.match",
        "`match` is a list of fields such as [\"customer\", \"serial\"]",
    ),
    (
        "duplicates.within",
        "`within` is a quoted duration such as \"30d\"",
    ),
    ("schema", "`schema` is the number 1"),
];

/// Serde's "invalid type: integer `48`, expected a string", said for people: the key,
/// what belongs there (from [`EXPECTED`], else serde's expectation) and what was found:
/// `sla.timers.resolve.target.II: a target is a quoted string such as "48h", "8bh" or
/// "3wd", not the number 48`. `None` for other errors, or when no value is at `offset`.
fn wrong_type(text: &str, offset: usize, message: &str) -> Option<String> {
    let expected = message
        .strip_prefix("invalid type: ")?
        .split_once(", expected ")?
        .1;
    let (key, found) = KeyPath::at(text, offset)?;
    let found = match &found {
        toml_edit::Value::String(s) => format!("the string {}", toml_string(s.value())),
        toml_edit::Value::Integer(n) => format!("the number {}", n.value()),
        toml_edit::Value::Float(n) => format!("the number {}", n.value()),
        toml_edit::Value::Boolean(b) => format!("{}", b.value()),
        toml_edit::Value::Datetime(d) => format!("the unquoted date {}", d.value()),
        toml_edit::Value::Array(_) => "a list".to_string(),
        toml_edit::Value::InlineTable(_) => "a table".to_string(),
    };
    let sentence = match EXPECTED.iter().find(|(pattern, _)| key.matches(pattern)) {
        Some((_, sentence)) => sentence.to_string(),
        None => match expected {
            "a string" => "expected a quoted string".to_string(),
            "a sequence" => "expected a list such as [\"a\", \"b\"]".to_string(),
            other => format!("expected {other}"),
        },
    };
    Some(format!("{key}: {sentence}, not {found}"))
}

fn de_tz<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Tz, D::Error> {
    let s = String::deserialize(d)?;
    parse_timezone(&s).map_err(serde::de::Error::custom)
}

fn ser_tz<S: serde::Serializer>(tz: &Tz, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

pub fn parse_timezone(s: &str) -> std::result::Result<Tz, String> {
    s.parse::<Tz>().map_err(|_| {
        format!("unknown time zone \"{s}\": use an IANA name such as \"Asia/Shanghai\" or \"Europe/Berlin\"")
    })
}

/// The machine's time zone, or UTC when it cannot be told.
pub fn machine_timezone() -> Tz {
    iana_time_zone::get_timezone()
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(chrono_tz::UTC)
}

/// The commented config `svcdesk init` writes, in English (see [`default_config_lang`]).
pub fn default_config(name: &str, tz: Tz) -> String {
    default_config_lang(name, tz, None)
}

/// The commented config `svcdesk init` writes: `lang` set when given, else left out
/// (English) with the language of the time zone proposed in a comment.
pub fn default_config_lang(name: &str, tz: Tz, lang: Option<crate::i18n::Lang>) -> String {
    use crate::i18n::Lang;
    let lang_line = match lang {
        Some(l) => format!("lang = \"{l}\""),
        None => match Lang::for_time_zone(tz.name()) {
            Lang::Zh => "# Proposed for this time zone (uncomment for Chinese tables and reports):\n# lang = \"zh\"".to_string(),
            Lang::En => "# lang = \"zh\"".to_string(),
        },
    };
    let china = matches!(
        tz.name(),
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Harbin" | "Asia/Urumqi" | "PRC"
    );
    let (holidays, makeup) = if china {
        (
            CHINA_2026_HOLIDAYS.to_string(),
            CHINA_2026_MAKEUP.to_string(),
        )
    } else {
        (
            "holidays = [\n  # \"2026-12-25\",\n  # \"2026-12-31..2027-01-01\",\n]".to_string(),
            "makeup_days = [\n  # \"2026-10-10\",\n]".to_string(),
        )
    };
    DEFAULT_TEMPLATE
        .replace("{NAME}", &toml_string(name))
        .replace("{TIMEZONE}", &toml_string(tz.name()))
        .replace("{LANG}", &lang_line)
        .replace("{HOLIDAYS}", &holidays)
        .replace("{MAKEUP}", &makeup)
}

const CHINA_2026_HOLIDAYS: &str = r#"# Public holidays of the PRC for 2026 (State Council notice); add each year's when announced.
holidays = [
  "2026-01-01..2026-01-03",  # 元旦 New Year
  "2026-02-15..2026-02-23",  # 春节 Spring Festival
  "2026-04-04..2026-04-06",  # 清明 Qingming
  "2026-05-01..2026-05-05",  # 劳动节 Labour Day
  "2026-06-19..2026-06-21",  # 端午 Dragon Boat
  "2026-09-25..2026-09-27",  # 中秋 Mid-Autumn
  "2026-10-01..2026-10-07",  # 国庆 National Day
]"#;

const CHINA_2026_MAKEUP: &str = r#"# 调休: weekend days that are worked, with normal hours.
makeup_days = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]"#;

const DEFAULT_TEMPLATE: &str = r#"# svcdesk desk configuration. Every key is explained here; `man svcdesk-config` has more.
schema = 1

# The desk's name, shown in reports and ledgers.
name = {NAME}

# IANA time zone of the desk. IDs, deadlines, ledgers and "--month" periods use it.
timezone = {TIMEZONE}

# The language of tables, `show` and reports for people: "en" (default) or "zh" (简体中文:
# headers, labels, states, grades, channels, periods, units). JSON and --format csv keep
# ids and English keys. --lang and SVCDESK_LANG override it for one command.
{LANG}

# The business calendar used by working-time SLA targets ("3wd", "8bh").
[calendar]
# Working weekdays: mon tue wed thu fri sat sun.
workdays = ["mon", "tue", "wed", "thu", "fri"]
# Working hours on each working day, local time, ascending, "HH:MM-HH:MM".
hours = ["09:00-12:00", "13:30-18:00"]
# Dates off work: single days "YYYY-MM-DD" or inclusive ranges "YYYY-MM-DD..YYYY-MM-DD".
# Add each new year's holidays and make-up days as they are announced: in a year with no
# holiday listed, every working weekday counts as a working day (`svcdesk check` and
# `svcdesk sla check` warn when a deadline, or today, falls in such a year).
{HOLIDAYS}
{MAKEUP}

# Departments a ticket can be routed to. `head` is a staff id (in hooks as SVCDESK_HEAD);
# `delegates = ["qian"]` are staff the head authorised (授权人) to review in their stead
# (see [review] below).
[departments.service]
name = "售后服务部 After-sales service"

[departments.customer-service]
name = "客服部 Customer service"

[departments.product]
name = "产品部 Product"

[departments.quality]
name = "质量部 Quality"

[departments.logistics]
name = "物流部 Logistics"

[departments.sales]
name = "销售部 Sales"

[departments.service-desk]
name = "服务台 Service desk"

[departments.finance]
name = "财务部 Finance"

[departments.management]
name = "总经理办公室 Management"

# Ticket categories and the department each is routed to when a ticket is opened.
[categories.consult]
name = "咨询 Consultation"
department = "service"

[categories.agency]
name = "代理 Agency / dealer"
department = "sales"

[categories.complaint]
name = "投诉 Service complaint"
department = "customer-service"

[categories.suggestion]
name = "建议及意见 Product suggestion"
department = "product"

[categories.quality]
name = "产品质量问题 Product quality"
department = "quality"

[categories.logistics]
name = "物流配送 Logistics / delivery"
department = "logistics"

[categories.other]
name = "其他 Other"
department = "service-desk"

# Returns and exchanges: resolved only after `ticket approve-return --approve`
# (a supervisor, head, manager or gm), apart from compensation.
[categories.return]
name = "退换货 Return / exchange"
department = "customer-service"

# Fault causes (故障分类): `ticket diagnose --cause-code CODE` records one, `check`
# reports codes not listed here, and `stats --top N` ranks them. The free-text --cause
# (原因分析) stays. Add, rename or remove codes as the quality review needs.
[causes]
electrical = "电气 Electrical"
mechanical = "机械 Mechanical"
software = "软件 Software"
operation = "操作 Operation"
logistics = "物流 Logistics"

# Who gets a newly routed ticket inside its department:
#   "none"        nobody yet; the department head or a person assigns by hand
#   "round-robin" the department's engineers/agents in turn
#   "least-open"  whoever of them has the fewest open tickets
[routing]
assign = "none"
# Channels whose tickets are NOT routed when opened: they wait, `new`, in the intake
# (`ticket list --unforwarded`) until a person forwards them with `ticket forward ID --to
# DEPT` (see the `forward` timer). Written forms passed on by sales are read first
# (complaint manual 顧客投訴處理: 「于一個工作日內轉交」 to the handling department).
manual = ["written"]

# Staff. When the list is empty anyone may act; once it has entries, the actor must be
# one of them and roles decide who may do what (finance reviews compensation, gm
# approves it). Roles: agent engineer supervisor head manager warehouse finance gm
# legal sales admin. `email` (one, or a list) is the person's git `user.email`: it says
# who acts when `--as` is not given, and lets `svcdesk audit` match commits to staff.
#
# [[staff]]
# id = "wang"
# name = "王工 Wang Gang"
# department = "service"
# roles = ["engineer"]
# phone = "138 0000 0000"
# email = "wang@example.com"

# SLA timers. Each timer starts at one action and stops at another; `target` gives its
# limit per grade (I, II, III), per priority (high, medium, low), for `all` tickets, or
# by what the ticket is: "channel:NAME", "category:NAME", "department:NAME" (the
# ticket's channel, category and department when the run starts, routing at the same
# instant included: later re-routing does not change a run). A ticket that no key
# matches has no run of the timer. When several targets apply, the earliest deadline
# wins. Targets: "15m", "2h", "48h"
# (wall clock), "8bh" (business hours), "3wd" (working days). `warn` marks a timer at
# risk when that much time or less remains, measured like the target ("4h" on "3wd" is
# four working hours). `pause` lists states that stop the clock.
#
# Every start begins a run (a re-assign restarts accept, a reopen restarts resolve) and
# every run counts once in reports: met, breached, or missed when the ticket was closed
# before the stop action. `optional = true` makes such a run n/a (not counted) for a
# step that is not owed on every ticket. The manuals owe every step below on every
# ticket its target applies to, so none is optional; a ticket settled on the call
# (`ticket open --resolved-on-call`) owes no revisit.

# The assignee confirms receipt within 1 hour of assignment (or of a forward).
[sla.timers.accept]
start = ["assign", "forward"]
stop = "accept"
target = { all = "1h" }
warn = "15m"

# A serious (II) case is answered within 12 hours, a major (III) one within 15 minutes.
[sla.timers.respond]
start = "open"
stop = "respond"
target = { II = "12h", III = "15m" }
warn = "5m"

# A major case has its plan within 2 hours.
[sla.timers.plan]
start = "open"
stop = "plan"
target = { III = "2h" }
warn = "30m"

# A major case has a compensation plan within 48 hours: every grade III case owes one.
[sla.timers.compensation-plan]
start = "open"
stop = "comp-request"
target = { III = "48h" }
warn = "8h"

# Resolution by grade and by priority (the other department's scheme); waiting for the
# customer stops the clock; a reopen starts a new run. Quality feedback is processed
# within 48 hours (feedback procedure 客户反馈处理: 质量问题「如48小时」内处理), so a
# product-quality ticket has at most 48 hours, whatever its grade or priority says.
[sla.timers.resolve]
start = ["open", "reopen"]
stop = "resolve"
pause = ["waiting"]
target = { I = "24h", II = "48h", high = "24h", medium = "3wd", low = "5wd", "category:quality" = "48h" }
warn = "4h"

# The satisfaction revisit (回访) within 24 hours of each resolution.
[sla.timers.revisit]
start = "resolve"
stop = "revisit"
target = { all = "24h" }
warn = "4h"

# The plan is told to the customer within 1 hour of being made (方案沟通): `ticket plan`
# (the engineer) starts it, `ticket plan --told` (the clerk) stops it.
[sla.timers.plan-told]
start = "plan"
stop = "plan-told"
target = { all = "1h" }
warn = "15m"

# Parts or a product ship within 24 hours of the approval that needs them, 48 hours for a
# remote customer (`customer edit ID --remote`): `goods = true` lets only a `comp approve`
# of an exchange or replacement, or a `plan --needs-parts`, start it; `ticket ship` (role
# warehouse) stops it. A `remote` target replaces the others for a remote customer.
[sla.timers.ship]
start = ["comp-approve", "plan"]
stop = "ship"
goods = true
target = { all = "24h", remote = "48h" }
warn = "6h"

# A written complaint is forwarded to the department that handles it within 1 working
# day (complaint manual 顧客投訴處理: 「于一個工作日內轉交」). Written forms are routed by
# hand ([routing] manual): `ticket forward` stops it.
[sla.timers.forward]
start = "open"
stop = "forward"
target = { "channel:written" = "1wd" }
warn = "2bh"

# The department fixes remedial and preventive measures for a written complaint within
# 10 working days of receiving it (complaint manual: 「10個工作日以內」制定補救及預防措施):
# from the forward to its `ticket plan`. (An improvement measure of `svcdesk measure` is
# not a ticket: its own due date is followed by `sla check` and the measure-due hook.)
[sla.timers.measures]
start = "forward"
stop = "plan"
target = { "channel:written" = "10wd" }
warn = "1wd"

# An engineer's technical diagnosis of a product-quality problem within 2 hours of
# taking it (after-sales service manual 售后服务: 「2小时内反馈诊断结果」): from `ticket
# accept` to `ticket diagnose`.
[sla.timers.diagnosis]
start = "accept"
stop = "diagnose"
target = { "category:quality" = "2h" }
warn = "30m"

# Approved compensation is archived within 3 working days (complaint manual: 財務審核、
# 總經理批准後「三個工作日內轉事業部存檔」): from `comp approve` to the ticket's close,
# which archives it.
[sla.timers.archive]
start = "comp-approve"
stop = "close"
target = { all = "3wd" }
warn = "4bh"

# Commit every change to git as it is made, with a message like
# "ticket T20261124-9XWM3A: grade II (by wang)" (`--commit` does it for one command).
# Needs the desk in a git repository: `svcdesk git setup`.
# signed_approvals = true makes `svcdesk audit` require compensation review and decisions
# to come from a commit signed by a staff member holding the role (see svcdesk-audit(1)).
[git]
commit = false
signed_approvals = false

# Compensation (补偿/赔款): request, finance review, the general manager's decision.
# `legal_review` lists the grades whose plan the legal department reviews (`comp
# legal-review`, role legal) before the general manager may approve it. Each grade may
# limit its kinds (coupon refund exchange repair cash replacement) and `max` amount; a
# request outside them is refused unless `comp request --exception REASON` says why.
# The manuals' tiers, to adapt and uncomment:
[compensation]
legal_review = ["III"]
#
# [compensation.grades.I]
# kinds = ["coupon", "repair"]
# max = "50"
#
# [compensation.grades.II]
# kinds = ["repair", "exchange", "refund", "replacement"]
# max = "2000"

# Files given with --attach are copied into the desk under attachments/, named by their
# SHA-256 (the same file twice is stored once), so every clone has them. A larger file
# is refused. Sizes: "512KB", "20MB", "1GB" (1024-based).
[attachments]
max_size = "20MB"

# Hooks: commands run (with `sh -c`, in the desk's folder) after a change is on disk, to
# tell people. `on` takes ticket actions (open assign accept grade escalate resolve
# reopen comp-request ...), "sla-breach", "sla-at-risk" and "sla-ladder" (from `sla check
# --notify`), "measure-due", "visit-request" and the other visit steps, "waiting-reminder",
# or "*". `grade`, `priority` and `department` narrow a rule; empty means any. The event
# is in SVCDESK_ACTION, SVCDESK_ID, SVCDESK_BY, SVCDESK_GRADE, ... and the record arrives as
# JSON on stdin. A failing or slow hook (killed after `timeout`) is reported and never
# undoes the change. `--no-hooks` skips them. See svcdesk-config(5).
# To use the rules below, copy the ready scripts from svcdesk's examples/hooks/ into this
# desk (`mkdir -p hooks && cp PATH/TO/svcdesk/examples/hooks/*.sh hooks/`), uncomment,
# and run `svcdesk hooks trust`: no hook runs until you trust the set.
[hooks]
timeout = "30s"
#
# [[hooks.rule]]
# on = ["open", "escalate"]
# grade = ["III"]
# command = "hooks/mail.sh service-lead@example.com"
#
# [[hooks.rule]]
# on = ["sla-breach", "measure-due"]
# command = "hooks/webhook.sh"

# `svcdesk sla check --escalate`: a ticket whose timer breached moves to `to` (a staff id,
# e.g. the after-sales manager), recorded as an escalate event. Uncomment to use.
# [sla.escalate]
# to = "sun"
# grades = ["II", "III"]
# timers = ["respond", "resolve"]

# An escalation ladder for `svcdesk sla check --notify`: each level fires once per timer
# run when its time comes, counted on the run's running time (a waiting ticket's ladder
# stands still). `at`: a share of the target ("-25%": when 75% of it has run) or an offset
# from the deadline ("0", "-30m", "+4bh" in working time of [calendar]). `notify`:
# assignee, head (of the ticket's department), opener, staff ids; the hooks on
# "sla-ladder" get SVCDESK_LEVEL (L1, L2... or `name`), SVCDESK_NOTIFY and
# SVCDESK_NOTIFY_EMAILS. `escalate` hands the ticket to a person, `grade` regrades it;
# `timers` and `grades` narrow a level ([] = all). [sla.escalate] above is the same as a
# level at "0" with `escalate`, applied by --escalate. Uncomment to use.
# [[sla.ladder]]
# at = "-25%"
# notify = ["assignee"]
#
# [[sla.ladder]]
# at = "0"
# notify = ["assignee", "head"]
#
# [[sla.ladder]]
# at = "+4bh"
# timers = ["resolve"]
# notify = ["head", "opener"]
# escalate = "sun"
# grade = "III"

# Customer tiers (service levels): contract customers (VIP, 7×24 maintenance) with their
# own calendar and targets. [calendars.NAME] takes the keys of [calendar] ("default" is
# [calendar] itself); `always = true` makes a 7×24 calendar (no holidays). A customer is
# in a tier by contract, `customer edit ID --tier gold --tier-until DATE` (`check` and
# `sla check` warn 30 days before it ends), else by a tag in `match` (the first tier by
# name). `targets` replace the named timers' targets for the tier's tickets: a string for
# every ticket, or a table keyed like `target`; other timers keep theirs, counted on the
# tier's calendar. Each ticket keeps the tier it was opened under (`tier` in its open
# event), and `ticket list --tier` and `stats --by tier` use it. Uncomment to use.
# [calendars.24x7]
# always = true
#
# [sla.tiers.gold]
# calendar = "24x7"
# match = { tag = "vip" }
# targets = { resolve = "24bh", respond = { III = "10m", all = "30m" } }

# `ticket open` warns (on stderr; the ticket is opened all the same) when an earlier
# ticket opened within `within` has the same value for every field in `match`
# (customer, product, serial, category, contact), and prints the `ticket merge` or
# `ticket link --kind repeat-of` command to run. A field the new ticket leaves empty
# matches nothing; `match = []` turns the warning off; `open --force` skips it once.
[duplicates]
match = ["customer", "serial"]
within = "30d"

# Saved views: `svcdesk ticket list @NAME` lists what a view keeps, and a ticket step's
# `--where @NAME` takes the step on those tickets. A view's keys are `ticket list`'s
# filters with `_` for `-` (open, mine, state, grade, priority, category, department,
# assignee, customer, channel, tag, opened_from/to, closed_from/to, text, history,
# overdue, due_within, collab_to, collab_open, opened_by, following, tier); a list matches any
# of its values (`tag`: all). Days may count from today: "-30d", "-2w", "today". `sort`,
# `reverse`, `sla` and `description` say how it is shown. Flags given with `@NAME` narrow it. `ticket list --views` lists them.
[views.my-open]
description = "my open tickets, most urgent first"
mine = true
open = true
sort = "priority"

[views.overdue]
description = "open tickets past an SLA deadline"
open = true
overdue = true
sla = true

[views.waiting-customer]
description = "waiting for the customer"
state = "waiting"
# Custom fields: [fields.NAME] adds a typed field to tickets, customers and/or reports.
# `type` is text, number, date (YYYY-MM-DD) or choice (one of `values`); `for` names
# the records that carry it (default all three); `label` is the name people read
# (default NAME); `required = true` makes it due when a record is created. Set with
# `--field NAME=VALUE` (open, set, customer add/edit, report add), filter with
# `list --field NAME=VALUE`, group with `stats --by field:NAME`; exports carry a
# `field:NAME` column each. Uncomment to use.
# [fields.warranty]
# type = "choice"
# values = ["in", "out"]
# for = ["ticket"]
# label = "保修状态"

# `svcdesk sla check --apply` (from cron) closes a ticket resolved longer ago than
# close_resolved_after (an SLA target: 5wd = five working days of [calendar]) with no
# answer from the customer since: a revisit after the resolve starts the count again,
# a low score (2 or less) or compensation awaiting a decision keeps it open. Each close
# is an ordinary `close` event by `svcdesk`. `--apply --dry-run` only says what it would
# close. A ticket waiting longer than remind_waiting_after (from its `ticket wait`, or
# the customer's reply since) gets one `waiting-reminder` event per wait: hooks with
# on = "waiting-reminder" tell the assignee. `ticket wait ID --until DATE --then close`
# closes a ticket at DATE instead of resuming it (no [lifecycle] needed for that).
# Uncomment to use.
# [lifecycle]
# close_resolved_after = "5wd"
# remind_waiting_after = "3wd"

# Division-head review (由各事業部負責人或其授權人審閱): tickets that match every list
# given (channels, categories, grades; a list left out matches any) wait for an approving
# `ticket review ID --approve` by their department's head or one of its delegates before
# the step `before` ("resolve" or "close"): that step is refused, naming who can review,
# until one stands. `--reject` sends a resolved ticket back to in-progress; a new approval
# is then needed. `ticket list --review-pending` lists what waits. Uncomment to use.
# [review]
# before = "resolve"
# channels = ["written"]
# categories = ["complaint"]
# grades = ["II", "III"]

# Site visits (内部请示单 → approval → appointment → on site → report): `visit request`
# asks for one, and once the desk lists staff only these roles may `visit approve` or
# `visit reject` it. The appointment (`visit schedule --for`) and the 24-hour escalation
# from site (`visit escalate`, counted from `visit start`) are timer runs `sla check` reports.
# On site the customer's extra requests wait for `visit approve-extra` (「報公司批准後執行」);
# with return_approval = true the engineer leaves only after `visit return-approve` by an
# approver (「同意後方可返回」) and a report completing the visit is refused before it.
[visits]
approvers = ["supervisor", "head"]
return_approval = false

# Field-service reports (现场服务完成情况汇报) go to a supervisor: `report submit` needs
# every field of `required` (keys of a report file: ticket location departed arrived
# left returned travel work_done problems parts cost signed_by outcome satisfaction),
# and once the desk lists staff only the roles of `reviewers` may `report review` it.
[reports]
required = ["arrived", "work_done", "signed_by", "outcome"]
reviewers = ["supervisor", "head"]

# `svcdesk intake mail` (from the mail system) and `intake json` (a web form) open tickets
# by themselves; a mail whose subject names a ticket ([T20261124-9XWM3A]) is the
# customer's reply to it. The category is the first rule whose word is in the subject or
# text, else `category`; a sender who is no customer is registered ("create"), put on
# one customer ("customer:C..."), or refused ("refuse", exit 65). After lock_wait for
# the desk lock intake exits 75 and the mail system retries. Uncomment to change.
# [intake]
# category = "consult"
# rules = [{ match = "漏水", category = "quality" }, { match = "发票", category = "agency" }]
# unknown = "create"
# lock_wait = "30s"

# Who may take which ticket step (「保证账号权限与操作角色匹配」): STEP = [roles], any one
# of them. Steps are ticket actions: open assign accept respond diagnose plan resolve
# revisit close reopen ship comp-request approve-return ... A step not listed is open to
# everyone on the staff list; the built-in rules hold as well (finance reviews and the
# gm approves compensation, the warehouse ships, a supervisor, head, manager or gm
# approves a return). Nothing is checked while [[staff]] is empty, so a new desk takes
# every step from anyone until staff are listed. The manuals' split below keeps sales to
# customers and leads (no accepting, resolving or closing service tickets); adapt it,
# or delete the table to let everyone on the staff list take every step.
[permissions]
accept = ["agent", "engineer", "supervisor", "head", "manager"]
diagnose = ["engineer", "supervisor", "head"]
plan = ["engineer", "supervisor", "head"]
resolve = ["agent", "engineer", "supervisor", "head"]
revisit = ["agent", "supervisor", "head"]
close = ["agent", "supervisor", "head", "manager"]
reopen = ["agent", "supervisor", "head", "manager"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_parses_for_any_zone() {
        for tz in [
            chrono_tz::Asia::Shanghai,
            chrono_tz::Europe::Berlin,
            chrono_tz::UTC,
        ] {
            let text = default_config("测试 \"desk\"", tz);
            let c = Config::parse(Path::new("svcdesk.toml"), &text).unwrap();
            assert_eq!(c.name, "测试 \"desk\"");
            assert_eq!(c.timezone, tz);
            assert_eq!(c.categories["complaint"].department, "customer-service");
            assert_eq!(c.sla.timers["resolve"].target["medium"], "3wd");
        }
    }

    #[test]
    fn every_error_starts_with_the_key_at_its_position() {
        let text = default_config("x", chrono_tz::Asia::Shanghai);
        let err = |from: &str, to: &str| {
            assert!(text.contains(from), "{from}");
            Config::parse(Path::new("svcdesk.toml"), &text.replacen(from, to, 1))
                .unwrap_err()
                .to_string()
        };
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;

        let holidays = line_of("\"2026-05-01..2026-05-05\"");
        assert_eq!(
            err("\"2026-05-01..2026-05-05\"", "\"2026-05-32\""),
            format!(
                "svcdesk.toml:{holidays}:3: calendar.holidays[3]: invalid holiday \"2026-05-32\": \
                 expected a date YYYY-MM-DD or an inclusive range YYYY-MM-DD..YYYY-MM-DD, \
                 e.g. \"2026-10-01..2026-10-07\""
            )
        );
        let respond = line_of("target = { II = \"12h\", III = \"15m\" }");
        assert_eq!(
            err("II = \"12h\"", "II = 12"),
            format!(
                "svcdesk.toml:{respond}:17: sla.timers.respond.target.II: a target is a quoted \
                 string such as \"48h\", \"8bh\" or \"3wd\", not the number 12"
            )
        );
        assert!(err("II = \"12h\"", "II = \"12x\"").starts_with(&format!(
            "svcdesk.toml:{respond}:17: sla.timers.respond.target.II = \"12x\": "
        )));
        let consult = line_of("department = \"service\"");
        assert!(
            err("department = \"service\"", "department = \"sevrice\"").starts_with(&format!(
                "svcdesk.toml:{consult}:14: categories.consult.department: \"sevrice\" is not a \
                 department (did you mean \"service\"?); known: "
            ))
        );
        // A type error elsewhere keeps serde's expectation, with the key and the value.
        assert!(
            err("commit = false", "commit = \"no\"")
                .ends_with(": git.commit: expected a boolean, not the string \"no\"")
        );
        // Other syntax errors are as toml says them.
        assert!(err("[routing]", "[routing").ends_with(":9: unclosed table, expected `]`"));
    }

    #[test]
    fn causes_are_optional_and_checked() {
        let text = default_config("x", chrono_tz::Asia::Shanghai);
        let c = Config::parse(Path::new("svcdesk.toml"), &text).unwrap();
        assert_eq!(c.causes["electrical"], "电气 Electrical");
        assert_eq!(c.causes.len(), 5);
        let start = text.find("[causes]").unwrap();
        let end = start + text[start..].find("\n\n").unwrap();
        let old = format!("{}{}", &text[..start], &text[end..]);
        let c = Config::parse(Path::new("svcdesk.toml"), &old).unwrap();
        assert!(c.causes.is_empty(), "a desk from before [causes] loads");
        let line = text
            .lines()
            .position(|l| l.starts_with("software"))
            .unwrap()
            + 1;
        let err = |from: &str, to: &str| {
            Config::parse(Path::new("svcdesk.toml"), &text.replacen(from, to, 1))
                .unwrap_err()
                .to_string()
        };
        assert!(
            err("software = ", "\"soft ware\" = ")
                .starts_with(&format!("svcdesk.toml:{line}:15: causes.\"soft ware\": ")),
            "{}",
            err("software = ", "\"soft ware\" = ")
        );
        assert!(err("\"软件 Software\"", "\" \"").contains("a cause needs a name"));
    }

    #[test]
    fn bad_timezone_points_at_its_line() {
        let text = default_config("x", chrono_tz::UTC).replace("\"UTC\"", "\"Mars/Base\"");
        let err = Config::parse(Path::new("svcdesk.toml"), &text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("svcdesk.toml:8:"), "{msg}");
        assert!(msg.contains("Mars/Base"), "{msg}");
    }
}
