//! Names looked up regardless of ASCII case, without allocating: every action of every policy
//! is looked up by service prefix and action name, so a lookup must not build a lower-case
//! copy of its key.

#[derive(Debug, Default)]
pub(super) struct NameIndex(Vec<(String, usize)>);

impl NameIndex {
    /// Indexes each name; a name given twice (in any case) keeps its last index.
    pub(super) fn new<'a>(names: impl IntoIterator<Item = (&'a str, usize)>) -> NameIndex {
        let mut entries: Vec<(String, usize)> =
            names.into_iter().map(|(name, index)| (name.to_ascii_lowercase(), index)).collect();
        // Stable: of equal names, the last given stays last.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unique: Vec<(String, usize)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match unique.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => unique.push(entry),
            }
        }
        NameIndex(unique)
    }

    pub(super) fn get(&self, name: &str) -> Option<usize> {
        // Names are short: lower-cased on the stack, then compared a slice at a time.
        let mut buffer = [0; 128];
        let heap;
        let lower: &[u8] = match buffer.get_mut(..name.len()) {
            Some(lower) => {
                lower.copy_from_slice(name.as_bytes());
                lower.make_ascii_lowercase();
                lower
            }
            None => {
                heap = name.to_ascii_lowercase();
                heap.as_bytes()
            }
        };
        let found = self.0.binary_search_by(|(key, _)| key.as_bytes().cmp(lower));
        found.ok().map(|position| self.0[position].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_in_any_case_and_the_last_of_twins_wins() {
        let index = NameIndex::new([("GetObject", 0), ("ListBucket", 1), ("getobject", 2), ("Put", 3)]);
        assert_eq!(index.get("GETOBJECT"), Some(2));
        assert_eq!(index.get("listbucket"), Some(1));
        assert_eq!(index.get("Put"), Some(3));
        assert_eq!(index.get("PutObject"), None);
        assert_eq!(index.get(""), None);
        let long = "x".repeat(200);
        let index = NameIndex::new([(long.to_uppercase().as_str(), 7)]);
        assert_eq!(index.get(&long), Some(7));
    }
}
