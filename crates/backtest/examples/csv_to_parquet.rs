//! Turns a CSV export into Parquet, as a data warehouse would write it, so
//! the backtest's Parquet path can be measured on a `sample-usage` export:
//! `time`, `signed_up` and `since` become UTC timestamps, token counts
//! 64-bit integers, every other column text; snappy-compressed row groups
//! of 1,048,576 rows.
//!
//! Run: `cargo run --release -p pricebook-backtest --features parquet
//! --example csv_to_parquet -- IN.csv OUT.parquet`.

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray, TimestampSecondArray};
use chrono::DateTime;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::sync::Arc;

const TIMES: &[&str] = &["time", "signed_up", "since"];
const COUNTS: &[&str] = &["input_tokens", "output_tokens", "total_tokens"];
const BATCH: usize = 1 << 20;

fn column(name: &str, cells: &[String]) -> Result<ArrayRef, String> {
    let bad = |v: &str| format!("column `{name}`: `{v}` is not what the column holds");
    let empty_or = |v: &String| (!v.is_empty()).then_some(v.as_str());
    if TIMES.contains(&name) {
        let secs = cells
            .iter()
            .map(|v| empty_or(v).map(|v| DateTime::parse_from_rfc3339(v).map(|t| t.timestamp()).map_err(|_| bad(v))))
            .map(Option::transpose)
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Arc::new(TimestampSecondArray::from(secs).with_timezone("+00:00")));
    }
    if COUNTS.contains(&name) {
        let counts = cells
            .iter()
            .map(|v| empty_or(v).map(|v| v.parse::<i64>().map_err(|_| bad(v))))
            .map(Option::transpose)
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Arc::new(Int64Array::from(counts)));
    }
    Ok(Arc::new(cells.iter().map(empty_or).collect::<StringArray>()))
}

fn run(input: &str, output: &str) -> Result<u64, String> {
    let mut reader = csv::Reader::from_path(input).map_err(|e| format!("{input}: {e}"))?;
    let header: Vec<String> = reader.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
    let mut columns: Vec<Vec<String>> = vec![Vec::with_capacity(BATCH); header.len()];
    let file = std::fs::File::create(output).map_err(|e| format!("{output}: {e}"))?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut writer: Option<ArrowWriter<std::fs::File>> = None;
    let mut file = Some(file);
    let mut rows = 0u64;
    let mut flush = |columns: &mut Vec<Vec<String>>, writer: &mut Option<ArrowWriter<std::fs::File>>| {
        let arrays = header
            .iter()
            .zip(columns.iter_mut())
            .map(|(h, c)| column(h, &std::mem::take(c)).map(|a| (h.as_str(), a)))
            .collect::<Result<Vec<_>, _>>()?;
        let batch = RecordBatch::try_from_iter(arrays).map_err(|e| e.to_string())?;
        if writer.is_none() {
            let f = file.take().ok_or("the output is open once")?;
            *writer = Some(ArrowWriter::try_new(f, batch.schema(), Some(props.clone())).map_err(|e| e.to_string())?);
        }
        writer.as_mut().ok_or("no writer")?.write(&batch).map_err(|e| e.to_string())
    };
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        for (c, v) in columns.iter_mut().zip(record.iter()) {
            c.push(v.to_string());
        }
        rows += 1;
        if columns[0].len() == BATCH {
            flush(&mut columns, &mut writer)?;
        }
    }
    if !columns[0].is_empty() || writer.is_none() {
        flush(&mut columns, &mut writer)?;
    }
    writer.ok_or("nothing written")?.close().map_err(|e| e.to_string())?;
    Ok(rows)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: csv_to_parquet IN.csv OUT.parquet");
        std::process::exit(2);
    };
    match run(input, output) {
        Ok(rows) => println!("{rows} rows written to {output}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
