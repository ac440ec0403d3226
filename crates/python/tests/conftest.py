"""Shared fixtures: the repository (a pricebook project) and the CLI binary
the package is compared with."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import pricebook

# The plan file the backtest tests replay a sample export under.
PLANS = "codeassist"

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """Runs the `pricebook` binary (PRICEBOOK_BIN, else target/release) in
    the repository and returns its stdout; fails the test if it is absent."""
    binary = Path(os.environ.get("PRICEBOOK_BIN", ROOT / "target" / "release" / "pricebook"))
    if not binary.is_file():
        pytest.fail(f"{binary} is missing: run `cargo build --release` or set PRICEBOOK_BIN")

    def run(*args: str) -> str:
        done = subprocess.run([str(binary), *args], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


@pytest.fixture()
def project_copy(tmp_path: Path, root: Path) -> Path:
    """A copy of the project's files (not its outputs) to break on purpose."""
    for name in ["pricebook.toml", "rules.toml"]:
        shutil.copy(root / name, tmp_path / name)
    for folder in ["plans", "scenarios", "schemas"]:
        shutil.copytree(root / folder, tmp_path / folder)
    return tmp_path


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: runs examples/spark_backtest.py on PySpark in local mode (needs Java)")


@pytest.fixture(scope="session")
def export(tmp_path_factory, cli) -> Path:
    """A small sample export (usage, accounts, purchases) as CSV."""
    folder = tmp_path_factory.mktemp("export")
    cli("sample-usage", "--plans", PLANS, "--accounts", "80", "--days", "20", "--seed", "3",
        "-o", str(folder / "usage.csv"))
    return folder


@pytest.fixture(scope="session")
def before_plans(tmp_path_factory, root: Path) -> Path:
    """Older plans: Pro cheaper and smaller than today's."""
    folder = tmp_path_factory.mktemp("before")
    for name in ["pricebook.toml", "rules.toml"]:
        shutil.copy(root / name, folder / name)
    shutil.copytree(root / "plans", folder / "plans")
    plan = folder / "plans" / f"{PLANS}.toml"
    text = plan.read_text()
    changed = text.replace('monthly_price = "$20"', 'monthly_price = "$16"', 1).replace(
        "monthly_credits = 500", "monthly_credits = 400", 1)
    assert changed != text
    plan.write_text(changed)
    return folder


@pytest.fixture(scope="session")
def cli_rows(tmp_path_factory, cli, export: Path, before_plans: Path):
    """`pricebook backtest` on the export: accounts.csv's text, by `when_out`."""
    def run(when_out: str) -> str:
        out = tmp_path_factory.mktemp("cli")
        cli("backtest", "--usage", str(export / "usage.csv"), "--accounts", str(export / "accounts.csv"),
            "--purchases", str(export / "purchases.csv"), "--plans", PLANS,
            "--against", str(before_plans / "plans"), "--when-out", when_out, "-o", str(out))
        return (out / "accounts.csv").read_text()
    return run


@pytest.fixture(scope="session")
def catalogs(root: Path, before_plans: Path):
    return pricebook.Project(before_plans).catalog(), pricebook.Project(root).catalog()
