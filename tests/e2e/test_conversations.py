"""One real conversation per branch of the FAQ, over REST, against the real servers.

Each turn checks the key phrase and the links of the answer, as a user would see them.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from actions import knowledge

LINKS = knowledge.document_links()
SELF_BA = "https://beian.aliyun.com/order/selfBaIndex.htm"
ICP = "https://beian.aliyun.com)"
MIIT = "http://www.miitbeian.gov.cn/publish/query/indexFirst.action"
BEFORE, MIDDLE, AFTER = knowledge.period_labels().values()


def click(intent: str, **entities: str) -> str:
    """What a button sends."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def text_of(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


def buttons_of(messages: list[dict[str, Any]]) -> list[str]:
    return [button["title"] for message in messages for button in message.get("buttons", [])]


# (what the user says, what the reply must contain, what it must not contain)
Turn = tuple[str, list[str], list[str]]

CONVERSATIONS: dict[str, list[Turn]] = {
    "why_verification": [
        (
            "为什么会有备案信息核查？",
            ["反恐怖主义法", "https://help.aliyun.com/noticelist/articleid/20778011.html"],
            [],
        ),
    ],
    "view_filing_before_2010": [
        ("如何查看备案信息", ["什么时候提交", BEFORE, MIDDLE, AFTER, "不记得了"], []),
        (click("inform", filing_date=BEFORE), [LINKS["doc_claim_wanwang"], SELF_BA], ["导入备案信息"]),
    ],
    "view_filing_middle_typed": [
        ("我想看看我的备案信息", ["什么时候提交"], []),
        (
            "2013年3月",
            [LINKS["doc_import_filing"], "忘记登录名", "https://beian.aliyun.com/account/login.htm"],
            [],
        ),
    ],
    "view_filing_after_up_front": [
        (
            "我是2018年备案的，怎么查看备案信息",
            ["直接登录", SELF_BA, "忘记会员名", "https://account.aliyun.com"],
            [],
        ),
    ],
    "view_filing_dont_remember": [
        (click("faq_view_filing"), ["什么时候提交"], []),
        (
            click("inform", filing_date="不记得了"),
            [LINKS["doc_claim_wanwang"], LINKS["doc_import_filing"], "忘记会员名"],
            [],
        ),
    ],
    "view_filing_back_then_is_asked_again": [
        (click("faq_view_filing"), ["什么时候提交"], []),
        ("当年备案的", ["没能", BEFORE, MIDDLE, AFTER], [SELF_BA, LINKS["doc_import_filing"]]),
        ("2013年3月", [LINKS["doc_import_filing"]], []),
    ],
    "view_filing_ambiguous_year": [
        (click("faq_view_filing"), ["什么时候提交"], []),
        ("2010年", [BEFORE, MIDDLE], [AFTER]),
        ("之后", [LINKS["doc_import_filing"]], [LINKS["doc_claim_wanwang"]]),
    ],
    "forgot_account_middle": [
        ("原来备案的账号密码忘了怎么办", ["什么时候提交"], []),
        (
            click("inform", filing_date=MIDDLE),
            ["忘记登录名", "https://beian.aliyun.com/account/login.htm"],
            [],
        ),
    ],
    "forgot_account_after": [
        (click("faq_forgot_account"), ["什么时候提交"], []),
        (
            click("inform", filing_date=AFTER),
            ["忘记会员名", "备案信息找回", "https://account.aliyun.com"],
            [],
        ),
    ],
    "forgot_account_before": [
        (click("faq_forgot_account"), ["什么时候提交"], []),
        (click("inform", filing_date=BEFORE), ["没有针对2010年6月1日之前", LINKS["doc_claim_wanwang"]], []),
    ],
    "modify_website_content": [
        (
            "收到核查通知，说网站内容不合格，要怎么改",
            ["变更备案的主体性质", "修改网站内容", LINKS["doc_change_filing"]],
            [],
        ),
    ],
    "modify_filing_info_before": [
        (
            "收到阿里云备案信息核查通知，如何修改备案信息？",
            ["哪种核查通知", "备案信息不合格", "网站内容不合格"],
            [],
        ),
        (click("inform", notice_type="filing_info_unqualified"), ["什么时候提交"], []),
        (
            click("inform", filing_date=BEFORE),
            ["备案信息不合格的通知", LINKS["doc_claim_wanwang"], LINKS["doc_change_filing"]],
            [],
        ),
    ],
    "modify_filing_info_middle": [
        (click("faq_modify_filing"), ["哪种核查通知"], []),
        (click("inform", notice_type="filing_info_unqualified"), ["什么时候提交"], []),
        (click("inform", filing_date=MIDDLE), [LINKS["doc_import_filing"], LINKS["doc_change_filing"]], []),
    ],
    "modify_filing_info_after": [
        (click("faq_modify_filing"), ["哪种核查通知"], []),
        (click("inform", notice_type="filing_info_unqualified"), ["什么时候提交"], []),
        (click("inform", filing_date=AFTER), ["直接登录", SELF_BA, LINKS["doc_change_filing"]], []),
    ],
    "unknown_filing": [
        (
            "收到核查通知，但是这个备案信息我不认识",
            [LINKS["doc_cancel_filing"], "https://beian.aliyun.com", LINKS["doc_unsupported_suffixes"]],
            [],
        ),
    ],
    "access_cancelled_miit_has_record": [
        (
            "超期没整改，备案被取消接入了，工信部还能查到备案信息，怎么办",
            ["开始备案", LINKS["doc_access_filing"], LINKS["doc_change_filing"]],
            [],
        ),
    ],
    "access_cancelled_asks_miit_yes": [
        (click("faq_access_cancelled"), ["工信部网站上"], []),
        (click("inform", miit_has_record="true"), ["开始备案", LINKS["doc_access_filing"]], []),
    ],
    "access_cancelled_asks_miit_no": [
        (click("faq_access_cancelled"), ["工信部网站上"], []),
        (click("inform", miit_has_record="false"), [MIIT, "主办单位名称", "查询的结果"], []),
        (click("inform", miit_result="no_record"), [LINKS["doc_first_filing"], "开始备案"], [MIIT]),
    ],
    "miit_no_record_entity_without_website": [
        ("取消接入很久了，工信部也查不到备案信息了怎么办", [MIIT, "主办单位名称", "查询的结果"], []),
        (
            click("inform", miit_result="entity_without_website"),
            [LINKS["doc_offline_cancel"], "再提交备案申请"],
            [],
        ),
    ],
    "miit_no_record_other_websites": [
        (click("faq_access_cancelled_miit_no_record"), [MIIT], []),
        (click("inform", miit_result="entity_with_other_websites"), [LINKS["doc_add_website"]], []),
    ],
    "miit_no_record_no_record": [
        (click("faq_access_cancelled_miit_no_record"), [MIIT], []),
        (click("inform", miit_result="no_record"), [LINKS["doc_first_filing"]], []),
    ],
    "interruption_then_form_goes_on": [
        (click("faq_view_filing"), ["什么时候提交"], []),
        ("为什么会有备案信息核查", ["反恐怖主义法", "什么时候提交"], []),
        (click("inform", filing_date=AFTER), ["直接登录"], []),
    ],
    "correction_after_an_answer": [
        ("我是2018年备案的，怎么查看备案信息", ["直接登录"], []),
        ("不对，是2013年", [LINKS["doc_import_filing"]], ["直接登录"]),
    ],
    "typed_miit_result_nothing_found": [
        (click("faq_access_cancelled_miit_no_record"), [MIIT], []),
        ("什么都没查到", [LINKS["doc_first_filing"]], []),
    ],
    "typed_miit_result_entity_left_without_website": [
        (click("faq_access_cancelled_miit_no_record"), [MIIT], []),
        ("查了，主体还在，网站没有了", [LINKS["doc_offline_cancel"]], []),
    ],
    "a_stray_word_next_to_the_date_is_ignored": [
        (click("faq_view_filing"), ["什么时候提交"], []),
        ("零六年的事了", [LINKS["doc_claim_wanwang"]], ["没能从"]),
    ],
    "a_date_in_another_story_is_not_taken_for_the_filing_date": [
        ("那个网站我们去年就停掉了，现在又收到核查通知，需要怎么弄", [LINKS["doc_cancel_filing"]], []),
        ("怎么查看备案信息", ["什么时候提交"], ["直接登录"]),
    ],
    "a_bare_year_after_an_answer_corrects_it": [
        ("我是2018年备案的，怎么查看备案信息", ["直接登录"], []),
        ("2016", [LINKS["doc_import_filing"]], ["再见"]),
    ],
    "greeting_shows_the_topics": [
        ("你好", ["备案信息核查助手", "如何查看备案信息？"], []),
    ],
    "out_of_scope_says_what_is_covered": [
        ("ECS服务器怎么续费", ["不在我能解答的范围", "如何查看备案信息？"], []),
    ],
}


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_conversation(servers, name: str) -> None:
    sender = f"e2e-{name}-{uuid.uuid4().hex[:8]}"
    for said, expected, unexpected in CONVERSATIONS[name]:
        reply = servers.say(sender, said)
        shown = text_of(reply) + "\n" + "\n".join(buttons_of(reply))
        for phrase in expected:
            assert phrase in shown, f"after {said!r}: {phrase!r} not in {shown!r}"
        for phrase in unexpected:
            assert phrase not in shown, f"after {said!r}: {phrase!r} in {shown!r}"
