//! The project's rulebook (`rules.toml`): rule ids that scenarios claim to
//! cover (`covers`), that `pricebook test --coverage` lists, that docs
//! templates see, and that `pricebook diff` tags changes with.
//!
//! The rules are project data, not part of pricebook: a project with no
//! `rules.toml` has an empty rulebook.

pub mod raw;
mod topic;

use crate::diag::{Code, Diagnostics, FileId};
use crate::suggest;
use raw::RulesFile;
use serde::Serialize;
pub use topic::Topic;

/// One validated rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: String,
    pub title: String,
    /// The rule in full; the title when the file gives no text.
    pub text: String,
    /// The plan file it belongs to; `None`: every plan file.
    pub plans: Option<String>,
    /// What changes `pricebook diff` tags with this rule.
    #[serde(skip)]
    pub topics: Vec<Topic>,
}

/// Every rule of a project, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rulebook {
    pub rules: Vec<Rule>,
}

impl Rulebook {
    pub(crate) fn is_rule(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// The rules of one plan file: its own and those of every plan file.
    pub fn for_plan<'a>(&'a self, plan: &'a str) -> impl Iterator<Item = &'a Rule> {
        self.rules.iter().filter(move |r| r.plans.as_deref().is_none_or(|p| p == plan))
    }

    /// Ids of the rules a change of `topic` in plan file `plan` touches, in
    /// rulebook order.
    pub fn touched(&self, plan: &str, topic: Topic) -> Vec<String> {
        self.for_plan(plan).filter(|r| r.topics.contains(&topic)).map(|r| r.id.clone()).collect()
    }
}

/// Validates a parsed `rules.toml`: unique ids, known plan files (from
/// `plan_names`) and topics. Problems go to `diags`; the rules that are
/// valid are kept.
pub fn validate(raw: RulesFile, plan_names: &[String], file: FileId, diags: &mut Diagnostics) -> Rulebook {
    let mut rules: Vec<Rule> = Vec::new();
    let mut first_at = Vec::new();
    for entry in raw.rules {
        let id = entry.id.value.trim().to_string();
        if id.is_empty() {
            diags
                .report(Code::InvalidValue, file, entry.id.span.clone(), "a rule id cannot be empty")
                .with_help("give the rule a short id such as \"R1\"");
            continue;
        }
        if let Some(i) = rules.iter().position(|r| r.id == id) {
            let first: &std::ops::Range<usize> = &first_at[i];
            diags
                .report(Code::DuplicateId, file, entry.id.span.clone(), format!("rule `{id}` is declared twice"))
                .with_related(first.clone(), "first declared here")
                .with_help("give each rule its own id");
            continue;
        }
        let plans = entry.plans.map(|p| {
            if !plan_names.contains(&p.value) {
                let help = suggest::help_for(&p.value, "plan files", plan_names.iter().map(String::as_str));
                diags
                    .report(Code::UnknownPlanFile, file, p.span.clone(), format!("there is no plan file `{}`", p.value))
                    .with_help(help);
            }
            p.value
        });
        let mut topics = Vec::new();
        for t in &entry.topics {
            match Topic::parse(&t.value) {
                Some(topic) => topics.push(topic),
                None => {
                    let help = suggest::help_for(&t.value, "topics", Topic::names());
                    diags
                        .report(Code::InvalidValue, file, t.span.clone(), format!("`{}` is not a topic", t.value))
                        .with_help(help);
                }
            }
        }
        let text = entry.text.unwrap_or_else(|| entry.title.clone());
        first_at.push(entry.id.span.clone());
        rules.push(Rule { id, title: entry.title, text, plans, topics });
    }
    Rulebook { rules }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{SourceFile, SourceMap};

    fn book(text: &str, plans: &[&str]) -> (Rulebook, Diagnostics) {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("rules.toml", text));
        let mut diags = Diagnostics::new();
        let raw: RulesFile = crate::model::parse_toml(text, file, &mut diags).expect("parses");
        let names: Vec<String> = plans.iter().map(|s| s.to_string()).collect();
        let book = validate(raw, &names, file, &mut diags);
        (book, diags)
    }

    #[test]
    fn rules_touch_their_own_plan_file_and_shared_rules_every_one() {
        let (b, diags) = book(
            r#"
[[rules]]
id = "R1"
title = "a"
plans = "alpha"
topics = ["packs", "sources.daily_activity"]
[[rules]]
id = "R2"
title = "b"
plans = "alpha"
topics = ["packs"]
[[rules]]
id = "G1"
title = "c"
topics = ["plan_changes"]
"#,
            &["alpha", "beta"],
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(b.touched("alpha", Topic::Pack), ["R1", "R2"]);
        assert_eq!(b.touched("beta", Topic::Pack), Vec::<String>::new());
        assert_eq!(b.touched("beta", Topic::PlanChanges), ["G1"]);
        assert_eq!(b.for_plan("beta").map(|r| r.id.as_str()).collect::<Vec<_>>(), ["G1"]);
        assert_eq!(b.rules[0].text, "a", "the title stands in for a missing text");
    }

    #[test]
    fn bad_rules_are_reported_and_left_out() {
        let (b, diags) = book(
            r#"
[[rules]]
id = "R1"
title = "a"
plans = "alpah"
topics = ["pakcs"]
[[rules]]
id = "R1"
title = "again"
"#,
            &["alpha"],
        );
        let codes: Vec<&str> = diags.sorted().iter().map(|d| d.code.id()).collect();
        assert_eq!(codes, ["unknown-plan-file", "invalid-value", "duplicate-id"]);
        assert_eq!(b.ids().collect::<Vec<_>>(), ["R1"]);
    }
}
