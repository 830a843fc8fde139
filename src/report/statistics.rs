//! `--statistics`: how many findings each rule has, reported, suppressed and in the baseline,
//! most first, as a table for deciding what to fix (or to baseline) first.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::Report;

#[derive(Default)]
struct Row {
    reported: usize,
    suppressed: usize,
    baselined: usize,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut rows: BTreeMap<usize, Row> = BTreeMap::new();
    for file in report.files {
        for finding in &file.findings {
            rows.entry(finding.rule).or_default().reported += 1;
        }
        for suppressed in &file.suppressed {
            rows.entry(suppressed.finding.rule).or_default().suppressed += 1;
        }
    }
    for (&rule, &count) in report.baselined.iter().flat_map(|b| &b.by_rule) {
        rows.entry(rule).or_default().baselined += count;
    }
    let mut rows: Vec<(usize, Row)> = rows.into_iter().collect();
    rows.sort_by_key(|(rule, row)| (std::cmp::Reverse(row.reported + row.suppressed + row.baselined), *rule));
    writeln!(out, "{:>8} {:>10} {:>9}  {:<7} {:<40} severity", "reported", "suppressed", "baselined", "rule", "name")?;
    for (rule, row) in rows {
        let rule = &report.rules.rules[rule];
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
    report.write_summary(out)
}
