"""有帮助 / 没帮助 on every channel against the real servers, then `make report` on their store:
every count of summary.json is checked against the conversations held here (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.processes import Servers
from tests.conftest import ROOT
from tests.e2e.test_dingtalk import callback, number_of, say
from tests.e2e.test_socketio import talk

LIMITS_OFF = {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "0", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}
WHY = "为什么会有备案信息核查？"
FEEDBACK = ["有帮助", "没帮助"]


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Servers with a tracker store of their own, so the report sees these conversations only."""
    running = Servers(tmp_path_factory.mktemp("feedback"), extra_env=LIMITS_OFF)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def titles(replies: list[dict[str, Any]]) -> list[str]:
    """Button titles: `buttons` over REST, `quick_replies` in Rasa's Socket.IO messages."""
    return [
        button["title"]
        for reply in replies
        for button in (reply.get("buttons") or reply.get("quick_replies") or [])
    ]


def text(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(reply.get("text")) for reply in replies)


def test_feedback_on_every_channel_and_the_report_counts_it(own: Servers, tmp_path: Path) -> None:
    rest = {name: f"rest-{name}-{uuid.uuid4().hex[:6]}" for name in ("helpful", "unhelpful", "next", "lost")}

    # REST: the buttons come under the answer; clicking one sends its payload
    answer = own.say(rest["helpful"], WHY)
    assert titles(answer) == FEEDBACK and "反恐怖主义法" in text(answer)
    assert "感谢您的反馈" in text(own.say(rest["helpful"], "/feedback_helpful"))

    own.say(rest["unhelpful"], "如何查看备案信息？")
    assert "阿里云备案系统" in text(own.say(rest["unhelpful"], "2018年"))
    step = own.say(rest["unhelpful"], "/feedback_unhelpful")
    assert "抱歉没能帮到您" in text(step)
    assert titles(step) == ["2010年6月1日之前", "2010年6月1日至2017年1月31日之间"]  # the other periods

    # the buttons never block: the next question is answered as before
    own.say(rest["next"], WHY)
    assert "注销备案" in text(own.say(rest["next"], "收到核查通知，备案信息不认识怎么办"))

    # a form left while its date was asked
    assert "什么时候提交" in text(own.say(rest["lost"], "如何查看备案信息？"))

    # DingTalk: numbered choices
    staff = f"user{uuid.uuid4().hex[:8]}"
    shown = say(own, callback(WHY, staff_id=staff))
    assert "反恐怖主义法" in shown
    assert "抱歉没能帮到您" in say(own, callback(number_of("没帮助", shown), staff_id=staff))

    # Socket.IO: buttons, as the chat page gets them
    first, second = talk(own, ["websocket"], [WHY, "/feedback_helpful"])
    assert titles(first) == FEEDBACK
    assert "感谢您的反馈" in text(second)

    out = tmp_path / "report"
    env = {**os.environ, "TRACKER_DB": own.env["TRACKER_DB"], "REPORT_DIR": str(out)}
    done = subprocess.run(["make", "report"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    # 6 conversations here and the launcher's warm-up (/greet); 12 user messages and its one
    assert summary["conversations"] == 7, json.dumps(summary, ensure_ascii=False)
    assert summary["user_messages"] == 13
    assert summary["questions"] == {"faq_why_verification": 4, "faq_view_filing": 2, "faq_unknown_filing": 1}
    assert summary["answers"] == {
        "why_verification": 4,
        "view_filing_after_2017_01_31": 1,
        "unknown_filing": 1,
    }
    assert summary["feedback"] == {"helpful": 2, "unhelpful": 2}
    assert summary["fallbacks"] == 0 and summary["unrecognised"] == []
    assert summary["abandoned"] == {"filing_date": 1}
    assert (out / "index.html").is_file() and (out / "unrecognised.yml").is_file()
    sender_ids = [*rest.values(), staff]
    assert not any(sender in (out / "summary.json").read_text(encoding="utf-8") for sender in sender_ids)
