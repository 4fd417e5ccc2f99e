"""The run config: per-role models, inheritance, CLI overrides, and keys refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentsynth.config import load_run_config
from agentsynth.errors import InputError
from agentsynth.run import build_parser, main, run_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_roles_inherit_sampling_and_same_provider_endpoint(tmp_path):
    config = load_run_config(write(tmp_path, """
default:
  model: openai-compatible:writer-7b
  base_url: http://localhost:8000/v1
  temperature: 0.7
  max_tokens: 900
roles:
  critic: {model: openai:gpt-4o, temperature: 0}
  answerer: {model: openai-compatible:answerer-14b}
  reader: {temperature: 0.1}
"""))
    critic, answerer, reader, writer = (config.for_role(r) for r in ("critic", "answerer", "reader", "question_writer"))
    assert (critic.model, critic.temperature, critic.max_tokens, critic.base_url) == ("openai:gpt-4o", 0, 900, None)
    assert (answerer.base_url, answerer.temperature) == ("http://localhost:8000/v1", 0.7)
    assert (reader.model, reader.temperature) == ("openai-compatible:writer-7b", 0.1)
    assert writer == config.default


def test_cli_flags_override_the_file(tmp_path):
    path = write(tmp_path, "default: {model: ollama:llama3.1, temperature: 0.5}\nbudget: {max_cost: 10}\nconcurrency: 4\n")
    args = build_parser().parse_args(["--config", str(path), "--temperature", "0.2", "--max-cost", "1.5",
                                      "--concurrency", "16", "--role-model", "critic=openai:gpt-4o"])
    config = run_config(args)
    assert config.default.model == "ollama:llama3.1" and config.default.temperature == 0.2
    assert config.budget.max_cost == 1.5 and config.concurrency == 16
    assert config.for_role("critic").model == "openai:gpt-4o"


@pytest.mark.parametrize("text, message", [
    ("default:\n  model: openai:gpt-4o\n  api_key: sk-abcdefghijklmnopqrstuvwxyz\n",
     "line 3: default.api_key: looks like a secret; keys are read only from the environment"),
    ("roles:\n  critic:\n    model: openai:gpt-4o\n    base_url: sk-abcdefghijklmnopqrstuvwxyz123\n",
     "line 4: roles.critic.base_url: holds what looks like an API key"),
])
def test_a_config_holding_a_key_is_refused(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        load_run_config(write(tmp_path, text))


@pytest.mark.parametrize("text, message", [
    ("default:\n  model: gpt-4o\n", r"line 2: default.model: Value error, model 'gpt-4o': unknown model spec"),
    ("roles:\n  critic:\n    temperature: hot\n", "line 3: roles.critic.temperature: Input should be a valid number"),
    ("default: {model: local}\nconcurency: 4\n", "concurency: Extra inputs are not permitted"),
    ("default: [unclosed\n", "not valid YAML"),
    ("- just\n- a list\n", "a run config is a mapping"),
])
def test_config_errors_name_the_file_line_and_field(tmp_path, text, message):
    with pytest.raises(InputError, match=message) as caught:
        load_run_config(write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path / "run.yaml"))


def test_unknown_role_is_refused_before_any_work(tmp_path, capsys, one_page_pdf):
    path = write(tmp_path, "roles:\n  judge: {model: local}\n")
    rc = main(["--config", str(path), "--input", str(one_page_pdf), "--out", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and "roles.judge: unknown role (this scenario's roles: reader, question_writer, answerer, critic, vision)" in err


def test_the_shipped_example_config_is_valid():
    example = Path(__file__).resolve().parents[1] / "samples" / "run.example.yaml"
    config = load_run_config(example)
    assert config.for_role("critic").model == "openai:gpt-4o-mini"
    assert config.for_role("reader").base_url == "http://localhost:8000/v1"
