"""endpoints.yml holds the contract's defaults; launchers that change them write their own."""

from __future__ import annotations

from pathlib import Path

import yaml

from scripts import endpoints
from tests.conftest import ROOT


def test_the_projects_endpoints_need_no_environment() -> None:
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    # Rasa stops on an unset environment variable: plain `rasa shell` must start with none set
    assert not endpoints._reads_environment(config)
    assert config["action_endpoint"]["url"] == "http://localhost:5055/webhook"
    assert config["tracker_store"]["db"] == "var/tracker.db"


def test_a_launcher_writes_its_own_ports_and_tracker_file(tmp_path: Path) -> None:
    written = endpoints.write(tmp_path / "e.yml", "http://127.0.0.1:6001/webhook", str(tmp_path / "t.db"))
    config = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:6001/webhook"
    assert config["tracker_store"]["db"] == str(tmp_path / "t.db")
    assert config["tracker_store"]["type"] == "stores.sql.SafeSQLTrackerStore"


def test_a_template_that_reads_the_environment_is_used_as_it_is(tmp_path: Path) -> None:
    peer = ROOT / "bench" / "endpoints.default.yml"
    assert endpoints.write(tmp_path / "e.yml", "http://x/webhook", "t.db", peer) == peer


def test_make_run_writes_the_environments_values(tmp_path: Path) -> None:
    out = tmp_path / "var" / "endpoints.yml"
    endpoints.main(
        [str(out)], {"ACTION_SERVER_URL": "http://localhost:7000/webhook", "TRACKER_DB": "/x/t.db"}
    )
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert config["action_endpoint"]["url"] == "http://localhost:7000/webhook"
    assert config["tracker_store"]["db"] == "/x/t.db"
