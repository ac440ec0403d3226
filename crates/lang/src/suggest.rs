//! "Did you mean …?" for misspelt keys and ids.

/// The candidate closest to `name`, if it is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// A help line naming the closest candidate, or listing all of them.
pub fn help_for<'a>(name: &str, what: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    match did_you_mean(name, candidates.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let all: Vec<&str> = candidates.into_iter().collect();
            if all.is_empty() {
                format!("this file declares no {what}")
            } else {
                format!("known {what}: {}", all.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_but_not_strangers() {
        let keys = ["monthly_credits", "monthly_price", "yearly_price"];
        assert_eq!(did_you_mean("montly_credits", keys), Some("monthly_credits"));
        assert_eq!(did_you_mean("monthly_prise", keys), Some("monthly_price"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(help_for("xyz", "plans", ["free", "pro"]), "known plans: free, pro");
    }
}
