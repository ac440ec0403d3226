"""Shared fixtures: the repository (a pricebook project) and the CLI binary
the package is compared with."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

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
