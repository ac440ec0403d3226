//! The step's catalog check answers as string equality does.

use super::same_id;

#[test]
fn same_id_answers_as_string_equality() {
    let base = "abcdefghijklmnopqrst";
    let mut pairs = 0;
    for n in 0..=base.len() {
        let id = &base[..n];
        // Itself, an id one byte longer or shorter, and one byte changed at each position.
        assert!(same_id(id, &id.to_string()), "{id}");
        assert!(!same_id(id, &base[..(n + 1).min(base.len())]) || n == base.len());
        assert!(n == 0 || !same_id(id, &base[..n - 1]));
        for at in 0..n {
            let mut other = id.as_bytes().to_vec();
            other[at] = b'_';
            let other = String::from_utf8(other).unwrap();
            assert_eq!(same_id(id, &other), id == other, "{id} / {other}");
            assert!(!same_id(id, &other));
            pairs += 1;
        }
    }
    assert_eq!(pairs, (0..=20).sum::<usize>());
}
