"""The custom actions, run as the action server runs them, on trackers built inline."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge
from actions.answers import (
    ActionAnswerFaq,
    ActionAskFilingDate,
    ActionAskFilingPeriod,
    ActionAskMiitResult,
    ActionRestart,
)
from actions.forms import ValidateFaqForm
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("fixed_today")

SLOTS = (
    "faq_question filing_date filing_period notice_type miit_has_record miit_result requested_slot"
).split()


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    """The real domain, as the Rasa server sends it to the action server."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).as_dict()


def tracker(
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    **slots: Any,
) -> Tracker:
    values = dict.fromkeys(SLOTS)
    values.update(slots)
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return Tracker(
        "test",
        values,
        message,
        events or [],
        False,
        None,
        {"name": "faq_form"},
        "action_listen",
    )


def run(action: Any, tracker: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Runs an action; returns the slots it set and the messages it sent."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain()))
    slots = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    return slots, dispatcher.messages


def run_events(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Runs an action; returns the events it returned and the messages it sent."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain()))
    return events, dispatcher.messages


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value}


def form(text: str, intent: str = "inform", entities=None, **slots: Any):
    """Runs validate_faq_form after the user said `text`; slots set this turn come as SlotSet."""
    events = [*slots.pop("history", []), {"event": "user", "text": text}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in slots.pop("this_turn", {}).items()]
    return run(ValidateFaqForm(), tracker(text, intent, entities, events, **slots))


# --- the form: what it extracts and what it asks next ---------------------------------------


def test_a_typed_date_without_an_entity_answers_the_date_question() -> None:
    slots, messages = form("大概2013年3月吧", faq_question="faq_view_filing", requested_slot="filing_date")
    assert slots["filing_date"] == "大概2013年3月吧"
    assert slots["filing_period"] == "2010_06_01_to_2017_01_31"
    assert slots["requested_slot"] is None
    assert messages == []


def test_a_date_tagged_in_a_message_nlu_could_not_place_is_read_by_the_form() -> None:
    # dev10: Rasa maps the date entity only for the intents domain.yml lists; under
    # nlu_fallback nothing filled the slot, the form read nothing either and was rejected
    slots, _ = form(
        "Spring of 2019 I believe, right after we moved offices",
        intent="nlu_fallback",
        entities=[entity("filing_date", "2019")],
        faq_question="faq_forgot_account",
        requested_slot="filing_date",
    )
    assert slots["filing_period"] == "after_2017_01_31"
    assert slots["requested_slot"] is None


def test_a_date_nlu_tagged_short_is_read_as_the_words_say_it() -> None:
    # NLU tagged 2017年年 (two periods); the clause says mid-2017
    slots, _ = form(
        "2017年年中备的案，账号忘了",
        intent="faq_forgot_account",
        entities=[entity("filing_date", "2017年年")],
        faq_question="faq_forgot_account",
        filing_date="2017年年",
        this_turn={"filing_date": "2017年年"},
    )
    assert slots["filing_period"] == "after_2017_01_31"


def test_a_reply_whose_year_and_day_nlu_tagged_apart_is_read_whole() -> None:
    # blind9: NLU tagged 2017 and 1月31 of 2017年初，1月31号那天交的; 2017 alone spans two periods,
    # the whole reply names one day of it
    slots, _ = form(
        "2017年初，1月31号那天交的",
        intent="inform",
        entities=[entity("filing_date", "2017"), entity("filing_date", "1月31")],
        faq_question="faq_view_filing",
        requested_slot="filing_date",
        filing_date="1月31",
        this_turn={"filing_date": "1月31"},
    )
    assert slots["filing_period"] == "2010_06_01_to_2017_01_31"


def test_facts_of_a_message_nlu_could_not_place_hold_once_the_user_picks_its_question() -> None:
    # blind8 after a retraining: the notice type was stated, NLU was unsure which question it
    # asked, the user clicked 修改备案信息, and the form asked for the notice type again
    unsure = "貴司來函稱敝公司「備案信息不合格」，請問須如何更正？"
    history = [{"event": "user", "text": unsure, "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    slots, _ = form(
        "/faq_modify_filing", intent="faq_modify_filing", history=history, faq_question="faq_modify_filing"
    )
    assert slots["notice_type"] == "filing_info_unqualified"
    assert slots["requested_slot"] == "filing_date"
    # a payload after a message NLU did place says nothing more
    placed = [{"event": "user", "text": unsure, "parse_data": {"intent": {"name": "faq_modify_filing"}}}]
    slots, _ = form(
        "/faq_modify_filing", intent="faq_modify_filing", history=placed, faq_question="faq_modify_filing"
    )
    assert slots["requested_slot"] == "notice_type"


def test_a_date_nlu_tagged_in_two_pieces_is_read_from_its_first_piece() -> None:
    # NLU tagged 2010年5月 and 20 of 2010年5月20号; Rasa keeps the last, and a bare 20 reads as 2020
    slots, _ = form(
        "通知说备案信息不合格，我是2010年5月20号备案的，怎么改",
        intent="faq_modify_filing",
        entities=[entity("filing_date", "2010年5月"), entity("filing_date", "20")],
        faq_question="faq_modify_filing",
        notice_type="filing_info_unqualified",
        filing_date="20",
        this_turn={"faq_question": "faq_modify_filing", "filing_date": "20"},
    )
    assert slots["filing_period"] == "before_2010_06_01"


def test_a_date_given_with_the_question_is_used_and_nothing_is_asked() -> None:
    slots, _ = form(
        "我2018年备案的，怎么查看备案信息",
        intent="faq_view_filing",
        faq_question="faq_view_filing",
        filing_date="2018年",
        this_turn={"faq_question": "faq_view_filing", "filing_date": "2018年"},
    )
    assert slots["filing_period"] == "after_2017_01_31"
    assert slots["requested_slot"] is None


def test_a_date_that_spans_two_periods_asks_between_them_only() -> None:
    slots, _ = form("2010年", faq_question="faq_view_filing", requested_slot="filing_date")
    assert slots["filing_date"] == "2010年"
    assert slots.get("filing_period") is None
    assert slots["requested_slot"] == "filing_period"
    _, messages = run(ActionAskFilingPeriod(), tracker(filing_date="2010年"))
    titles = [button["title"] for button in messages[0]["buttons"]]
    labels = knowledge.period_labels()
    assert titles == [labels["before_2010_06_01"], labels["2010_06_01_to_2017_01_31"]]


def test_a_short_answer_picks_between_the_offered_periods() -> None:
    slots, _ = form(
        "之后",
        faq_question="faq_view_filing",
        filing_date="2010年",
        requested_slot="filing_period",
        history=[{"event": "slot", "name": "filing_date", "value": "2010年"}],
    )
    assert slots["filing_period"] == "2010_06_01_to_2017_01_31"
    assert slots["requested_slot"] is None


def test_a_month_nlu_tagged_alone_completes_the_year_given_before() -> None:
    # NLU tagged 1月底 (of no year: this year's, read alone); the form made it 2017年1月底
    slots, _ = form(
        "1月底",
        entities=[entity("filing_date", "1月底")],
        faq_question="faq_forgot_account",
        filing_date="1月底",
        requested_slot="filing_period",
        history=[{"event": "slot", "name": "filing_date", "value": "2017年"}],
        this_turn={"filing_date": "1月底"},
    )
    assert slots["filing_period"] == "2010_06_01_to_2017_01_31"


def test_a_short_answer_taken_for_a_date_by_nlu_still_picks_between_the_offered_periods() -> None:
    slots, _ = form(
        "之前",
        entities=[entity("filing_date", "之前")],
        faq_question="faq_view_filing",
        filing_date="之前",
        requested_slot="filing_period",
        history=[{"event": "slot", "name": "filing_date", "value": "2010年"}],
        this_turn={"filing_date": "之前"},
    )
    assert slots["filing_period"] == "before_2010_06_01"
    assert slots["requested_slot"] is None


def test_not_remembering_ends_the_form_without_a_period() -> None:
    slots, _ = form("不记得了", faq_question="faq_forgot_account", requested_slot="filing_date")
    assert slots["filing_date"] == "不记得了"
    assert slots["requested_slot"] is None


def test_words_that_are_no_date_are_said_not_understood_and_asked_again() -> None:
    slots, messages = form("随便吧", faq_question="faq_view_filing", requested_slot="filing_date")
    assert slots == {"filing_date": None, "filing_period": None, "requested_slot": "filing_date"} or (
        slots["filing_date"] is None and slots["requested_slot"] == "filing_date"
    )
    assert messages[0]["knowledge"] == "filing_date_not_understood"
    assert "随便吧" not in messages[0]["text"]  # never echoed (issue 12)


def test_another_faq_question_in_the_middle_is_left_to_the_rules() -> None:
    slots, messages = form(
        "为什么要核查",
        intent="faq_why_verification",
        faq_question="faq_view_filing",
        requested_slot="filing_date",
    )
    assert "filing_date" not in slots and messages == []


def test_a_typed_notice_type_is_understood() -> None:
    slots, _ = form("是网站内容的问题", faq_question="faq_modify_filing", requested_slot="notice_type")
    assert slots["notice_type"] == "website_content_unqualified"
    assert slots["requested_slot"] is None


def test_the_question_said_again_while_its_notice_type_is_asked_is_read_as_the_answer() -> None:
    # NLU took this English reply for the modify question itself (blind7's conversations)
    slots, _ = form(
        "The email says the registered filing details themselves were flagged as non-compliant",
        intent="faq_modify_filing",
        faq_question="faq_modify_filing",
        requested_slot="notice_type",
    )
    assert slots["notice_type"] == "filing_info_unqualified"


def test_a_notice_type_answer_nlu_took_for_another_question_keeps_the_question_asked() -> None:
    # blind12: asked which notice came, 说我备案填的信息不对 came out as the view question, and
    # the user who wanted to modify the filing was told how to view it
    switched = {
        "history": [{"event": "slot", "name": "faq_question", "value": "faq_modify_filing"}],
        "this_turn": {"faq_question": "faq_view_filing"},
    }
    slots, _ = form(
        "说我备案填的信息不对",
        intent="faq_view_filing",
        faq_question="faq_view_filing",
        requested_slot="notice_type",
        **switched,
    )
    assert slots["faq_question"] == "faq_modify_filing"
    assert slots["notice_type"] == "filing_info_unqualified"
    assert slots["requested_slot"] == "filing_date"


def test_a_date_reply_nlu_took_for_another_question_keeps_the_question_asked() -> None:
    # dev10, after a retraining: "right after we moved offices" came out as the access-cancelled
    # question, and a user asked when they filed was asked whether MIIT still has the filing
    switched = {
        "history": [{"event": "slot", "name": "faq_question", "value": "faq_forgot_account"}],
        "this_turn": {"faq_question": "faq_access_cancelled"},
    }
    slots, _ = form(
        "Spring of 2019 I believe, right after we moved offices",
        intent="faq_access_cancelled",
        faq_question="faq_access_cancelled",
        requested_slot="filing_date",
        **switched,
    )
    assert slots["faq_question"] == "faq_forgot_account"
    assert slots["filing_period"] == "after_2017_01_31"


def test_a_date_with_a_new_question_is_that_question() -> None:
    switched = {
        "history": [{"event": "slot", "name": "faq_question", "value": "faq_forgot_account"}],
        "this_turn": {"faq_question": "faq_access_cancelled"},
    }
    slots, _ = form(
        "2019年的，另外网站被取消接入了怎么办",
        intent="faq_access_cancelled",
        faq_question="faq_access_cancelled",
        requested_slot="filing_date",
        **switched,
    )
    assert slots.get("faq_question", "faq_access_cancelled") == "faq_access_cancelled"


def test_another_question_asked_while_the_notice_type_is_asked_is_that_question() -> None:
    switched = {
        "history": [{"event": "slot", "name": "faq_question", "value": "faq_modify_filing"}],
        "this_turn": {"faq_question": "faq_view_filing"},
    }
    slots, _ = form(
        "算了，先告诉我怎么查看备案信息",
        intent="faq_view_filing",
        faq_question="faq_view_filing",
        requested_slot="notice_type",
        **switched,
    )
    assert slots.get("faq_question", "faq_view_filing") == "faq_view_filing"
    assert "notice_type" not in slots
    assert slots["requested_slot"] == "filing_date"


def test_the_information_notice_then_asks_for_the_date() -> None:
    slots, _ = form(
        "/inform",
        entities=[entity("notice_type", "filing_info_unqualified")],
        faq_question="faq_modify_filing",
        notice_type="filing_info_unqualified",
        requested_slot="notice_type",
        this_turn={"notice_type": "filing_info_unqualified"},
    )
    assert slots["notice_type"] == "filing_info_unqualified"
    assert slots["requested_slot"] == "filing_date"


def test_a_forged_notice_type_is_refused() -> None:
    slots, _ = form(
        '/inform{"notice_type":"drop table"}',
        entities=[entity("notice_type", "drop table")],
        faq_question="faq_modify_filing",
        notice_type="drop table",
        requested_slot="notice_type",
        this_turn={"notice_type": "drop table"},
    )
    assert slots["notice_type"] is None
    assert slots["requested_slot"] == "notice_type"


@pytest.mark.parametrize(("intent", "text", "value"), [("affirm", "是的", True), ("deny", "没有", False)])
def test_yes_or_no_answers_whether_miit_still_has_the_record(intent, text, value) -> None:
    slots, _ = form(
        text, intent=intent, faq_question="faq_access_cancelled", requested_slot="miit_has_record"
    )
    assert slots["miit_has_record"] is value
    assert slots["requested_slot"] == (None if value else "miit_result")


def test_a_typed_miit_result_is_understood() -> None:
    slots, _ = form(
        "查询结果是存在无网站信息的主体信息",
        faq_question="faq_access_cancelled_miit_no_record",
        requested_slot="miit_result",
    )
    assert slots["miit_result"] == "entity_without_website"


def test_an_unreadable_choice_asks_to_choose() -> None:
    slots, messages = form(
        "嗯嗯", faq_question="faq_access_cancelled_miit_no_record", requested_slot="miit_result"
    )
    assert slots["miit_result"] is None
    assert messages[0]["text"] == knowledge.prompt("please_choose").text


# --- the answers -----------------------------------------------------------------------------


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message["text"] for message in messages)


def test_a_question_answered_at_once_gets_its_answer_with_links() -> None:
    _, messages = run(ActionAnswerFaq(), tracker("备案信息不认识", intent="faq_unknown_filing"))
    links = knowledge.document_links()
    assert links["doc_cancel_filing"] in texts(messages)
    assert links["doc_unsupported_suffixes"] in texts(messages)


def test_an_immediate_question_in_the_middle_of_a_form_keeps_the_form_question() -> None:
    _, messages = run(
        ActionAnswerFaq(), tracker("为啥核查", intent="faq_why_verification", faq_question="faq_view_filing")
    )
    assert [m["knowledge"] for m in messages] == ["why_verification", "feedback_ask"]


def test_the_form_question_is_answered_for_the_period_given() -> None:
    _, messages = run(
        ActionAnswerFaq(),
        tracker(
            "2013年",
            faq_question="faq_view_filing",
            filing_date="2013年",
            filing_period="2010_06_01_to_2017_01_31",
        ),
    )
    assert [m["knowledge"] for m in messages] == ["view_filing_2010_06_01_to_2017_01_31", "feedback_ask"]
    assert knowledge.document_links()["doc_import_filing"] in messages[0]["text"]
    assert "忘记登录名" in messages[0]["text"]


def test_not_remembering_shows_every_period_after_a_lead() -> None:
    _, messages = run(
        ActionAnswerFaq(), tracker("不记得了", faq_question="faq_view_filing", filing_date="不记得了")
    )
    assert [m["knowledge"] for m in messages] == [
        "filing_date_unknown_lead",
        "view_filing_before_2010_06_01",
        "view_filing_2010_06_01_to_2017_01_31",
        "view_filing_after_2017_01_31",
        "feedback_ask",
    ]


def test_a_stale_period_is_ignored_once_the_user_says_they_do_not_remember() -> None:
    _, messages = run(
        ActionAnswerFaq(),
        tracker(
            "不记得了",
            faq_question="faq_view_filing",
            filing_date="不记得了",
            filing_period="after_2017_01_31",
        ),
    )
    assert len(messages) == 5  # the lead, three periods, the feedback buttons


def test_the_miit_instructions_are_not_repeated_after_being_asked_with() -> None:
    events = [
        {"event": "active_loop", "name": "faq_form"},
        {"event": "bot", "text": "...", "metadata": {"knowledge": "miit_no_record_intro"}},
        {"event": "active_loop", "name": None},
    ]
    _, messages = run(
        ActionAnswerFaq(),
        tracker(
            "无备案信息",
            events=events,
            faq_question="faq_access_cancelled_miit_no_record",
            miit_result="no_record",
        ),
    )
    assert [m["knowledge"] for m in messages] == ["miit_result_no_record", "feedback_ask"]


def test_asking_for_the_miit_result_tells_how_to_query_first() -> None:
    _, messages = run(ActionAskMiitResult(), tracker())
    assert [m["knowledge"] for m in messages] == ["miit_no_record_intro", "ask_miit_result"]
    assert "http://www.miitbeian.gov.cn/publish/query/indexFirst.action" in messages[0]["text"]
    assert len(messages[1]["buttons"]) == 3


def test_the_date_question_offers_every_period_and_dont_remember() -> None:
    _, messages = run(ActionAskFilingDate(), tracker())
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert len(payloads) == 4
    assert payloads[-1] == '/inform{"filing_date": "不记得了"}'


def test_with_no_question_yet_the_topics_are_offered() -> None:
    _, messages = run(ActionAnswerFaq(), tracker("2013年"))
    assert messages[0]["response"] == "utter_topics"


def ranked(text: str, *ranking: tuple[str, float]) -> Tracker:
    built = tracker(text)
    built.latest_message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    return built


def test_a_fact_with_a_question_nlu_saw_beside_it_offers_that_question() -> None:
    # 2010年5月备的案，当时的登录名和密码都忘光了: inform first, the forgotten account close behind
    built = ranked(
        "2010年5月备的案，密码都忘光了",
        ("inform", 0.57),
        ("faq_forgot_account", 0.42),
        ("faq_view_filing", 0.01),
    )
    _, messages = run(ActionAnswerFaq(), built)
    assert [button["payload"] for button in messages[0]["buttons"]] == ["/faq_forgot_account"]
    assert messages[0].get("response") is None  # not the whole topics menu


def test_a_date_alone_still_gets_the_topics() -> None:
    built = ranked("2013年", ("inform", 0.95), ("faq_view_filing", 0.03), ("faq_forgot_account", 0.02))
    _, messages = run(ActionAnswerFaq(), built)
    assert messages[0]["response"] == "utter_topics"


# --- what strangers write (issue 11) --------------------------------------------------------


def test_a_day_after_a_year_is_a_day_of_that_year_not_of_this_one() -> None:
    slots, _ = form(
        "6月1号那天",
        faq_question="faq_view_filing",
        filing_date="2010年",
        requested_slot="filing_period",
        history=[{"event": "slot", "name": "filing_date", "value": "2010年"}],
    )
    assert slots["filing_date"].startswith("2010年6月1号")
    assert slots["filing_period"] == "2010_06_01_to_2017_01_31"


@pytest.mark.parametrize(
    ("year", "part", "period"),
    [
        ("2010年", "6月以后", "2010_06_01_to_2017_01_31"),
        ("2010年", "6月份之后吧", "2010_06_01_to_2017_01_31"),
        ("2010年", "6月之前", "before_2010_06_01"),
        ("17年", "2月以后", "after_2017_01_31"),
    ],
)
def test_a_bound_after_a_year_stays_inside_that_year(year: str, part: str, period: str) -> None:
    slots, _ = form(
        part,
        faq_question="faq_view_filing",
        filing_date=year,
        requested_slot="filing_period",
        history=[{"event": "slot", "name": "filing_date", "value": year}],
    )
    assert slots["filing_period"] == period


def test_a_bound_that_still_spans_two_periods_of_the_year_is_asked_again() -> None:
    slots, _ = form(
        "1月以后",
        faq_question="faq_view_filing",
        filing_date="2017年",
        requested_slot="filing_period",
        history=[{"event": "slot", "name": "filing_date", "value": "2017年"}],
    )
    assert slots.get("filing_period") is None


@pytest.mark.parametrize(
    "text",
    [
        "接入取消多年，通管局查主体显示还有另一个网站在备案，我这个网站怎么重新接入",
        "取消接入了，工信部那边备案已经被注销了",
        "用公司名称查工信部，只有主体没有网站，取消接入的站怎么办",
    ],
)
def test_still_filed_is_never_answered_to_words_that_say_miit_lost_the_filing(text: str) -> None:
    _, messages = run(ActionAnswerFaq(), tracker(text, intent="faq_access_cancelled_miit_has_record"))
    assert [m.get("knowledge") for m in messages if m.get("knowledge")] == []
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == ["/faq_access_cancelled_miit_has_record", "/faq_access_cancelled_miit_no_record"]


def test_no_longer_filed_asks_nothing_of_words_that_say_miit_still_has_the_filing() -> None:
    text = "网站打不开了，查了下备案没被工信部注销"
    no_record = "faq_access_cancelled_miit_no_record"
    slots, _ = form(text, intent=no_record, faq_question=no_record, this_turn={"faq_question": no_record})
    assert slots["requested_slot"] is None
    _, messages = run(ActionAnswerFaq(), tracker(text, intent=no_record, faq_question=no_record))
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == ["/faq_access_cancelled_miit_has_record", "/faq_access_cancelled_miit_no_record"]


def test_no_longer_filed_with_the_query_result_is_answered() -> None:
    text = "工信部查不到备案了，按主办单位查显示什么都没有"
    no_record = "faq_access_cancelled_miit_no_record"
    slots, _ = form(text, intent=no_record, faq_question=no_record, this_turn={"faq_question": no_record})
    assert slots["miit_result"] == "no_record"
    assert slots["requested_slot"] is None


def test_still_filed_is_answered_when_the_words_agree() -> None:
    text = "取消接入了，去工信部网站一查备案号还挂着，现在咋弄"
    _, messages = run(ActionAnswerFaq(), tracker(text, intent="faq_access_cancelled_miit_has_record"))
    assert messages[0]["knowledge"] == "access_cancelled_miit_has_record"


def test_facts_stated_without_a_question_select_the_question() -> None:
    slots, _ = form("阿里云通知说我们网站内容有问题", faq_question=None)
    assert slots["faq_question"] == "faq_modify_filing"
    assert slots["notice_type"] == "website_content_unqualified"
    slots, _ = form("阿里云把我们取消接入了，通管局网站上备案号还在", faq_question=None)
    assert slots["faq_question"] == "faq_access_cancelled"
    assert slots["miit_has_record"] is True
    assert slots["requested_slot"] is None


def test_a_date_alone_selects_no_question() -> None:
    slots, _ = form("2013年", faq_question=None)
    assert "faq_question" not in slots


def test_facts_given_with_the_question_are_not_asked_for() -> None:
    slots, _ = form(
        "取消接入了，部里还能搜到备案号，怎么办",
        intent="faq_access_cancelled",
        faq_question="faq_access_cancelled",
        this_turn={"faq_question": "faq_access_cancelled"},
    )
    assert slots["miit_has_record"] is True
    assert slots["requested_slot"] is None


def test_the_answer_in_own_words_inside_the_form_is_taken() -> None:
    slots, messages = form(
        "公司名能搜到，但是名下一个网站都没有",
        faq_question="faq_access_cancelled_miit_no_record",
        requested_slot="miit_result",
    )
    assert slots["miit_result"] == "entity_without_website"
    assert messages == []


def test_an_entity_the_words_contradict_is_not_guessed_at() -> None:
    slots, messages = form(
        "已经不能查到了",
        entities=[entity("miit_has_record", "能查到")],
        faq_question="faq_access_cancelled",
        requested_slot="miit_has_record",
        miit_has_record=True,
        this_turn={"miit_has_record": True},
    )
    assert slots["miit_has_record"] is None
    assert messages[0]["knowledge"] == "please_choose"


def test_an_unclear_answer_is_asked_again_with_the_buttons() -> None:
    slots, messages = form("我也说不好", faq_question="faq_modify_filing", requested_slot="notice_type")
    assert slots["notice_type"] is None
    assert messages[0]["knowledge"] == "please_choose"


def test_an_answer_nlu_took_for_another_question_answers_the_form_instead() -> None:
    # 注销备案 (faq_unknown_filing's answer) must not go to a user who said the record is still there.
    slots, messages = run(
        ActionAnswerFaq(),
        tracker(
            "部里网站上还显示着我们的备案号",
            intent="faq_unknown_filing",
            faq_question="faq_access_cancelled",
            requested_slot="miit_has_record",
        ),
    )
    assert slots == {"miit_has_record": True}
    assert messages == []


@pytest.mark.parametrize(
    ("text", "read", "said"),
    [
        # read as the form reads an answer, never 注销备案
        ("公司名查得到，网站一个都没挂", "entity_without_website", []),
        # not understood: asked again with the buttons
        ("那个公司早就不在了", None, ["please_choose"]),
    ],
)
def test_words_that_ask_nothing_taken_for_another_question_answer_the_form(
    text: str, read: str | None, said: list[str]
) -> None:
    slots, messages = run(
        ActionAnswerFaq(),
        tracker(
            text,
            intent="faq_unknown_filing",
            faq_question="faq_access_cancelled_miit_no_record",
            requested_slot="miit_result",
        ),
    )
    assert slots == {"miit_result": read}
    assert [m["knowledge"] for m in messages] == said


def test_once_the_form_completes_its_own_question_is_answered() -> None:
    # The message that completed the form was taken for 备案信息不认识 and read as the form's
    # answer; the final answer is the form's question, never 注销备案.
    done = Tracker(
        "test",
        {**dict.fromkeys(SLOTS), "faq_question": "faq_access_cancelled", "miit_has_record": False,
         "miit_result": "entity_without_website"},
        {"text": "公司名查得到，网站一个都没挂", "intent": {"name": "faq_unknown_filing", "confidence": 0.5}, "entities": []},
        [], False, None, {}, "faq_form",
    )  # fmt: skip
    _, messages = run(ActionAnswerFaq(), done)
    keys = [m["knowledge"] for m in messages]
    assert keys[-2:] == ["miit_result_entity_without_website", "feedback_ask"]
    assert "unknown_filing" not in keys


def test_a_real_other_question_in_the_form_is_still_answered() -> None:
    _, messages = run(
        ActionAnswerFaq(),
        tracker(
            "通知里的备案信息我不认识怎么办",
            intent="faq_unknown_filing",
            faq_question="faq_access_cancelled",
            requested_slot="miit_has_record",
        ),
    )
    assert messages[0]["knowledge"] == "unknown_filing"


def test_an_english_question_gets_one_english_sentence_then_the_source_text() -> None:
    events = [{"event": "user", "text": "Why is there a filing verification?"}]
    _, messages = run(
        ActionAnswerFaq(),
        tracker("Why is there a filing verification?", "faq_why_verification", events=events),
    )
    assert [m["knowledge"] for m in messages] == ["english_intro", "why_verification", "feedback_ask"]
    assert "Why is there an ICP filing information verification?" in messages[0]["text"]
    assert messages[1]["text"] == knowledge.answer("why_verification").text


def test_english_users_get_bilingual_prompts() -> None:
    events = [{"event": "user", "text": "I forgot my account"}]
    _, messages = run(ActionAskFilingDate(), tracker("I forgot my account", events=events))
    assert messages[0]["text"].startswith("When was your ICP filing submitted?")
    assert knowledge.prompt("ask_filing_date").text in messages[0]["text"]


def test_restart_says_so_and_restarts() -> None:
    events, messages = run_events(ActionRestart(), tracker("/restart", "restart"))
    assert [e["event"] for e in events] == ["restart"]
    assert messages[0]["knowledge"] == "restarted"
    assert messages[1]["response"] == "utter_topics"


def test_a_date_said_with_the_question_is_taken_from_its_clause() -> None:
    slots, _ = form(
        "核查邮件说我的备案信息不对，前年备的案，怎么改",
        intent="faq_modify_filing",
        faq_question="faq_modify_filing",
        this_turn={"faq_question": "faq_modify_filing"},
    )
    assert slots["filing_date"] == "前年备的案"
    assert slots["filing_period"] == "after_2017_01_31"
    assert slots["notice_type"] == "filing_info_unqualified"
    assert slots["requested_slot"] is None


def test_a_date_of_something_else_is_not_the_filing_date() -> None:
    slots, _ = form(
        "我们网站去年停了，怎么看备案信息",
        intent="faq_view_filing",
        faq_question="faq_view_filing",
        this_turn={"faq_question": "faq_view_filing"},
    )
    assert slots["requested_slot"] == "filing_date"


def test_an_english_month_after_a_year_completes_it() -> None:
    slots, _ = form(
        "it was in May",
        faq_question="faq_view_filing",
        filing_date="2010",
        requested_slot="filing_period",
        history=[{"event": "slot", "name": "filing_date", "value": "2010"}],
    )
    assert slots["filing_period"] == "before_2010_06_01"


def test_still_there_while_asked_for_the_query_result_is_never_answered_with_q5() -> None:
    # 主体还在 NLU may take for Q5 (接入备案); here MIIT has no record: it is the query result.
    slots, messages = run(
        ActionAnswerFaq(),
        tracker(
            "主体还在，网站信息是空的",
            intent="faq_access_cancelled_miit_has_record",
            faq_question="faq_access_cancelled",
            miit_has_record=False,
            requested_slot="miit_result",
        ),
    )
    assert slots == {"miit_result": "entity_without_website"}
    assert messages == []
    slots, messages = run(
        ActionAnswerFaq(),
        tracker(
            "还在呢",
            intent="faq_access_cancelled_miit_has_record",
            faq_question="faq_access_cancelled",
            miit_has_record=False,
            requested_slot="miit_result",
        ),
    )
    assert slots == {"miit_result": None}
    assert [m["knowledge"] for m in messages] == ["please_choose"]


def test_a_no_taken_for_q5_while_asked_whether_miit_still_has_it_is_a_no() -> None:
    # dev10: a formal "no, MIIT has no record of it" came out as Q5 and was answered with 接入备案
    slots, messages = run(
        ActionAnswerFaq(),
        tracker(
            "否，经核实，工信部系统中已无该网站备案记录。",
            intent="faq_access_cancelled_miit_has_record",
            faq_question="faq_access_cancelled",
            requested_slot="miit_has_record",
        ),
    )
    assert slots == {"miit_has_record": False}
    assert messages == []


def test_a_no_taken_for_q5_goes_on_to_ask_what_the_query_by_name_showed() -> None:
    # dev10: the form took the words as the answer, then asked nothing (as if the user had
    # asked Q5 in words that deny it) and only the query instructions went out
    slots, _ = form(
        "否，经核实，工信部系统中已无该网站备案记录。",
        intent="faq_access_cancelled_miit_has_record",
        faq_question="faq_access_cancelled",
        requested_slot="miit_has_record",
    )
    assert slots["miit_has_record"] is False
    assert slots["requested_slot"] == "miit_result"


def test_still_there_about_the_company_does_not_undo_the_record_being_gone() -> None:
    history = [{"event": "slot", "name": "miit_has_record", "value": False}]
    slots, _ = form(
        "主体还在，网站信息是空的",
        entities=[entity("miit_has_record", "还在")],
        faq_question="faq_access_cancelled",
        miit_has_record=True,
        requested_slot="miit_result",
        history=history,
        this_turn={"miit_has_record": True},
    )
    assert slots["miit_has_record"] is False
    assert slots["miit_result"] == "entity_without_website"


def test_a_plain_correction_of_the_record_is_taken() -> None:
    history = [{"event": "slot", "name": "miit_has_record", "value": False}]
    slots, _ = form(
        "刚才说错了，工信部还能查到",
        entities=[entity("miit_has_record", "还能查到")],
        faq_question="faq_access_cancelled",
        miit_has_record=True,
        requested_slot="miit_result",
        history=history,
        this_turn={"miit_has_record": True},
    )
    assert slots["miit_has_record"] is True


def test_the_same_question_said_while_its_date_is_asked_is_read_as_the_answer() -> None:
    slots, messages = form(
        "当年备案的", intent="faq_view_filing", faq_question="faq_view_filing", requested_slot="filing_date"
    )
    assert slots["requested_slot"] == "filing_date"
    assert messages[0]["knowledge"] == "filing_date_not_understood"
    slots, _ = form(
        "2013年的备案怎么看",
        intent="faq_view_filing",
        faq_question="faq_view_filing",
        requested_slot="filing_date",
    )
    assert slots["filing_period"] == "2010_06_01_to_2017_01_31"


def test_a_tagged_word_that_names_no_notice_type_leaves_the_opening_to_be_read() -> None:
    # NLU tagged 不合格 alone in a pasted notice; its plain words name the type.
    slots, messages = form(
        "【阿里云】经核查您的备案信息存在不合格项，请登录备案系统完成整改。收到这个，怎么改？",
        intent="faq_modify_filing",
        entities=[entity("notice_type", "不合格")],
        faq_question="faq_modify_filing",
        notice_type="不合格",
        this_turn={"notice_type": "不合格"},
    )
    assert slots["notice_type"] == "filing_info_unqualified"
    assert all(message.get("knowledge") != "please_choose" for message in messages)
