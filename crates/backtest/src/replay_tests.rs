//! Usage priced once for every side ([`SharedPrices`]) gives each side
//! exactly what replaying that side alone gives.

use crate::events::tests::catalog;
use crate::run::{Catalogs, FileArg, Inputs, Options, run};
use crate::sample::{self, Sample, Style, Writers};
use crate::{Backtest, WhenOut};
use pricebook_core::catalog::Catalog;

#[test]
fn each_side_replays_as_it_does_alone_whether_its_rates_are_shared_or_not() {
    let after = catalog("codeassist", |t| t);
    // One model priced differently: every other rate is shared.
    let premium = r#"{ model = "premium", per_request = 4 }"#;
    let before = catalog("codeassist", |t| {
        assert!(t.contains(premium));
        t.replacen(premium, r#"{ model = "premium", per_request = 5 }"#, 1)
    });
    let dir = std::env::temp_dir().join(format!("pricebook-shared-prices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut a, mut p, mut u) = (Vec::new(), Vec::new(), Vec::new());
    let s = Sample { accounts: 80, days: 25, seed: 3, events_per_day: 6 };
    sample::generate(&after, &s, Style::Csv, &mut Writers { accounts: &mut a, purchases: &mut p, usage: &mut u })
        .unwrap();
    let (usage, accounts, purchases) = (dir.join("usage.csv"), dir.join("accounts.csv"), dir.join("purchases.csv"));
    for (path, bytes) in [(&usage, u), (&accounts, a), (&purchases, p)] {
        std::fs::write(path, bytes).unwrap();
    }
    let files = Inputs {
        usage: FileArg { path: &usage, shown: "usage.csv" },
        accounts: FileArg { path: &accounts, shown: "accounts.csv" },
        purchases: Some(FileArg { path: &purchases, shown: "purchases.csv" }),
    };
    let quiet = |_: u64, _: u64| {};
    let opts =
        Options { when_out: WhenOut::Refuse, spill_threshold: usize::MAX, progress: &quiet, skip_invalid: false };
    let go = |before: Option<&Catalog>, after: &Catalog| -> Backtest {
        run(&files, Catalogs { before, after }, &opts).unwrap()
    };
    let both = go(Some(&before), &after);
    let (after_alone, before_alone) = (go(None, &after), go(None, &before));
    std::fs::remove_dir_all(&dir).unwrap();

    let mut premium_mattered = 0;
    for (i, r) in both.results.iter().enumerate() {
        let name = &both.accounts.get(i as u32).name;
        let b = r.before.as_ref().unwrap();
        assert_eq!(r.after, after_alone.results[i].after, "{name}: after");
        assert_eq!(b, &before_alone.results[i].after, "{name}: before");
        premium_mattered += usize::from(b.credits_used != r.after.credits_used || b.refused != r.after.refused);
    }
    // Otherwise a premium usage priced by the wrong side would go unseen.
    assert!(premium_mattered >= 5, "only {premium_mattered} accounts used premium");
}
