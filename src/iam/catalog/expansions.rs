//! What an action or an action glob names in the catalog, worked out once per thread and kept
//! for the run: policies repeat their actions from file to file, rule packs ask about the same
//! few globs for every statement, and a glob such as `s3:*` names hundreds of actions. The one
//! cache of expansions: every rule and set operation asks here.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::{Action, Service, catalog};

/// Expansions are dropped past this many, so that memory does not grow with the files.
const MAX_CACHED: usize = 32_768;

/// The catalog's actions a pattern names; none for a pattern that names no real action.
pub(crate) struct Expansion {
    pub(crate) actions: Box<[(&'static Service, &'static Action)]>,
    names: OnceCell<Box<[String]>>,
}

impl Expansion {
    /// The actions as `service:Action`, written on first use.
    pub(crate) fn names(&self) -> &[String] {
        self.names.get_or_init(|| self.actions.iter().map(|(s, a)| format!("{}:{}", s.prefix, a.name)).collect())
    }
}

thread_local! {
    static EXPANSIONS: RefCell<HashMap<String, Rc<Expansion>>> = RefCell::new(HashMap::new());
}

/// What `pattern` names, from the cache or the catalog.
pub(crate) fn expansion(pattern: &str) -> Rc<Expansion> {
    EXPANSIONS.with_borrow_mut(|cache| {
        if let Some(known) = cache.get(pattern) {
            return known.clone();
        }
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        let actions = catalog().expand(pattern).into_boxed_slice();
        let expanded = Rc::new(Expansion { actions, names: OnceCell::new() });
        cache.insert(pattern.to_owned(), expanded.clone());
        expanded
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expansion_is_the_catalogs_and_kept() {
        let first = expansion("s3:GetObject*");
        assert!(first.names().contains(&"s3:GetObject".to_owned()), "{:?}", first.names());
        assert_eq!(first.actions.len(), catalog().expand("s3:GetObject*").len());
        assert!(Rc::ptr_eq(&first, &expansion("s3:GetObject*")), "asked again, the same expansion");
        assert!(expansion("s3:NoSuchAction").actions.is_empty());
    }
}
