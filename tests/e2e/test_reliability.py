"""Restarts, a missing action server and a locked tracker store lose no conversation.

These tests stop and start servers, so they get servers of their own.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from actions import knowledge
from tests.e2e.conftest import Servers

LINKS = knowledge.document_links()
APOLOGY = knowledge.prompt("service_unavailable").text
BEFORE, MIDDLE, _ = knowledge.period_labels().values()


def click(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def text_of(reply: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in reply)


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    running = Servers(tmp_path_factory.mktemp("reliability"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


def wait_for_actions(servers: Servers) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{servers.action_port}/health", timeout=2).raise_for_status()
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError("the action server did not come back")


def test_restarting_both_servers_in_the_middle_of_a_form_loses_nothing(own: Servers) -> None:
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    assert "哪种核查通知" in text_of(own.say(sender, click("faq_modify_filing")))
    assert "什么时候提交" in text_of(own.say(sender, click("inform", notice_type="filing_info_unqualified")))
    own.stop("rasa", "actions")
    own.start()
    answer = text_of(own.say(sender, click("inform", filing_date=BEFORE)))
    assert LINKS["doc_claim_wanwang"] in answer and LINKS["doc_change_filing"] in answer


def test_without_the_action_server_the_user_gets_an_apology_and_the_conversation_goes_on(
    own: Servers,
) -> None:
    sender = f"actions-down-{uuid.uuid4().hex[:8]}"
    assert "什么时候提交" in text_of(own.say(sender, click("faq_view_filing")))
    own.stop("actions")
    try:
        assert text_of(own.say(sender, click("inform", filing_date=MIDDLE))) == APOLOGY
    finally:
        own.start_actions()
        wait_for_actions(own)
    answer = text_of(own.say(sender, click("inform", filing_date=MIDDLE)))
    assert LINKS["doc_import_filing"] in answer


def test_a_locked_tracker_store_gets_an_apology_not_a_crash(own: Servers) -> None:
    sender = f"locked-{uuid.uuid4().hex[:8]}"
    assert "什么时候提交" in text_of(own.say(sender, click("faq_view_filing")))
    lock = sqlite3.connect(own.env["TRACKER_DB"], timeout=1)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        assert text_of(own.say(sender, click("inform", filing_date=MIDDLE))) == APOLOGY
    finally:
        lock.rollback()
        lock.close()
    answer = text_of(own.say(sender, click("inform", filing_date=MIDDLE)))
    assert LINKS["doc_import_filing"] in answer
    assert own.processes["rasa"].poll() is None, "the Rasa server must still run"
