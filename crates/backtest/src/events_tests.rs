//! A CSV export read on every core gives what reading it row by row gives.

use super::*;
use crate::sample::{self, Sample, Style, Writers};
use pricebook_lang::compile::compile_plan_text;
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};
use std::path::{Path, PathBuf};

/// A bundled plan file compiled, with `edit` applied to its text.
pub(crate) fn catalog(plan: &str, edit: impl Fn(String) -> String) -> Catalog {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../plans/{plan}.toml"));
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(format!("{plan}.toml"), edit(std::fs::read_to_string(path).unwrap())));
    compile_plan_text(plan, file, &sources, &mut Diagnostics::new()).expect("the bundled plan compiles")
}

/// A sample export whose usage has a `note` column of quoted text (line
/// ends, commas, doubled quotes, a quote inside an unquoted cell) and, with
/// `bad`, rows naming an unknown account, an unknown model or a negative
/// quantity. Returns the folder.
fn export(cat: &Catalog, name: &str, bad: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pricebook-events-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut a, mut p, mut u) = (Vec::new(), Vec::new(), Vec::new());
    let s = Sample { accounts: 60, days: 20, seed: 7, events_per_day: 3 };
    sample::generate(cat, &s, Style::Csv, &mut Writers { accounts: &mut a, purchases: &mut p, usage: &mut u }).unwrap();
    let usage = String::from_utf8(u).unwrap();
    let mut lines = usage.lines();
    let mut out = format!("{},note\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if bad && i % 37 == 5 {
            cells[0] = "nobody".into();
        }
        if bad && i % 41 == 7 {
            cells[3] = "nope".into();
        }
        if bad && i % 43 == 9 && cells[4].is_empty() {
            cells[4] = "-3".into();
        }
        if i % 5 == 1 {
            cells[0] = format!("\"{}\"", cells[0]);
        }
        cells.push(match i % 7 {
            0 | 3 => "\"a note, with\na line end and \"\"quotes\"\"\"".into(),
            2 => "5\" screen".into(),
            4 => "\"\r\n\"".into(),
            _ => String::new(),
        });
        out.push_str(&cells.join(","));
        out.push_str(if i % 11 == 0 { "\r\n" } else { "\n" });
    }
    std::fs::write(dir.join("usage.csv"), out).unwrap();
    std::fs::write(dir.join("accounts.csv"), a).unwrap();
    std::fs::write(dir.join("purchases.csv"), p).unwrap();
    dir
}

/// Everything a read hands on: events, names (rates, packs, variants),
/// skipped rows, or the error.
type Outcome = Result<(Vec<Event>, Vec<(String, String)>, Vec<String>, Vec<Vec<(usize, usize)>>, Vec<String>), String>;

/// How [`read_all`] reads the tables.
#[derive(Clone, Copy, Debug)]
enum How {
    /// Row by row, as JSON Lines are (and CSV was before it was read in pieces).
    Rows,
    /// CSV or JSON Lines files, this many bytes at a time, in pieces on every core.
    Pieces(usize),
    /// Parquet files, row groups on every core; groups of more rows than
    /// this are read row by row.
    #[cfg(feature = "parquet")]
    Groups(usize),
}

/// Reads purchases then usage (`.csv`, `.jsonl` or `.parquet`, as `ext`
/// says), as a backtest does, as `how` says.
fn read_all(dir: &Path, ext: &str, cats: &[&Catalog], skip: bool, how: How) -> Outcome {
    let mut skipped = Vec::new();
    let mut on_bad = if skip { OnBad::Skip(&mut skipped) } else { OnBad::Stop };
    let path = dir.join("accounts.csv");
    let accounts = crate::accounts::read(Source::File(&path), "accounts.csv", cats, &mut on_bad).unwrap();
    let mut names = Names::new(cats.len());
    let mut part = crate::partition::Partitioner::new(usize::MAX);
    for (table, name) in [(Table::Purchases, "purchases"), (Table::Usage, "usage")] {
        let file = &format!("{name}.{ext}");
        let path = dir.join(file);
        let read = match how {
            How::Pieces(block) => {
                let format = Format::of(&path, file).unwrap();
                read_text(table, (&path, file, format), (&accounts, &mut on_bad), &mut names, cats, block, &mut part)
            }
            #[cfg(feature = "parquet")]
            How::Groups(large) => {
                read_parquet(table, (&path, file, large), (&accounts, &mut on_bad), &mut names, cats, &mut part)
            }
            How::Rows => {
                let (columns, required) = table.columns();
                input::read_source_records(Source::File(&path), file, (columns, required), &mut |record| {
                    table.take(record, (&accounts, &mut on_bad), &mut names, cats, &mut part)
                })
            }
        };
        read.map_err(|e| e.to_string())?;
    }
    let events = part.finish().and_then(|mut parts| parts.take(0)).unwrap().concat();
    let mut skipped: Vec<String> = skipped.iter().map(ToString::to_string).collect();
    // Variants are names too: a piece's variant ids must come out as a sequential read's.
    skipped.extend(names.variants.iter().map(|(f, v)| format!("variant {f}/{v}")));
    Ok((events, names.rates, names.packs, names.rate_ix, skipped))
}

#[test]
fn pieces_give_the_same_events_names_and_errors_as_a_sequential_read() {
    // Voice Studio's sample names a variant on every fifth speech row.
    for plan in ["codeassist", "voicestudio"] {
        pieces_read_as_rows(plan);
    }
}

fn pieces_read_as_rows(plan: &str) {
    // A second variant, so that pieces meet the two in different orders
    // and their ids must be mapped to the file's.
    let two_variants = |t: String| {
        let premium = r#"{ variant = "premium", display_name = "premium voices", multiplier = 2, cost = { per_unit = "$0.00005" } },"#;
        t.replacen(premium, &format!("{premium}\n  {{ variant = \"studio\", multiplier = 3 }},"), 1)
    };
    let after = catalog(plan, two_variants);
    let before = catalog(plan, |t| two_variants(t).replacen("monthly_credits = 500", "monthly_credits = 400", 1));
    let cats = [&before, &after];
    for (bad, skip) in [(false, false), (true, true), (true, false)] {
        let dir = export(&after, &format!("{plan}-{bad}-{skip}"), bad);
        let want = read_all(&dir, "csv", &cats, skip, How::Rows);
        match (&want, bad) {
            (Ok((events, rates, _, _, skipped)), _) => {
                assert!(events.len() > 1000 && rates.len() >= 3, "{} events, {} rates", events.len(), rates.len());
                let rows_skipped = skipped.iter().filter(|s| !s.starts_with("variant ")).count();
                assert_eq!(rows_skipped == 0, !bad, "{skipped:?}");
                let variants = events.iter().filter(|e| matches!(&e.what, What::Use(u) if u.variant.is_some())).count();
                assert_eq!(variants > 0, plan == "voicestudio", "{variants} usage rows with a variant");
                let studio = skipped.iter().any(|s| s == "variant tts/studio");
                assert_eq!(studio, plan == "voicestudio", "{skipped:?}");
            }
            (Err(e), true) => assert!(e.starts_with("usage.csv:"), "{e}"),
            (Err(e), false) => panic!("{e}"),
        }
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            for block in [64, 333, 1000, 4096, 50_000, input::BLOCK] {
                let got = pool.install(|| read_all(&dir, "csv", &cats, skip, How::Pieces(block)));
                assert!(got == want, "blocks of {block} on {threads} threads, bad {bad}, skip {skip}");
            }
        }
        json_pieces_read_as_rows(&dir, &cats, bad, skip);
        #[cfg(feature = "parquet")]
        groups_read_as_rows(&dir, &cats, skip);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_name_one_catalog_lacks_is_added_to_none() {
    // The older plans call the premium agent model otherwise: a row naming
    // it is refused, and must leave nothing behind in the newer plans'
    // table, where it would shift every later name's rate.
    let after = catalog("codeassist", |t| t);
    let renamed = |t: String| t.replacen(r#"model = "premium","#, r#"model = "premium-old","#, 1);
    let before = catalog("codeassist", renamed);
    let cats = [&after, &before];
    let mut names = Names::new(2);
    let text = String::new;
    let columns = [1, 2, 3, 4];
    let row = |cells: &'static [&'static str]| Row {
        file: "usage.csv",
        line: 2,
        cells,
        columns: &columns,
        names: &["account", "time", "feature", "model"],
        text: &text,
    };
    let err = names.rate(&row(&["a", "t", "agent", "premium"]), (2, 3), &cats, false).unwrap_err();
    assert!(err.to_string().contains("no model `premium`"), "{err}");
    let standard = names.rate(&row(&["a", "t", "agent", "standard"]), (2, 3), &cats, false).unwrap();
    assert_eq!(standard, 0);
    let agent = after.feature_ix("agent").unwrap();
    assert_eq!(names.rate_ix, vec![vec![(agent, 0)], vec![(agent, 0)]]);
}

#[test]
fn rates_compared_in_place_get_the_map_s_ids() {
    let mut names = Names::new(1);
    // More pairs than are compared in place, so later ones come from the map.
    let pairs: Vec<(String, String)> = (0..20).map(|i| (format!("f{}", i % 3), format!("m{i}"))).collect();
    for (n, (f, m)) in pairs.iter().enumerate() {
        assert_eq!(names.rate_id(f, m), None, "{f}/{m} is new");
        names.rates.push((f.clone(), m.clone()));
        names.rate_ids.entry(f.clone()).or_default().insert(m.clone(), n as u32);
        for (k, (f, m)) in pairs[..=n].iter().enumerate() {
            let in_map = names.rate_ids.get(f.as_str()).and_then(|ms| ms.get(m.as_str())).copied();
            assert_eq!((names.rate_id(f, m), in_map), (Some(k as u32), Some(k as u32)), "{f}/{m}");
        }
    }
    assert_eq!(names.rate_id("f0", "m1"), None, "a feature with another's model");
    assert_eq!(names.rate_id("f2", "m19"), None, "a late model with another feature");
}

#[test]
fn the_account_of_the_row_before_is_the_map_s() {
    let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let account = |name: &str| crate::accounts::Account {
        name: name.to_string(),
        plan: "free".to_string(),
        billing: pricebook_core::policy::Billing::Monthly,
        signed_up: at,
        since: at,
        auto: None,
    };
    let accounts = Accounts::from_list(vec![account("b"), account("a"), account("ab")]);
    let text = String::new;
    let columns = [1, 2];
    let mut last = None;
    for name in ["a", "a", "ab", "a", "b", "b", "nobody", "b", "a"] {
        let cells = [name, "2026-03-02T09:00:00Z"];
        let row = Row {
            file: "usage.csv",
            line: 2,
            cells: &cells,
            columns: &columns,
            names: &["account", "time"],
            text: &text,
        };
        let got = account_and_time(&row, &accounts, &mut last).map(|(id, _)| id).map_err(|e| e.to_string());
        let want = accounts.id(name).ok_or(());
        assert_eq!(got.is_ok(), want.is_ok(), "{name}: {got:?}");
        if let (Ok(got), Ok(want)) = (got, want) {
            assert_eq!(got, want, "{name}");
        }
    }
}

/// The export's table `name` as CSV: its header and records.
fn csv_table(dir: &Path, name: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(dir.join(format!("{name}.csv"))).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_string).collect();
    (header, reader.records().map(Result::unwrap).collect())
}

/// The export's CSV tables written as JSON Lines (a cell as a string, an
/// empty one left out), with blank lines and `\r\n` line ends here and
/// there, and with `bad`, lines that are not objects.
fn to_json_lines(dir: &Path, bad: bool) {
    for name in ["purchases", "usage"] {
        let (header, records) = csv_table(dir, name);
        let mut out = String::new();
        for (n, record) in records.iter().enumerate() {
            let object: serde_json::Map<String, serde_json::Value> = header
                .iter()
                .zip(record.iter())
                .filter(|(_, cell)| !cell.is_empty())
                .map(|(h, cell)| (h.clone(), serde_json::Value::String(cell.to_string())))
                .collect();
            out.push_str(&serde_json::Value::Object(object).to_string());
            out.push_str(if n % 13 == 0 { "\r\n" } else { "\n" });
            if n % 17 == 3 {
                out.push_str("\n  \n");
            }
            if bad && n % 29 == 11 {
                out.push_str(if n % 2 == 0 { "[1,2]\n" } else { "{\"account\": \"unclosed\n" });
            }
        }
        std::fs::write(dir.join(format!("{name}.jsonl")), out).unwrap();
    }
}

/// The export as JSON Lines read in pieces gives what reading it line by
/// line gives; so does a file whose first line is not an object (the whole
/// file's error, whatever the pieces).
fn json_pieces_read_as_rows(dir: &Path, cats: &[&Catalog], bad: bool, skip: bool) {
    to_json_lines(dir, bad);
    for broken in [false, true] {
        if broken {
            let usage = dir.join("usage.jsonl");
            let text = std::fs::read_to_string(&usage).unwrap();
            std::fs::write(&usage, format!("\n[\"not an object\"]\n{text}")).unwrap();
        }
        let want = read_all(dir, "jsonl", cats, skip, How::Rows);
        match &want {
            Ok((events, ..)) => assert!(!broken && events.len() > 1000, "{} events", events.len()),
            // Purchases are read first: their own bad rows may stop the reading before.
            Err(e) if broken && (skip || !bad) => assert!(e.starts_with("usage.jsonl:2: error: "), "{e}"),
            Err(e) => assert!(bad && !skip && e.contains(".jsonl:"), "{e}"),
        }
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            for block in [64, 1000, 50_000, input::BLOCK] {
                let got = pool.install(|| read_all(dir, "jsonl", cats, skip, How::Pieces(block)));
                assert!(got == want, "JSON Lines, blocks of {block} on {threads} threads, bad {bad}, skip {skip}");
            }
        }
    }
}

/// The export's CSV tables written as Parquet in row groups of `rows` rows,
/// every column as text (an empty cell as null, as pyarrow writes it).
#[cfg(feature = "parquet")]
fn to_parquet(dir: &Path, rows: usize) {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;
    for name in ["purchases", "usage"] {
        let (header, records) = csv_table(dir, name);
        let columns = header.iter().enumerate().map(|(i, h)| {
            let cells: StringArray = records.iter().map(|r| r.get(i).filter(|c| !c.is_empty())).collect();
            (h.as_str(), std::sync::Arc::new(cells) as ArrayRef)
        });
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let props = WriterProperties::builder().set_max_row_group_row_count(Some(rows)).build();
        let file = std::fs::File::create(dir.join(format!("{name}.parquet"))).unwrap();
        let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }
}

/// The export as Parquet: row groups parsed on every core, or read row by
/// row when larger than the limit, give what reading every row in order
/// gives (events, names and their ids, skipped rows, the first error).
#[cfg(feature = "parquet")]
fn groups_read_as_rows(dir: &Path, cats: &[&Catalog], skip: bool) {
    for rows in [7, 100, 1_000_000] {
        to_parquet(dir, rows);
        let want = read_all(dir, "parquet", cats, skip, How::Rows);
        assert!(
            want.as_ref().is_ok_and(|w| !w.0.is_empty())
                || want.as_ref().is_err_and(|e| e.starts_with("usage.parquet:"))
        );
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            // Every group parsed on its own; groups of more than 50 rows read
            // row by row, smaller ones parsed; every group read row by row.
            for large in [usize::MAX, 50, 0] {
                let got = pool.install(|| read_all(dir, "parquet", cats, skip, How::Groups(large)));
                assert!(got == want, "groups of {rows} rows, large {large}, {threads} threads, skip {skip}");
            }
        }
    }
}
