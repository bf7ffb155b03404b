"""The trained model loads and answers with patches/kept_out.py installed (here, not in
tests/unit: it needs the model of `make train`, which make test-e2e depends on)."""

from __future__ import annotations

from tests.unit.test_kept_out import run


def test_the_model_loads_and_answers_without_tensorflow() -> None:
    done = run(
        "import asyncio, sys\n"
        "from rasa.core.agent import load_agent\n"
        "agent = asyncio.run(load_agent(model_path='models/icp-assistant.tar.gz'))\n"
        "parsed = asyncio.run(agent.parse_message('为什么会有备案信息核查？'))\n"
        "real = [m for m in ('tensorflow.python', 'matplotlib.pyplot', 'botocore.client') if m in sys.modules]\n"
        "print(parsed['intent']['name'], kept_out.active(), real)\n"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-3:] == ["faq_why_verification", "True", "[]"]
