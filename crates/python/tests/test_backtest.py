"""`pricebook.backtest` against `pricebook backtest`: the same sample export,
the same catalogs, the same per-account rows (byte-equal CSV)."""

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute  # noqa: F401 (pa.compute)
import pyarrow.csv as pacsv
import pytest

import pricebook

from conftest import PLANS


def read_strings(path: Path) -> pa.Table:
    """A CSV export as Arrow with every column as text (as a lakehouse string column)."""
    header = path.read_text().splitlines()[0].split(",")
    options = pacsv.ConvertOptions(column_types={name: pa.string() for name in header})
    return pacsv.read_csv(path, convert_options=options)


def as_csv(table: pa.Table) -> str:
    """Rows as `accounts.csv` writes them: null is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow(["" if v is None else v for v in row.values()])
    return out.getvalue()


@pytest.mark.parametrize("when_out", ["refuse", "recharge", "smallest-pack"])
def test_backtest_gives_the_rows_of_pricebook_backtest(export: Path, catalogs, cli_rows, when_out: str):
    before, after = catalogs
    rows = pricebook.backtest(
        read_strings(export / "usage.csv"),
        read_strings(export / "accounts.csv"),
        read_strings(export / "purchases.csv"),
        before=before, after=after, plans=PLANS, when_out=when_out,
    )
    assert isinstance(rows, pa.Table)
    expected = cli_rows(when_out)
    assert rows.num_rows == 80
    assert as_csv(rows) == expected
    # The assumption matters on this export: the comparison is not vacuous.
    assert rows.column("charged_delta").to_pylist() != ["0.00"] * 80


def test_columns_and_types_are_those_of_accounts_csv(export: Path, catalogs):
    _, after = catalogs
    rows = pricebook.backtest(read_strings(export / "usage.csv"), read_strings(export / "accounts.csv"),
                              after=after, plans=PLANS)
    assert rows.column_names == [
        "account", "plan", "events", "charged_before", "charged_after", "charged_delta", "credits_used_before",
        "credits_used_after", "refused_before", "refused_after", "first_refusal_before", "first_refusal_after",
        "packs_bought_before", "packs_bought_after",
    ]
    assert rows.schema.field("events").type == pa.uint64()
    assert rows.schema.field("charged_after").type == pa.string()
    # One-sided: the `before` columns are null.
    assert set(rows.column("charged_before").to_pylist()) == {None}


def test_record_batch_readers_and_typed_columns_read_the_same(export: Path, catalogs):
    before, after = catalogs
    tables = [read_strings(export / f"{name}.csv") for name in ["usage", "accounts", "purchases"]]
    from_tables = pricebook.backtest(*tables, before=before, after=after, plans=PLANS)
    # Timestamps as Arrow timestamps and small batches, streamed.
    at = tables[0].schema.get_field_index("time")
    usage = tables[0].set_column(at, "time", pa.compute.cast(tables[0].column("time"), pa.timestamp("s", tz="UTC")))
    reader = pa.RecordBatchReader.from_batches(usage.schema, usage.to_batches(max_chunksize=100))
    streamed = pricebook.backtest(reader, tables[1].to_reader(), tables[2], before=before, after=after,
                                  plans=PLANS)
    assert streamed.equals(from_tables)


def test_a_group_of_accounts_replayed_up_to_the_export_end_gives_its_rows(export: Path, catalogs, cli_rows):
    """One account alone, as a Spark group, with the whole export's end."""
    before, after = catalogs
    usage, accounts, purchases = (read_strings(export / f"{n}.csv") for n in ["usage", "accounts", "purchases"])
    end = max(usage.column("time").to_pylist() + purchases.column("time").to_pylist())
    expected = {line.split(",")[0]: line for line in cli_rows("refuse").splitlines()}
    for name in ["acct-0000007", "acct-0000042"]:
        pick = lambda t: t.filter(pa.compute.equal(t.column("account"), name))
        one = pricebook.backtest(pick(usage), pick(accounts), pick(purchases), before=before, after=after,
                                 plans=PLANS, end=end)
        assert as_csv(one).splitlines()[1] == expected[name]


def test_bad_input_raises_naming_table_row_and_column(export: Path, catalogs):
    _, after = catalogs
    usage = read_strings(export / "usage.csv")
    accounts = read_strings(export / "accounts.csv")
    broken = usage.set_column(0, "account", pa.array(["nobody"] + usage.column("account").to_pylist()[1:]))
    with pytest.raises(pricebook.PricebookError) as raised:
        pricebook.backtest(broken, accounts, after=after, plans=PLANS)
    assert "usage:1:1: error: column `account`: account `nobody` is not in the accounts file" in str(raised.value)
    # A float column (pandas writes float64 for numbers with gaps) is read as each value's
    # shortest text, 2.0 as "2", as the string column is; an infinity is a bad row, with its place.
    def with_credits(values, kind):
        rest = usage.drop_columns([c for c in ["credits"] if c in usage.column_names])
        return rest.append_column("credits", pa.array(values, kind))
    n = usage.num_rows
    floats = pricebook.backtest(with_credits([2.0] * n, pa.float64()), accounts, after=after, plans=PLANS)
    strings = pricebook.backtest(with_credits(["2"] * n, pa.string()), accounts, after=after, plans=PLANS)
    assert as_csv(floats) == as_csv(strings)
    infinite = with_credits([float("inf")] + [2.0] * (n - 1), pa.float64())
    with pytest.raises(pricebook.PricebookError, match=r"usage:1:\d+: error: column `credits`: `inf` is not a decimal number"):
        pricebook.backtest(infinite, accounts, after=after, plans=PLANS)


def test_arguments_are_checked(export: Path, catalogs):
    _, after = catalogs
    usage, accounts = read_strings(export / "usage.csv"), read_strings(export / "accounts.csv")
    with pytest.raises(ValueError, match="plans="):
        pricebook.backtest(usage, accounts, after=after)
    with pytest.raises(KeyError, match="no catalog `nope`"):
        pricebook.backtest(usage, accounts, after=after, plans="nope")
    with pytest.raises(ValueError, match="smallest-pack"):
        pricebook.backtest(usage, accounts, after=after, plans=PLANS, when_out="buy")
    with pytest.raises(ValueError, match="time with a zone"):
        pricebook.backtest(usage, accounts, after=after, plans=PLANS, end="2026-02-01")
    with pytest.raises(TypeError):
        pricebook.backtest(usage, accounts)
    assert pricebook.backtest.__doc__ and "accounts.csv" in pricebook.backtest.__doc__
