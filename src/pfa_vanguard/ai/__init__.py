"""The AI assistant: plain-language questions to safe SQL from the schema only.

prompt (what a model is told: the curated view, never rows), providers (offline translator,
OpenAI-compatible, Anthropic), guard (pglast allowlist, re-emitted SQL), executor (a read-only,
database-scoped role), service (question -> answer, instruction -> draft proposal, audit).
"""
