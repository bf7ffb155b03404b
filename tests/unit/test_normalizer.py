"""Tests for components.normalizer: traditional and full-width text reaches jieba as the training data's words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from components.normalizer import ChineseNormalizer, Normalizer, to_half_width
from tests.conftest import ROOT


def config_replacements() -> dict[str, str]:
    """The replacements config.yml gives the component."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for item in config["pipeline"]:
        if item["name"] == "components.normalizer.ChineseNormalizer":
            return item.get("replacements") or {}
    raise AssertionError("config.yml has no components.normalizer.ChineseNormalizer")


@pytest.fixture(scope="module")
def normalize() -> Normalizer:
    return Normalizer("t2s", config_replacements())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # traditional characters (OpenCC t2s), and Taiwan wording (config.yml)
        ("備案資訊", "备案信息"),
        ("如何查看備案資訊？", "如何查看备案信息？"),
        ("網站內容不合格", "网站内容不合格"),
        ("取消接入後，工信部還能查到備案", "取消接入后，工信部还能查到备案"),
        ("當初備案的帳號密碼忘記了", "当初备案的账号密码忘记了"),
        ("註銷備案", "注销备案"),
        # full-width forms (NFKC)
        ("２０１６年３月", "2016年3月"),
        ("ＩＣＰ备案", "ICP备案"),
        ("ｉｃｐ　备案", "icp 备案"),
        ("ＭＩＩＴ查不到", "MIIT查不到"),
        # typos and homophones of the domain's key words (config.yml)
        ("被案信息怎么看", "备案信息怎么看"),
        ("备桉号", "备案号"),
        ("工信布查不到", "工信部查不到"),
        ("公信部还有记录", "工信部还有记录"),
        ("取消介入了", "取消接入了"),
        ("網站被註銷接入了", "网站被取消接入了"),
        # Latin abbreviations, as words of their own only (config.yml)
        ("ba被取消接入了 gxb还能查到", "备案被取消接入了 工信部还能查到"),
        ("GXB显示BA正常", "工信部显示备案正常"),
        ("database backup", "database backup"),
        ("my beian ba number", "my beian 备案 number"),
        ("wsm yao hc wo de 备案", "为什么 yao 核查 wo de 备案"),
        ("ba mima wj le zm ban", "备案 mima 忘记 le 怎么 ban"),
        ("qxjr le", "qxjr le"),  # not replaced: see data/nlu/dev8_classes.yml
        # written Cantonese (config.yml): the Mandarin words of the training data
        ("我咩都冇改過，點解要核查㗎？", "我啥都没改过，为何要核查啊？"),
        ("而家想睇下備案寫咗咩，點樣睇", "现在想看下备案写了啥，怎样看"),
        ("網站開唔到，點搞返", "网站打不开，咋弄回"),
        ("要點搞", "要咋弄"),
        ("你係咪機械人", "你是否机器人"),
        ("唔係喎", "不是啊"),
        ("接入取消咗好耐", "接入取消了很久"),
        # written Minnan (config.yml): still filed, never known, how
        ("工信部猶原查會著阮的備案，毋過網站予取消接入矣", "工信部仍然查得到我的备案，不过网站被取消接入了"),
        ("這個主辦單位阮攏毋捌，愛按怎", "这个主办单位阮都不认，要怎么"),
        ("管局查袂著", "管局查不到"),
        # Cantonese 嗰 (that), Wuhan 么斯 (what)
        ("聖誕節前嗰排", "圣诞节前那排"),
        ("么斯都没得", "什么都没得"),
        # internet slang
        ("木有😂", "没有😂"),
        ("蟹蟹你", "谢谢你"),
        # a system (系统) is not Cantonese 係
        ("備案系統", "备案系统"),
        # already simplified and half-width: unchanged
        ("2011年7月备的案，怎么查看备案信息", "2011年7月备的案，怎么查看备案信息"),
        ("", ""),
    ],
)
def test_normalizes(normalize: Normalizer, text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text", ["㈱会社", "…", "ﬁle", "①号", "備案資訊不合格，２０１６年"])
def test_keeps_the_length(normalize: Normalizer, text: str) -> None:
    # NFKC of ㈱ is (株), of ﬁ is fi: such characters stay as they are, so entity offsets hold
    assert len(normalize(text)) == len(text)


def test_half_width_leaves_what_nfkc_would_lengthen() -> None:
    assert to_half_width("㈱ＡＢＣ") == "㈱ABC"


def test_a_replacement_that_changes_the_length_is_refused() -> None:
    from rasa.shared.exceptions import InvalidConfigException

    with pytest.raises(InvalidConfigException):
        Normalizer("t2s", {"網際網路": "互联网"})


def test_replacements_keep_their_length_in_config() -> None:
    for old, new in config_replacements().items():
        assert len(old) == len(new), old


def test_config_places_the_normalizer_before_the_tokenizer() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [item["name"] for item in config["pipeline"]]
    assert names.index("components.normalizer.ChineseNormalizer") < names.index("JiebaTokenizer")


def test_component_normalizes_training_data_and_messages() -> None:
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    component = ChineseNormalizer(
        {**ChineseNormalizer.get_default_config(), "replacements": {"被案": "备案"}}
    )
    example = Message(
        data={
            "text": "２０１６年備案的，被案資訊在哪看",
            "intent": "faq_view_filing",
            "entities": [{"start": 0, "end": 5, "value": "２０１６年", "entity": "filing_date"}],
        }
    )
    trained = component.process_training_data(TrainingData([example]))
    text = trained.training_examples[0].get("text")
    assert text == "2016年备案的，备案资讯在哪看"
    entity = example.get("entities")[0]
    assert text[entity["start"] : entity["end"]] == "2016年"

    message = Message(data={"text": "怎麼查看備案？"})
    component.process([message])
    assert message.get("text") == "怎么查看备案？"


def test_component_leaves_messages_without_text_alone() -> None:
    from rasa.shared.nlu.training_data.message import Message

    component = ChineseNormalizer(ChineseNormalizer.get_default_config())
    message = Message(data={"action_name": "action_listen"})
    component.process([message])
    assert message.get("text") is None


def test_component_is_registered_for_rasa() -> None:
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    registered = DefaultV1Recipe._from_registry("components.normalizer.ChineseNormalizer")
    assert registered.clazz is ChineseNormalizer
    assert not registered.is_trainable
    assert Path(__file__).resolve().parents[2] == ROOT
