"""`make report` on the scale-out store: PostgreSQL, found from the scale-out variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from tests.conftest import ROOT
from tests.scale.conftest import Cluster


def count(cluster: Cluster, sql: str) -> int:
    return int(cluster.query(sql)[0][0])


def test_the_report_reads_postgresql_through_the_scale_out_variables(
    cluster: Cluster, tmp_path: Path
) -> None:
    sender = f"report-{uuid.uuid4().hex[:8]}"
    cluster.say_to("a", sender, "为什么会有备案信息核查？")
    cluster.say_to("b", sender, "/feedback_helpful")  # the other server: the same conversation
    env = {key: value for key, value in os.environ.items() if key != "TRACKER_DB"}
    env |= cluster.services.env()
    done = subprocess.run(
        [sys.executable, "scripts/report.py", "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    # counted independently, in SQL
    senders = "SELECT COUNT(DISTINCT sender_id) FROM events WHERE type_name = 'user'"
    messages = "SELECT COUNT(*) FROM events WHERE type_name = 'user'"
    assert summary["conversations"] == count(cluster, senders)
    assert summary["user_messages"] == count(cluster, messages)
    assert summary["feedback"]["helpful"] >= 1
    assert sender not in (tmp_path / "summary.json").read_text(encoding="utf-8")
