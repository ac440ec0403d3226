//! The list of diagnostic codes is part of the interface: CI logs, editors
//! and users search for them. It is snapshotted so that adding, renaming,
//! removing or re-grading a code is a reviewed change.

use pricebook_lang::diag::{Code, Severity};
use std::collections::BTreeSet;

#[test]
fn code_list_is_reviewed() {
    let list: String = Code::ALL
        .iter()
        .map(|c| {
            let severity = match c.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            format!("{:<32} {:<8} {}\n", c.id(), severity, c.description())
        })
        .collect();
    insta::assert_snapshot!(list);
}

#[test]
fn codes_are_unique_kebab_case_and_described() {
    let mut seen = BTreeSet::new();
    for c in Code::ALL {
        let id = c.id();
        assert!(seen.insert(id), "`{id}` is listed twice");
        assert!(
            !id.is_empty()
                && !id.starts_with('-')
                && !id.ends_with('-')
                && !id.contains("--")
                && id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "`{id}` is not kebab-case"
        );
        let d = c.description();
        assert!(
            d.ends_with('.') && d.chars().next().is_some_and(char::is_uppercase),
            "`{id}`: the description should be one sentence: {d:?}"
        );
    }
}
