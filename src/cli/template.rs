//! `svcdesk template list|show`: the desk's templates (`svcdesk::template`), and a
//! preview of one rendered for a ticket.

use svcdesk::Result;
use svcdesk::desk::{Kind, When};
use svcdesk::model::ticket::Action;
use svcdesk::output::Rows;
use svcdesk::template;

use super::Context;
use super::output::Format;
use super::values;

pub const TEMPLATE_HELP: &str =
    "A template is a file templates/NAME.md (or .txt) in the desk, tracked in git: an
optional TOML header between `+++` lines, then the text. For example
templates/受理回复.md:

  +++
  for = [\"respond\", \"note\"]      # respond, note, plan, open; default: the first three
  description = \"受理后第一次回复客户\"
  +++
  {{ customer.name }}您好：您的问题（工单 {{ ticket.id }}）已受理，
  {% if sla.resolve is defined %}我们将在 {{ sla.resolve.due }} 前解决。{% endif %}
  {{ me.name }} {{ me.phone }}

`ticket respond|note|plan ID... --template NAME` records the text rendered for each
ticket (-m, if given, follows it as a paragraph of its own) and `template = \"NAME\"` on
the event. `ticket open --template NAME` takes the description from the body and the
title from the header's `title = \"{{ customer.name }}：{{ ticket.product }} 报修\"`
(else the description's first line; --title wins), for a template whose `for` has
\"open\".

Variables (an unknown one is an error, and nothing is written):
  ticket.   id title state grade priority category category_name department
            department_name assignee assignee_name customer contact channel product
            serial purchase_date voucher opened
            description cause plan resolution (absent ones are empty text; at open
            there is no id, title, state, description, cause, plan or resolution yet)
  customer. id name contact phone email address industry
  me.       id name phone email department (who acts; `staff` is the same)
  desk.     name timezone
  sla.NAME. due remaining target state started: the latest run of each timer the
            ticket has run (desk time, `YYYY-MM-DD HH:MM`); a timer it has not run
            is undefined: guard it with {% if sla.NAME is defined %}
  now, today
The syntax is Jinja's (minijinja): {{ x }}, {% if %}, {% for %}, filters such as
{{ x | upper }}. `svcdesk check` renders every template against a sample ticket and
reports an unknown variable or a syntax error as templates/FILE:LINE.

Examples:
  svcdesk template list
  svcdesk template show 受理回复 --ticket 9XWM
  svcdesk ticket respond 9XWM --template 受理回复
  svcdesk ticket open --customer K7Q2 --category quality --template 报修登记";

#[derive(clap::Subcommand)]
pub enum Command {
    /// List the desk's templates: name, the steps they are for, description.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print a template as written, or rendered for a ticket with --ticket.
    Show(ShowArgs),
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// The template's name (its file name without .md/.txt).
    #[arg(value_name = "TEMPLATE")]
    name: String,
    /// Render it for this ticket, as `ticket respond --template` would now (or `ticket
    /// note`/`plan`, for a template not for respond).
    #[arg(long, value_name = "ID")]
    ticket: Option<String>,
    /// The time to render at, if not now.
    #[arg(long, value_name = "TIME", value_parser = values::time())]
    at: Option<values::Time>,
}

pub fn exec(cx: &mut Context, c: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match c {
        Command::List { format } => {
            let mut rows = Rows::new(vec!["name", "for", "title", "description", "path"]);
            for t in template::list(&desk.root)? {
                let uses = t.uses().join(",");
                rows.push(vec![
                    t.name.clone(),
                    uses,
                    t.header.title.clone().unwrap_or_default(),
                    t.header.description.clone().unwrap_or_default(),
                    t.path.display().to_string(),
                ]);
            }
            let text = match format {
                Format::Table => rows.to_table(cx.width()),
                Format::Csv => rows.to_csv(),
                Format::Json => rows.to_json(),
            };
            cx.print(&text)?;
        }
        Command::Show(a) => {
            let t = template::load(&desk.root, &a.name)?;
            let Some(ticket) = &a.ticket else {
                let p = desk.root.join(&t.path);
                let text = std::fs::read_to_string(&p).map_err(|e| svcdesk::Error::io(&p, e))?;
                cx.print(&text)?;
                return Ok(0);
            };
            let id = desk.resolve(Kind::Ticket, ticket)?;
            let action = [Action::Respond, Action::Note, Action::Plan]
                .into_iter()
                .find(|a| t.is_for(*a))
                .unwrap_or(Action::Respond);
            let who = cx.who(&desk)?;
            let when = match &a.at {
                Some(_) => When::At(cx.time(&desk, values::at(&a.at))?),
                None => cx.when(&desk, None)?,
            };
            let r = template::for_ticket(&desk, &id, &who.by, when, &a.name, action)?;
            cx.print(&format!("{}\n", r.body))?;
        }
    }
    Ok(0)
}
