"""The Python package against the command line: the same project, the same
catalog bytes, the same ledgers."""

import json
from pathlib import Path

import pyarrow as pa
import pytest

import pricebook

SCENARIO = "scenarios/eigent/refund_plus_across_free_cycle.toml"


def test_project_compiles_every_plan_file(root: Path):
    project = pricebook.Project(root)
    assert project.plans == sorted(p.stem for p in (root / "plans").glob("*.toml"))
    assert Path(project.root) == root


def test_broken_plan_raises_with_rendered_diagnostics(project_copy: Path):
    plan = project_copy / "plans" / "eigent.toml"
    plan.write_text(plan.read_text() + "\nnot_a_key = 1\n")
    with pytest.raises(pricebook.PricebookError) as raised:
        pricebook.Project(project_copy)
    message = str(raised.value)
    assert "plans/eigent.toml:" in message
    assert "not_a_key" in message
    assert "error" in message


def test_not_a_project_raises(tmp_path: Path):
    with pytest.raises(pricebook.PricebookError, match="not a pricebook project"):
        pricebook.Project(tmp_path)


def test_catalog_is_byte_equal_to_pricebook_build(root: Path, cli):
    built = cli("build")
    assert pricebook.Project(root).catalog().to_json() == built
    catalog = pricebook.Catalog.from_json(built)
    assert catalog.to_json() == built
    assert catalog.ids == sorted(json.loads(built)["catalogs"])
    assert catalog.plans("eigent")[:3] == ["free", "plus", "pro"]
    with pytest.raises(KeyError, match="no catalog `nope`"):
        catalog.plans("nope")


def test_catalog_edited_by_hand_raises(root: Path):
    text = pricebook.Project(root).catalog().to_json().replace("10000", "10001", 1)
    with pytest.raises(pricebook.PricebookError, match="edited by hand"):
        pricebook.Catalog.from_json(text)
    with pytest.raises(pricebook.PricebookError, match="not catalog JSON"):
        pricebook.Catalog.from_json("{")


def ledger_rows_from_cli_json(text: str) -> dict:
    """`pricebook run --format json`'s lines by seq, as (account, event, source, credits, balance, money)."""
    rows = {}
    for account in json.loads(text)["accounts"]:
        for t in account["transactions"]:
            money = t.get("money")
            rows[t["seq"]] = (
                account["id"],
                t["type"],
                t["source"] or None,
                t["amount"],
                t["balance_after"],
                money and money["amount"],
            )
        for kind in ["refusals", "notifications"]:
            for t in account[kind]:
                rows[t["seq"]] = (account["id"], kind, t["time"], t["description"])
    return rows


def test_run_gives_the_ledger_of_pricebook_run(root: Path, cli):
    table = pricebook.Project(root).run(SCENARIO)
    assert isinstance(table, pa.Table)
    assert table.schema.field("time").type == pa.timestamp("s", tz="UTC")
    assert table.schema.field("seq").type == pa.uint64()
    expected = ledger_rows_from_cli_json(cli("run", SCENARIO, "--format", "json"))
    rows = table.to_pylist()
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == 16
    for r in rows:
        want = expected[r["seq"]]
        if r["event"] in ("refused", "notice"):
            assert want[0] == r["account"]
            continue
        assert (r["account"], r["event"], r["source"], r["credits"], r["balance"], r["money"]) == want


def test_every_bundled_scenario_runs_and_matches_the_cli_line_count(root: Path, cli):
    project = pricebook.Project(root)
    for scenario in sorted((root / "scenarios").rglob("*.toml")):
        rel = str(scenario.relative_to(root))
        table = project.run(rel)
        expected = ledger_rows_from_cli_json(cli("run", rel, "--format", "json"))
        assert table.num_rows == len(expected), rel


def test_module_run_finds_the_project_above_the_scenario(root: Path):
    assert pricebook.run(root / SCENARIO).equals(pricebook.Project(root).run(SCENARIO))


def test_money_is_exact_decimal_text(root: Path):
    table = pricebook.run(root / SCENARIO)
    money = [m for m in table.column("money").to_pylist() if m is not None]
    assert money == ["20", "-20"]
    assert set(c for c in table.column("currency").to_pylist() if c) == {"USD"}


def test_broken_scenario_raises_with_its_location(project_copy: Path):
    scenario = project_copy / "scenarios" / "eigent" / "broken.toml"
    scenario.write_text('title = "x"\nplans = "eigentt"\nend = 2026-03-01T09:00:00Z\n')
    with pytest.raises(pricebook.PricebookError) as raised:
        pricebook.run(scenario)
    message = str(raised.value)
    assert "scenarios/eigent/broken.toml:2:" in message
    assert "eigent" in message


def test_failed_expectation_raises(project_copy: Path):
    scenario = project_copy / "scenarios" / "eigent" / "invite_both_sides.toml"
    scenario.write_text(scenario.read_text().replace("balance = 1500", "balance = 1501", 1))
    with pytest.raises(pricebook.PricebookError, match="1501|1,501"):
        pricebook.Project(project_copy).run(scenario)


def test_docstrings_are_present():
    for thing in [pricebook, pricebook.Project, pricebook.Catalog, pricebook.run, pricebook.Catalog.from_json,
                  pricebook.Project.run, pricebook.PricebookError]:
        assert thing.__doc__ and thing.__doc__.strip(), thing
