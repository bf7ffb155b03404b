"""Typed answers to the assistant's multiple-choice questions: one value or none, never a guess."""

from __future__ import annotations

import pytest

from actions import choices


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("website_content_unqualified", "website_content_unqualified"),
        ("通知上写的是内容有问题", "website_content_unqualified"),
        ("网站内容和备案信息不符", "website_content_unqualified"),
        ("網站內容不合格", "website_content_unqualified"),
        ("the website content is non-compliant", "website_content_unqualified"),
        ("备案信息不合格", "filing_info_unqualified"),
        ("主体信息填错了", "filing_info_unqualified"),
        ("是那个备案不合规的通知", "filing_info_unqualified"),
        ("是说网站上放的东西跟备案对不上", "website_content_unqualified"),
        ("说是站点上放的东西不对劲", "website_content_unqualified"),
        ("信息那块不合格，不是网站内容", "filing_info_unqualified"),
        ("不是信息的问题，是内容不合格", "website_content_unqualified"),
        ("our filing information is incorrect", "filing_info_unqualified"),
        ("备案信息那个，not 内容", "filing_info_unqualified"),  # the type it is not, in English
        ("not the filing info, the content", "website_content_unqualified"),
        ("内容", "website_content_unqualified"),  # as the answer to the question asked
        ("不知道", None),
        ("内容和信息都有问题", None),  # both: ask again
    ],
)
def test_notice_type_in_the_users_words(text: str, value: str | None) -> None:
    assert choices.notice_type(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("通知上寫說我的備案資料填得不對", "filing_info_unqualified"),
        ("主体信息写得不对，怎么改", "filing_info_unqualified"),
        ("网站上的内容写得不对", "website_content_unqualified"),
        ("通知上说备案信息那一栏不合格", "filing_info_unqualified"),
        ("邮件说我们填写的资料有问题", "filing_info_unqualified"),
        ("網站內容那部分不合格", "website_content_unqualified"),
        ("通知所述为备案信息方面存在问题", "filing_info_unqualified"),
        ("邮件写着备案的资料本身有误，不是网站内容", "filing_info_unqualified"),
        # the data registered with the filing, in Mandarin and written Cantonese
        ("说我登记的资料不对", "filing_info_unqualified"),
        ("话我备案登记嘅资料唔啱", "filing_info_unqualified"),
        # the details of the filing said not to be accurate, in English (blind14)
        (
            "The notice says the details recorded in our ICP filing are not accurate",
            "filing_info_unqualified",
        ),
        (
            "apparently the information on our filing was incorrect, how do we fix it",
            "filing_info_unqualified",
        ),
        ("收到核查通知，怎么修改备案信息", None),  # the question's words name no notice type
    ],
)
def test_notice_type_said_with_the_question(text: str, value: str | None) -> None:
    """Said with a question (which NLU takes for the form's own), only plain words count."""
    assert choices.notice_type(text, requested=False) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("部里的网站上还显示着我们的备案号", True),
        ("管局那边备案号还在", True),
        ("没被注销，还能搜到", True),
        ("工信部那边还没删", True),
        ("管局已经删了", False),
        ("工信部仲有", True),  # written Cantonese, folded as the NLU folds it (config.yml)
        ("工信布冇咗", False),
        ("the ministry site still shows our record", True),
        ("有", True),
        ("管局那边还能查着", True),  # northern 查着 for 查到
        ("查不着了", False),
        ("被清掉了", False),
        ("不能查到了", False),
        ("通管局网站显示未备案", False),
        ("it's gone from the MIIT site", False),
        ("没有", False),
        ("不在了", False),  # as 还在 is there (dev3 and dev5's conversations)
        ("工信部系统内该网站之备案已不复存在", False),  # blind13's conversations
        ("工信部网站上早就么有了", False),
        ("怎么有两个备案号", None),  # 怎么有 is no 么有
        ("不知道", None),
        ("能查到主体，但网站的备案查不到", None),  # both said: ask
        ("应该有吧，也可能没有", None),  # unsure: its 没有 is no answer
        ("no idea, haven't looked", None),
        ("你们那边看不到吗？", None),  # a question back
    ],
)
def test_whether_miit_still_has_the_record_in_the_users_words(text: str, value: bool | None) -> None:
    assert choices.miit_has_record(text) is value


def test_unasked_only_words_about_the_record_count() -> None:
    assert choices.miit_has_record("取消接入了，工信部还能查到备案", requested=False) is True
    assert choices.miit_has_record("取消接入后网站没了", requested=False) is None
    assert choices.miit_has_record("有", requested=False) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("取消接入了，去工信部网站一查备案号还挂着", True),
        ("取消接入了，部里备案记录还有", True),
        ("网站打不开了，查了下备案没被工信部注销", True),
        ("网站打不开了，没过多久工信部的备案就被注销了", False),
        ("取消接入了，工信部查询还有", True),
        ("取消接入了，工信部查询还有其他网站", None),  # the query result, not the record itself
    ],
)
def test_still_filed_in_a_message_that_starts_a_question(text: str, value: bool | None) -> None:
    assert choices.miit_has_record(text, requested=False) is value


def test_another_website_under_the_company_is_the_query_result_with_other_websites() -> None:
    text = "接入取消多年，通管局查主体显示还有另一个网站在备案"
    assert choices.miit_result(text, requested=False) == "entity_with_other_websites"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("存在无网站信息的主体信息", "entity_without_website"),
        ("公司名能搜到，但是下面一个网站都没有", "entity_without_website"),
        ("公司下没有其他网站", "entity_without_website"),
        ("the company is there but no website", "entity_without_website"),
        ("拿单位名称查，主体资料还在，但是没挂任何网站", "entity_without_website"),
        ("公司名查得到，网站一个都没挂", "entity_without_website"),
        ("主体信息还在，网站信息一条都没有", "entity_without_website"),
        ("公司下面另外两个网站还备着案", "entity_with_other_websites"),
        ("our other two sites are still filed under the company", "entity_with_other_websites"),
        ("单位名称搜不到任何东西", "no_record"),
        ("什么都没查到", "no_record"),
        ("用单位名称检索，未返回任何结果", "no_record"),
        ("以主办单位名称检索，未见任何备案信息", "no_record"),
        # 检出 / 查出: the words of a formal report (blind11's conversations)
        ("按单位全称检索，未检出任何记录", "no_record"),
        ("未查出备案", "no_record"),
        ("以我单位全称检索，系统提示无符合条件的记录。", "no_record"),  # dev10
        ("拿单位名字查了一哈，单位有呢，网站一个都么有", "entity_without_website"),  # blind13
        ("查不出任何东西", "no_record"),
        ("主体在，网站未查到任何记录", "entity_without_website"),  # not "nothing found"
        ("主体还在，名下另有三个网站", "entity_with_other_websites"),
        ("nothing found", "no_record"),
        ("查了", None),
        # neither found, said together: not "the company without websites"
        ("公司和网站都查不到", "no_record"),
        # "this one is missing" is true of every result: only the rest of the words tell
        ("其他网站都在，就这个网站查不到", "entity_with_other_websites"),
        ("这个网站查不到", None),
        ("别的也没有", None),
        ("查到公司了 下面 有 其他 网站 但是 没有 我要的这个", "entity_with_other_websites"),
        ("网站信息：暂无", "entity_without_website"),
        # Wuhan 么斯 (什么) and Cantonese 冇得: nothing at all, the 主体 neither (blind15)
        ("用主办单位名字查 么斯都冇得 主体也冇得", "no_record"),
        # Shanghai 额 for 的: 别额网站 are the other websites
        ("阿拉公司还在额，别额网站也还在", "entity_with_other_websites"),
    ],
)
def test_the_miit_query_result_in_the_users_words(text: str, value: str | None) -> None:
    assert choices.miit_result(text) == value


def test_a_query_result_is_never_read_from_a_message_that_was_not_asked_for_it() -> None:
    # 工信部查不到 says MIIT lost the filing (Q6), not what a query by the 主办单位 name showed.
    assert choices.miit_result("工信部查不到备案了", requested=False) is None
    # the company's website, not the company, is what MIIT no longer finds
    assert choices.miit_result("公司的网站管局查不到了", requested=False) is None
    assert choices.miit_result("公司名称在工信部也查不到", requested=False) == "no_record"


def test_the_longest_overlapping_evidence_wins() -> None:
    assert choices.evidence("没被注销", choices.MIIT_HAS_RECORD_STRONG) == {True}
    assert choices.evidence("不能查到", choices.MIIT_HAS_RECORD_STRONG) == {False}


def test_english_period_choices() -> None:
    offered = ["before_2010_06_01", "2010_06_01_to_2017_01_31"]
    assert choices.pick_period("the later one, after", offered) == "2010_06_01_to_2017_01_31"
    assert choices.pick_period("before", offered) == "before_2010_06_01"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("按主办单位名称查询，结果什么都没有", "no_record"),
        ("用公司名查了一下，结果查不到", "no_record"),
        # a 主体 found after the comma: not "nothing", but the 主体 without a website
        ("用公司名查，主体还在，网站什么都没有", "entity_without_website"),
        ("按单位名称搜，结果只有主体没有网站", "entity_without_website"),
        ("用公司名称检索，无任何备案", "no_record"),
        ("按单位名称查询，结果为无备案信息", "no_record"),
        ("按公司名查询：主体存在，名下另有两个网站", "entity_with_other_websites"),
        ("用公司名查，主体在，网站未查到任何记录", None),
        ("用单位名称查，公司信息在，但下面一个网站也没挂", "entity_without_website"),
        ("用公司名查，主体在，下面还有别的两个网站", "entity_with_other_websites"),
        # the query page pasted: the 主办单位's fields, then 网站信息 暂无 (blind14)
        (
            "复制给你看：主办单位名称 某某贸易有限公司 主办单位性质 企业 网站信息 暂无",
            "entity_without_website",
        ),
        ("主办单位名称：某某商行；网站信息：暂无", "entity_without_website"),
    ],
)
def test_a_query_by_name_then_its_result_after_a_comma_is_read_unasked(text: str, value: str | None) -> None:
    """Said with the question again (NLU takes 按主办单位名称查询 for Q6), only such words count."""
    assert choices.miit_result(text, requested=False) == value
