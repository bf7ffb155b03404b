"""Reads a typed answer to one of the assistant's multiple-choice questions.

Buttons send exact values; people type their own words instead (网站内容的问题, 部里还能搜到,
公司还在但是名下没网站, "the company is listed but has no website"). This module finds the
evidence for each value of a slot in such words, in Chinese (simplified or traditional) and
English, and returns a value only when the evidence points at exactly one: when it points at
none or at several, the caller asks again with the buttons. A wrong branch is worse than a
question (注销备案 cannot be undone for some domains), so nothing here guesses.

Evidence comes in two strengths:
* ``STRONG`` patterns say the fact on their own (通知说网站内容不合格, 工信部还能查到); they are
  read in any message, also one that starts a question.
* ``WEAK`` patterns (内容, 信息, 有, 没有) are read only as the answer to the question just asked,
  and only when no strong evidence was found.

Where patterns overlap, the longest match wins, so 没被注销 (still filed) is not read as 注销
(gone) and 不能查到 is not read as 能查到.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from actions.dates import PERIODS
from components.folding import Normalizer

Patterns = Mapping[Any, Sequence[str]]

# Answers sent by the buttons of knowledge/prompts.yml (and Rasa's entity values).
NOTICE_TYPES = ("filing_info_unqualified", "website_content_unqualified")
MIIT_RESULTS = ("entity_without_website", "no_record", "entity_with_other_websites")

_STOP = r"[^，。,.;；!！?？]"  # within one clause

NOTICE_TYPE_STRONG: Patterns = {
    "website_content_unqualified": (
        rf"网站内容{_STOP}{{0,4}}不合格", r"内容不合格", r"内容违规", r"内容违法", r"内容不符",
        rf"内容{_STOP}{{0,8}}不(?:符|一致|匹配|对应)", r"内容(?:有|存在)(?:问题|违规)",
        r"内容不(?:行|对|规范|合规|达标)", r"(?:网站|网页|页面)内容(?:的)?问题",
        r"内容(?:写|放|发)[得的]?(?:不对|有问题|违规|不合规)",
        rf"(?:网站|站点|站|页面){_STOP}{{0,4}}(?:东西|内容){_STOP}{{0,8}}"
        r"(?:对不上|不符|不一致|不匹配|不对应|不对劲|不对|有问题|违规|不合规|不合格|不行)",
        # 网站实际放的和备案登记的不一样: what the site shows against what was filed
        rf"(?:网站|站点|站|页面){_STOP}{{0,4}}(?:实际|上)?(?:放的|挂的|做的|卖的|显示的|展示的)"
        rf"{_STOP}{{0,10}}(?:不一样|不一致|不符|对不上|不匹配)",
        # 没按备案的用途来做, 与备案的主体性质不符: used otherwise than filed
        r"(?:没|没有|不)按(?:照)?备案\S{0,6}(?:来|做|用|经营)",
        rf"(?:用途|性质|类型){_STOP}{{0,4}}(?:不符|不一致|对不上|不匹配|不一样)",
        # 个人备案的网站不能放公司产品介绍: a personal filing's site used for a business
        rf"个人备案{_STOP}{{0,8}}(?:网站|站|页面){_STOP}{{0,6}}(?:放|做|挂|卖|发|是){_STOP}{{0,4}}"
        r"(?:公司|企业|商业|产品|商品|官网|商城)",
        r"(?:pages?|site|website|content)\s+(?:[\w']+\s+){0,2}(?:don't|do\s+not|doesn't|does\s+not)\s+"
        r"(?:fit|match|suit)",
        r"content\s*(?:不合规|不合格|违规|有问题|不对|不行)",
        r"website\s+content", r"site\s+content",
        r"content\s+(?:is\s+|was\s+)?"
        r"(?:unqualified|non-?compliant|not\s+compliant|illegal|invalid|does\s*n[o']t\s+match|mismatch)",
    ),
    "filing_info_unqualified": (
        rf"备案信息{_STOP}{{0,4}}不合格", r"信息不合格", r"资料不合格",
        r"(?:备案|主体|主办单位|负责人|联系人)(?:信息|资料)?(?:有误|不对|不准确|不真实|错误|错了|有问题|不正确|不一致|过期|变了|不合规|不合格|不过关)",
        # 备案登记的资料不对: the data registered with the filing
        rf"(?:备案|主体|主办单位|登记)(?:登记|时)?的?(?:信息|资料){_STOP}{{0,4}}"
        r"(?:有误|不对|不准确|不真实|错误|错了|有问题|存在问题|不正确|不一致|不合规)",
        r"信息(?:填)?错了?", r"填错", r"(?:信息|资料)(?:有误|不准确|不真实|不正确)",
        rf"(?:信息|资料){_STOP}{{0,4}}(?:填|写|登记)[得的]?(?:不对|有误|不准确|不正确|错)",
        r"填[得的]?(?:不对|有误|不准确|不正确)",
        r"(?:填|登记)的?(?:那些|这些)?(?:东西|内容|信息|资料)\S{0,4}(?:不合格|不对|有误|有问题|错|不过关)",
        # 备案登记内容与实际不一致: the registered content is the filing's information
        rf"(?:备案|登记)(?:登记)?的?内容{_STOP}{{0,8}}不(?:符|一致|对|准确)",
        # 主办单位地址对不上, 联系人电话已经不对了: a field of the filing
        rf"(?:主办单位|负责人|联系人|法人|地址|电话|手机号?|邮箱|证件|身份证|营业执照)(?:信息)?{_STOP}{{0,6}}"
        r"(?:对不上|不对|变了|过期|没改|要改|错了|有误|不一致|不准确|失效|停用|update)",
        rf"填[写得的]*(?:信息|资料){_STOP}{{0,2}}(?:有误|不对|有问题|不准确|不正确|错)",
        r"filing\s+info(?:rmation)?\s+(?:is\s+|was\s+)?(?:unqualified|incorrect|wrong|invalid|inaccurate|outdated|not\s+(?:qualified|correct|accurate))",
        r"(?:unqualified|incorrect|wrong|invalid|inaccurate)\s+(?:filing\s+)?(?:info|information|details|data)",
        # the details recorded in our ICP filing are not accurate
        r"(?:details|info(?:rmation)?|data|particulars|entries|records?)\s+(?:[\w']+\s+){0,6}(?:is|are|was|were)\s+"
        r"(?:not\s+(?:accurate|correct|right|valid|up\s+to\s+date|true)|inaccurate|incorrect|wrong|invalid|outdated)",
        # the responsible person's ID ... being invalid: a field of the filing
        r"(?:responsible\s+person|contact|principal|owner|sponsor|\bid\b|id\s+(?:card|number)|licen[cs]e|phone"
        r"|address|e-?mail)\S*\s+(?:[\w']+\s+){0,5}(?:is\s+|are\s+|being\s+|was\s+)?"
        r"(?:invalid|wrong|incorrect|outdated|expired|inaccurate|mismatch\w*)",
    ),
}  # fmt: skip

NOTICE_TYPE_WEAK: Patterns = {
    "website_content_unqualified": (r"内容", r"\bcontent\b", r"网站的问题"),
    "filing_info_unqualified": (r"信息", r"资料", r"主体", r"\binfo(?:rmation)?\b", r"\bdetails\b"),
}

MIIT_HAS_RECORD_STRONG: Patterns = {
    False: (
        r"查不到", r"查询不到", r"搜不到", r"查不着", r"搜不着", r"找不到", r"查不出", r"搜不出",
        r"查无", r"不能查到", r"不能搜到", r"没(?:法|办法)查到", r"没(?:有)?查到", r"没(?:有)?搜到",
        r"没了", r"没有了", rf"(?:没有|没|无){_STOP}{{0,6}}(?:备案|记录|信息|备案号)", r"未备案",
        r"(?<!没)(?<!没有)(?<!未)(?:被|已|已经)?(?:注销|清掉|清除|删除|删掉|撤销|清理|吊销)(?:了)?",
        r"(?<!没)(?<!没有)(?<!未)(?:被|已|已经)删(?:了|掉|除)?",
        r"不见了", r"消失", r"失效", r"不显示", r"不存在", r"没掉了", r"掉了",
        r"no\s+longer", r"not\s+(?:listed|found|there|shown|showing|visible|show|exist)",
        r"(?:can\s*not|can't|cannot|couldn't|could\s+not|don't|do\s+not|doesn't)\s+(?:find|see|show|search)",
        r"\bgone\b", r"\bremoved\b", r"\bdeleted\b", r"\bno\s+(?:record|filing|entry|result)s?",
        r"not\s+any\s*more", r"\bno\s+more\b", r"空白", r"空的", r"\bblank\b", r"\bempty\b",
        r"search\s*不(?:到|着)", r"看不到", r"看不见",
        r"\bnothing\b",
        r"\bwiped\b", r"disappeared",
        # 啥子都没得, 什么都没显示, 结果为空, 显示不出来: the query shows nothing
        r"(?:什么|啥子?)(?:都|也)(?:没|没有|没得|查不到|搜不到)", r"结果(?:是|为)?(?:空|没有|无)",
        r"显示不出", r"(?:查|搜)不出来", r"(?:查|搜)不倒",
        r"不复存在",
    ),
    True: (
        r"还能查到", r"能查到", r"查得到", r"查到了", r"查的到", r"还能搜到", r"能搜到", r"搜得到",
        r"(?:还能|能|还)查(?:得)?着", r"查得着", r"查着(?:呢|了|的)",  # 查着: northern for 查到
        r"(?:还能|能|还)看(?:得)?到", r"看得到", r"(?:没|没有|未)(?:消失|不见)",
        r"搜到了", r"还能找到", r"能找到",
        rf"(?:备案|记录|信息|备案号|号){_STOP}{{0,3}}(?:还在|仍在|都在|依然在|还挂着|挂着|还有(?!其他|其它|别的|另))",
        r"查(?:询|了|一下)?(?:结果)?(?:还有|还在)(?!其他|其它|别的|另)",
        r"还有(?:备案|记录|信息)", r"仍有", r"仍然有", r"还是有(?:备案|记录)", r"依然有",
        r"(?:还|仍|仍然|依然)显示", r"显示(?:已备案|正常|着)", r"状态正常",
        # 还挂着, 仍然返回了备案信息, 仍存有, 还会跑出来: still shown
        r"(?:还|仍|仍然|依然)挂着", r"(?:还|仍|仍然|依然)(?:存有|存在|保留着?|留着)",
        r"(?:还|仍|仍然|依然)(?:会|能|可以)?(?:返回|跑出来|出来|查出来|搜出来)",
        r"(?:没|没有|未)(?:被)?(?:注销|清掉|清除|删除|删掉|删|撤销|吊销)", r"没掉", r"还有效",
        r"(?:没|没有|未)被(?:工信部|工信|管局|通管局|部里|工业和信息化部|miit)(?:给)?(?:注销|清掉|清除|删除|删掉|撤销|吊销)",
        r"still\s+(?:there|listed|shows?|showing|visible|exists?|has|have|find|see|appears?|searchable)",
        r"can\s+(?:still\s+)?(?:find|see)", r"(?:is|are)\s+(?:still\s+)?(?:listed|there|shown|visible)",
        r"\bshows?\s+(?:it|the|our|my)",
    ),
}  # fmt: skip

MIIT_HAS_RECORD_WEAK: Patterns = {
    True: (
        r"^(?:有|有的|能|可以|是|是的|对|在|在的|yes|yep|yeah|y|true)[。.!！]?$",
        r"在的",
        r"还在",
        r"仍在",
        r"都在",
        r"还有",
        r"有效",
        r"\bstill\b",
        r"\bexists?\b",
    ),
    False: (r"^(?:没有|没|无|不能|不|否|不是|no|nope|n|false)[。.!！]?$", r"没有", r"\bno\b", r"不在了"),
}

_SITE = r"(?:网站|站点|网址|域名|站|官网|web\s*sites?|sites?|domains?)"
_ENTITY = (
    r"(?:主体|公司|单位|企业|主办单位|公司名|单位名|单位名称|公司名称|店名|店铺|学院|学校|医院|机构"
    r"|organi[sz]ation|company|entity|business)"
)

# A query that returned nothing for what follows (未返回任何记录, 网站未查到).
_NOT_RETURNED = r"未(?:返回|显示|查到|查询到|检索到|搜索到|搜到|找到|见|看到|发现|检出|查出|搜出)"

MIIT_RESULT_STRONG: Patterns = {
    "entity_without_website": (
        r"存在无网站信息的主体信息", r"无网站信息", r"只有主体", r"只剩(?:下)?\S{0,3}主体", r"仅有主体",
        r"光有主体",
        # 网站数是0, 网站那里是空的, 网站信息那块什么都没有: the 主办单位's page, its website part empty
        rf"{_SITE}(?:数|数量|个数){_STOP}{{0,2}}(?:是|为)?(?:0|零)",
        rf"{_SITE}(?:信息|记录|(?:那|这)?一?(?:块|栏|列|格|边|里)|部分|列表)*{_STOP}{{0,4}}?(?:什么|啥)?(?:都|也)?"
        r"(?:是空的|空的|空白|为空|是空|为零|是零|为0|是0)",
        r"空壳主体", r"空主体",
        # 网站那一栏是空的，一个都没有: the websites, then "not one"
        rf"{_SITE}{_STOP}{{0,10}}[，,]\s*一(?:个|只)(?:都|也)?(?:没有|没)",
        # 店名搜出来了，但是没看到有网站: the 主办单位 found, then no website
        rf"{_ENTITY}(?:信息|资料)?(?:搜|查)?(?:出来了|到了|得到|出来)[，,]?\s*(?:但|但是|可是|不过|就是)?"
        rf"{_STOP}{{0,4}}(?:没|没有|无|未)(?:看到|看见|见到)?(?:有|任何)?{_SITE}",
        rf"{_SITE}(?:信息|记录|那块|那里|那栏|那边|部分|列表)+{_STOP}{{0,4}}?(?:什么|啥)(?:都|也)(?:没有|没)",
        rf"{_ENTITY}{_STOP}{{0,10}}(?:没有|没|无|不见){_STOP}{{0,6}}{_SITE}",
        rf"(?:没有|没|无|未)(?:挂|挂着|关联|绑定?|带)?(?:任何)?(?:其他|其它|别的|另外的?)?{_SITE}",
        rf"{_SITE}(?:信息|记录)?(?:都|也)?(?:没有|没了|不在了|查不到|搜不到|找不到|一个都没有|都没了|没了|没挂|没有挂"
        rf"|{_NOT_RETURNED}(?:任何)?(?:记录|备案|信息|结果)?)",
        rf"{_SITE}\S{{0,4}}?(?:是|为)?空",
        # a pasted query page: 主办单位名称 ... 网站信息 暂无
        rf"{_SITE}(?:信息|记录|名称|域名)?[:：]?(?:暂无|暂时没有|暂未)",
        rf"一(?:个|只|条)?{_SITE}(?:都|也)(?:没有|没)",
        rf"{_SITE}{_STOP}{{0,2}}一(?:个|只|条)(?:都|也)?(?:没有|没|不剩)",
        rf"{_ENTITY}(?:信息|资料)?(?:还在|在|有|还有|存在|查得到|能查到|查到了)[，,]?"
        rf"(?:但|但是|可是|不过)?{_SITE}(?:信息|记录)?{_STOP}{{0,4}}(?:没有|没|无)",
        rf"(?:no|zero|without(?:\s+any)?)\s+(?:other\s+)?{_SITE}",
        rf"{_ENTITY}.{{0,40}}(?:but|with|and)\s+(?:no|without)\b",
    ),
    "entity_with_other_websites": (
        r"存在备案主体信息，且有其他网站备案信息", r"有其他网站备案信息",
        rf"(?<!没)(?<!没有)(?<!无)(?:其他|其它|别的|别个|另外的?|另一个|另外几个|其余的?|另外\S{{1,2}}个)\S{{0,4}}{_SITE}",
        # 下挂有院网和招生网两个网站, 还列了 a.com 和 b.cn 两个站: websites listed under it
        rf"(?:下挂|挂着|挂了|列了|列着|还有|下面有){_STOP}{{0,30}}(?:两|三|四|几|多|\d)(?:个|家){_SITE}",
        rf"(?<!没)(?<!没有)(?<!无)(?:另外|其他|其它|别的)(?:一|两|三|几)?(?:个|家)?{_STOP}{{0,10}}{_SITE}"
        r"(?![^，。,.;；]{0,3}(?:没|不在|查不到|搜不到|找不到|不见))",
        r"(?:还|下面|名下)(?:列了|列着|挂着|挂了|有)\s*[a-z0-9-]+\.[a-z]{2,}",
        # 别的有, 其他几个都正常 (once "this one is missing" is left out, below)
        r"(?:其他|其它|别的|别个|其余)(?:几个|的|那几个|那些|网站|站)?(?:都|也|倒|还)?(?:有|在|还在|正常)(?!没)",
        rf"还有\S{{0,6}}{_SITE}", rf"{_SITE}还(?:在|有)", rf"另有\S{{0,4}}{_SITE}",
        rf"(?:other|another|more|two|three|several|remaining)\s+(?:\w+\s+)?{_SITE}",
    ),
    "no_record": (
        r"无备案信息", r"(?:什么|啥|任何东西)(?:都|也)?(?:没|没有|查不到|搜不到|找不到)",
        rf"{_NOT_RETURNED}(?:任何|备案|记录|结果)", r"无任何(?:备案|记录|结果|信息)",
        r"查不到", r"查询不到", r"(?:查|搜|检索)不出", r"(?:没|没有)(?:检出|查出|搜出)",
        r"搜不到", r"找不到", r"查无", r"没(?:有)?查到", r"没(?:有)?搜到",
        r"没有(?:任何)?(?:备案|记录|信息|结果|东西)", r"(?:一条|任何)\S{0,4}(?:都|也)没有",
        r"都没有", r"啥也没有", r"啥子(?:都|也)?(?:没有|没)", r"没(?:有)?结果",
        r"结果(?:是|为)?(?:没有|无|空)",
        r"空白", r"\bzero\s+(?:record|result|filing|entr)", r"(?:真|确实|根本|压根|完全)(?:的)?(?:没有|没)",
        rf"(?:没|没有|查不到|搜不到|找不到)(?:我们|我的|我们的)?{_ENTITY}",
        # 主体和网站都没有: neither found
        rf"{_ENTITY}(?:和|跟|与|、|及)\s*{_SITE}(?:都|也)?(?:没有|没|查不到|搜不到|找不到|没了)",
        r"空的", r"\bnothing\b",
        r"(?:返回|查到|搜到|检索到|显示|找到)(?:了)?(?:0|零)条",
        r"无(?:符合|匹配|相关)\S{0,6}(?:记录|结果|信息|备案)",
        # 公司也没有，网站也没有: neither, said in two clauses
        rf"{_ENTITY}\S{{0,2}}(?:也|都)?(?:没有|没|查不到|搜不到)[，,]\s*"
        rf"{_SITE}(?:也|都)?(?:没有|没|查不到|搜不到)",
        r"\bno\s+(?:record|filing|result|entry|match|information|info)s?\b",
        r"not\s+found", r"(?:can\s*not|can't|cannot|couldn't|could\s+not|didn't|did\s+not)\s+find",
        r"\bempty\b", r"\bnone\b",
    ),
}  # fmt: skip


# The 主办单位 said to be found by the query (公司信息在, 主体还在).
_ENTITY_FOUND = rf"{_ENTITY}(?:信息|资料)?(?:还在|在|存在|查得到|能查到|查到了)"

# What a query found when it found nothing (查不到, 什么都没, 没有任何记录 ...).
_NOTHING_FOUND = (
    r"(?:查不到|搜不到|查无|什么都没|啥都没|没有任何|一条都没有|什么也没|无任何"
    rf"|{_NOT_RETURNED}任何"
    r"|(?:没有|无)(?:任何)?(?:备案|记录|结果))"
)

# Said in a message that starts a question: the query result with the 主办单位 named.
MIIT_RESULT_UNASKED: Patterns = {
    "entity_without_website": (
        r"存在无网站信息的主体信息", r"无网站信息的主体", r"只有主体", r"只剩(?:下)?主体", r"仅有主体",
        r"光有主体", rf"{_ENTITY}{_STOP}{{0,10}}(?:没有|没|无|不见){_STOP}{{0,6}}{_SITE}",
        rf"{_ENTITY}\S{{0,12}}{_SITE}\S{{0,4}}?(?:是|为)?空",
        rf"{_ENTITY}(?:名称)?\S{{0,40}}{_SITE}(?:信息|记录|名称|域名)?[:：]?(?:暂无|暂时没有|暂未)",
        # 公司信息在，但下面一个网站也没挂: the 主办单位 found, then no website after the comma
        rf"{_ENTITY_FOUND}[，,]\s*(?:但|但是|可是|不过)?{_STOP}{{0,6}}{_SITE}{_STOP}{{0,4}}(?:没有|没|无|不见|为空|是空)",
        rf"{_ENTITY}.{{0,40}}(?:but|with|and)\s+(?:no|without)\s+(?:\w+\s+)?{_SITE}",
    ),
    "entity_with_other_websites": (
        r"存在备案主体信息，且有其他网站备案信息", r"有其他网站备案信息",
        rf"{_ENTITY}{_STOP}{{0,10}}(?<!没)(?:还有|有)(?:其他|其它|别的|另外的?|另一个|另外\S{{1,2}}个|另几个)"
        rf"\S{{0,4}}{_SITE}",
        rf"(?:{_ENTITY}|名下){_STOP}{{0,10}}另有\S{{0,4}}{_SITE}",
        rf"{_ENTITY}.{{0,40}}(?:other|another|more)\s+(?:\w+\s+)?{_SITE}",
        rf"{_ENTITY_FOUND}[，,]\s*{_STOP}{{0,6}}(?:还有|另有)(?:其他|其它|别的|另外的?|另一个|\S{{1,2}}个)"
        rf"\S{{0,4}}{_SITE}",
    ),
    "no_record": (
        # (the 主办单位 searched for, not its website: 公司的网站管局查不到 is Q6's premise only)
        rf"(?:用|按|拿|以)?{_ENTITY}(?:名称|名)?(?!的?(?:网站|站|官网|域名)){_STOP}{{0,12}}(?:也|都)?{_NOTHING_FOUND}",
        # 按主办单位名称查询，结果什么都没有: the query by name, then its result after a comma
        # (a gap that names no website or 主体, whose absence would be another result).
        rf"(?:用|按|拿|以){_ENTITY}(?:名称|名|全称)?(?:查询|查|搜索|搜|检索)(?:了|过|了一下|一下)?[，,]\s*"
        rf"(?:结果|查询结果)?(?:为|是|显示)?(?:也|都)?(?:{_NOTHING_FOUND}|啥也没)",
        rf"{_ENTITY}.{{0,30}}(?:nothing|no\s+(?:record|result|filing)s?|not\s+found)",
    ),
}  # fmt: skip


CONFIG = Path(__file__).resolve().parent.parent / "config.yml"


@functools.cache
def _normaliser() -> Normalizer:
    """config.yml's ChineseNormalizer (OpenCC and its word replacements: Taiwan and Cantonese
    wording, typos of the key words), so that a reply is read in the words NLU reads it in
    (工信部仲有 -> 工信部还有)."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        if str(component.get("name", "")).endswith("ChineseNormalizer"):
            return Normalizer(component.get("opencc_config", "t2s"), component.get("replacements") or {})
    return Normalizer()


_SPACE_IN_CHINESE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def fold(text: Any) -> str:
    """Full-width to half-width, lower case, outer space stripped, then as the NLU's normaliser:
    traditional to simplified and its word replacements; no space between two Chinese characters
    (voice input and keyword style: 查到公司了 下面 有 其他 网站)."""
    folded = _normaliser()(unicodedata.normalize("NFKC", str(text)).strip().lower())
    folded = _MEYOU.sub("没有", folded)
    return _SPACE_IN_CHINESE.sub("", folded)


# 么有 for 没有, as some northwestern speakers write it (网站一个都么有), not the 么有 of 怎么有
_MEYOU = re.compile(r"(?<![怎什那这多要])么有")


@functools.cache
def _compiled(patterns: tuple[tuple[Any, tuple[str, ...]], ...]) -> list[tuple[Any, re.Pattern[str]]]:
    # ASCII: \b is a boundary of English words also beside Chinese ("filing info那个")
    return [(value, re.compile(pattern, re.ASCII)) for value, group in patterns for pattern in group]


def evidence(text: str, patterns: Patterns) -> set[Any]:
    """The values whose patterns match `text`, overlapping matches settled by length."""
    found: list[tuple[int, int, Any]] = []
    for value, pattern in _compiled(tuple((value, tuple(group)) for value, group in patterns.items())):
        found += [
            (match.start(), match.end(), value)
            for match in pattern.finditer(text)
            if match.end() > match.start()
        ]
    taken: list[tuple[int, int]] = []
    values: set[Any] = set()
    for start, end, value in sorted(found, key=lambda hit: hit[0] - hit[1]):
        if all(end <= other_start or start >= other_end for other_start, other_end in taken):
            taken.append((start, end))
            values.add(value)
    return values


# Not knowing, or both at once (应该有吧，也可能没有; no idea, haven't looked): the weak words
# in it (有, 没有, no) are no answer.
_UNSURE = re.compile(
    r"不知道|不清楚|不确定|说不准|不好说|没查|还没看|没看过|也可能|或许|不一定|可能有可能没"
    r"|no\s+idea|not\s+sure|don't\s+know|do\s+not\s+know|haven't\s+(?:checked|looked)|not\s+checked",
    re.ASCII,
)


# A question back (你们那边看不到吗？) answers nothing.
_QUESTION_BACK = re.compile(r"吗\s*[?？]?$")


def _read(text: Any, exact: Sequence[Any], strong: Patterns, weak: Patterns | None) -> Any:
    """The one value the words point at, or None (nothing said, or more than one thing)."""
    if text is None:
        return None
    folded = fold(text)
    if folded in exact:
        return folded
    if folded.startswith("/"):
        return None  # a button's payload with a value no button sends: not words to read
    if _QUESTION_BACK.search(folded):
        return None
    values = evidence(folded, strong)
    if not values and weak is not None and not _UNSURE.search(folded):
        values = evidence(folded, weak)
    return values.pop() if len(values) == 1 else None


# "不是网站内容" (or "not 内容") names the type the notice is not: left out before reading.
_NOT_THIS_TYPE = re.compile(
    r"(?:不是|并非|而非|而不是|\bnot\s*(?:the\s+)?)(?:说)?(?:网站|备案|website\s+|site\s+|filing\s+)?[头里上]?(?:的)?"
    r"(?:内容|信息|资料|content|info(?:rmation)?)[^，。,.;；]{0,4}"
    # 网站内容没问题, 资料那块没得问题: the type said to be fine
    r"|(?:网站|网页|备案|登记)?(?:的)?(?:内容|信息|资料)[^，。,.;；]{0,3}(?:没|没有|没得|无)(?:什么|啥)?问题",
    re.ASCII,
)


def notice_type(text: Any, requested: bool = True) -> str | None:
    if isinstance(text, str):
        kept = _NOT_THIS_TYPE.sub("", fold(text))
        text = kept if kept.strip() else text
    return _read(text, NOTICE_TYPES, NOTICE_TYPE_STRONG, NOTICE_TYPE_WEAK if requested else None)


# "This one is missing" (没有我要的这个, 就这个网站查不到, this one isn't): true of the website
# asked about in every result, so it says nothing of which; left out before reading.
_THIS_ONE_MISSING = re.compile(
    r"(?:但是?|就是?|只是|可是|只有|唯独)?(?:没有?|不见|少了)了?(?:我们?要的|我们?的|我们?)?这(?:个|只|一个)"
    r"(?:域名|网站|站点|站)?"
    r"|(?:但是?|就是?|只是|可是|只有|唯独)?(?:这|那)(?:个|只|一个)[^，。,.;；]{0,6}?"
    r"(?:不在里面|不在了|不在|没了|没有了?|查不到|搜不到|找不到|不见了)"
    r"|\bthis\s+one\s+(?:is\s*n[o']t|isn't|is\s+not|not|missing|gone)(?:\s+there)?",
    re.ASCII,
)


def miit_result(text: Any, requested: bool = True) -> str | None:
    """Unasked, only words about the 主办单位 count: 工信部查不到 alone says that MIIT lost the
    filing (the premise of the question), not what a query by the 主办单位 name showed."""
    if isinstance(text, str):
        text = _THIS_ONE_MISSING.sub("，", fold(text))
        if not text.strip("，"):
            return None  # only that this website is missing: which result, it does not say
    return _read(text, MIIT_RESULTS, MIIT_RESULT_STRONG if requested else MIIT_RESULT_UNASKED, None)


def miit_has_record(value: Any, requested: bool = True) -> bool | None:
    """A bool from a button's `true`/`false`, an entity's value, or typed words."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    folded = fold(value)
    if folded in ("true", "false"):
        return folded == "true"
    if not requested and not _MIIT_OR_RECORD.search(folded):
        return None  # 网站没了 says nothing of what MIIT shows
    return _read(folded, (), MIIT_HAS_RECORD_STRONG, MIIT_HAS_RECORD_WEAK if requested else None)


# Unasked, a message must name the authority or the record for its words to count.
_MIIT_OR_RECORD = re.compile(
    r"工信部|工信|管局|通管局|通信管理局|部里|工业和信息化部|信息产业部|miit|ministry|\bgxb\b|备案号|备案信息|备案记录|"
    r"记录|record|filing|beian",
    re.ASCII,
)

READERS = {"notice_type": notice_type, "miit_has_record": miit_has_record, "miit_result": miit_result}

BEFORE_WORDS = ("之前", "以前", "前面", "早", "前", "before", "earlier", "first")
AFTER_WORDS = ("之后", "以后", "后面", "晚", "后", "after", "later", "last")
BETWEEN_WORDS = ("之间", "中间", "期间", "between", "middle")


def pick_period(text: str, candidates: Sequence[str]) -> str | None:
    """Which of the offered periods a short answer such as 之后 or 前面那个 chose."""
    offered = [period for period in PERIODS if period in candidates]
    if len(offered) < 2:
        return None
    text = fold(text)
    if any(word in text for word in BETWEEN_WORDS) and PERIODS[1] in offered:
        return PERIODS[1]
    if any(word in text for word in AFTER_WORDS):
        return offered[-1]
    if any(word in text for word in BEFORE_WORDS):
        return offered[0]
    return None
