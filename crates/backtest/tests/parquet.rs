//! Parquet input reads the same cells as CSV (`--features parquet`).
#![cfg(feature = "parquet")]

use arrow_array::{
    ArrayRef, Decimal128Array, Float32Array, Float64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray,
};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use pricebook_backtest::input::read_rows;
use std::path::Path;
use std::sync::Arc;

const WANTED: &[&str] = &["account", "time", "feature", "model", "requests"];

fn write(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    write_groups(path, columns, 1 << 20);
}

/// Writes the columns in row groups of at most `rows` rows.
fn write_groups(path: &Path, columns: Vec<(&str, ArrayRef)>, rows: usize) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let props = WriterProperties::builder().set_max_row_group_row_count(Some(rows)).build();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn cells(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    read_rows(path, &path.display().to_string(), WANTED, 2, &mut |r| {
        rows.push((0..WANTED.len()).map(|i| r.get(i).to_string()).collect());
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    Ok(rows)
}

#[test]
fn parquet_reads_like_csv() {
    let dir = std::env::temp_dir().join(format!("pricebook-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("usage.csv");
    std::fs::write(
        &csv,
        "account,time,feature,model,requests\n\
         alice,2026-03-02T10:00:00Z,agent,premium,1.50\n\
         bob,2026-03-06T10:00:00Z,chat,,\n",
    )
    .unwrap();
    let times = TimestampSecondArray::from(vec![1_772_445_600, 1_772_791_200]).with_timezone("+00:00");
    let naive = TimestampSecondArray::from(vec![1_772_445_600, 1_772_791_200]);
    // Spark writes its session zone by name; the instants are the same.
    let named = TimestampSecondArray::from(vec![1_772_445_600, 1_772_791_200]).with_timezone("Europe/Paris");
    let requests = Decimal128Array::from(vec![Some(150), None]).with_precision_and_scale(10, 2).unwrap();
    let zones = [("utc.parquet", Arc::new(times) as ArrayRef), ("naive.parquet", Arc::new(naive))];
    for (name, time) in zones.into_iter().chain([("named.parquet", Arc::new(named) as ArrayRef)]) {
        let pq = dir.join(name);
        write(
            &pq,
            vec![
                ("account", Arc::new(StringArray::from(vec!["alice", "bob"])) as ArrayRef),
                ("time", time),
                ("feature", Arc::new(StringArray::from(vec!["agent", "chat"]))),
                ("model", Arc::new(StringArray::from(vec![Some("premium"), None]))),
                ("requests", Arc::new(requests.clone())),
                ("extra", Arc::new(StringArray::from(vec!["x", "y"]))),
            ],
        );
        assert_eq!(cells(&pq).unwrap(), cells(&csv).unwrap(), "{name}");
    }
    // A float is read as its shortest decimal text, as a CSV would hold it
    // (0.1, not 0.1000000000000000055...; 3.0 as 3); NaN and null are
    // empty; an infinity is `inf`, which no cell parser accepts.
    let floats = dir.join("floats.parquet");
    let values = [Some(0.1), Some(3.0), Some(f64::NAN), None, Some(-0.0), Some(1e21), Some(f64::INFINITY)];
    let n = values.len();
    write(
        &floats,
        vec![
            ("account", Arc::new(StringArray::from(vec!["alice"; n])) as ArrayRef),
            ("time", Arc::new(StringArray::from(vec!["2026-03-02T10:00:00Z"; n]))),
            ("model", Arc::new(Float32Array::from(vec![0.1f32; n]))),
            ("requests", Arc::new(Float64Array::from(values.to_vec()))),
        ],
    );
    let got: Vec<[String; 2]> = cells(&floats).unwrap().into_iter().map(|r| [r[3].clone(), r[4].clone()]).collect();
    let want = ["0.1", "3", "", "", "0", "1000000000000000000000", "inf"];
    // A single float's shortest text: 0.1f32 widened to f64 would be 0.10000000149011612.
    assert_eq!(got, want.map(|w| ["0.1".to_string(), w.to_string()]));
    let fake = dir.join("fake.parquet");
    std::fs::copy(&csv, &fake).unwrap();
    let err = cells(&fake).unwrap_err();
    assert!(err.contains("not a readable Parquet file"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn timestamps_of_any_unit_and_zone_read_as_their_instant() {
    let dir = std::env::temp_dir().join(format!("pricebook-parquet-tz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 1_772_445_600 s after the epoch is 2026-03-02T10:00:00Z. A column's
    // zone only says how to show its instants: every one below is 10:00 UTC
    // (11:00 in Paris, 05:00 in New York, 15:30 at +05:30).
    let s: i64 = 1_772_445_600;
    let cases: Vec<(&str, ArrayRef, &str)> = vec![
        (
            "s, Europe/Paris",
            Arc::new(TimestampSecondArray::from(vec![s]).with_timezone("Europe/Paris")),
            "2026-03-02T10:00:00Z",
        ),
        (
            "ms, America/New_York",
            Arc::new(TimestampMillisecondArray::from(vec![s * 1_000 + 250]).with_timezone("America/New_York")),
            "2026-03-02T10:00:00.250Z",
        ),
        (
            "us, +05:30",
            Arc::new(TimestampMicrosecondArray::from(vec![s * 1_000_000 + 7]).with_timezone("+05:30")),
            "2026-03-02T10:00:00.000007Z",
        ),
        (
            "ns, UTC",
            Arc::new(TimestampNanosecondArray::from(vec![s * 1_000_000_000]).with_timezone("UTC")),
            "2026-03-02T10:00:00Z",
        ),
        // Before the epoch: -1.5 s is 23:59:58.5 on the last day of 1969.
        ("ms, no zone", Arc::new(TimestampMillisecondArray::from(vec![-1_500])), "1969-12-31T23:59:58.500Z"),
    ];
    for (i, (what, time, want)) in cases.into_iter().enumerate() {
        let pq = dir.join(format!("t{i}.parquet"));
        write(&pq, vec![("account", Arc::new(StringArray::from(vec!["alice"])) as ArrayRef), ("time", time)]);
        assert_eq!(cells(&pq).unwrap()[0][1], want, "{what}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `plans/voicestudio.toml` compiled.
fn voicestudio() -> pricebook_core::catalog::Catalog {
    use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plans/voicestudio.toml");
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("voicestudio.toml", std::fs::read_to_string(path).unwrap()));
    let mut diags = Diagnostics::new();
    pricebook_lang::compile::compile_plan_text("voicestudio", file, &sources, &mut diags).expect("compiles")
}

#[test]
fn float_quantity_columns_are_read_exactly_and_bad_cells_are_skippable_rows() {
    // One row group, or several: a file's row groups are read on every
    // core, each with names of its own (`transcribe` first appears in the
    // second group of two rows), and merged in file order, so the rows,
    // their numbers in errors and the figures are the same.
    for rows_per_group in [1 << 20, 2, 1] {
        groups_read_as_one(rows_per_group);
    }
}

fn groups_read_as_one(rows_per_group: usize) {
    use pricebook_backtest::{Catalogs, FileArg, Inputs, Options, WhenOut, run};
    let dir = std::env::temp_dir().join(format!("pricebook-parquet-floats-{}-{rows_per_group}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let accounts = dir.join("accounts.csv");
    std::fs::write(&accounts, "account,plan,signed_up,since\nann,free,2026-03-01T00:00:00Z,\n").unwrap();
    // As pandas writes them: `units` and `input_tokens` are float64, with
    // gaps (NaN) where a row has no value.
    let usage = dir.join("usage.parquet");
    let nan = f64::NAN;
    write_groups(
        &usage,
        vec![
            ("account", Arc::new(StringArray::from(vec!["ann"; 5])) as ArrayRef),
            (
                "time",
                Arc::new(StringArray::from((10..15).map(|h| format!("2026-03-02T{h}:00:00Z")).collect::<Vec<_>>())),
            ),
            ("feature", Arc::new(StringArray::from(vec!["tts", "tts", "transcribe", "tts", "tts"]))),
            (
                "model",
                Arc::new(StringArray::from(vec![
                    "multilingual_v2",
                    "flash_v2_5",
                    "scribe_v1",
                    "flash_v2_5",
                    "flash_v2_5",
                ])),
            ),
            ("units", Arc::new(Float64Array::from(vec![1200.0, 3001.0, 10.0, f64::INFINITY, 40.0]))),
            ("input_tokens", Arc::new(Float64Array::from(vec![nan, nan, nan, nan, 2.5]))),
            ("variant", Arc::new(StringArray::from(vec![Some("premium"), None, None, None, None]))),
        ],
        rows_per_group,
    );
    let cat = voicestudio();
    let inputs = Inputs {
        usage: FileArg { path: &usage, shown: "usage.parquet" },
        accounts: FileArg { path: &accounts, shown: "accounts.csv" },
        purchases: None,
    };
    let opts = |skip_invalid| Options {
        when_out: WhenOut::Refuse,
        spill_threshold: usize::MAX,
        progress: &|_, _| {},
        skip_invalid,
    };
    let cats = Catalogs { before: None, after: &cat };
    // Without --skip-invalid the infinity stops the run, named by row and column.
    let Err(err) = run(&inputs, cats, &opts(false)) else { panic!("an infinity is no quantity") };
    let err = err.to_string();
    assert!(err.starts_with("usage.parquet:4:5: error: column `units`: `inf` is not a decimal number"), "{err}");
    let bt = run(&inputs, cats, &opts(true)).unwrap();
    let skipped: Vec<String> =
        bt.skipped.unwrap().iter().map(|e| e.to_string().lines().next().unwrap().to_string()).collect();
    assert_eq!(
        skipped,
        [
            "usage.parquet:4:5: error: column `units`: `inf` is not a decimal number",
            "usage.parquet:5:6: error: column `input_tokens`: `2.5` is not a whole number up to 1,000,000,000,000",
        ]
    );
    // Free has 10,000 credits; tts 1 credit a multilingual character (x2
    // premium), 0.5 a flash one rounded up; transcribe 5.5 a second:
    // 1,200 x 2 = 2,400; 3,001 x 0.5 = 1,500.5 -> 1,501; 10 x 5.5 = 55.
    // 2,400 + 1,501 + 55 = 3,956.
    assert_eq!(bt.results[0].after.credits_used.to_string(), "3956");
    let _ = std::fs::remove_dir_all(&dir);
}
