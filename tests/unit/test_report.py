"""`make report` (scripts/report.py) on a tracker store written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from scripts import report
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
NOW = time.time()
DAY = 86400


def user(text: str, intent: str, at: float) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=at)


def bot(key: str, at: float) -> BotUttered:
    return BotUttered(key, metadata={"knowledge": key}, timestamp=at)


def answered(at: float) -> list[Event]:
    """A view-filing question answered for the after-2017 period, with the feedback buttons."""
    return [
        SessionStarted(timestamp=at),
        user("如何查看备案信息？", "faq_view_filing", at),
        ActiveLoop("faq_form", timestamp=at),
        SlotSet("requested_slot", "filing_date", timestamp=at),
        bot("ask_filing_date", at),
        user("2018年", "inform", at + 1),
        ActiveLoop(None, timestamp=at + 1),
        SlotSet("requested_slot", None, timestamp=at + 1),
        ActionExecuted("action_answer_faq", timestamp=at + 1),
        bot("view_filing_after_2017_01_31", at + 1),
        bot("feedback_ask", at + 1),
    ]


def feedback(choice: str, answer: str, at: float) -> list[Event]:
    return [
        user(f"/feedback_{choice}", f"feedback_{choice}", at),
        ActionExecuted("action_record_feedback", timestamp=at),
        SlotSet("feedback", {"choice": choice, "answer": [answer]}, timestamp=at),
    ]


CONVERSATIONS: dict[str, list[Event]] = {
    "sender-helpful-secret": [
        *answered(NOW - 100),
        *feedback("helpful", "view_filing_after_2017_01_31", NOW - 90),
    ],
    "sender-unhelpful": [
        *answered(NOW - 80),
        *feedback("unhelpful", "view_filing_after_2017_01_31", NOW - 70),
    ],
    "sender-lost": [
        SessionStarted(timestamp=NOW - 60),
        user("<b>天气</b>怎么样", "out_of_scope", NOW - 60),
        user("嗯嗯啊啊", "nlu_fallback", NOW - 50),
        user("嗯嗯啊啊", "nlu_fallback", NOW - 45),
        user("/nlu_fallback", "nlu_fallback", NOW - 44),  # a payload, not words: not listed
        user("收到核查通知，怎么修改", "faq_modify_filing", NOW - 40),
        ActiveLoop("faq_form", timestamp=NOW - 40),
        SlotSet("requested_slot", "notice_type", timestamp=NOW - 40),
    ],
    "sender-old": [
        SessionStarted(timestamp=NOW - 40 * DAY),
        user("为什么会有备案信息核查？", "faq_why_verification", NOW - 40 * DAY),
        ActionExecuted("action_answer_faq", timestamp=NOW - 40 * DAY),
        bot("why_verification", NOW - 40 * DAY),
    ],
}


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.db"
    tracker_store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    for sender, events in CONVERSATIONS.items():
        asyncio.run(tracker_store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots)))
    tracker_store.engine.dispose()
    return path


def test_every_count_of_the_summary(store: Path) -> None:
    summary = report.build({"TRACKER_DB": str(store)}, progress=False).summary()
    assert summary == {
        "conversations": 4,
        "user_messages": 12,
        "questions": {"faq_view_filing": 2, "faq_modify_filing": 1, "faq_why_verification": 1},
        "answers": {"view_filing_after_2017_01_31": 2, "why_verification": 1},
        "fallbacks": 3,
        "feedback": {"helpful": 1, "unhelpful": 1},
        "unrecognised": [{"text": "嗯嗯啊啊", "count": 2}, {"text": "<b>天气</b>怎么样", "count": 1}],
        "abandoned": {"notice_type": 1},
    }


def test_the_days_bound_the_events_read(store: Path) -> None:
    today = time.strftime("%Y-%m-%d", time.gmtime(NOW))
    summary = report.build({"TRACKER_DB": str(store), "REPORT_SINCE": today}, progress=False).summary()
    assert summary["conversations"] == 3 and "faq_why_verification" not in summary["questions"]
    old = time.strftime("%Y-%m-%d", time.gmtime(NOW - 40 * DAY))
    summary = report.build({"TRACKER_DB": str(store), "REPORT_UNTIL": old}, progress=False).summary()
    assert summary["conversations"] == 1 and summary["answers"] == {"why_verification": 1}


def test_the_three_files_name_no_sender_and_escape_what_users_typed(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert report.main(["--out", str(out), "--quiet"], {"TRACKER_DB": str(store)}) == 0
    texts = {name: (out / name).read_text(encoding="utf-8") for name in report_files()}
    assert not any("sender-" in text for text in texts.values())
    assert json.loads(texts["summary.json"])["feedback"] == {"helpful": 1, "unhelpful": 1}
    page = texts["index.html"]
    assert page.count("<svg") == 5 and "&lt;b&gt;天气&lt;/b&gt;" in page and "<b>天气" not in page
    # self-contained: nothing to fetch, no script
    assert not re.search(r'(src|href)="(https?:)?//', page) and "<script" not in page and "<link" not in page
    nlu = yaml.safe_load(texts["unrecognised.yml"])
    assert nlu["nlu"][0]["intent"] is None
    assert nlu["nlu"][0]["examples"] == "- 嗯嗯啊啊\n- <b>天气</b>怎么样\n"


def report_files() -> tuple[str, ...]:
    return ("summary.json", "index.html", "unrecognised.yml")


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"REPORT_SINCE": "30/11/2026"}, "is not a date"),
        ({"REPORT_SINCE": "2026-11-30", "REPORT_UNTIL": "2026-11-01"}, "after REPORT_UNTIL"),
    ],
)
def test_a_bad_setting_is_a_clear_error(store: Path, environ: dict, says: str, capsys) -> None:
    assert report.main(["--quiet"], {"TRACKER_DB": str(store), **environ}) == 2
    assert says in capsys.readouterr().err


def test_a_missing_store_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert report.main(["--quiet"], {"TRACKER_DB": str(tmp_path / "none.db")}) == 2
    assert "no tracker store at" in capsys.readouterr().err


def test_retention_deletes_only_older_conversations(store: Path) -> None:
    assert report.prune({"TRACKER_DB": str(store)}) == 0  # off by default
    assert report.prune({"TRACKER_DB": str(store), "TRACKER_RETENTION_DAYS": "30"}) == 1
    summary = report.build({"TRACKER_DB": str(store)}, progress=False).summary()
    assert summary["conversations"] == 3 and "why_verification" not in summary["answers"]
    with pytest.raises(report.ReportError, match="whole number"):
        report.prune({"TRACKER_DB": str(store), "TRACKER_RETENTION_DAYS": "soon"})
