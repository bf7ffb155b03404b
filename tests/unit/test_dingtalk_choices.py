"""A reply of just a number picks one of the buttons the assistant last sent, as a numbered list."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from channels.dingtalk_format import choice_number, last_buttons, pick_choice, to_dingtalk_message


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2),
        ("２", 2),
        ("第2个", 2),
        ("第２个", 2),
        ("第二个", 2),
        ("第二项", 2),
        ("二", 2),
        ("两", 2),
        (" 2 ", 2),
        ("2.", 2),
        ("2。", 2),
        ("②", 2),
        ("选2", 2),
        ("我选2", 2),
        ("第2", 2),
        ("10", 10),
        ("第十个", 10),
    ],
)
def test_numbers(text: str, number: int | None) -> None:
    assert choice_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["", "0", "2013", "2013年", "2010年6月1日之前", "2个月前", "选项", "二〇一二年", "为什么", "1 2", "-1"],
)
def test_not_numbers(text: str) -> None:
    assert choice_number(text) is None


BUTTONS = [
    {"title": "2010年6月1日之前", "payload": '/inform{"filing_date":"2010年6月1日之前"}'},
    {"title": "2010年6月1日至2017年1月31日之间", "payload": '/inform{"filing_date":"之间"}'},
    {"title": "不记得了", "payload": '/inform{"filing_date":"不记得了"}'},
]


@pytest.mark.parametrize(("text", "index"), [("1", 0), ("２", 1), ("第2个", 1), ("第三个", 2)])
def test_a_number_picks_its_button(text: str, index: int) -> None:
    assert pick_choice(text, BUTTONS) == BUTTONS[index]["payload"]


@pytest.mark.parametrize("text", ["4", "0", "第五个", "你好"])
def test_numbers_out_of_range_pick_nothing(text: str) -> None:
    assert pick_choice(text, BUTTONS) is None


def test_no_buttons_no_choice() -> None:
    assert pick_choice("1", []) is None


def test_a_button_without_payload_sends_its_title() -> None:
    assert pick_choice("1", [{"title": "好的"}]) == "好的"


def _newest_first(events: list) -> list[dict]:
    return [event.as_dict() for event in reversed(events)]


def test_the_buttons_since_the_user_last_spoke_are_read_from_rasa_events() -> None:
    events = [
        UserUttered("你好"),
        BotUttered("您想了解哪个问题？", data={"buttons": [{"title": "旧", "payload": "/old"}]}),
        ActionExecuted("action_listen"),
        UserUttered("如何查看备案信息"),
        ActionExecuted("faq_form"),
        BotUttered("请问您的备案是什么时候提交的？", data={"buttons": BUTTONS[:2]}),
        BotUttered("或者：", data={"buttons": BUTTONS[2:]}),
        SlotSet("requested_slot", "filing_date"),
        ActionExecuted("action_listen"),
    ]
    assert last_buttons(_newest_first(events)) == BUTTONS


def test_after_the_user_spoke_and_the_bot_sent_no_buttons_there_is_no_choice() -> None:
    events = [
        BotUttered("请选择", data={"buttons": BUTTONS}),
        UserUttered("2"),
        BotUttered("好的。"),
    ]
    assert last_buttons(_newest_first(events)) == []


def test_malformed_button_data_is_skipped() -> None:
    events = [
        {"event": "bot", "data": {"buttons": ["x", None, {"title": "好"}]}},
        {"event": "bot", "data": None},
    ]
    assert last_buttons(events) == [{"title": "好"}]


def test_the_numbers_shown_are_the_numbers_read_back() -> None:
    sent = [
        {"text": "问题一", "buttons": BUTTONS[:2]},
        {"text": "问题二", "buttons": BUTTONS[2:]},
    ]
    shown = to_dingtalk_message(sent)
    assert shown is not None
    events = _newest_first([BotUttered(m["text"], data={"buttons": m["buttons"]}) for m in sent])
    buttons = last_buttons(events)
    for number, button in enumerate(BUTTONS, start=1):
        assert f"{number}. {button['title']}" in shown["markdown"]["text"]
        assert pick_choice(str(number), buttons) == button["payload"]
