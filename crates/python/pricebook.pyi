"""pricebook: pricing as code for credit-based products.

`Project(path)` opens and checks a project; `Catalog.from_json(text)` reads
`pricebook build` output; `run(scenario_path)` replays a scenario and returns
its ledger as a `pyarrow.Table`; `backtest(usage, accounts, after=catalog)`
replays a usage export given as Arrow tables and returns one row per account,
as `pricebook backtest` writes `accounts.csv`.
"""

import datetime
import os
import pathlib
from typing import List, Literal, Optional, Protocol, Union

import pyarrow

__version__: str

StrPath = Union[str, "os.PathLike[str]"]

class ArrowStream(Protocol):
    """Anything that exports an Arrow stream through the PyCapsule interface:
    `pyarrow.Table`, `pyarrow.RecordBatchReader`, polars and DuckDB results."""

    def __arrow_c_stream__(self, requested_schema: object = None) -> object: ...

WhenOut = Literal["refuse", "recharge", "smallest-pack"]

class PricebookError(Exception):
    """A project, plan, scenario or catalog that pricebook cannot use; the
    message is the rendered diagnostics (file:line:col, the line, a hint)."""

class Catalog:
    """Compiled catalogs, by id (one per plan file), as `pricebook build`
    writes them."""

    @classmethod
    def from_json(cls, text: str) -> "Catalog":
        """Reads canonical catalog JSON (the output of `pricebook build`),
        checking its format and content hash. Raises `PricebookError` when
        the text is not catalog JSON, was written by another format version,
        or was edited by hand."""
    @property
    def ids(self) -> List[str]:
        """The catalogs' ids (plan-file names), sorted."""
    def plans(self, id: str) -> List[str]:
        """The plan ids of catalog `id`, in the order the plan file lists
        them. Raises `KeyError` for an unknown id."""
    def to_json(self) -> str:
        """The canonical JSON, byte for byte what `pricebook build` writes."""
    def __len__(self) -> int: ...

class Project:
    """A pricebook project: the folder holding `pricebook.toml`, with every
    plan file compiled and checked. Raises `PricebookError` when the project
    file, the rulebook or any plan file has errors; warnings do not raise."""

    def __init__(self, path: StrPath) -> None: ...
    @property
    def root(self) -> pathlib.Path:
        """The project's root folder."""
    @property
    def plans(self) -> List[str]:
        """The plan-file names (`plans/NAME.toml`), sorted."""
    @property
    def warnings(self) -> str:
        """The warnings from checking the plans, rendered; empty when clean."""
    def catalog(self) -> Catalog:
        """The compiled catalogs, as `pricebook build` would write them."""
    def run(self, scenario_path: StrPath) -> pyarrow.Table:
        """Replays a scenario file of this project and returns its ledger:
        one row per ledger line with columns `seq` (uint64), `time`
        (timestamp[s, UTC]), `account`, `event`, `source`, `credits`,
        `balance`, `money`, `currency`, `details` (strings; credits and
        money are exact decimals). Raises `PricebookError` when the scenario
        has errors or a failed expectation."""

def run(scenario_path: StrPath) -> pyarrow.Table:
    """Replays a scenario file and returns its ledger (columns as
    `Project.run`). The project is the nearest folder holding
    `pricebook.toml` above the scenario. Raises `PricebookError` when the
    project, the plan file or the scenario has errors, or an expectation
    fails."""

def backtest(
    usage: ArrowStream,
    accounts: ArrowStream,
    purchases: Optional[ArrowStream] = None,
    *,
    before: Optional[Catalog] = None,
    after: Catalog,
    plans: Optional[str] = None,
    when_out: WhenOut = "refuse",
    end: Union[str, datetime.datetime, None] = None,
) -> pyarrow.Table:
    """Replays a usage export, account by account, under a catalog (`after`)
    and optionally an older one (`before`), and returns one row per account:
    the rows of `accounts.csv` from `pricebook backtest`.

    `usage`, `accounts` and `purchases` are Arrow data with the columns of the
    command's files; cells are read as their text, so strings, integers,
    decimals and timestamps all work (a float is read as its shortest text,
    `0.5` as "0.5"; NaN as an empty cell; an infinity is a bad row). `plans` names the
    plan file to replay under and may be left out when `after` holds one.
    `when_out` is what a customer does when a usage does not fit. `end` (RFC
    3339 text or an aware datetime) is when the whole export ends, when these
    tables are one part of it (one Spark group): every account is replayed up
    to it, as in a run over the whole export; by default the tables' last
    event.

    Returns a `pyarrow.Table` in account-name order with the columns of
    `accounts.csv`: `events`, `refused_*` and `packs_bought_*` as `uint64`;
    the others (money and credits as exact decimals, times as RFC 3339) as
    strings; null where the file's cell is empty. Raises `PricebookError` for
    bad input, naming the table, the row (from 1) and the column, e.g.
    ``usage:3:2: error: column `time`: ...``; `KeyError` when `plans` is not
    in a catalog; `ValueError` for an unknown `when_out` or an `end` without
    a time zone."""
