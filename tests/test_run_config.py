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
    # A key that does not start with sk- pasted where the variable's NAME belongs (issue 23).
    ("default:\n  model: azure:gpt4o\n  api_key_env: 3f9a1c77e0b24d5f8a6e2b1c9d0e4f7a\n",
     "line 3: default.api_key_env: must name an environment variable"),
    ("default:\n  model: openai-compatible:m\n  api_key_env: my key\n", "default.api_key_env: must name"),
    ("default:\n  model: openai-compatible:m\n  base_url: https://bob:hunter2@llm.example/v1\n",
     "line 3: default.base_url: holds a user name and password"),
])
def test_a_config_holding_a_key_is_refused(tmp_path, text, message):
    with pytest.raises(InputError, match=message) as caught:
        load_run_config(write(tmp_path, text))
    assert "3f9a1c77" not in str(caught.value) and "hunter2" not in str(caught.value)


@pytest.mark.parametrize("name", ["MY_API_KEY", "AZURE_OPENAI_API_KEY_EU", "llm_key"])
def test_an_environment_variable_name_is_accepted(tmp_path, name):
    config = load_run_config(write(tmp_path, f"default:\n  model: openai-compatible:m\n  api_key_env: {name}\n"))
    assert config.default.api_key_env == name


def test_urls_are_written_without_their_credentials():
    from agentsynth.tools.urls import without_credentials

    assert without_credentials("https://bob:hunter2@llm.example:8443/v1?x=1") == "https://llm.example:8443/v1?x=1"
    assert without_credentials("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"
    assert without_credentials("not a url") == "not a url"


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


def test_the_manifest_and_the_autogen_export_keep_no_url_credentials():
    from agentsynth.run import _recordable
    from agentsynth.teams.autogen_export import _client

    recorded = _recordable({"base_url": "https://bob:hunter2@llm.example/v1", "model": "openai-compatible:m"})
    assert recorded == {"base_url": "https://llm.example/v1", "model": "openai-compatible:m"}
    exported = _client("openai-compatible:m", "https://bob:hunter2@llm.example/v1", []).dump_component()
    assert "hunter2" not in exported.model_dump_json() and "llm.example" in exported.model_dump_json()
