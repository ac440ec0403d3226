//! Parquet input reads the same cells as CSV (`--features parquet`).
#![cfg(feature = "parquet")]

use arrow_array::{
    ArrayRef, Decimal128Array, Float64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray,
};
use parquet::arrow::ArrowWriter;
use pricebook_backtest::input::read_rows;
use std::path::Path;
use std::sync::Arc;

const WANTED: &[&str] = &["account", "time", "feature", "model", "requests"];

fn write(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
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
    // Floats are refused, naming the column; so is a file that is not Parquet.
    let floats = dir.join("floats.parquet");
    write(
        &floats,
        vec![
            ("account", Arc::new(StringArray::from(vec!["alice"])) as ArrayRef),
            ("time", Arc::new(StringArray::from(vec!["2026-03-02T10:00:00Z"]))),
            ("requests", Arc::new(Float64Array::from(vec![0.1]))),
        ],
    );
    let err = cells(&floats).unwrap_err();
    assert!(err.contains(":1:3: error: column `requests`") && err.contains("floats"), "{err}");
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
