//! The accounts file: who the customers are, which plan each is on and
//! since when. Accounts are numbered in name order, so results do not
//! depend on the order of the file's rows.

use crate::cells;
use crate::error::{InputError, InputErrorKind};
use crate::fast_hash::FastMap;
use crate::input::{self, Row, Source};
use crate::skip::OnBad;
use pricebook_core::calendar::Instant;
use pricebook_core::catalog::Catalog;
use pricebook_core::policy::Billing;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Columns read, required ones first.
const COLUMNS: &[&str] =
    &["account", "plan", "signed_up", "billing", "since", "auto_recharge", "recharge_threshold", "recharge_pack"];
const REQUIRED: usize = 3;

/// An account's own auto-recharge settings, when the export has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoSetting {
    pub enabled: bool,
    pub threshold: Option<Decimal>,
    /// A pack id, checked against every catalog.
    pub pack: Option<String>,
}

/// One customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    /// The plan id (checked against every catalog).
    pub plan: String,
    pub billing: Billing,
    pub signed_up: Instant,
    /// When the current plan started; the sign-up when not given.
    pub since: Instant,
    /// `None`: as `--when-out` says.
    pub auto: Option<AutoSetting>,
}

/// Every account, in name order, with a lookup by name.
#[derive(Debug, Default)]
pub struct Accounts {
    pub list: Vec<Account>,
    by_name: FastMap<String, u32>,
}

impl Accounts {
    pub fn id(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }

    pub fn get(&self, id: u32) -> &Account {
        &self.list[id as usize]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Builds the table from accounts in any order; names must be unique.
    pub fn from_list(mut list: Vec<Account>) -> Accounts {
        list.sort_by(|a, b| a.name.cmp(&b.name));
        let by_name = list.iter().enumerate().map(|(i, a)| (a.name.clone(), i as u32)).collect();
        Accounts { list, by_name }
    }
}

/// Checks a name against every catalog, naming the one that lacks it.
pub(crate) fn known_in(
    row: &Row<'_>,
    i: usize,
    value: &str,
    what: &'static str,
    catalogs: &[&Catalog],
    ids: fn(&Catalog) -> Vec<&str>,
) -> Result<(), InputError> {
    for cat in catalogs {
        // Borrowed: every accounts row checks its plan (copying the names
        // cost more than the rest of the row).
        let known = ids(cat);
        if !known.contains(&value) {
            let known = known.into_iter().map(str::to_string).collect();
            return Err(row
                .error(i, InputErrorKind::Unknown { what, value: value.to_string(), catalog: cat.id.clone(), known }));
        }
    }
    Ok(())
}

pub(crate) fn plan_ids(cat: &Catalog) -> Vec<&str> {
    cat.plans.iter().map(|p| p.id.as_str()).collect()
}

pub(crate) fn pack_ids(cat: &Catalog) -> Vec<&str> {
    cat.packs.iter().map(|p| p.id.as_str()).collect()
}

fn account(row: &Row<'_>, catalogs: &[&Catalog]) -> Result<Account, InputError> {
    let name = cells::required(row, 0)?.to_string();
    let plan = cells::required(row, 1)?.to_string();
    known_in(row, 1, &plan, "plan", catalogs, plan_ids)?;
    let signed_up = cells::time(row, 2)?;
    let billing = match row.get(3).to_ascii_lowercase().as_str() {
        "" | "monthly" => Billing::Monthly,
        "yearly" => Billing::Yearly,
        v => {
            let expected = "`monthly` or `yearly`";
            return Err(row.error(3, InputErrorKind::Malformed { value: v.to_string(), expected }));
        }
    };
    let since = cells::optional_time(row, 4)?.unwrap_or(signed_up);
    if since < signed_up {
        return Err(row.error(
            4,
            InputErrorKind::SinceBeforeSignUp { since: row.get(4).to_string(), signed_up: row.get(2).to_string() },
        ));
    }
    let threshold = cells::quantity(row, 6)?;
    let pack = match row.get(7) {
        "" => None,
        p => {
            known_in(row, 7, p, "pack", catalogs, pack_ids)?;
            Some(p.to_string())
        }
    };
    let auto = cells::flag(row, 5)?.map(|enabled| AutoSetting { enabled, threshold, pack });
    Ok(Account { name, plan, billing, signed_up, since, auto })
}

/// Reads the accounts file; every plan must exist in every catalog. A bad
/// row stops the reading or is skipped, as `on_bad` says.
pub fn read(
    source: Source<'_>,
    shown: &str,
    catalogs: &[&Catalog],
    on_bad: &mut OnBad<'_>,
) -> Result<Accounts, InputError> {
    let mut list = Vec::new();
    let mut lines: HashMap<String, u64> = HashMap::new();
    input::read_source_records(source, shown, (COLUMNS, REQUIRED), &mut |record| {
        let row = match record {
            Ok(row) => row,
            Err(e) => return on_bad.keep::<()>(Err(e)).map(drop),
        };
        let unique = account(row, catalogs).and_then(|a| match lines.get(&a.name) {
            Some(first_line) => {
                Err(row.error(0, InputErrorKind::DuplicateAccount { value: a.name, first_line: *first_line }))
            }
            None => Ok(a),
        });
        if let Some(a) = on_bad.keep(unique)? {
            lines.insert(a.name.clone(), row.line());
            list.push(a);
        }
        Ok(())
    })?;
    Ok(Accounts::from_list(list))
}
