"""Settings resolution (explicit > config file > LLMEXTRACT_* > OPENAI_*), prompts, and the pure helpers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from llmextract.core.errors import ConfigError
from llmextract.extract.llm.client import MODES, strip_reasoning
from llmextract.extract.llm.grounding import GroundedText
from llmextract.extract.llm.schema import LLMProject, schema_hash
from llmextract.extract.llm.transport import retry_after_seconds
from llmextract.extract.prompts import load_prompt, prompts_dir
from llmextract.settings import Price, Settings, read_env, resolve_settings

ENV = {
    "OPENAI_BASE_URL": "https://openai.example/v1",
    "OPENAI_API_KEY": "sk-openai",
    "OPENAI_MODEL": "gpt-openai",
    "LLMEXTRACT_MODEL": "qwen-llmextract",
    "HOME": "/home/u",
}


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "llmextract.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_llmextract_env_beats_openai_env() -> None:
    settings = resolve_settings(environ=ENV)
    assert settings.model == "qwen-llmextract"
    assert settings.base_url == "https://openai.example/v1"
    assert settings.api_key == "sk-openai"
    assert settings.cache_path == Path("/home/u/.cache/llmextract/llm-cache.sqlite")


def test_config_file_beats_env_and_explicit_beats_config(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        '[llm]\nmodel = "from-config"\nmode = "json"\nconcurrency = 8\n'
        '[llm.prices."from-config"]\nprompt = 0.5\ncompletion = 1.5\n',
    )
    settings = resolve_settings(config, environ=ENV)
    assert (settings.model, settings.mode, settings.concurrency) == ("from-config", "json", 8)
    assert settings.price() == Price(Decimal("0.5"), Decimal("1.5"))
    explicit = resolve_settings(config, environ=ENV, model="explicit", mode=None)
    assert explicit.model == "explicit" and explicit.mode == "json"  # None means "not given"


def test_unknown_mode_says_which_modes_exist() -> None:
    with pytest.raises(ConfigError, match="unknown LLM mode 'grammar'") as info:
        resolve_settings(environ={"LLMEXTRACT_MODE": "grammar"})
    assert info.value.hint and "json_schema" in info.value.hint


@pytest.mark.parametrize(
    ("text", "message"),
    [("[llm]\nmodle = 'x'\n", "unknown keys in \\[llm\\]: modle"), ("[llm\n", "not valid TOML")],
)
def test_bad_config_file_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_settings(write_config(tmp_path, text), environ={})


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        resolve_settings(tmp_path / "nope.toml", environ={})


def test_api_key_is_not_in_repr_and_provider_names_no_key() -> None:
    settings = Settings(base_url="http://x/v1", api_key="sk-secret", model="m")
    assert "sk-secret" not in repr(settings)
    assert "sk-secret" not in settings.provider


def test_configured_needs_a_model_and_an_endpoint() -> None:
    assert not Settings().configured
    assert not Settings(base_url="http://x/v1").configured
    assert Settings(base_url="http://x/v1", model="m").configured


def test_env_is_read_in_one_function_only() -> None:
    root = Path(__file__).parents[2] / "llmextract"
    readers = [p for p in root.rglob("*.py") if "os.environ" in p.read_text() or "getenv" in p.read_text()]
    assert readers == [root / "settings.py"]
    assert read_env({"HOME": "/h"}) == {"cache_path": Path("/h/.cache/llmextract/llm-cache.sqlite")}
    assert read_env({"XDG_CACHE_HOME": "/c"})["cache_path"] == Path("/c/llmextract/llm-cache.sqlite")


def test_every_mode_maps_to_an_instructor_mode() -> None:
    assert set(MODES) == {"tools", "json", "json_schema", "md_json"}
    assert {m.instructor_mode.name for m in MODES.values()} == {"TOOLS", "JSON", "JSON_SCHEMA", "MD_JSON"}


def test_prompt_is_versioned_data() -> None:
    prompt = load_prompt("extract_project/v1")
    assert prompt.version == "extract_project/v1"
    assert "照抄" in prompt.system
    assert (prompts_dir() / "extract_project" / "v1.md").is_file()
    with pytest.raises(ConfigError, match="unknown prompt version"):
        load_prompt("extract_project/v999")


def test_schema_hash_changes_with_the_schema() -> None:
    class Other(LLMProject):
        extra: str

    assert schema_hash(LLMProject) == schema_hash(LLMProject)
    assert schema_hash(Other) != schema_hash(LLMProject)


def test_grounding_ignores_whitespace_and_width_and_maps_back() -> None:
    block = GroundedText.of("项目名称\t\t遗属\n补助\t（晋人工字〔2002〕10号）≥９５％")
    assert block.contains("遗属补助")
    assert block.contains("(晋人工字〔2002〕10号)")  # full-width parentheses fold to ASCII …
    assert not block.contains("(晋人工字[2002]10号)")  # … but a changed bracket kind is a changed quote
    assert block.contains("≥95%")
    assert not block.contains("遗属生活补助")
    assert block.find("遗属补助") == (6, 11)
    assert block.find("") is None


def test_grounding_finds_the_kth_occurrence() -> None:
    block = GroundedText.of("人数\t6名\t人数\t6名")
    assert block.find("人数", 0) == (0, 2)
    assert block.find("人数", 1) == (6, 8)
    assert block.find("人数", 5) == (6, 8)


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds(httpx.Headers({"retry-after": "2"})) == 2.0
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "250"})) == 0.25
    date = httpx.Headers({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"})
    assert retry_after_seconds(date, now=lambda: 1445412480.0) == 10.0
    assert retry_after_seconds(httpx.Headers({"retry-after": "soon"})) is None
    assert retry_after_seconds(httpx.Headers()) is None


def test_reasoning_is_removed_from_content() -> None:
    message = SimpleNamespace(content='<think>想一想\n再想</think>\n{"a": 1}')
    strip_reasoning(SimpleNamespace(choices=[SimpleNamespace(message=message)]))
    assert message.content == '{"a": 1}'
