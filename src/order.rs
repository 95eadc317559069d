//! Sorting by numbers, through one instantiation of the standard sort for the whole crate: each `sort_by`
//! with its own closure type compiles a sort of its own (≈ 4 KB of wasm each). Orders are IEEE total
//! orders (`f64::total_cmp`: −0 before +0, NaN after +∞) and stable (ties keep their input order).

/// The positions of `keys` in ascending order, ties in input order.
fn ascending(keys: impl Iterator<Item = f64>) -> Vec<usize> {
    let mut order: Vec<(f64, usize)> = keys.zip(0..).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    order.into_iter().map(|(_, i)| i).collect()
}

/// Sorts `items` by `key`, ascending; stable.
pub fn by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> f64) {
    let order = ascending(items.iter().map(key));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` by `key`, descending; stable.
pub fn by_key_descending<T>(items: &mut Vec<T>, key: impl Fn(&T) -> f64) {
    // Negation reverses the total order exactly (it flips the sign bit).
    by_key(items, |t| -key(t))
}

/// Sorts numbers ascending.
pub fn numbers(v: &mut Vec<f64>) {
    by_key(v, |&x| x)
}

/// Sorts numbers descending.
pub fn numbers_descending(v: &mut Vec<f64>) {
    by_key_descending(v, |&x| x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        let keys = [3.0, -0.0, 0.0, f64::NAN, 1.0, f64::NEG_INFINITY, 1.0, -2.5, f64::INFINITY, 3.0];
        let items: Vec<(f64, usize)> = keys.iter().copied().zip(0..).collect();
        let mut ours = items.clone();
        by_key(&mut ours, |p| p.0);
        let mut std = items.clone();
        std.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(format!("{ours:?}"), format!("{std:?}"));
        let mut ours = items.clone();
        by_key_descending(&mut ours, |p| p.0);
        let mut std = items;
        std.sort_by(|a, b| b.0.total_cmp(&a.0));
        assert_eq!(format!("{ours:?}"), format!("{std:?}"));
        let mut v = keys.to_vec();
        numbers_descending(&mut v);
        let mut w = keys.to_vec();
        w.sort_by(|a, b| b.total_cmp(a));
        assert_eq!(format!("{v:?}"), format!("{w:?}"));
    }
}
