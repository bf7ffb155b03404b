"""DingTalk messages in (text, conversation key) and out (one text or markdown message)."""

from __future__ import annotations

import pytest

from channels.dingtalk_format import (
    CHOICE_HINT,
    MAX_SENDER_KEY_CHARS,
    TEXT_ONLY_REPLY,
    conversation_key,
    markdown_title,
    message_text,
    parse_callback,
    session_webhook_target,
    to_dingtalk_message,
)

# The body of DingTalk's "robot receives a message" documentation (HTTP callback).
DOC_EXAMPLE = {
    "conversationId": "xxx",
    "atUsers": [{"dingtalkId": "xxx", "staffId": "xxx"}],
    "chatbotCorpId": "dinge8a565xxxx",
    "chatbotUserId": "$:LWCP_v1:$Cxxxxx",
    "msgId": "msg0xxxxx",
    "senderNick": "杨xx",
    "isAdmin": True,
    "senderStaffId": "user123",
    "sessionWebhookExpiredTime": 1613635652738,
    "createAt": 1613630252678,
    "senderCorpId": "dinge8a565xxxx",
    "conversationType": "2",
    "senderId": "$:LWCP_v1:$Ff09GIxxxxx",
    "conversationTitle": "机器人测试-TEST",
    "isInAtList": True,
    "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=xxxxx",
    "text": {"content": " 你好"},
    "msgtype": "text",
}


def test_the_documented_example_is_read() -> None:
    incoming = parse_callback(DOC_EXAMPLE)
    assert incoming.text == "你好", "the space an @-mention leaves is gone"
    assert incoming.msg_id == "msg0xxxxx"
    assert incoming.msgtype == "text"
    assert incoming.sender_key == "dingtalk:group:xxx:user123"
    assert incoming.metadata["dingtalk"]["conversationType"] == "2"
    assert "sessionWebhook" not in str(incoming.metadata), "the session token is not stored"


def test_one_to_one_is_keyed_by_the_person() -> None:
    one_to_one = {**DOC_EXAMPLE, "conversationType": "1", "conversationId": "cid-of-the-chat"}
    assert conversation_key(one_to_one) == ("dingtalk:user123", None)
    without_staff_id = {**one_to_one, "senderStaffId": None}
    assert conversation_key(without_staff_id) == ("dingtalk:$:LWCP_v1:$Ff09GIxxxxx", None)


def test_two_people_in_one_group_never_share_a_conversation() -> None:
    first, _ = conversation_key({**DOC_EXAMPLE, "senderStaffId": "alice"})
    second, _ = conversation_key({**DOC_EXAMPLE, "senderStaffId": "bob"})
    other_group, _ = conversation_key({**DOC_EXAMPLE, "senderStaffId": "alice", "conversationId": "yyy"})
    alone, _ = conversation_key({**DOC_EXAMPLE, "senderStaffId": "alice", "conversationType": "1"})
    assert len({first, second, other_group, alone}) == 4


def test_a_conversation_type_given_as_a_number_is_understood() -> None:
    assert conversation_key({**DOC_EXAMPLE, "conversationType": 2})[0] == "dingtalk:group:xxx:user123"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"senderStaffId": None, "senderId": None}, "no_sender"),
        ({"senderStaffId": "", "senderId": "  "}, "no_sender"),
        ({"senderStaffId": ["x"], "senderId": {"a": 1}}, "no_sender"),
        ({"conversationId": None}, "no_conversation_id"),
    ],
)
def test_callbacks_without_a_sender_have_no_key(changes: dict, error: str) -> None:
    assert conversation_key({**DOC_EXAMPLE, **changes}) == (None, error)


def test_very_long_ids_are_hashed_into_a_key_the_tracker_store_can_hold() -> None:
    key, _ = conversation_key({**DOC_EXAMPLE, "conversationId": "c" * 500})
    assert key is not None and len(key) <= MAX_SENDER_KEY_CHARS
    assert key == conversation_key({**DOC_EXAMPLE, "conversationId": "c" * 500})[0]


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (" 你好", "你好"),
        ("\u3000如何查看备案信息 ", "如何查看备案信息"),
        ("   ", ""),
        (None, ""),
        (12, "12"),
        ({"nested": 1}, ""),
        ("🎉<b>备案</b>", "🎉<b>备案</b>"),
        ("备\x00案\x1b\n查看", "备案\n查看"),
    ],
)
def test_text_content(content: object, text: str) -> None:
    assert message_text({"msgtype": "text", "text": {"content": content}}) == text


@pytest.mark.parametrize(
    "payload",
    [
        {"msgtype": "picture", "content": {"pictureDownloadCode": "p", "downloadCode": "d"}},
        {
            "msgtype": "richText",
            "content": {"richText": [{"text": "看图"}, {"type": "picture", "downloadCode": "d"}]},
        },
        {"msgtype": "audio", "content": {"duration": 4000, "downloadCode": "d", "recognition": "你好"}},
        {"msgtype": "file", "content": {"downloadCode": "d", "fileName": "a.pdf"}},
        {"msgtype": "text", "text": "not an object"},
    ],
)
def test_other_message_types_have_no_text(payload: dict) -> None:
    text = message_text(payload)
    assert not text


def test_a_message_without_msgtype_but_with_text_is_text() -> None:
    assert message_text({"text": {"content": " 你好"}}) == "你好"


def test_plain_answers_are_text() -> None:
    message = to_dingtalk_message([{"recipient_id": "x", "text": "不客气！"}])
    assert message == {"msgtype": "text", "text": {"content": "不客气！"}}


def test_all_messages_of_a_turn_are_joined() -> None:
    message = to_dingtalk_message([{"text": "第一句。"}, {"text": "第二句。"}])
    assert message == {"msgtype": "text", "text": {"content": "第一句。\n\n第二句。"}}


def test_answers_with_links_are_markdown_with_a_title() -> None:
    message = to_dingtalk_message([{"text": "详情请参见 [通知](https://help.aliyun.com/a.html)。"}])
    assert message is not None and message["msgtype"] == "markdown"
    assert message["markdown"]["text"] == "详情请参见 [通知](https://help.aliyun.com/a.html)。"
    assert message["markdown"]["title"] == "详情请参见 通知。"


def test_lines_become_paragraphs_in_markdown() -> None:
    message = to_dingtalk_message([{"text": "处理方法如下：\n1. 变更。\n2. 修改。"}])
    assert message is not None
    assert message["markdown"]["text"] == "处理方法如下：\n\n1. 变更。\n\n2. 修改。"


def test_buttons_become_one_numbered_list_across_the_turn() -> None:
    message = to_dingtalk_message(
        [
            {
                "text": "请问是哪种通知？",
                "buttons": [{"title": "甲", "payload": "/a"}, {"title": "乙", "payload": "/b"}],
            },
            {"text": "或者：", "buttons": [{"title": "丙", "payload": "/c"}, "junk", {"title": ""}]},
        ]
    )
    assert message is not None and message["msgtype"] == "markdown"
    assert message["markdown"]["text"] == (
        f"请问是哪种通知？\n\n1. 甲\n\n2. 乙\n\n或者：\n\n3. 丙\n\n{CHOICE_HINT}"
    )
    assert message["markdown"]["title"] == "请问是哪种通知？"


def test_images_are_markdown() -> None:
    message = to_dingtalk_message([{"image": "https://example.com/a.png"}])
    assert message is not None and message["markdown"]["text"] == "![](https://example.com/a.png)"


def test_nothing_to_say_is_none() -> None:
    assert to_dingtalk_message([]) is None
    assert to_dingtalk_message([{"custom": {"x": 1}}, {"text": "  "}]) is None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("**说明：** 如果您忘记账号", "说明： 如果您忘记账号"),
        ("# 标题\n正文", "标题"),
        ("1. 第一步", "第一步"),
        ("", "备案信息核查助手"),
        ("备" * 40, "备" * 29 + "…"),
    ],
)
def test_markdown_titles_are_short_and_plain(text: str, title: str) -> None:
    assert markdown_title(text) == title


def test_the_text_only_reply_asks_for_a_typed_question() -> None:
    assert "文字" in TEXT_ONLY_REPLY


NOW = 1_613_630_252_678
HOSTS = ("oapi.dingtalk.com",)
WEBHOOK = "https://oapi.dingtalk.com/robot/sendBySession?session=xxxxx"


def test_a_fresh_dingtalk_session_webhook_may_be_posted_to() -> None:
    assert session_webhook_target(DOC_EXAMPLE, HOSTS, NOW) == WEBHOOK


@pytest.mark.parametrize(
    "changes",
    [
        {"sessionWebhook": "http://oapi.dingtalk.com/robot/sendBySession?session=x"},
        {"sessionWebhook": "https://oapi.dingtalk.com.evil.example/robot/sendBySession"},
        {"sessionWebhook": "https://evil.example/?oapi.dingtalk.com"},
        {"sessionWebhook": "https://user:pw@oapi.dingtalk.com/robot/sendBySession"},
        {"sessionWebhook": "https://oapi.dingtalk.com:8443/robot/sendBySession"},
        {"sessionWebhook": "https://oapi.dingtalk.com:99999/x"},
        {"sessionWebhook": None},
        {"sessionWebhook": ["https://oapi.dingtalk.com/"]},
        {"sessionWebhookExpiredTime": NOW},
        {"sessionWebhookExpiredTime": NOW - 1},
        {"sessionWebhookExpiredTime": None},
        {"sessionWebhookExpiredTime": "soon"},
    ],
)
def test_other_hosts_and_expired_session_webhooks_are_never_posted_to(changes: dict) -> None:
    assert session_webhook_target({**DOC_EXAMPLE, **changes}, HOSTS, NOW) is None


def test_the_allow_list_is_configurable() -> None:
    payload = {**DOC_EXAMPLE, "sessionWebhook": "https://hooks.example.com/x"}
    assert session_webhook_target(payload, ["Hooks.Example.com"], NOW) == "https://hooks.example.com/x"
