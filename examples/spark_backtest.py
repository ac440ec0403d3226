"""The pricebook backtest on Apache Spark: Spark moves the data, pricebook bills.

    python examples/spark_backtest.py \\
        --usage usage.parquet --accounts accounts.parquet [--purchases purchases.parquet] \\
        --after catalog.json [--before old-catalog.json] --plans acme \\
        [--when-out refuse] --output results.parquet [--master local[2]]

`catalog.json` is the output of `pricebook build` (for `--before`, the same
command run on the older plans). Each input is a Parquet file or folder with
the columns of `pricebook backtest`'s files (see the README).

How it scales: accounts are independent, so the three tables are tagged,
unioned and grouped by `account`; Spark shuffles each account's rows to one
executor, where `pricebook.backtest` replays that account under each catalog
(`groupBy("account").applyInArrow`, PySpark >= 4.0; with an older PySpark,
`repartition("account")` then `mapInArrow`). Every executor needs the
`pricebook` wheel installed in its Python and the catalog JSON, which travels
in the function's closure as text (parsed once per task). Every group is replayed up to the end of
the whole export (computed once, first), so each row is the row
`pricebook backtest` writes for that account to `accounts.csv`.

The per-account rows are written as Parquet to `--output`; the summary
(accounts, events, revenue before and after) is computed from them and
printed.
"""

import argparse
import os
import sys
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

import pricebook

# Counts come back as uint64 from pricebook; Spark has no unsigned types.
RESULT_SCHEMA = pa.schema(
    [
        ("account", pa.string()),
        ("plan", pa.string()),
        ("events", pa.int64()),
        ("charged_before", pa.string()),
        ("charged_after", pa.string()),
        ("charged_delta", pa.string()),
        ("credits_used_before", pa.string()),
        ("credits_used_after", pa.string()),
        ("refused_before", pa.int64()),
        ("refused_after", pa.int64()),
        ("first_refusal_before", pa.string()),
        ("first_refusal_after", pa.string()),
        ("packs_bought_before", pa.int64()),
        ("packs_bought_after", pa.int64()),
    ]
)
TABLES = ("accounts", "usage", "purchases")
TAG = "_pricebook_table"


def replay_group(after_json, before_json, plans, when_out, end):
    """The function Spark runs per account: split the group back into its
    tables and hand them to pricebook as Arrow, without a Python object per row."""
    # Spark ships this closure by value to each task: a task parses each
    # catalog once, not once per account.
    parsed = {}

    def catalog(text):
        if text not in parsed:
            parsed[text] = pricebook.Catalog.from_json(text)
        return parsed[text]

    def replay(group: pa.Table) -> pa.Table:
        tag = group.column(TAG)
        parts = {name: group.filter(pc.equal(tag, name)).drop_columns([TAG]) for name in TABLES}
        rows = pricebook.backtest(
            parts["usage"],
            parts["accounts"],
            parts["purchases"],
            before=catalog(before_json) if before_json else None,
            after=catalog(after_json),
            plans=plans,
            when_out=when_out,
            end=end,
        )
        return rows.cast(RESULT_SCHEMA)

    return replay


def export_end(spark_f, usage, purchases, accounts):
    """When the whole export ends, as `pricebook backtest` sees it: its last
    usage or purchase, else the last plan start (RFC 3339, UTC)."""
    times = usage.select("time")
    if purchases is not None:
        times = times.unionByName(purchases.select("time"))
    stamp = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"
    last = times.agg(spark_f.date_format(spark_f.max(spark_f.to_timestamp("time")), stamp)).first()[0]
    if last is None:
        since = spark_f.coalesce(spark_f.col("since"), spark_f.col("signed_up"))
        last = accounts.agg(spark_f.date_format(spark_f.max(spark_f.to_timestamp(since)), stamp)).first()[0]
    return last


def summarise(spark_f, results):
    """The summary, aggregated by Spark from the per-account rows: money is
    summed as decimals (the rows hold exact decimal strings)."""
    money = lambda column: spark_f.sum(spark_f.col(column).cast("decimal(38,10)")).alias(column)
    ran_out = lambda column: spark_f.sum((spark_f.col(column) > 0).cast("long")).alias(column)
    row = results.agg(
        spark_f.count("*").alias("accounts"),
        spark_f.sum("events").alias("events"),
        money("charged_before"),
        money("charged_after"),
        money("charged_delta"),
        ran_out("refused_before"),
        ran_out("refused_after"),
    ).first()
    plain = lambda d: None if d is None else f"{d.normalize():f}"
    summary = {"accounts": row["accounts"], "events": row["events"] or 0}
    if row["charged_before"] is not None:
        summary["revenue_before"] = plain(row["charged_before"])
    summary["revenue_after"] = plain(row["charged_after"] or Decimal(0))
    if row["charged_delta"] is not None:
        summary["revenue_delta"] = plain(row["charged_delta"])
        summary["ran_out_before"] = row["refused_before"]
    summary["ran_out_after"] = row["refused_after"] or 0
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--usage", required=True, help="usage Parquet (file or folder)")
    parser.add_argument("--accounts", required=True, help="accounts Parquet")
    parser.add_argument("--purchases", help="pack purchases Parquet")
    parser.add_argument("--after", required=True, help="catalog JSON (`pricebook build`) to replay under")
    parser.add_argument("--before", help="older catalog JSON to compare with")
    parser.add_argument("--plans", help="the plan file (catalog id); may be left out when the JSON holds one")
    parser.add_argument("--when-out", default="refuse", choices=["refuse", "recharge", "smallest-pack"])
    parser.add_argument("--output", required=True, help="where the per-account rows go (Parquet folder; must not exist)")
    parser.add_argument("--master", default=None, help="Spark master, e.g. local[2] (default: spark-submit's)")
    args = parser.parse_args(argv)

    # Local workers must run this Python, which has pricebook installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    builder = SparkSession.builder.appName("pricebook-backtest").config("spark.sql.session.timeZone", "UTC")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        read = lambda path: spark.read.parquet(path)
        usage, accounts = read(args.usage), read(args.accounts)
        purchases = read(args.purchases) if args.purchases else None
        after_json = open(args.after, encoding="utf-8").read()
        before_json = open(args.before, encoding="utf-8").read() if args.before else None
        end = export_end(F, usage, purchases, accounts)

        tagged = accounts.withColumn(TAG, F.lit("accounts")).unionByName(
            usage.withColumn(TAG, F.lit("usage")), allowMissingColumns=True
        )
        if purchases is not None:
            tagged = tagged.unionByName(purchases.withColumn(TAG, F.lit("purchases")), allowMissingColumns=True)
        schema = ", ".join(f"{f.name} {'bigint' if pa.types.is_integer(f.type) else 'string'}" for f in RESULT_SCHEMA)
        fn = replay_group(after_json, before_json, args.plans, args.when_out, end)
        if hasattr(tagged.groupBy("account"), "applyInArrow"):
            results = tagged.groupBy("account").applyInArrow(fn, schema)
        else:
            # PySpark < 4.0: one call per partition, every row of its accounts in it.
            def whole(batches):
                batches = [b for b in batches if b.num_rows]
                if batches:
                    yield from fn(pa.Table.from_batches(batches)).to_batches()

            results = tagged.repartition("account").mapInArrow(whole, schema)
        results.write.parquet(args.output)

        for key, value in summarise(F, spark.read.parquet(args.output)).items():
            print(f"{key}: {value}")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
