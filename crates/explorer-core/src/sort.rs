//! Sorting through one instantiation of the standard library's sort.
//!
//! Every `slice::sort*` call with its own element type or comparator is its own copy of the
//! sort (pivoting, small sorts, merging: several KB of wasm each). Here the sort runs once, on
//! indices, with the comparison behind a `dyn` call, and the items are then moved into place:
//! the sort's code exists once in the wasm, whatever is sorted. Stable (equal items keep their
//! order) and `O(n log n)` comparisons, as `slice::sort_by`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The order that sorts `n` items by `cmp`: `k`-th item of the result is item `order[k]`.
fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// Moves `v[order[k]]` to `k` for every `k`, following the permutation's cycles (linear).
fn arrange<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            v.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// Sorts `v` by `cmp`, stably.
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    arrange(v, order);
}

/// Sorts `v` by the key `key` gives each item, stably.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in its natural order, stably.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Collecting into a `BTreeSet` or a `BTreeMap` by insertion. `collect()` into them sorts the
/// items first (then builds the tree in bulk), with one more copy of the stable sort per item
/// type; inserting gives the same set or map (for a repeated key, the last value wins, as
/// with `collect()`).
pub trait Collect: Iterator + Sized {
    fn to_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut out = BTreeSet::new();
        out.extend(self);
        out
    }

    fn to_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut out = BTreeMap::new();
        out.extend(self);
        out
    }
}

impl<I: Iterator> Collect for I {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same result as the standard library's stable sort, on items whose key repeats
        /// (so stability shows) and on every length up to a few hundred.
        #[test]
        fn same_as_std(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)) {
            let mut ours = items.clone();
            let mut std_sorted = items.clone();
            sort_by_key(&mut ours, |&(k, _)| k);
            std_sorted.sort_by_key(|&(k, _)| k);
            prop_assert_eq!(&ours, &std_sorted);
            let mut all = items.clone();
            sort(&mut all);
            let mut expected = items;
            expected.sort();
            prop_assert_eq!(all, expected);
        }
    }

    #[test]
    fn collect_by_insertion() {
        let set = ["b", "a", "b"].into_iter().to_set();
        assert_eq!(set, ["a", "b"].into_iter().collect());
        let map = [("k", 1), ("j", 2), ("k", 3)].into_iter().to_map();
        assert_eq!(map, [("k", 1), ("j", 2), ("k", 3)].into_iter().collect());
    }

    #[test]
    fn strings_and_empty() {
        let mut v = vec!["b".to_string(), "a".into(), "c".into(), "a".into()];
        sort(&mut v);
        assert_eq!(v, ["a", "a", "b", "c"]);
        let mut e: Vec<u8> = Vec::new();
        sort(&mut e);
        assert!(e.is_empty());
    }
}
