//! Pricing-page presentation on plans: the highlighted plan and each plan's
//! call to action. Billing ignores both; they are checked here so that a
//! page never links to a `javascript:` address or highlights two plans.

use super::check::Checker;
use crate::diag::Code;
use crate::model::Sp;
use crate::model::plan as raw;
use pricebook_core::catalog::CallToAction;

/// A plan's call to action, when its label is not blank and its url is an
/// http(s) address; each problem becomes a diagnostic.
pub(super) fn cta(p: &raw::Plan, ck: &mut Checker) -> Option<CallToAction> {
    let cta = &p.cta.as_ref()?.value;
    let label = cta.label.value.trim();
    let url = cta.url.value.trim();
    let mut ok = true;
    if label.is_empty() {
        ck.error(
            Code::IncompleteItem,
            cta.label.span.clone(),
            format!("the call to action of `{}` has no label", p.id.value),
        )
        .with_help("write what the button says, e.g. label = \"Start free trial\"");
        ok = false;
    }
    if !is_web_url(url) {
        ck.error(Code::CtaUrl, cta.url.span.clone(), format!("`{url}` is not an http:// or https:// address"))
            .with_label("a pricing page links here")
            .with_help("write the full address, e.g. url = \"https://example.com/signup\"");
        ok = false;
    }
    ok.then(|| CallToAction { label: label.to_string(), url: url.to_string() })
}

/// `http://` or `https://` (any case) followed by a host, with no space or
/// control character anywhere.
fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether each plan is highlighted; a second highlighted plan is an error
/// pointing at both.
pub(super) fn highlights(plans: &[Sp<raw::Plan>], ck: &mut Checker) -> Vec<bool> {
    let mut first: Option<(&str, std::ops::Range<usize>)> = None;
    plans
        .iter()
        .map(|p| {
            let Some(h) = p.value.highlight.as_ref().filter(|h| h.value) else { return false };
            match &first {
                None => {
                    first = Some((p.value.id.value.as_str(), h.span.clone()));
                    true
                }
                Some((id, span)) => {
                    ck.error(
                        Code::SeveralHighlighted,
                        h.span.clone(),
                        format!("`{}` is highlighted, and so is `{id}`", p.value.id.value),
                    )
                    .with_related(span.clone(), "first highlighted here")
                    .with_help("a pricing page sets one plan apart; keep `highlight = true` on one plan");
                    false
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_web_url;

    #[test]
    fn only_web_addresses_are_links() {
        assert!(is_web_url("https://example.com/signup?plan=pro"));
        assert!(is_web_url("HTTP://example.com"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https:///path"));
        assert!(!is_web_url("example.com"));
        assert!(!is_web_url("https://example.com/a b"));
        assert!(!is_web_url("mailto:sales@example.com"));
    }
}
