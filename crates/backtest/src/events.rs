//! Usage and purchase rows as compact events, and the names they use
//! (feature/model pairs, packs) resolved once against every catalog.
//!
//! An event holds small ids, not strings, so millions of them fit in
//! memory or spill to disk in a fixed binary form ([`crate::partition`]).
//! Events order by account, time, kind (purchases before usage at the same
//! instant), then content, so any row order gives the same replay.

use crate::accounts::{Accounts, known_in, pack_ids};
use crate::cells;
use crate::error::{InputError, InputErrorKind};
use crate::fast_hash::FastMap;
use crate::input::{self, Format, Lines, Part, Piece, Row, Source};
use crate::partition::{self, Bounds, Partitioner};
use crate::skip::OnBad;
use pricebook_core::billing::cost::Measured;
use pricebook_core::calendar::Instant;
use pricebook_core::catalog::Catalog;
use rust_decimal::Decimal;

/// What happened, with ids from [`Names`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum What {
    Buy { pack: u32, credits: Option<Decimal>, amount: Option<Decimal> },
    Use(Use),
}

/// A usage row: a rate-card feature and its quantities, or pre-priced credits.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Use {
    /// Feature/model pair id; `None` for pre-priced usage.
    pub rate: Option<u32>,
    /// Feature/variant pair id from [`Names`]; `None`: no variant.
    pub variant: Option<u32>,
    pub requests: Option<Decimal>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub minutes: Option<Decimal>,
    /// Units of the feature's own meter (characters, seconds, images), as
    /// scenario files' `use.units`.
    pub units: Option<Decimal>,
    pub credits: Option<Decimal>,
}

impl Use {
    /// What the row measured, in the rate card's units, with its variant
    /// as an index into one catalog's `multipliers` (`variants`: that
    /// catalog's index by variant id, [`Names::variant_ix`]).
    pub(crate) fn measured(&self, variants: &[usize]) -> Measured {
        Measured {
            requests: self.requests,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            minutes: self.minutes,
            units: self.units,
            variant: self.variant.map(|v| variants[v as usize]),
        }
    }
}

/// One row of the export.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Event {
    pub account: u32,
    pub at: Instant,
    pub what: What,
}

/// Names the events use, and where each is in every catalog.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// (feature, model) by rate id.
    pub rates: Vec<(String, String)>,
    /// Rate id by feature, then model (looked up without allocating).
    rate_ids: FastMap<String, FastMap<String, u32>>,
    pub packs: Vec<String>,
    pack_ids: FastMap<String, u32>,
    /// Per catalog (in the order given): (feature, rate) index by rate id.
    pub rate_ix: Vec<Vec<(usize, usize)>>,
    /// Per catalog: pack index by pack id.
    pub pack_ix: Vec<Vec<usize>>,
    /// (feature, variant) by variant id.
    pub variants: Vec<(String, String)>,
    /// Variant id by feature, then variant name.
    variant_ids: FastMap<String, FastMap<String, u32>>,
    /// Per catalog: index into the feature's `multipliers` by variant id
    /// (catalogs may list a feature's variants in different orders, with
    /// different factors).
    pub variant_ix: Vec<Vec<usize>>,
    /// The account of the row before, compared before the accounts' map is
    /// looked up: exports often list an account's rows one after another.
    last_account: Option<u32>,
}

impl Names {
    pub fn new(catalogs: usize) -> Names {
        Names {
            rate_ix: vec![Vec::new(); catalogs],
            pack_ix: vec![Vec::new(); catalogs],
            variant_ix: vec![Vec::new(); catalogs],
            ..Names::default()
        }
    }

    /// The variant a usage names for its feature (whose rate is already
    /// resolved in every catalog); `None` for an empty cell (the usual
    /// case, inlined).
    #[inline]
    fn variant(
        &mut self,
        row: &Row<'_>,
        (fcol, vcol): (usize, usize),
        catalogs: &[&Catalog],
    ) -> Result<Option<u32>, InputError> {
        let name = row.get(vcol);
        if name.is_empty() {
            return Ok(None);
        }
        self.named_variant(row, (fcol, vcol), name, catalogs).map(Some)
    }

    fn named_variant(
        &mut self,
        row: &Row<'_>,
        (fcol, vcol): (usize, usize),
        name: &str,
        catalogs: &[&Catalog],
    ) -> Result<u32, InputError> {
        let feature = row.get(fcol);
        if let Some(id) = self.variant_ids.get(feature).and_then(|m| m.get(name)) {
            return Ok(*id);
        }
        let mut ix = Vec::with_capacity(catalogs.len());
        for cat in catalogs {
            let multipliers = cat.feature_ix(feature).map_or(&[][..], |f| &cat.features[f].multipliers[..]);
            match multipliers.iter().position(|m| m.variant == name) {
                Some(v) => ix.push(v),
                None => {
                    return Err(row.error(
                        vcol,
                        InputErrorKind::UnknownVariant {
                            feature: feature.to_string(),
                            value: name.to_string(),
                            catalog: cat.id.clone(),
                            known: multipliers.iter().map(|m| m.variant.clone()).collect(),
                        },
                    ));
                }
            }
        }
        let id = self.variants.len() as u32;
        for (c, v) in ix.into_iter().enumerate() {
            self.variant_ix[c].push(v);
        }
        self.variants.push((feature.to_string(), name.to_string()));
        self.variant_ids.entry(feature.to_string()).or_default().insert(name.to_string(), id);
        Ok(id)
    }

    fn rate(
        &mut self,
        row: &Row<'_>,
        (fcol, mcol): (usize, usize),
        catalogs: &[&Catalog],
        total_tokens: bool,
    ) -> Result<u32, InputError> {
        let feature = cells::required(row, fcol)?;
        let model = row.get(mcol);
        let id = match self.rate_id(feature, model) {
            Some(id) => id,
            None => {
                let id = self.rates.len() as u32;
                // Every catalog first: a name one of them lacks is not added to any.
                let ixs =
                    catalogs.iter().map(|cat| resolve_rate(row, (fcol, mcol), cat)).collect::<Result<Vec<_>, _>>()?;
                for (c, ix) in ixs.into_iter().enumerate() {
                    self.rate_ix[c].push(ix);
                }
                self.rates.push((feature.to_string(), model.to_string()));
                self.rate_ids.entry(feature.to_string()).or_default().insert(model.to_string(), id);
                id
            }
        };
        if total_tokens {
            for (c, cat) in catalogs.iter().enumerate() {
                let (f, r) = self.rate_ix[c][id as usize];
                let rate = &cat.features[f].rates[r];
                if rate.per_1k_input_tokens.is_some() || rate.per_1k_output_tokens.is_some() {
                    let (feature, model) = self.rates[id as usize].clone();
                    return Err(row.error(mcol, InputErrorKind::TotalTokensSplit { feature, model }));
                }
            }
        }
        Ok(id)
    }

    /// The id of a feature/model pair met before. The first [`FEW_RATES`]
    /// pairs are compared in place: an export names few pairs, each row
    /// names one, and two hash lookups cost more than a few comparisons.
    fn rate_id(&self, feature: &str, model: &str) -> Option<u32> {
        let few = &self.rates[..self.rates.len().min(FEW_RATES)];
        if let Some(i) = few.iter().position(|(f, m)| f == feature && m == model) {
            return Some(i as u32);
        }
        if self.rates.len() <= FEW_RATES {
            return None;
        }
        self.rate_ids.get(feature).and_then(|m| m.get(model)).copied()
    }

    fn pack(&mut self, row: &Row<'_>, col: usize, catalogs: &[&Catalog]) -> Result<u32, InputError> {
        let name = cells::required(row, col)?;
        if let Some(id) = self.pack_ids.get(name) {
            return Ok(*id);
        }
        known_in(row, col, name, "pack", catalogs, pack_ids)?;
        let id = self.packs.len() as u32;
        for (c, cat) in catalogs.iter().enumerate() {
            self.pack_ix[c].push(cat.pack_ix(name).unwrap_or_default());
        }
        self.packs.push(name.to_string());
        self.pack_ids.insert(name.to_string(), id);
        Ok(id)
    }
}

/// How many feature/model pairs [`Names::rate_id`] compares before it
/// looks up the map.
const FEW_RATES: usize = 8;

/// The ids a piece's names have in the whole file's [`Names`].
struct Ids {
    rates: Vec<u32>,
    packs: Vec<u32>,
    variants: Vec<u32>,
}

impl Ids {
    /// Whether every id is the piece's own (its events need no change).
    fn same(&self) -> bool {
        [&self.rates, &self.packs, &self.variants]
            .iter()
            .all(|ids| ids.iter().enumerate().all(|(i, id)| *id == i as u32))
    }
}

/// A pair-keyed name table's lookup: the id of (a, b), registering `next`
/// for it when it is new (`None`).
fn pair_id(ids: &mut FastMap<String, FastMap<String, u32>>, (a, b): &(String, String), next: u32) -> Option<u32> {
    if let Some(id) = ids.get(a).and_then(|m| m.get(b)) {
        return Some(*id);
    }
    ids.entry(a.clone()).or_default().insert(b.clone(), next);
    None
}

/// Adds a piece's table of names (in the order the piece met them) to the
/// file's: a name seen before keeps its id, a new one takes the next id
/// with its index in every catalog. Returns the file's id of each of the
/// piece's ids.
fn absorb_table<K, T: Copy>(
    local: Vec<K>,
    local_ix: &[Vec<T>],
    (list, ix): (&mut Vec<K>, &mut [Vec<T>]),
    mut known: impl FnMut(&K, u32) -> Option<u32>,
) -> Vec<u32> {
    local
        .into_iter()
        .enumerate()
        .map(|(l, k)| {
            let next = list.len() as u32;
            if let Some(id) = known(&k, next) {
                return id;
            }
            for (mine, theirs) in ix.iter_mut().zip(local_ix) {
                mine.push(theirs[l]);
            }
            list.push(k);
            next
        })
        .collect()
}

impl Names {
    /// Adds the names of `local` (one piece of the file's, in the order it
    /// met them) that are new here, as reading the piece here would have.
    fn absorb(&mut self, local: Names) -> Ids {
        let Names { rates, rate_ids, packs, pack_ids, rate_ix, pack_ix, variants, variant_ids, variant_ix, .. } = self;
        let rates =
            absorb_table(local.rates, &local.rate_ix, (rates, rate_ix), |pair, next| pair_id(rate_ids, pair, next));
        let variants = absorb_table(local.variants, &local.variant_ix, (variants, variant_ix), |pair, next| {
            pair_id(variant_ids, pair, next)
        });
        let packs = absorb_table(local.packs, &local.pack_ix, (packs, pack_ix), |name, next| {
            if let Some(id) = pack_ids.get(name) {
                return Some(*id);
            }
            pack_ids.insert(name.clone(), next);
            None
        });
        Ids { rates, packs, variants }
    }
}

/// A feature and model in one catalog. An empty model means the feature's
/// only rate, or the one called `default` (as in scenario files).
fn resolve_rate(row: &Row<'_>, (fcol, mcol): (usize, usize), cat: &Catalog) -> Result<(usize, usize), InputError> {
    let feature = row.get(fcol);
    let unknown = |i: usize, what: &'static str, value: &str, known: Vec<String>| {
        row.error(i, InputErrorKind::Unknown { what, value: value.to_string(), catalog: cat.id.clone(), known })
    };
    let Some(f) = cat.feature_ix(feature) else {
        return Err(unknown(fcol, "feature", feature, cat.features.iter().map(|f| f.id.clone()).collect()));
    };
    let rates = &cat.features[f].rates;
    let model = match row.get(mcol) {
        "" if rates.len() == 1 => return Ok((f, 0)),
        "" => "default",
        m => m,
    };
    match rates.iter().position(|r| r.model == model) {
        Some(r) => Ok((f, r)),
        None => Err(unknown(mcol, "model", model, rates.iter().map(|r| format!("{feature}/{}", r.model)).collect())),
    }
}

const USAGE: &[&str] = &[
    "account",
    "time",
    "feature",
    "model",
    "requests",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "minutes",
    "credits",
    "units",
    "variant",
];
const USAGE_REQUIRED: usize = 3;

const PURCHASES: &[&str] = &["account", "time", "pack", "credits", "amount"];
const PURCHASES_REQUIRED: usize = 3;

fn account_and_time(row: &Row<'_>, accounts: &Accounts, last: &mut Option<u32>) -> Result<(u32, Instant), InputError> {
    let name = cells::required(row, 0)?;
    let id = match *last {
        // Another account's name nearly always differs in its last
        // character: compared first, a row of another account costs little.
        Some(id) if same_name(&accounts.get(id).name, name) => id,
        _ => accounts.id(name).ok_or_else(|| row.error(0, InputErrorKind::UnknownAccount { value: name.into() }))?,
    };
    *last = Some(id);
    let at = cells::time(row, 1)?;
    let signed_up = accounts.get(id).signed_up;
    if at < signed_up {
        return Err(row.error(
            1,
            InputErrorKind::BeforeSignUp { value: row.get(1).to_string(), signed_up: signed_up.to_rfc3339() },
        ));
    }
    Ok((id, at))
}

fn same_name(a: &str, b: &str) -> bool {
    a.as_bytes().last() == b.as_bytes().last() && a == b
}

fn usage(row: &Row<'_>, accounts: &Accounts, names: &mut Names, catalogs: &[&Catalog]) -> Result<Event, InputError> {
    let (account, at) = account_and_time(row, accounts, &mut names.last_account)?;
    let credits = cells::quantity(row, 9)?;
    let total = cells::count(row, 7)?;
    let mut input_tokens = cells::count(row, 5)?;
    let output_tokens = cells::count(row, 6)?;
    if total.is_some() && (input_tokens.is_some() || output_tokens.is_some()) {
        return Err(row.error(7, InputErrorKind::OneOf { a: "total_tokens", b: "input_tokens/output_tokens" }));
    }
    // Pre-priced usage names its feature (and variant) only for the reader:
    // the rate card is not consulted, so they need not be in it.
    let (rate, variant) = match credits {
        Some(_) => (None, None),
        None => (Some(names.rate(row, (2, 3), catalogs, total.is_some())?), names.variant(row, (2, 11), catalogs)?),
    };
    if total.is_some() {
        input_tokens = total;
    }
    let u = Use {
        rate,
        variant,
        requests: cells::quantity(row, 4)?,
        input_tokens: input_tokens.unwrap_or(0),
        output_tokens: output_tokens.unwrap_or(0),
        minutes: cells::quantity(row, 8)?,
        units: cells::quantity(row, 10)?,
        credits,
    };
    Ok(Event { account, at, what: What::Use(u) })
}

fn purchase(row: &Row<'_>, accounts: &Accounts, names: &mut Names, catalogs: &[&Catalog]) -> Result<Event, InputError> {
    let (account, at) = account_and_time(row, accounts, &mut names.last_account)?;
    let pack = names.pack(row, 2, catalogs)?;
    let credits = cells::quantity(row, 3)?;
    let amount = cells::quantity(row, 4)?;
    if credits.is_some() && amount.is_some() {
        return Err(row.error(3, InputErrorKind::OneOf { a: "credits", b: "amount" }));
    }
    Ok(Event { account, at, what: What::Buy { pack, credits, amount } })
}

/// Which table a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Usage,
    Purchases,
}

/// Reads a usage or purchases table into `part`; a bad row stops the
/// reading or is skipped, as `on_bad` says. Files are parsed on every core
/// ([`read_text`], `read_parquet`); Arrow tables in memory row by row.
pub fn read(
    table: Table,
    (source, shown): (Source<'_>, &str),
    (accounts, on_bad): (&Accounts, &mut OnBad<'_>),
    names: &mut Names,
    catalogs: &[&Catalog],
    part: &mut Partitioner,
) -> Result<(), InputError> {
    if let Source::File(path) = source
        && let Ok(format) = Format::of(path, shown)
    {
        #[cfg(feature = "parquet")]
        if format == Format::Parquet {
            let file = (path, shown, input::PARALLEL_ROWS);
            return read_parquet(table, file, (accounts, on_bad), names, catalogs, part);
        }
        // Parquet without the feature: the error below says so.
        if format != Format::Parquet {
            let file = (path, shown, format);
            return read_text(table, file, (accounts, on_bad), names, catalogs, input::BLOCK, part);
        }
    }
    let (columns, required) = table.columns();
    input::read_source_records(source, shown, (columns, required), &mut |record| {
        table.take(record, (accounts, on_bad), names, catalogs, part)
    })
}

fn spill(e: std::io::Error) -> InputError {
    InputError::file("temporary spill file", InputErrorKind::Io(e.to_string()))
}

impl Table {
    /// The columns read, and how many of the first are required.
    fn columns(self) -> (&'static [&'static str], usize) {
        match self {
            Table::Usage => (USAGE, USAGE_REQUIRED),
            Table::Purchases => (PURCHASES, PURCHASES_REQUIRED),
        }
    }

    /// One record read row by row: its event into `part`, or its error to `on_bad`.
    fn take(
        self,
        record: input::Record<'_, '_>,
        (accounts, on_bad): (&Accounts, &mut OnBad<'_>),
        names: &mut Names,
        catalogs: &[&Catalog],
        part: &mut Partitioner,
    ) -> Result<(), InputError> {
        let e = record.and_then(|row| self.event(row, accounts, names, catalogs));
        let Some(e) = on_bad.keep(e)? else { return Ok(()) };
        part.push(e).map_err(spill)
    }

    fn event(
        self,
        row: &Row<'_>,
        accounts: &Accounts,
        names: &mut Names,
        catalogs: &[&Catalog],
    ) -> Result<Event, InputError> {
        match self {
            Table::Usage => usage(row, accounts, names, catalogs),
            Table::Purchases => purchase(row, accounts, names, catalogs),
        }
    }
}

/// One part of a table read (a CSV or JSON Lines piece, a Parquet row
/// group): its events, with ids from the part's own names, and its bad rows.
struct Parsed {
    names: Names,
    events: Vec<Event>,
    bounds: Bounds,
    /// Rows skipped, in file order.
    skipped: Vec<InputError>,
    /// What stopped the piece: its first bad row when not skipping, or a
    /// record that is not text.
    stop: Option<InputError>,
}

/// [`read`] of a CSV or JSON Lines file, parsed on every core in blocks of
/// `block` bytes. Each piece of the file resolves names into its own
/// [`Names`]; merged in file order, they get the ids a sequential read
/// gives, so the events, the names and the skipped rows are the same
/// whatever the cuts.
fn read_text(
    table: Table,
    (path, shown, format): (&std::path::Path, &str, Format),
    (accounts, on_bad): (&Accounts, &mut OnBad<'_>),
    names: &mut Names,
    catalogs: &[&Catalog],
    block: usize,
    part: &mut Partitioner,
) -> Result<(), InputError> {
    let skips = on_bad.skips();
    let mut merge = |p: Parsed, lines: Lines| p.merge(names, (on_bad, part), &|e| lines.fix(e));
    let columns = table.columns();
    if format == Format::JsonLines {
        let parse = |piece: &input::JsonPiece<'_>| Parsed::of(piece, table, (accounts, skips), catalogs);
        return input::read_jsonl_pieces((path, shown), columns.0, block, &parse, &mut merge);
    }
    let parse = |piece: &Piece<'_>| Parsed::of(piece, table, (accounts, skips), catalogs);
    input::read_csv_pieces((path, shown), columns, block, &parse, &mut merge)
}

/// [`read`] of a Parquet file, its row groups parsed on every core, merged
/// in file order as [`read_text`]'s pieces are (rows are numbered in the
/// file already); a group of more than `large` rows is read row by row.
#[cfg(feature = "parquet")]
fn read_parquet(
    table: Table,
    (path, shown, large): (&std::path::Path, &str, usize),
    (accounts, on_bad): (&Accounts, &mut OnBad<'_>),
    names: &mut Names,
    catalogs: &[&Catalog],
    part: &mut Partitioner,
) -> Result<(), InputError> {
    let skips = on_bad.skips();
    let parse = |group: &input::ParquetGroup<'_>| Parsed::of(group, table, (accounts, skips), catalogs);
    input::read_parquet_groups((path, shown), (table.columns(), large), &parse, &mut |ready| match ready {
        input::ParquetReady::Parsed(p) => p.merge(names, (on_bad, part), &|e| e),
        input::ParquetReady::Large(group) => {
            group.rows(&mut |record| table.take(record, (accounts, on_bad), names, catalogs, part))
        }
    })
}

impl Parsed {
    /// The events of one part of a table, with ids from its own names.
    fn of(from: &dyn Part, table: Table, (accounts, skips): (&Accounts, bool), catalogs: &[&Catalog]) -> Parsed {
        let mut p = Parsed {
            names: Names::new(catalogs.len()),
            events: Vec::with_capacity(from.rows_hint()),
            bounds: None,
            skipped: Vec::new(),
            stop: None,
        };
        let end = from.rows(&mut |row| match row.and_then(|row| table.event(row, accounts, &mut p.names, catalogs)) {
            Ok(e) => {
                p.bounds = partition::widen(p.bounds, e.at);
                p.events.push(e);
                Ok(())
            }
            Err(e) if skips => {
                p.skipped.push(e);
                Ok(())
            }
            Err(e) => Err(e),
        });
        p.stop = end.err();
        p
    }

    /// Takes the part's names into `names` (turning its events' ids into
    /// theirs), its events into `part` and its skipped rows into `on_bad`;
    /// `place` puts the part's errors where they are in the file.
    fn merge(
        mut self,
        names: &mut Names,
        (on_bad, part): (&mut OnBad<'_>, &mut Partitioner),
        place: &dyn Fn(InputError) -> InputError,
    ) -> Result<(), InputError> {
        let ids = names.absorb(self.names);
        if !ids.same() {
            for e in &mut self.events {
                match &mut e.what {
                    What::Use(u) => {
                        u.rate = u.rate.map(|r| ids.rates[r as usize]);
                        u.variant = u.variant.map(|v| ids.variants[v as usize]);
                    }
                    What::Buy { pack, .. } => *pack = ids.packs[*pack as usize],
                }
            }
        }
        part.push_all(self.events, self.bounds).map_err(spill)?;
        for e in self.skipped {
            on_bad.keep::<()>(Err(place(e)))?;
        }
        self.stop.map_or(Ok(()), |e| Err(place(e)))
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
pub(crate) mod tests;
