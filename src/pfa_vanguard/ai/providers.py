"""Providers behind one interface: the offline translator (default, no network), any
OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, LM Studio), and Anthropic's
messages API. Remote providers get the schema-only prompt and the question, nothing else.

A remote provider's failure reaches the user as "the AI provider failed" and nothing more: its
error body (which can quote a masked API key), its address and the transport error go to the
server log only.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

import httpx

from pfa_vanguard.ai.errors import NotUnderstood, ProviderTimeout
from pfa_vanguard.ai.offline import OfflineProvider, Vocabulary
from pfa_vanguard.errors import BadRequest, UpstreamError
from pfa_vanguard.settings import Settings

PROVIDERS = ("offline", "openai", "anthropic")
PROVIDER_FAILED = "the AI provider failed; try again later (the server log has the details)"

_log = logging.getLogger(__name__)


class Provider(Protocol):
    name: str

    async def generate_sql(self, question: str, *, prompt: str, vocabulary: Vocabulary) -> str:
        """SQL answering `question`; NotUnderstood when there is none; UpstreamError when the
        provider fails."""
        ...


class ChatProvider(Protocol):
    """A remote model that answers a system prompt + user message with text."""

    name: str

    async def complete(self, system: str, user: str) -> str: ...


def extract_sql(reply: str) -> str:
    """The SQL in a model's reply (a ```sql block, or a bare SELECT/WITH); NotUnderstood when
    the model says it cannot answer or gives no SQL."""
    text = reply.strip()
    if m := re.match(r"(?is)^cannot answer:?\s*(.*)", text):
        raise NotUnderstood(f"the model cannot answer this: {m[1].strip() or 'no reason given'}")
    if fenced := re.search(r"(?is)```[a-z]*\s*\n?(.*?)```", text):
        return str(fenced[1]).strip()
    if re.match(r"(?is)^(select|with)\b", text):
        return text
    raise NotUnderstood(f"the model's reply holds no SQL: {text[:200]!r}")


class _HttpProvider:
    name = "remote"
    default_base_url = ""

    def __init__(
        self, base_url: str | None, model: str, api_key: str | None, timeout_s: float
    ) -> None:
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s

    def _failed(self, what: str, *args: Any) -> UpstreamError:
        """The user's error for a provider failure; `what` % `args` goes to the log only."""
        _log.warning("AI provider %s at %s: " + what, self.name, self.base_url, *args)
        return UpstreamError(PROVIDER_FAILED)

    async def _post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        url = f"{self.base_url}{path}"
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as client:
                response = await client.post(url, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            _log.warning("AI provider %s at %s: no answer: %r", self.name, self.base_url, exc)
            raise ProviderTimeout(
                f"the AI provider failed: no answer within {self.timeout_s:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise self._failed("unreachable: %r", exc) from exc
        if response.status_code >= 400:
            raise self._failed("HTTP %s: %s", response.status_code, response.text[:2000])
        try:
            return response.json()
        except ValueError as exc:
            raise self._failed("reply is not JSON: %r", response.text[:2000]) from exc

    def _malformed(self, reply: Any) -> UpstreamError:
        return self._failed("malformed reply: %s", str(reply)[:2000])

    async def complete(self, system: str, user: str) -> str:
        raise NotImplementedError

    async def generate_sql(self, question: str, *, prompt: str, vocabulary: Vocabulary) -> str:
        return extract_sql(await self.complete(prompt, question))


class OpenAICompatibleProvider(_HttpProvider):
    """POST {base_url}/chat/completions (OpenAI, Ollama, vLLM, LM Studio, ...)."""

    name = "openai"
    default_base_url = "https://api.openai.com/v1"

    async def complete(self, system: str, user: str) -> str:
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        reply = await self._post("/chat/completions", body, headers)
        try:
            content = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise self._malformed(reply) from None
        if not isinstance(content, str):
            raise self._malformed(reply)
        return content


class AnthropicProvider(_HttpProvider):
    """POST {base_url}/v1/messages (Anthropic's messages API)."""

    name = "anthropic"
    default_base_url = "https://api.anthropic.com"

    async def complete(self, system: str, user: str) -> str:
        body = {
            "model": self.model,
            "max_tokens": 1024,
            "temperature": 0,
            "system": system,
            "messages": [{"role": "user", "content": user}],
        }
        headers = {"anthropic-version": "2023-06-01"}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        reply = await self._post("/v1/messages", body, headers)
        try:
            texts = [b["text"] for b in reply["content"] if b.get("type") == "text"]
        except (KeyError, TypeError, AttributeError):
            raise self._malformed(reply) from None
        if not texts or not all(isinstance(t, str) for t in texts):
            raise self._malformed(reply)
        return "".join(texts)


_DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest"}


def make_provider(settings: Settings, name: str | None = None) -> OfflineProvider | _HttpProvider:
    """The provider named by `name` or PFA_AI_PROVIDER."""
    chosen = (name or settings.ai_provider).strip().lower()
    if chosen == "offline":
        return OfflineProvider()
    if chosen not in _DEFAULT_MODELS:
        raise BadRequest(f"unknown AI provider {chosen!r}; providers are: {', '.join(PROVIDERS)}")
    key = settings.ai_api_key.get_secret_value() if settings.ai_api_key else None
    cls = OpenAICompatibleProvider if chosen == "openai" else AnthropicProvider
    return cls(
        settings.ai_base_url,
        settings.ai_model or _DEFAULT_MODELS[chosen],
        key,
        settings.ai_timeout_s,
    )
