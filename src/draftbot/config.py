"""Settings from the environment and `.env`: the LLM endpoint, limits and folders.

`DRAFTBOT_LLM_BASE_URL` / `DRAFTBOT_LLM_MODEL` / `DRAFTBOT_LLM_API_KEY` configure any
OpenAI-compatible endpoint; `OPENAI_BASE_URL` / `OPENAI_API_KEY` are the fallbacks. With no
endpoint configured draftbot drafts with its offline templates. The API key is a
`SecretStr`: it never appears in `repr`, logs or messages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as _SourceError

from .errors import DraftbotError

OFFLINE_LABEL = "离线模板"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


def default_data_dir() -> Path:
    """A per-user folder: %APPDATA%\\draftbot on Windows, $XDG_DATA_HOME/draftbot elsewhere."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "draftbot"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "draftbot"


class SettingsError(DraftbotError):
    """Settings that cannot be used; the message is Chinese and names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DRAFTBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    llm_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DRAFTBOT_LLM_BASE_URL", "OPENAI_BASE_URL", "llm_base_url"),
        description="OpenAI 兼容接口地址，如 https://api.deepseek.com/v1",
    )
    llm_model: str = Field(
        "",
        validation_alias=AliasChoices("DRAFTBOT_LLM_MODEL", "llm_model"),
        description="模型名称，如 deepseek-chat、qwen-plus",
    )
    llm_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("DRAFTBOT_LLM_API_KEY", "OPENAI_API_KEY", "llm_api_key"),
        description="API 密钥（本地 vLLM / Ollama 可不填）",
    )
    llm_temperature: float = Field(0.3, ge=0, le=2, description="采样温度")
    llm_timeout: float = Field(60.0, gt=0, le=600, description="单次请求超时（秒）")
    llm_retries: int = Field(2, ge=0, le=5, description="失败后重试次数（不含首次请求）")
    llm_max_concurrency: int = Field(8, ge=1, le=32, description="同时起草的段落数")
    data_dir: Path = Field(default_factory=default_data_dir, description="数据目录")
    database_url: SecretStr | None = Field(
        None,
        description="数据库地址：不设置则用数据目录中的 SQLite 文件；多人/多实例部署用 "
        "postgresql://用户:密码@主机:端口/数据库名",
    )
    cache_dir: Path | None = Field(None, description="模型应答缓存目录；默认在数据目录下")
    prompts_dir: Path | None = Field(None, description="自定义提示词目录（覆盖自带的同名文件）")
    assistant_calls_per_report: int = Field(
        50, ge=0, le=10000, description="助手每份报告每天最多向大模型提问的次数"
    )
    assistant_calls_per_day: int = Field(
        500, ge=0, le=100000, description="助手每天最多向大模型提问的次数（所有报告合计）"
    )
    web_host: str = Field("127.0.0.1", description="网页版监听地址；本机以外的地址需设置访问口令")
    web_port: int = Field(8000, ge=1, le=65535, description="网页版端口")
    web_access_token: SecretStr | None = Field(
        None, description="网页版访问口令：监听本机以外的地址时必须设置"
    )
    web_max_upload_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024, description="网页上传文件大小上限（字节）"
    )
    web_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="网页版允许的额外主机名（局域网访问时用），多个用逗号分隔，如 bgs-pc,192.168.1.20",
    )
    multi_user: bool = Field(
        False,
        description="服务器模式：账号登录、角色与机关权限、审核流程、审计日志（见 docs/accounts.md）",
    )
    web_secure_cookies: bool = Field(
        False,
        description="服务器模式下登录 Cookie 只经 HTTPS 发送（部署在 HTTPS 反向代理后时打开）",
    )
    web_trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="可信反向代理的地址（如 127.0.0.1 或 10.0.0.0/8），只采信它们给出的 "
        "X-Forwarded-For 作为客户端地址，多个用逗号分隔",
    )
    llm_max_tokens: int = Field(
        2000, ge=100, le=32000, description="每段正文让模型最多输出的 token 数（max_tokens）"
    )
    llm_max_calls_per_report: int = Field(
        40, ge=1, le=1000, description="起草一份报告（一次起草操作）最多调用模型的次数"
    )
    llm_max_calls_per_day: int = Field(
        0,
        ge=0,
        le=100000,
        description="每天（北京时间）最多调用模型的次数，使用同一数据库的所有实例合计；0 表示不限",
    )
    langsmith_tracing: bool = Field(
        False,
        description="把起草过程发送到 LangSmith 追踪服务（第三方）；默认关闭，"
        "环境中的 LANGSMITH_TRACING 等变量不会打开它",
    )

    @field_validator("web_allowed_hosts", "web_trusted_proxies", mode="before")
    @classmethod
    def _host_list(cls, value: Any) -> Any:
        """`bgs-pc`, `bgs-pc,192.168.1.20` or a JSON list `["bgs-pc"]`."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            import json

            try:
                return json.loads(text)
            except ValueError:
                pass
        return [part for part in text.replace("，", ",").replace(" ", ",").split(",") if part]

    @property
    def model_name(self) -> str:
        if self.llm_model:
            return self.llm_model
        return DEFAULT_OPENAI_MODEL if self.llm_base_url is None and self.llm_api_key else ""

    @property
    def llm_problem(self) -> str:
        """Why the LLM cannot be used (Chinese), or "" when it is configured."""
        if self.llm_api_key is None and not self.llm_base_url:
            return (
                "未配置大模型服务（DRAFTBOT_LLM_BASE_URL / DRAFTBOT_LLM_API_KEY），使用离线模板起草"
            )
        if not self.model_name:
            return "已设置接口地址，但未设置模型名称 DRAFTBOT_LLM_MODEL，使用离线模板起草"
        if self.llm_base_url and urlsplit(self.llm_base_url).scheme not in ("http", "https"):
            return f"接口地址 DRAFTBOT_LLM_BASE_URL 应以 http:// 或 https:// 开头，收到“{self.llm_base_url}”"
        return ""

    @property
    def llm_configured(self) -> bool:
        return not self.llm_problem

    @property
    def drafter_label(self) -> str:
        """What the UI shows as the active drafter: the model name, or 离线模板."""
        return self.model_name if self.llm_configured else OFFLINE_LABEL

    @property
    def llm_host(self) -> str:
        """The endpoint's host, safe to show (never the key)."""
        return urlsplit(self.llm_base_url).netloc if self.llm_base_url else "api.openai.com"

    @property
    def effective_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.data_dir / "cache"

    @property
    def attempts(self) -> int:
        return self.llm_retries + 1

    @property
    def section_deadline(self) -> float:
        """The most time drafting may take on the LLM path (one section or a whole report):
        timeout × attempts."""
        return self.llm_timeout * self.attempts


def load_settings(**overrides: Any) -> Settings:  # values of any field, validated by Settings
    """Settings from the environment and `.env`, with explicit overrides (e.g. from CLI options)."""
    values = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**values)
    except ValidationError as exc:
        from .datafile import pydantic_message

        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "?"
            problems.append(f"DRAFTBOT_{name.upper()}：{pydantic_message(err)}")
        raise SettingsError(
            "配置有误：" + "；".join(problems) + "。请在环境变量或 .env 文件中改正后重试"
        ) from None
    except _SourceError as exc:  # a value pydantic-settings cannot even decode
        raise SettingsError(
            f"配置有误：无法读取设置（{str(exc)[:120]}）。请在环境变量或 .env 文件中改正后重试"
        ) from None
