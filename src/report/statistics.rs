//! `--statistics`: how many findings each rule has, reported, suppressed and in the baseline,
//! most first, as a table for deciding what to fix (or to baseline) first.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{FormatWriter, Run, Totals};
use crate::error::ToolError;
use crate::lint::FileReport;

#[derive(Default)]
struct Row {
    reported: usize,
    suppressed: usize,
    baselined: usize,
}

/// Counts per rule, by rule index.
#[derive(Default)]
pub(super) struct StatisticsWriter {
    rows: BTreeMap<usize, Row>,
}

impl FormatWriter for StatisticsWriter {
    fn file(&mut self, _: &Run<'_>, file: &FileReport, _: &mut dyn Write) -> io::Result<()> {
        for finding in &file.findings {
            self.rows.entry(finding.rule).or_default().reported += 1;
        }
        for suppressed in &file.suppressed {
            self.rows.entry(suppressed.finding.rule).or_default().suppressed += 1;
        }
        Ok(())
    }

    /// The summary line counts them; standard error shows them.
    fn error(&mut self, _: &ToolError) {}

    fn finish(&mut self, run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        for (&rule, &count) in totals.baselined.iter().flat_map(|b| &b.by_rule) {
            self.rows.entry(rule).or_default().baselined += count;
        }
        let mut rows: Vec<(usize, Row)> = std::mem::take(&mut self.rows).into_iter().collect();
        rows.sort_by_key(|(rule, row)| (std::cmp::Reverse(row.reported + row.suppressed + row.baselined), *rule));
        writeln!(
            out,
            "{:>8} {:>10} {:>9}  {:<7} {:<40} severity",
            "reported", "suppressed", "baselined", "rule", "name"
        )?;
        for (rule, row) in rows {
            let rule = &run.rules.rules[rule];
            writeln!(
                out,
                "{:>8} {:>10} {:>9}  {:<7} {:<40} {}",
                row.reported,
                row.suppressed,
                row.baselined,
                rule.id,
                rule.name,
                rule.severity_override.unwrap_or(rule.severity).name()
            )?;
        }
        totals.write_summary(run, out)
    }
}
