use clap::Subcommand;
use svcdesk::Result;
use svcdesk::ledger::{self, Month};
use svcdesk::model::report::{self, hours_text};
use svcdesk::output::{Format, Rows};

use super::Context;
use super::report::customer_names;

/// Ledgers (台账): one row per record of a month, as CSV for the spreadsheet.
#[derive(Subcommand)]
pub enum Command {
    /// 技术服务台账: the technical-service ledger, one row per field-service report.
    #[command(after_help = "Examples:
  svcdesk ledger service --month last > 技术服务台账-$(date -d 'last month' +%Y-%m).csv
  svcdesk ledger service --month 2026-11 --format table

A report belongs to the month of its arrival on site (or else of when it was written),
in the desk's time zone; rows are sorted by that time, then ID. --month last is the
month before today's: what a cron job on the 1st wants.

CSV columns: date,report,engineer,customer,customer_name,service_type,ticket,location,
arrived,left,hours_on_site,travel,work_done,problems,escalated,parts,cost,signed_by,
outcome,satisfaction
(date YYYY-MM-DD and arrived/left YYYY-MM-DD HH:MM in desk time; hours_on_site and cost
with two decimals; escalated yes/no; satisfaction 1-5 or empty).")]
    Service(ServiceArgs),
}

#[derive(clap::Args)]
pub struct ServiceArgs {
    /// The month: 2026-11, this or last (desk time zone).
    #[arg(long, value_name = "MONTH")]
    month: String,
    /// Ledgers feed spreadsheets, so CSV is the default.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
}

pub fn exec(cx: &mut Context, cmd: Command) -> Result<u8> {
    let desk = cx.desk()?;
    match cmd {
        Command::Service(a) => {
            let today = desk.local(cx.time(&desk, None)?).date_naive();
            let month = Month::parse(&a.month, today)?;
            let reports = report::load_all(&desk)?;
            let l = ledger::service(&reports, &customer_names(&desk)?, month, desk.tz());
            let text = match a.format {
                Format::Csv => l.rows.to_csv(),
                Format::Json => l.rows.to_json(),
                Format::Table => {
                    let mut s = format!("技术服务台账 {month}\n");
                    if l.visits > 0 {
                        s.push_str(
                            &select(
                                &l.rows,
                                &[
                                    "date",
                                    "report",
                                    "engineer",
                                    "customer_name",
                                    "service_type",
                                    "ticket",
                                    "hours_on_site",
                                    "outcome",
                                    "satisfaction",
                                ],
                            )
                            .to_table(cx.width()),
                        );
                    }
                    s.push_str(&format!(
                        "{} visit(s), {} h on site\n",
                        l.visits,
                        hours_text(l.on_site_hundredths)
                    ));
                    s
                }
            };
            cx.print(&text)?;
        }
    }
    Ok(0)
}

/// The named columns of `rows`, in the order given: a terminal cannot show all twenty.
fn select(rows: &Rows, columns: &[&'static str]) -> Rows {
    let idx: Vec<usize> = columns
        .iter()
        .filter_map(|c| rows.columns.iter().position(|k| k == c))
        .collect();
    let mut out = Rows::new(idx.iter().map(|&i| rows.columns[i]).collect());
    for r in &rows.rows {
        out.push(idx.iter().map(|&i| r[i].clone()).collect());
    }
    out
}
