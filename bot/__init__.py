"""Newsdesk's Discord layer: a thin adapter over the ``index`` engine (no retrieval logic here).

- ``__main__``: entry point; settings → the Discord bot, or the console chat without a token
- ``settings``: configuration from the environment and ``.env``
- ``client``: the ``Bot`` subclass (intents, no pings, extensions, command sync)
- ``service``: the transport-neutral handlers (ask, sources, reindex, rate limit)
- ``render``: answers and status as embeds / plain text within Discord's limits
- ``errors``: the one error handler
- ``exts/``: the Discord cogs (``ask``, ``admin``, ``messages``)
- ``console``: the terminal chat; ``logs``: logging setup with the token redacted
"""
