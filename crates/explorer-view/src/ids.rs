//! Lookup of a slice's items by their string id.
//!
//! One sorted `(id, position)` vector and a binary search. The view and the scene
//! look ids up through this one type, so the browser build carries one sort and
//! one search for them instead of a `BTreeMap` (and its sort) per element type.

/// Positions of ids in the order they were given. On a repeated id the last
/// position wins, as when collecting into a map.
#[derive(Clone, Debug, Default)]
pub struct IdIndex<'a> {
    keys: Vec<(&'a str, u32)>,
}

impl<'a> IdIndex<'a> {
    pub fn new(ids: impl Iterator<Item = &'a str>) -> Self {
        Self::sorted(ids.zip(0u32..).collect())
    }

    fn sorted(mut keys: Vec<(&'a str, u32)>) -> Self {
        explorer_core::sort::sort(&mut keys);
        IdIndex { keys }
    }

    /// The position of `id`, if it was given.
    pub fn get(&self, id: &str) -> Option<usize> {
        // The last of equal ids (they sort by position), as a map would keep.
        let end = self.keys.partition_point(|(k, _)| *k <= id);
        match end.checked_sub(1).map(|i| self.keys[i]) {
            Some((k, pos)) if k == id => Some(pos as usize),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IdIndex;

    #[test]
    fn finds_positions_and_keeps_the_last_of_repeated_ids() {
        let ids = ["b", "a", "c", "a"];
        let index = IdIndex::new(ids.iter().copied());
        assert_eq!(index.get("a"), Some(3));
        assert_eq!(index.get("b"), Some(0));
        assert_eq!(index.get("c"), Some(2));
        assert_eq!(index.get(""), None);
        assert_eq!(index.get("bb"), None);
        assert_eq!(index.get("d"), None);
        assert!(IdIndex::new(std::iter::empty()).get("a").is_none());
    }
}
