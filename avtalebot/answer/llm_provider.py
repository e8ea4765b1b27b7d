"""The chat model for generated answers, by AVTALEBOT_LLM_PROVIDER, through langchain's
init_chat_model: each provider's package imported only when chosen, with an error naming the extra."""

from __future__ import annotations

from avtalebot.errors import ConfigError
from avtalebot.settings import Settings


def build_chat_model(settings: Settings):
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as exc:
        raise ConfigError("generated answers need langchain: pip install 'avtalebot[llm]'") from exc
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    common = {"temperature": 0, "timeout": settings.llm_timeout_s, "max_retries": 2}  # 429/5xx: backoff
    if settings.llm_provider == "openai":
        _need("langchain_openai", "llm")
        if not settings.llm_base_url and key is None:
            raise ConfigError(
                "AVTALEBOT_LLM_PROVIDER=openai needs AVTALEBOT_LLM_BASE_URL and/or AVTALEBOT_LLM_API_KEY"
            )
        # langchain's overloads of init_chat_model name no provider's keyword arguments
        return init_chat_model(  # type: ignore[call-overload]
            settings.llm_model, model_provider="openai", base_url=settings.llm_base_url,
            api_key=key or "not-needed", **common,
        )  # fmt: skip
    if settings.llm_provider == "azure_openai":
        _need("langchain_openai", "llm")
        if not settings.llm_base_url or key is None:
            raise ConfigError(
                "AVTALEBOT_LLM_PROVIDER=azure_openai needs AVTALEBOT_LLM_BASE_URL (https://<resource>.openai.azure.com)"
                " and AVTALEBOT_LLM_API_KEY; AVTALEBOT_LLM_MODEL is the deployment name"
            )
        # langchain's overloads of init_chat_model name no provider's keyword arguments
        return init_chat_model(  # type: ignore[call-overload]
            settings.llm_model, model_provider="azure_openai", azure_endpoint=settings.llm_base_url,
            azure_deployment=settings.llm_model, api_key=key, api_version=settings.llm_api_version, **common,
        )  # fmt: skip
    if settings.llm_provider == "ollama":
        _need("langchain_ollama", "ollama")
        # langchain's overloads of init_chat_model name no provider's keyword arguments
        return init_chat_model(  # type: ignore[call-overload]
            settings.llm_model, model_provider="ollama", temperature=0,
            base_url=settings.llm_base_url or "http://127.0.0.1:11434",
            client_kwargs={"timeout": settings.llm_timeout_s},
        )  # fmt: skip
    raise ConfigError(f"unknown AVTALEBOT_LLM_PROVIDER '{settings.llm_provider}'")


def _need(module: str, extra: str) -> None:
    try:
        __import__(module)
    except ImportError as exc:
        raise ConfigError(f"AVTALEBOT_LLM_PROVIDER needs {module}: pip install 'avtalebot[{extra}]'") from exc
