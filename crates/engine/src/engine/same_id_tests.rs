//! The step's catalog check answers as string equality does.

use super::same_id;

#[test]
fn same_id_answers_as_string_equality() {
    let base = "abcdefghijklmnopqrst";
    let mut changed = 0;
    for n in 0..=base.len() {
        let id = &base[..n];
        // Its own copy (another allocation), and every other length.
        let copy = String::from(id);
        assert!(same_id(id, &copy), "{id}");
        for m in (0..=base.len()).filter(|m| *m != n) {
            assert!(!same_id(id, &base[..m]), "{id} / {}", &base[..m]);
        }
        // One byte changed at each position: in either word, or in their overlap.
        for at in 0..n {
            let mut other = id.as_bytes().to_vec();
            other[at] = b'_';
            let other = String::from_utf8(other).unwrap();
            assert!(!same_id(id, &other) && !same_id(&other, id), "{id} / {other}");
            changed += 1;
        }
    }
    assert_eq!(changed, (0..=20).sum::<usize>());
}
