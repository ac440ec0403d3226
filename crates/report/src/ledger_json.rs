//! The ledger as JSON shaped like a billing API's "balance and
//! transactions" answer: one object per account.

use super::ledger_table::{Names, lines_by_account};
use pricebook_core::money::Credits;
use pricebook_engine::Simulation;
use pricebook_engine::ledger::{Detail, EntryKind};
use pricebook_lang::compile::scenario::Script;
use serde_json::{Map, Value, json};

pub fn render(script: &Script, engine: &Simulation<'_>) -> String {
    let cat = engine.catalog();
    let names = Names { cat, script, labels: engine.labels() };
    let lines = lines_by_account(engine.ledger());
    let mut accounts = Vec::new();
    for id in engine.account_ids() {
        let (Some(a), Some(v)) = (engine.account(id), engine.view(id)) else {
            continue;
        };
        let mut by_source = Map::new();
        for l in a.wallet.lots() {
            let key = names.bucket(pricebook_engine::ledger::Bucket::Label(l.label)).to_string();
            let sum =
                by_source.get(&key).and_then(Value::as_str).and_then(|s| s.parse::<Credits>().ok()).unwrap_or_default()
                    + l.remaining;
            by_source.insert(key, Value::String(sum.to_string()));
        }
        let mine = lines.get(&id).into_iter().flatten();
        let mut transactions = Vec::new();
        let mut refusals = Vec::new();
        let mut notifications = Vec::new();
        for (seq, e) in mine {
            let base = json!({
                "seq": seq,
                "time": e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "description": names.detail(&e.detail),
            });
            match (e.kind, &e.detail) {
                (EntryKind::Refused, Detail::Refusal(r)) => refusals.push(merge(base, json!({ "reason": r.code() }))),
                (EntryKind::Notice, Detail::Notice(n)) => notifications.push(merge(base, json!({ "kind": n.code() }))),
                _ => {
                    // A metered line bills usage past the balance in money and
                    // leaves the balance alone: its quantity goes in `metered`,
                    // so summing `amount` always gives the balance.
                    let metered = e.kind == EntryKind::Metered;
                    let amount = if metered { Credits::ZERO } else { e.credits };
                    let mut t = merge(
                        base,
                        json!({
                            "type": e.kind.word(),
                            "source": names.bucket(e.bucket),
                            "amount": amount.to_string(),
                            "balance_after": e.balance.to_string(),
                        }),
                    );
                    if metered {
                        t["metered"] = Value::String((-e.credits).to_string());
                    }
                    if let Some(m) = e.money {
                        t["money"] = json!({ "amount": m.to_string(), "currency": cat.currency.code });
                    }
                    let usage = match &e.detail {
                        Detail::Returned { usage, .. } => usage.as_ref(),
                        other => other,
                    };
                    if let Detail::Usage { rate, variant, project, session, .. } = usage {
                        t["resource"] = json!({
                            "project": project.map(|p| names.sym(p).to_string()),
                            "session": session.map(|s| names.sym(s).to_string()),
                        });
                        // Only usage that named a variant says so: other lines keep their shape.
                        let named = rate.zip(*variant).and_then(|((f, _), v)| cat.features[f].multipliers.get(v));
                        if let Some(m) = named {
                            t["variant"] = Value::String(m.variant.clone());
                        }
                    }
                    transactions.push(t);
                }
            }
        }
        accounts.push(json!({
            "id": names.account(id),
            "plan": cat.plans[v.plan].id,
            "status": if v.trialing { "trialing" } else { "active" },
            "balance": {
                "total": v.balance.to_string(),
                "available": v.balance.max(Credits::ZERO).to_string(),
                "overdraft": v.deficit.to_string(),
                "by_source": by_source,
            },
            "money": { "currency": cat.currency.code, "charged": v.charged.to_string(), "refunded": v.refunded.to_string() },
            "spent_on": super::ledger_table::spent_on(cat, lines.get(&id).into_iter().flatten().map(|(_, e)| *e))
                .into_iter()
                .map(|(k, v)| (k, Value::String(v.to_string())))
                .collect::<Map<String, Value>>(),
            "pending_topups": a.pending_topups.iter().map(|p| json!({
                "credits": p.credits.to_string(),
                "arrives": p.settles_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            })).collect::<Vec<_>>(),
            "transactions": transactions,
            "refusals": refusals,
            "notifications": notifications,
        }));
    }
    let root = json!({
        "scenario": script.title,
        "plans": script.plans,
        "covers": script.covers,
        "accounts": accounts,
    });
    let mut out = serde_json::to_string_pretty(&root).unwrap_or_default();
    out.push('\n');
    out
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}
