"""The patched reply validation, event lookup and JSON encoder do exactly what Rasa's own do."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys

import numpy as np
import pytest
import rasa
from aiohttp import web
from jsonschema import ValidationError, validate, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

import patches
from patches import endpoint_json, event_types
from patches.remote_action import passes_by_event_type, validate_action_result
from tests.conftest import ROOT

SPEC = RemoteAction.action_response_format_spec()


@pytest.fixture(autouse=True, scope="module")
def switched_on() -> None:
    """As `python -m assistant` does before Rasa starts (idempotent, for the whole process)."""
    assert patches.apply_all()


VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]},
    {},
]
INVALID = [
    {"events": [{"no_event_key": 1}]},
    {"events": "not a list"},
    {"responses": [{"text": "hi"}], "events": [{"event": 5}]},
]

# Every event type Rasa knows, as Rasa writes it, then broken in each way a reply can be broken.
SAMPLE_EVENTS = [
    UserUttered(
        "你好", {"name": "greet", "confidence": 0.9}, [{"entity": "e", "value": "v", "start": 0, "end": 1}]
    ),
    ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
    SlotSet("filing_date", "2013-03"),
    SlotSet("notice_type", None),
    BotUttered("答案", {"buttons": [{"title": "是", "payload": "/affirm"}]}),
    ActiveLoop("faq_form"),
    ActiveLoop(None),
    SessionStarted(),
    Restarted(),
    FollowupAction("action_listen"),
    AllSlotsReset(),
    EntitiesAdded([{"entity": "e", "value": "v"}]),
    LoopInterrupted(True),
    ActionExecutionRejected("x"),
]
GOOD_EVENTS = [event.as_dict() for event in SAMPLE_EVENTS] + [{"event": "user", "text": None}]
BAD_EVENTS = [
    {"event": "slot", "name": 5, "value": 1},
    {"event": "slot", "value": 1},
    {"event": "action", "name": ["not", "a", "string"]},
    {"event": "action", "confidence": "high"},
    {"event": "user", "parse_data": {"intent": {"name": 1}}},
    {"event": "user", "parse_data": {"entities": [{"entity": "e"}]}},
    {"event": "user", "parse_data": "not an object"},
    {"event": "entities", "entities": "not a list"},
    {"event": "entities"},
    {"event": "bot", "timestamp": "yesterday"},
    {"event": "bot", "metadata": []},
    {"event": "no_such_event"},
    {"event": None},
    {"name": "no event key"},
    "not an object",
    5,
    None,
]
REPLIES = (
    [{"events": [event]} for event in GOOD_EVENTS + BAD_EVENTS]
    + [{"events": GOOD_EVENTS, "responses": [{"text": "hi"}]}, {"events": GOOD_EVENTS + BAD_EVENTS[:1]}]
    + [{"responses": "not a list"}, {"responses": [5]}, {"responses": [{"text": 5}]}, [], "reply", None]
    + [{"events": None}, {"events": []}, {"unexpected": True}]
)


def test_rasa_uses_the_patched_validation() -> None:
    assert RemoteAction._validate_action_result is validate_action_result


@pytest.mark.parametrize("reply", VALID)
def test_a_valid_reply_passes_both(reply: dict) -> None:
    validate(reply, RemoteAction.action_response_format_spec())
    assert validate_action_result(RemoteAction("x", None), reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_an_invalid_reply_fails_both_with_the_same_error(reply: dict) -> None:
    with pytest.raises(ValidationError) as theirs:
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError) as ours:
        validate_action_result(RemoteAction("x", None), reply)
    assert ours.value.message.startswith(theirs.value.message)
    assert "Failed to validate Action server response" in ours.value.message


@pytest.mark.parametrize("reply", REPLIES)
def test_the_check_by_event_type_accepts_exactly_what_the_full_schema_accepts(reply: object) -> None:
    full = validators.validator_for(SPEC)(SPEC).is_valid(reply)
    assert passes_by_event_type(reply) is full


@pytest.mark.parametrize("reply", REPLIES)
def test_rasa_and_the_patch_agree_on_every_reply(reply: object) -> None:
    try:
        validate(reply, SPEC)
    except ValidationError as theirs:
        with pytest.raises(ValidationError) as ours:
            validate_action_result(RemoteAction("x", None), reply)
        assert ours.value.message.startswith(theirs.message)
    else:
        assert validate_action_result(RemoteAction("x", None), reply) is True


TYPE_NAMES = sorted({cls.type_name for cls in all_subclasses(Event)})


def test_rasa_uses_the_patched_event_lookup() -> None:
    assert Event.resolve_by_type is event_types.resolve_by_type


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_every_event_type_resolves_to_rasas_class_twice(type_name: str) -> None:
    theirs = event_types._rasa_resolve_by_type(type_name)
    assert Event.resolve_by_type(type_name) is theirs
    assert Event.resolve_by_type(type_name) is theirs  # from the table this time


def test_an_unknown_event_type_keeps_rasas_default_and_error() -> None:
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert "no_such_event" not in event_types._classes


# --- JSON to the action server: orjson, same content -----------------------------------------

STATES = [
    {"intent": {"name": "faq_view_filing", "confidence": np.float64(0.93)}, "text": "备案 <b>&</b> 😀"},
    {"slots": {"filing_date": None, "n": 3, "ok": True, "nested": [1.5, {"a": "b"}]}},
    {1: "int keys become strings, as with json"},
]


@pytest.mark.parametrize("value", STATES)
def test_the_encoder_writes_what_json_reads_back_the_same(value: dict) -> None:
    assert json.loads(endpoint_json.dumps(value)) == json.loads(json.dumps(value))


def test_what_orjson_cannot_encode_goes_to_json_and_fails_as_before() -> None:
    assert endpoint_json.dumps({"big": 2**70}) == json.dumps({"big": 2**70})
    with pytest.raises(TypeError):
        endpoint_json.dumps({"a set": {1}})


def test_rasa_posts_to_an_endpoint_with_the_new_encoder_and_its_own_headers() -> None:
    received: dict = {}

    async def handler(request: web.Request) -> web.Response:
        received["body"] = await request.read()
        received["authorization"] = request.headers.get("Authorization")
        received["custom"] = request.headers.get("X-Custom")
        return web.json_response({"ok": True})

    async def exchange() -> object:
        app = web.Application()
        app.router.add_post("/webhook", handler)
        app_runner = web.AppRunner(app)
        await app_runner.setup()
        site = web.TCPSite(app_runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(
            f"http://127.0.0.1:{port}/webhook",
            headers={"X-Custom": "yes"},
            basic_auth={"username": "u", "password": "p"},
        )
        try:
            return await endpoint.request(json=STATES[0], method="post")
        finally:
            await app_runner.cleanup()

    assert asyncio.run(exchange()) == {"ok": True}
    assert json.loads(received["body"]) == json.loads(json.dumps(STATES[0]))
    assert "备案" in received["body"].decode("utf-8")  # orjson's UTF-8, not json's \u escapes
    assert received["custom"] == "yes" and received["authorization"].startswith("Basic ")


def test_the_patches_are_for_the_pinned_rasa_release() -> None:
    pinned = re.search(r"^rasa==(\S+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert pinned is not None and pinned.group(1) == patches.RASA_VERSION == rasa.__version__


def test_another_rasa_release_runs_unpatched(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.version

    monkeypatch.setattr(rasa.version, "__version__", "3.6.99")
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(event_types._rasa_resolve_by_type))
    assert patches.apply_all() is False
    assert Event.resolve_by_type is event_types._rasa_resolve_by_type


def test_another_rasa_release_is_served_with_the_real_libraries() -> None:
    # assistant.py installs patches/kept_out.py only under the version gate
    code = (
        "import sys, rasa.version\n"
        "rasa.version.__version__ = '3.6.99'\n"
        "sys.argv = ['assistant', 'run', '--help']\n"
        "import assistant\n"
        "try:\n    assistant.main()\nexcept SystemExit:\n    pass\n"
        "print('kept out' if getattr(sys.modules.get('tensorflow'), '__kept_out__', False) else 'real')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.split()[-1] == "real", done.stderr[-2000:]
    assert "assistant: Rasa 3.6.99, unpatched" in done.stderr


def test_importing_the_channels_or_the_stores_switches_nothing_on() -> None:
    # what plain `rasa run` does: it imports them from credentials.yml and endpoints.yml
    code = (
        "import channels.rest, channels.dingtalk, channels.socketio, stores.sql, patches\n"
        "from rasa.shared.core.events import Event\n"
        "from patches import event_types\n"
        "print(patches.applied(), Event.resolve_by_type is event_types.resolve_by_type)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_the_entry_point_switches_them_on_before_rasa_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "--version"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert f"assistant: Rasa {rasa.__version__}, fixes of patches/ applied" in done.stderr
    assert f"Rasa Version      :         {rasa.__version__}" in done.stdout


ANNOTATIONS = [
    '"entity": "miit_has_record", "value": "true"',
    '"entity": "notice_type", "value": "filing_info_unqualified"',
    '"entity": "city", "role": "to", "value": "Los Angeles"',
    '"entity": "city", "group": "1"',
]
BROKEN_ANNOTATIONS = [
    '"entity": "city", "value": ',  # not JSON
    '"value": "no entity key"',  # JSON, not an entity
    '"entity": 5',
]


def test_rasa_uses_the_patched_entity_validation() -> None:
    from rasa.shared.nlu.training_data import entities_parser

    from patches import entity_json

    assert entities_parser.get_validated_dict is entity_json.get_validated_dict


@pytest.mark.parametrize("json_str", ANNOTATIONS)
def test_an_annotation_reads_as_rasa_reads_it_every_time_as_a_copy(json_str: str) -> None:
    from patches import entity_json

    theirs = entity_json._rasa_get_validated_dict(json_str)
    first = entity_json.get_validated_dict(json_str)
    first["value"] = "changed by a caller"
    assert entity_json.get_validated_dict(json_str) == theirs


@pytest.mark.parametrize("json_str", BROKEN_ANNOTATIONS)
def test_a_broken_annotation_fails_as_rasa_fails_every_time(json_str: str) -> None:
    from patches import entity_json

    with pytest.raises(Exception) as theirs:
        entity_json._rasa_get_validated_dict(json_str)
    for _ in range(2):
        with pytest.raises(type(theirs.value)) as ours:
            entity_json.get_validated_dict(json_str)
        assert str(ours.value) == str(theirs.value)


def test_a_training_example_has_the_same_entities_with_the_patch() -> None:
    from rasa.shared.nlu.training_data import entities_parser

    from patches import entity_json

    text = '网站被取消接入了，工信部[还能查到]{"entity": "miit_has_record", "value": "true"}，[2015年](filing_date)备的'
    ours = entities_parser.find_entities_in_training_example(text)
    entities_parser.get_validated_dict = entity_json._rasa_get_validated_dict
    try:
        theirs = entities_parser.find_entities_in_training_example(text)
    finally:
        entities_parser.get_validated_dict = entity_json.get_validated_dict
    assert ours == theirs and len(ours) == 2
