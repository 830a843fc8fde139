//! The rules of a run: every pack loaded, ids unique, then narrowed by `--select`/`--ignore`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::builtin::builtin_packs;
use super::pack::{PackInfo, Rule, load_pack};
use crate::error::ToolError;
use crate::source::Span;

/// All rules of a run, in pack order; ids are unique.
#[derive(Debug, Default, Clone)]
pub(crate) struct RuleSet {
    pub rules: Vec<Rule>,
    pub packs: Vec<PackInfo>,
    /// The pack file of each rule id, for the error when a later pack defines it again.
    defined_in: HashMap<String, String>,
}

/// Which rules run: `select` empty means all; an entry is an id or an id prefix (`LP`).
#[derive(Debug, Default, Clone)]
pub(crate) struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl RuleSet {
    /// Loads packs given as `(file name, text)`; a duplicate id is an error at the later one.
    pub(crate) fn load<'a>(packs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<RuleSet, Vec<ToolError>> {
        RuleSet::default().with_packs(packs)
    }

    /// The built-in packs, loaded once per process: every `check` and every test of a run
    /// starts from a copy instead of parsing and validating the TOML again.
    pub(crate) fn builtin() -> Result<&'static RuleSet, Vec<ToolError>> {
        static BUILTIN: OnceLock<Result<RuleSet, Vec<ToolError>>> = OnceLock::new();
        BUILTIN.get_or_init(|| RuleSet::load(builtin_packs())).as_ref().map_err(Clone::clone)
    }

    /// These rules and those of `packs`; an id defined twice is an error at the later one.
    pub(crate) fn with_packs<'a>(
        mut self,
        packs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<RuleSet, Vec<ToolError>> {
        let mut errors = Vec::new();
        for (file, text) in packs {
            match load_pack(file, text) {
                Ok(loaded) => {
                    for (rule, id_span) in loaded.rules {
                        match self.defined_in.get(&rule.id) {
                            Some(first) => {
                                let message = format!("rule id `{}` is already defined in {first}", rule.id);
                                let span = Span::new(id_span.start, id_span.end);
                                errors.push(ToolError::at(file, Arc::from(text), span, message));
                            }
                            None => {
                                self.defined_in.insert(rule.id.clone(), file.to_owned());
                                self.rules.push(rule);
                            }
                        }
                    }
                    self.packs.push(loaded.info);
                }
                Err(err) => errors.extend(err.errors),
            }
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Rule> {
        self.rules.iter_mut().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    /// Does a selector (an id or an id prefix, any case) name at least one rule?
    pub(crate) fn selects_any(&self, selector: &str) -> bool {
        self.rules.iter().any(|r| selects(selector, r))
    }

    /// Keeps the selected rules. A selector that names no rule is an error: it is a typo.
    pub(crate) fn select(self, selection: &Selection) -> Result<RuleSet, ToolError> {
        for selector in selection.select.iter().chain(&selection.ignore) {
            if !self.selects_any(selector) {
                return Err(ToolError::general(format!("`{selector}` matches no rule id or prefix"))
                    .with_help("`iam-lint rules` lists every rule"));
            }
        }
        let rules = self
            .rules
            .into_iter()
            .filter(|r| selection.select.is_empty() || selection.select.iter().any(|s| selects(s, r)))
            .filter(|r| !selection.ignore.iter().any(|s| selects(s, r)))
            .collect();
        Ok(RuleSet { rules, packs: self.packs, defined_in: self.defined_in })
    }
}

fn selects(selector: &str, rule: &Rule) -> bool {
    rule.id.starts_with(&selector.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pack::tests::{HEADER, RULE};

    #[test]
    fn duplicate_ids_point_at_the_later_id_however_quoted() {
        let text = format!("{HEADER}{RULE}message = \"m\"\ncheck = \"duplicate-sid\"\n");
        let again = RULE.replace("\"X001\"", "'X001'");
        let twice = format!("{text}{again}message = \"m\"\ncheck = \"duplicate-sid\"\n");
        let err = RuleSet::load([("a.toml", twice.as_str())]).unwrap_err();
        let span = err[0].span.unwrap();
        assert_eq!(&twice[span.start..span.end], "'X001'");
        assert!(span.start > text.len(), "points at the second definition");
    }

    #[test]
    fn duplicate_ids_across_packs_are_errors() {
        let text = format!("{HEADER}{RULE}message = \"m\"\ncheck = \"duplicate-sid\"\n");
        let err = RuleSet::load([("a.toml", text.as_str()), ("b.toml", text.as_str())]).unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(err[0].message.contains("already defined in a.toml"));
        assert_eq!(err[0].file.as_deref(), Some("b.toml"));
    }
}
