//! The rule catalogue as text: `iam-lint rules` (table or JSON) and `iam-lint explain`.

use std::io::{self, Write};

use serde::Serialize;

use crate::rules::{Rule, RuleSet};

pub fn write_rules_table(rules: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let width = |f: fn(&Rule) -> usize, title: &str| rules.rules.iter().map(f).max().unwrap_or(0).max(title.len());
    let (id_w, name_w, pack_w) =
        (width(|r| r.id.len(), "ID"), width(|r| r.name.len(), "NAME"), width(|r| r.pack.len(), "PACK"));
    writeln!(out, "{:id_w$}  {:name_w$}  {:8}  {:pack_w$}  SUMMARY", "ID", "NAME", "SEVERITY", "PACK")?;
    for rule in &rules.rules {
        let summary = rule.summary.replace('`', "");
        writeln!(
            out,
            "{:id_w$}  {:name_w$}  {:8}  {:pack_w$}  {summary}",
            rule.id,
            rule.name,
            rule.severity.name(),
            rule.pack
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    name: &'a str,
    severity: &'static str,
    pack: &'a str,
    applies_to: Vec<&'static str>,
    summary: &'a str,
    aliases: &'a [String],
    tags: &'a [String],
    docs: &'a str,
}

pub fn write_rules_json(rules: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let entries: Vec<RuleEntry> = rules
        .rules
        .iter()
        .map(|r| RuleEntry {
            id: &r.id,
            name: &r.name,
            severity: r.severity.name(),
            pack: &r.pack,
            applies_to: r.applies_to.iter().map(|k| k.name()).collect(),
            summary: &r.summary,
            aliases: &r.aliases,
            tags: &r.tags,
            docs: &r.docs,
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &entries)?;
    writeln!(out)
}

pub fn write_explanation(rule: &Rule, out: &mut dyn Write) -> io::Result<()> {
    let kinds: Vec<&str> = rule.applies_to.iter().map(|k| k.name()).collect();
    writeln!(out, "{} {}: {}", rule.id, rule.name, rule.summary)?;
    writeln!(out)?;
    writeln!(
        out,
        "Severity: {}   Pack: {}   Applies to: {} policies",
        rule.severity.name(),
        rule.pack,
        kinds.join(", ")
    )?;
    if !rule.aliases.is_empty() {
        writeln!(out, "Also known as: {}", rule.aliases.join(", "))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", rule.help.trim())?;
    writeln!(out)?;
    writeln!(out, "Docs: {}", rule.docs)
}
