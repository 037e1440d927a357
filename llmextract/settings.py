"""LLM settings: one frozen object, resolved as explicit args > config file > LLMEXTRACT_* env > OPENAI_* env.

The environment is read in exactly one function, :func:`read_env`. The API key is kept out of ``repr`` so it
cannot reach a log line, an error message, a record, the response cache or a cassette through this object.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, get_args

from llmextract.core.errors import ConfigError

Mode = Literal["tools", "json", "json_schema", "md_json"]
MODES: tuple[str, ...] = get_args(Mode)


class ExtractorKind(StrEnum):
    """Which reader extracts the records: the one list of extractor names (CLI, config, suites, records)."""

    auto = "auto"  # hybrid when an LLM endpoint is configured, else rules
    rules = "rules"  # the deterministic reader
    llm = "llm"  # the LLM reads every candidate region
    hybrid = "hybrid"  # both read; their readings are paired and compared


# Environment names, highest priority first within each setting.
_ENV_NAMES: dict[str, tuple[str, ...]] = {
    "base_url": ("LLMEXTRACT_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("LLMEXTRACT_API_KEY", "OPENAI_API_KEY"),
    "model": ("LLMEXTRACT_MODEL", "OPENAI_MODEL"),
    "mode": ("LLMEXTRACT_MODE",),
}


@dataclass(frozen=True, slots=True)
class Price:
    """US dollars (or any one currency) per million tokens."""

    prompt: Decimal
    completion: Decimal

    def cost(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        return (self.prompt * prompt_tokens + self.completion * completion_tokens) / Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the LLM extractor needs. Build it with :func:`resolve_settings`, or directly in tests."""

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    mode: Mode = "tools"
    concurrency: int = 4
    max_reasks: int = 2
    max_retries: int = 4
    timeout: float = 120.0
    backoff_cap: float = 30.0
    max_tokens: int = 4096
    temperature: float = 0.0
    cache_path: Path | None = None
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    prices: Mapping[str, Price] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(
                f"unknown LLM mode {self.mode!r}",
                hint=f"use one of {', '.join(MODES)} (llama.cpp: json; OpenAI: tools or json_schema)",
            )
        for name in ("concurrency", "max_tokens"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("max_reasks", "max_retries"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be 0 or more, got {getattr(self, name)}")
        for name in ("requests_per_minute", "tokens_per_minute"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{name} must be positive, got {value}", hint="leave it unset for no limit")
        if self.timeout <= 0 or self.backoff_cap < 0:
            raise ConfigError("timeout must be positive and backoff_cap not negative")

    @property
    def configured(self) -> bool:
        """True when an endpoint is named: the extract command then defaults to the hybrid extractor."""
        return bool(self.model and (self.base_url or self.api_key))

    @property
    def provider(self) -> str:
        """How errors name the endpoint: its URL and model, never the key."""
        return f"{self.base_url or 'https://api.openai.com/v1'} model={self.model}"

    def price(self) -> Price | None:
        return self.prices.get(self.model or "")


def read_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The only place llmextract reads environment variables (with :func:`parse_cache_dir`): LLM settings and
    the default cache directory."""
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for key, names in _ENV_NAMES.items():
        value = next((env[n] for n in names if env.get(n)), None)
        if value is not None:
            out[key] = value
    cache_home = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".cache")
    out["cache_path"] = Path(cache_home) / "llmextract" / "llm-cache.sqlite"
    return out


def parse_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where single commands keep parsed documents: ``$LLMEXTRACT_PARSE_CACHE``, else
    ``$XDG_CACHE_HOME/llmextract/parse``, else ``~/.cache/llmextract/parse``."""
    env = os.environ if environ is None else environ
    if explicit := env.get("LLMEXTRACT_PARSE_CACHE"):
        return Path(explicit).expanduser()
    cache_home = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".cache")
    return Path(cache_home) / "llmextract" / "parse"


def read_config(path: Path) -> dict[str, Any]:
    """The ``[llm]`` table of a TOML config file, checked against the known settings."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}", hint="pass an existing TOML file to --config") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file is not valid TOML: {exc}", path=str(path)) from None
    table = data.get("llm", {})
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"unknown keys in [llm]: {', '.join(unknown)}",
            hint=f"known keys: {', '.join(sorted(known))}",
            path=str(path),
        )
    if "prices" in table:
        table = {**table, "prices": _parse_prices(table["prices"], path)}
    if "cache_path" in table:
        table = {**table, "cache_path": Path(table["cache_path"]).expanduser()}
    return table


def resolve_settings(config: Path | None = None, environ: Mapping[str, str] | None = None, **explicit: Any) -> Settings:
    """Settings from explicit args (None means "not given") > config file > environment."""
    unknown = sorted(set(explicit) - {f.name for f in fields(Settings)})
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(unknown)}")
    merged: dict[str, Any] = read_env(environ)
    if config is not None:
        merged |= read_config(config)
    merged |= {k: v for k, v in explicit.items() if v is not None}
    if isinstance(merged.get("cache_path"), str):
        merged["cache_path"] = Path(merged["cache_path"])
    return Settings(**merged)


def without_cache(settings: Settings) -> Settings:
    return replace(settings, cache_path=None)


def _parse_prices(table: Any, path: Path) -> dict[str, Price]:
    try:
        return {
            model: Price(Decimal(str(p["prompt"])), Decimal(str(p["completion"]))) for model, p in dict(table).items()
        }
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise ConfigError(
            "invalid [llm.prices] table",
            hint='write one table per model: [llm.prices."gpt-4o-mini"] prompt = 0.15, completion = 0.60',
            path=str(path),
        ) from None
