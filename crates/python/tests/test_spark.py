"""`examples/spark_backtest.py` in Spark's local mode (`local[2]`): the same
per-account rows as `pricebook backtest` on the same export, and the same
revenue. Needs PySpark and Java 17: missing either skips on a developer's
machine and fails under CI (CI=true), so CI never passes without running it."""

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import PLANS
from test_backtest import as_csv, read_strings

pytestmark = pytest.mark.spark


def require(what: str, present: bool) -> None:
    if present:
        return
    message = f"the Spark test needs {what}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: it must run, not skip)")
    pytest.skip(message)


def test_spark_example_gives_the_rows_of_pricebook_backtest(tmp_path: Path, root: Path, cli, export: Path,
                                                            before_plans: Path, catalogs):
    try:
        import pyspark  # noqa: F401
        has_pyspark = True
    except ImportError:
        has_pyspark = False
    require("PySpark (pip install pyspark)", has_pyspark)
    require("Java 17 (`java` on PATH or JAVA_HOME)", bool(shutil.which("java") or os.environ.get("JAVA_HOME")))

    # The lakehouse side: the export as Parquet (text columns), catalogs as JSON.
    for name in ["usage", "accounts", "purchases"]:
        pq.write_table(read_strings(export / f"{name}.csv"), tmp_path / f"{name}.parquet")
    before, after = catalogs
    (tmp_path / "before.json").write_text(before.to_json())
    (tmp_path / "after.json").write_text(after.to_json())

    out = tmp_path / "results"
    args = [sys.executable, str(root / "examples" / "spark_backtest.py"),
            "--usage", str(tmp_path / "usage.parquet"), "--accounts", str(tmp_path / "accounts.parquet"),
            "--purchases", str(tmp_path / "purchases.parquet"),
            "--before", str(tmp_path / "before.json"), "--after", str(tmp_path / "after.json"),
            "--plans", PLANS, "--output", str(out), "--master", "local[2]"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-5000:]

    rows = pq.read_table(out).sort_by("account")
    unsigned = pa.schema([f.with_type(pa.uint64()) if pa.types.is_integer(f.type) else f for f in rows.schema])
    cli_out = tmp_path / "cli"
    cli("backtest", "--usage", str(export / "usage.csv"), "--accounts", str(export / "accounts.csv"),
        "--purchases", str(export / "purchases.csv"), "--plans", PLANS,
        "--against", str(before_plans / "plans"), "-o", str(cli_out))
    assert as_csv(rows.cast(unsigned)) == (cli_out / "accounts.csv").read_text()

    printed = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    summary = json.loads((cli_out / "summary.json").read_text())
    assert int(printed["accounts"]) == summary["accounts"] == rows.num_rows
    assert int(printed["events"]) == summary["events"]
    for side in ["before", "after", "delta"]:
        assert Decimal(printed[f"revenue_{side}"]) == Decimal(str(summary["revenue"][side])), side
