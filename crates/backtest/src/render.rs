//! The output files as bytes: `accounts.csv`, `summary.md`, `summary.json`.

use crate::accounts::Account;
use crate::run::{AccountResult, Backtest};
use crate::summary::{Compared, Listed, Summary, percent, rfc3339};
use pricebook_core::format::{group, money_in};
use pricebook_core::money::{Currency, Money};

/// Money as a plain decimal string with the currency's minor units: `20.00`.
pub fn decimal(c: &Currency, m: Money) -> String {
    let mut d = m.get();
    d.rescale(c.minor_units.max(m.get().normalize().scale()));
    d.to_string()
}

/// The columns of `accounts.csv`, in order.
pub const HEADER: [&str; 14] = [
    "account",
    "plan",
    "events",
    "charged_before",
    "charged_after",
    "charged_delta",
    "credits_used_before",
    "credits_used_after",
    "refused_before",
    "refused_after",
    "first_refusal_before",
    "first_refusal_after",
    "packs_bought_before",
    "packs_bought_after",
];

/// One account's row of `accounts.csv`, cell by cell (a `before` cell is
/// empty for a one-sided run, as is a time with no refusal).
pub fn account_cells(a: &Account, r: &AccountResult, currency: &Currency) -> [String; 14] {
    let b = r.before.as_ref();
    let money = |m: Money| decimal(currency, m);
    let time = |t: Option<pricebook_core::calendar::Instant>| t.map(rfc3339).unwrap_or_default();
    [
        a.name.clone(),
        a.plan.clone(),
        r.events.to_string(),
        b.map(|b| money(b.charged)).unwrap_or_default(),
        money(r.after.charged),
        b.map(|b| money(r.after.charged - b.charged)).unwrap_or_default(),
        b.map(|b| b.credits_used.normalized().to_string()).unwrap_or_default(),
        r.after.credits_used.normalized().to_string(),
        b.map(|b| b.refused.to_string()).unwrap_or_default(),
        r.after.refused.to_string(),
        b.map(|b| time(b.first_refusal)).unwrap_or_default(),
        time(r.after.first_refusal),
        b.map(|b| b.packs_bought.to_string()).unwrap_or_default(),
        r.after.packs_bought.to_string(),
    ]
}

/// One row per account, in account-name order.
pub fn accounts_csv(bt: &Backtest, currency: &Currency) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    for (a, r) in bt.accounts.list.iter().zip(&bt.results) {
        w.write_record(account_cells(a, r, currency))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

fn signed_money(c: &Currency, m: Money) -> String {
    if m.is_positive() { format!("+{}", money_in(c, m)) } else { money_in(c, m) }
}

fn change(c: &Currency, x: &Compared) -> String {
    match (x.before, x.delta) {
        (Some(_), Some(d)) if d.is_zero() => money_in(c, d),
        (Some(b), Some(d)) => match percent(d, b) {
            Some(p) => format!("{} ({}{p}%)", signed_money(c, d), if p.is_sign_positive() { "+" } else { "" }),
            None => signed_money(c, d),
        },
        _ => String::new(),
    }
}

fn listed_table(s: &mut String, c: &Currency, rows: &[Listed], refusal: bool) {
    s.push_str(if refusal {
        "| account | plan | before | after | change | first refused (after) |\n|---|---|---:|---:|---:|---|\n"
    } else {
        "| account | plan | before | after | change |\n|---|---|---:|---:|---:|\n"
    });
    for l in rows {
        let before = l.charged.before.map(|b| money_in(c, b)).unwrap_or_default();
        s.push_str(&format!(
            "| `{}` | {} | {before} | {} | {} |",
            l.account.replace('`', "'").replace('|', "\\|"),
            l.plan,
            money_in(c, l.charged.after),
            change(c, &l.charged)
        ));
        if refusal {
            s.push_str(&format!(" {} |", l.first_refusal_after.as_deref().unwrap_or("")));
        }
        s.push('\n');
    }
}

/// `summary.md`: a pull-request comment. Dollar signs are escaped: GitHub
/// reads text between two of them as a formula.
pub fn summary_md(sum: &Summary, c: &Currency) -> String {
    summary_md_raw(sum, c).replace('$', "\\$")
}

fn summary_md_raw(sum: &Summary, c: &Currency) -> String {
    let mut s = String::new();
    let sides = match &sum.before_label {
        Some(b) => format!("{b} → {}", sum.after_label),
        None => sum.after_label.clone(),
    };
    s.push_str(&format!("## Impact on customers: `{}` ({sides})\n\n", sum.catalog));
    s.push_str(&format!(
        "Replayed {} usage and purchase events of {} accounts, {} to {}.\n\n",
        group(sum.events.into()),
        group(sum.accounts.into()),
        sum.start,
        sum.end
    ));
    s.push_str(&format!("**When a customer runs out** (an assumption): {}.\n\n", sum.assumption));
    let opt = |x: Option<String>| x.unwrap_or_default();
    s.push_str("| | before | after | change |\n|---|---:|---:|---:|\n");
    s.push_str(&format!(
        "| revenue | {} | {} | {} |\n",
        opt(sum.revenue.before.map(|b| money_in(c, b))),
        money_in(c, sum.revenue.after),
        change(c, &sum.revenue)
    ));
    let out_change = sum.ran_out_before.map(|b| {
        let d = sum.ran_out_after as i64 - b as i64;
        if d > 0 { format!("+{d}") } else { d.to_string() }
    });
    s.push_str(&format!(
        "| accounts with refused usage | {} | {} | {} |\n\n",
        opt(sum.ran_out_before.map(|b| b.to_string())),
        sum.ran_out_after,
        opt(out_change)
    ));
    if let Some(sp) = &sum.spread {
        s.push_str(&format!(
            "**Customers:** {} pay more, {} pay less, {} pay the same.\n\n",
            group(sp.pay_more.into()),
            group(sp.pay_less.into()),
            group(sp.same.into())
        ));
        let q: Vec<String> = sp.quantiles.iter().map(|(k, v)| format!("{k} {}", signed_money(c, *v))).collect();
        s.push_str(&format!("Change per customer: {}.\n\n", q.join(" · ")));
    }
    let refused = sum.plan_refused_after + sum.plan_refused_before.unwrap_or(0);
    if refused > 0 {
        s.push_str(&format!(
            "⚠ {refused} account(s) could not start their plan under a catalog (see `accounts.csv`); \
             they are charged nothing there.\n\n"
        ));
    }
    s.push_str("### By plan\n\n| plan | accounts | before | after | change | pay more | pay less | newly run out |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for p in &sum.by_plan {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            p.plan,
            group(p.accounts.into()),
            opt(p.revenue.before.map(|b| money_in(c, b))),
            money_in(c, p.revenue.after),
            change(c, &p.revenue),
            p.pay_more,
            p.pay_less,
            p.newly_out
        ));
    }
    s.push('\n');
    if sum.spread.is_some() {
        s.push_str("### Top movers\n\n");
        if sum.top_movers.is_empty() {
            s.push_str("Nobody pays a different amount.\n\n");
        } else {
            listed_table(&mut s, c, &sum.top_movers, false);
            s.push('\n');
        }
        s.push_str(&format!("### Newly run out: {}\n\n", sum.newly_out));
        if sum.newly_out_accounts.is_empty() {
            s.push_str("Nobody runs out who did not before.\n");
        } else {
            listed_table(&mut s, c, &sum.newly_out_accounts, true);
            if sum.newly_out > sum.newly_out_accounts.len() as u64 {
                s.push_str(&format!(
                    "\n…and {} more (see `accounts.csv`).\n",
                    sum.newly_out - sum.newly_out_accounts.len() as u64
                ));
            }
        }
    }
    s
}

/// `summary.json`: the same figures, decimals as strings.
pub fn summary_json(sum: &Summary) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(sum).map(|mut s| {
        s.push('\n');
        s
    })
}
