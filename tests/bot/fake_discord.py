"""A small Discord-compatible server that the real discord.py client can log in to, for tests.

It serves REST under ``/api/v10`` and a gateway websocket on 127.0.0.1, plays one guild with one
text channel, an admin and a regular member, and lets a test drive it: ``send_interaction``
(a slash command arriving), ``send_dm``, ``send_channel_message``, then ``wait_for_request`` /
``FakeInteraction.wait_for_original`` to see what the bot did. Every request is recorded.

It enforces the Discord rules that a bot can break, so tests fail when the bot breaks them:
acknowledging an interaction after 3 s (404, code 10062) or twice (400, 40060), a follow-up or
edit before the acknowledgement (404, 10015) or after the token's 15 minutes (401, 50027), a
normal route without ``Authorization: Bot <token>`` (401), messages over Discord's size limits
(400, 50035), privileged intents the application was not granted (gateway close 4014), and a
wrong token (401 at login, close 4004 on the gateway).

Commands must have been synced before they can be invoked, and Discord's client-side checks
(default member permissions, contexts) apply unless a test says the server overrode them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
ALL_PERMISSIONS = (1 << 51) - 1
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
)

# Gateway intents.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Interaction contexts.
CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1

ACK_DEADLINE = 3.0  # seconds to acknowledge an interaction
TOKEN_LIFETIME = 15 * 60.0  # seconds an interaction token can edit and follow up
_BODY = web.RequestKey("body", object)

_snowflakes = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> str:
    """A fresh, unique Discord id as a string."""
    return str(next(_snowflakes))


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class FakeUser:
    """A Discord user the fake knows about."""

    id: str
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
        }


@dataclass
class RecordedRequest:
    """One REST request the client made, as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    at: float
    status: int = 0


@dataclass
class FakeInteraction:
    """An interaction the fake sent, and everything the bot did with it."""

    id: str
    token: str
    payload: dict[str, Any]
    sent_at: float
    acked_at: float | None = None
    ack: dict[str, Any] | None = None
    original: dict[str, Any] | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    server: FakeDiscord | None = field(default=None, repr=False)

    @property
    def ack_delay(self) -> float | None:
        """Seconds from the event being sent to the acknowledgement arriving."""
        return None if self.acked_at is None else self.acked_at - self.sent_at

    @property
    def ephemeral(self) -> bool:
        """Whether the acknowledgement asked for an ephemeral response."""
        return bool(self.ack and (self.ack.get("data") or {}).get("flags", 0) & 64)

    async def wait_for_ack(self, seconds: float = 10.0) -> dict[str, Any]:
        assert self.server is not None
        await self.server.wait_until(lambda: self.ack is not None, seconds)
        assert self.ack is not None
        return self.ack

    async def wait_for_original(
        self, predicate: Callable[[dict[str, Any]], bool] = lambda m: True, seconds: float = 30.0
    ) -> dict[str, Any]:
        """Wait until the response message (as last edited) satisfies ``predicate``."""
        assert self.server is not None
        await self.server.wait_until(
            lambda: self.original is not None and predicate(self.original), seconds
        )
        assert self.original is not None
        return self.original


class _DiscordError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return _json(body, status=self.status)


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py treats "application/json; charset=utf-8" as text.
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def _too_long(what: str, limit: int) -> _DiscordError:
    return _DiscordError(
        400,
        50035,
        "Invalid Form Body",
        {
            what: {
                "_errors": [
                    {
                        "code": "BASE_TYPE_MAX_LENGTH",
                        "message": f"Must be {limit} or fewer in length.",
                    }
                ]
            }
        },
    )


def _ids_as_strings(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Snowflakes as Discord returns them: strings (discord.py sends some as integers)."""
    if value is None:
        return None
    return {k: str(v) if k.endswith("_id") and v is not None else v for k, v in value.items()}


def check_message_limits(body: dict[str, Any]) -> None:
    """Raise the 400 Discord answers for a message payload over its documented limits."""
    content = body.get("content")
    if content is not None and len(content) > 2000:
        raise _too_long("content", 2000)
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        raise _too_long("embeds", 10)
    total = 0
    for n, embed in enumerate(embeds):
        limits = {"title": 256, "description": 4096}
        for key, limit in limits.items():
            value = embed.get(key) or ""
            if len(value) > limit:
                raise _too_long(f"embeds.{n}.{key}", limit)
            total += len(value)
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        if len(footer) > 2048:
            raise _too_long(f"embeds.{n}.footer.text", 2048)
        if len(author) > 256:
            raise _too_long(f"embeds.{n}.author.name", 256)
        total += len(footer) + len(author)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise _too_long(f"embeds.{n}.fields", 25)
        for m, fld in enumerate(fields):
            if not fld.get("name") or len(fld["name"]) > 256:
                raise _too_long(f"embeds.{n}.fields.{m}.name", 256)
            if not fld.get("value") or len(fld["value"]) > 1024:
                raise _too_long(f"embeds.{n}.fields.{m}.value", 1024)
            total += len(fld["name"]) + len(fld["value"])
    if total > 6000:
        raise _too_long("embeds", 6000)


class FakeDiscord:
    """The server. ``await start()``, point discord.py at ``api_base`` / ``gateway_url``."""

    def __init__(
        self,
        *,
        token: str = "fake-token.abc.def",
        heartbeat_interval: float = 0.2,
        privileged_intents: int = 0,
        ack_deadline: float = ACK_DEADLINE,
        token_lifetime: float = TOKEN_LIFETIME,
    ) -> None:
        self.token = token
        self.ack_deadline = ack_deadline
        self.token_lifetime = token_lifetime
        self.heartbeat_interval = heartbeat_interval
        self.privileged_intents = privileged_intents
        self.application_id = snowflake()
        self.bot = FakeUser(self.application_id, "Newsdesk", bot=True)
        self.admin = FakeUser(snowflake(), "alice-admin")
        self.member = FakeUser(snowflake(), "bob-member")
        self.guild_id = snowflake()
        self.channel_id = snowflake()
        self.dm_channels: dict[str, str] = {}  # user id -> DM channel id

        self.requests: list[RecordedRequest] = []
        self.interactions: dict[str, FakeInteraction] = {}
        self.messages: dict[str, dict[str, Any]] = {}  # channel messages by id, as last edited
        self.message_history: list[dict[str, Any]] = []  # every create/edit of a channel message
        self.commands: dict[str | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.heartbeats: list[float] = []
        self.heartbeat_acks: list[float] = []
        self.identify: dict[str, Any] | None = None
        self.identified_at: float | None = None
        self.gateway_query: dict[str, str] = {}
        self._faults: list[tuple[str, re.Pattern[str], _DiscordError]] = []

        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._send_lock = asyncio.Lock()
        self._sequence = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/", self._gateway)
        r = app.router
        r.add_get(f"{API}/users/@me", self._get_me)
        r.add_get(f"{API}/oauth2/applications/@me", self._get_application)
        r.add_put(f"{API}/applications/{{app}}/commands", self._put_commands)
        r.add_put(f"{API}/applications/{{app}}/guilds/{{guild}}/commands", self._put_commands)
        r.add_post(f"{API}/interactions/{{id}}/{{token}}/callback", self._callback)
        r.add_post(f"{API}/webhooks/{{app}}/{{token}}", self._followup)
        r.add_get(f"{API}/webhooks/{{app}}/{{token}}/messages/@original", self._get_original)
        r.add_patch(f"{API}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._edit_webhook)
        r.add_post(f"{API}/users/@me/channels", self._open_dm)
        r.add_post(f"{API}/channels/{{channel}}/messages", self._create_message)
        r.add_patch(f"{API}/channels/{{channel}}/messages/{{message}}", self._edit_message)
        r.add_post(f"{API}/channels/{{channel}}/typing", self._typing)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- waiting -----------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], seconds: float = 30.0) -> None:
        """Wait until ``predicate()`` holds: re-checked on every change here, and every 50 ms
        for changes elsewhere (e.g. the bot's own state)."""
        async with asyncio.timeout(seconds):
            while not predicate():
                async with self._changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), 0.05)

    async def wait_for_request(
        self,
        method: str,
        path: str,
        predicate: Callable[[RecordedRequest], bool] = lambda r: True,
        *,
        after: int = 0,
        seconds: float = 30.0,
    ) -> RecordedRequest:
        """Wait for a request whose path fully matches ``path`` (in ``requests[after:]``)."""
        pattern = re.compile(path)

        def find() -> RecordedRequest | None:
            for req in self.requests[after:]:
                if req.method == method and pattern.fullmatch(req.path) and predicate(req):
                    return req
            return None

        await self.wait_until(lambda: find() is not None, seconds)
        found = find()
        assert found is not None
        return found

    def fail_next(
        self, method: str, path: str, *, status: int = 500, code: int = 0, message: str = "boom"
    ) -> None:
        """Make the next ``method`` request whose path fully matches ``path`` fail like Discord."""
        self._faults.append((method, re.compile(path), _DiscordError(status, code, message)))

    def find_requests(self, method: str, path: str) -> list[RecordedRequest]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    async def wait_until_connected(self, seconds: float = 30.0) -> None:
        """Wait until the client identified and was sent its guild."""
        await self.wait_until(lambda: self.identify is not None and self._sequence >= 2, seconds)

    # -- driving the bot -----------------------------------------------------------------

    def command(self, name: str, guild_id: str | None = None) -> dict[str, Any]:
        """The synced command a user would pick: guild commands first, then global ones."""
        for scope in ([guild_id] if guild_id else []) + [None]:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name:
                    return cmd
        raise AssertionError(f"/{name} was never synced, so no user could invoke it")

    async def send_interaction(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: FakeUser | None = None,
        dm: bool = False,
        permissions: int | None = None,
        server_override: bool = False,
        focused: tuple[str, str] | None = None,
    ) -> FakeInteraction:
        """A user runs ``/name`` with ``options``, in the guild channel or in a DM with the bot.

        ``name`` may name a subcommand: ``"feeds add"`` (its group's permissions and contexts
        apply, and the options are nested under the subcommand as Discord sends them).
        ``permissions`` are the member's computed guild permissions (default: all for the admin,
        ordinary ones for anyone else). Like Discord's client, this refuses to invoke a command
        the user could not see, unless ``server_override`` says the server's admins granted it.
        With ``focused=(option, partial text)`` it is an autocomplete request instead.
        """
        user = user or self.member
        command_name, *subcommands = name.split()
        cmd = self.command(command_name, None if dm else self.guild_id)
        contexts = cmd.get("contexts") or [0, 1, 2]
        context = CONTEXT_BOT_DM if dm else CONTEXT_GUILD
        if context not in contexts:
            raise AssertionError(f"/{name} is not available in context {context}")
        if permissions is None:
            permissions = ALL_PERMISSIONS if user == self.admin else MEMBER_PERMISSIONS
        required = cmd.get("default_member_permissions")
        if not dm and required is not None and not server_override:
            needed = int(required)
            if permissions & ADMINISTRATOR == 0 and permissions & needed != needed:
                raise AssertionError(f"Discord would not show /{name} to {user.name}")
        path: list[dict[str, Any]] = []  # the subcommand (group) options leading to the command
        declared_options = cmd.get("options", [])
        for sub in subcommands:
            found = [o for o in declared_options if o["name"] == sub and o["type"] in (1, 2)]
            if not found:
                raise AssertionError(f"/{command_name} has no subcommand {sub!r}")
            path.append(found[0])
            declared_options = found[0].get("options", [])
        if any(o["type"] in (1, 2) for o in declared_options):
            raise AssertionError(f"/{name} is a group: Discord invokes only its subcommands")
        declared = {o["name"]: o for o in declared_options}
        opts: list[dict[str, Any]] = []
        for key, value in (options or {}).items():
            if key not in declared:
                raise AssertionError(f"/{name} has no option {key!r}")
            opts.append({"name": key, "type": declared[key]["type"], "value": value})
        if focused is not None:
            opt_name, partial = focused
            opts.append(
                {
                    "name": opt_name,
                    "type": declared[opt_name]["type"],
                    "value": partial,
                    "focused": True,
                }
            )
        missing = [
            o["name"]
            for o in declared.values()
            if o.get("required") and o["name"] not in (options or {})
        ]
        if missing and focused is None:
            raise AssertionError(f"/{name} requires {missing}")

        for sub in reversed(path):
            opts = [{"name": sub["name"], "type": sub["type"], "options": opts}]

        ix_id, token = snowflake(), f"ix-token-{snowflake()}"
        payload: dict[str, Any] = {
            "id": ix_id,
            "application_id": self.application_id,
            "type": 2 if focused is None else 4,
            "token": token,
            "version": 1,
            "attachment_size_limit": 8 * 1024 * 1024,
            "context": context,
            "locale": "en-US",
            "app_permissions": str(ALL_PERMISSIONS),
            "authorizing_integration_owners": {"0": self.guild_id} if not dm else {},
            "data": {"id": cmd["id"], "name": command_name, "type": 1, "options": opts},
            "entitlements": [],
        }
        if dm:
            payload["user"] = user.payload()
            payload["channel"] = {
                "id": self._dm_channel(user),
                "type": 1,
                "recipients": [user.payload()],
            }
        else:
            payload["guild_id"] = self.guild_id
            payload["guild_locale"] = "en-US"
            payload["channel"] = self._text_channel()
            payload["member"] = {
                "user": user.payload(),
                "roles": [],
                "joined_at": _now_iso(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": str(permissions),
            }
        if cmd.get("guild_id"):
            payload["data"]["guild_id"] = cmd["guild_id"]
        ix = FakeInteraction(ix_id, token, payload, sent_at=0.0, server=self)
        self.interactions[token] = ix
        ix.sent_at = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", payload)
        return ix

    async def autocomplete(
        self, name: str, options: dict[str, Any], *, focused: tuple[str, str]
    ) -> list[dict[str, Any]]:
        """The choices the bot offers as a user types ``focused[1]`` into option ``focused[0]``."""
        ix = await self.send_interaction(name, options, focused=focused)
        ack = await ix.wait_for_ack()
        assert ack["type"] == 8, ack
        return ack["data"]["choices"]

    async def send_interactions(
        self, count: int, name: str, options: dict[str, Any]
    ) -> list[FakeInteraction]:
        """``count`` users run the same command at once (one gateway burst)."""
        return [
            await self.send_interaction(name, options, user=FakeUser(snowflake(), f"user{n}"))
            for n in range(count)
        ]

    async def send_dm(self, content: str, *, user: FakeUser | None = None) -> dict[str, Any]:
        """A user sends the bot a direct message."""
        user = user or self.member
        message = self._message(self._dm_channel(user), user, content)
        if self._intents & INTENT_DIRECT_MESSAGES:
            await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def send_channel_message(
        self, content: str, *, user: FakeUser | None = None, mention_bot: bool = True
    ) -> dict[str, Any]:
        """A user posts in the guild's text channel, mentioning the bot (``<@id> …``) by default."""
        user = user or self.member
        if mention_bot:
            content = f"<@{self.bot.id}> {content}"
        message = self._message(self.channel_id, user, content, guild=True)
        if mention_bot:
            message["mentions"] = [self.bot.payload()]
        if self._intents & INTENT_GUILD_MESSAGES:
            event = dict(message)
            if not (self._intents & INTENT_MESSAGE_CONTENT or mention_bot):
                event["content"] = ""  # Discord withholds content from bots without the intent
            await self.dispatch("MESSAGE_CREATE", event)
        return message

    def bot_messages(self, channel_id: str | None = None) -> list[dict[str, Any]]:
        """Channel messages the bot created (as last edited), oldest first."""
        return [
            m for m in self.messages.values() if channel_id is None or m["channel_id"] == channel_id
        ]

    def dm_channel_of(self, user: FakeUser) -> str:
        return self._dm_channel(user)

    # -- gateway -----------------------------------------------------------------------------

    @property
    def _intents(self) -> int:
        return int((self.identify or {}).get("intents", 0))

    async def _send(self, payload: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or ws.closed:
            raise AssertionError("the bot is not connected to the gateway")
        async with self._send_lock:
            # Plain TEXT frames: the client only decompresses binary frames.
            await ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self._sequence += 1
        await self._send({"op": 0, "t": event, "s": self._sequence, "d": data})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._ws = ws
        self.gateway_query = dict(request.query)
        await self._send(
            {"op": 10, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}}
        )
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            op = data.get("op")
            if op == 1:
                self.heartbeats.append(time.monotonic())
                await self._send({"op": 11})
                self.heartbeat_acks.append(time.monotonic())
                await self._notify()
            elif op == 2:
                await self._identify(ws, data["d"])
            elif op == 6:
                await self.dispatch("RESUMED", {})
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if int(data.get("intents", 0)) & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.identify = data
        self.identified_at = time.monotonic()
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": {**self.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
                "guilds": [{"id": self.guild_id, "unavailable": True}],
                "session_id": "fake-session",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": self.application_id, "flags": 0},
                "shard": [0, 1],
                "private_channels": [],
                "relationships": [],
            },
        )
        await self.dispatch("GUILD_CREATE", self._guild())
        await self._notify()

    def _guild(self) -> dict[str, Any]:
        everyone = {
            "id": self.guild_id,
            "name": "@everyone",
            "permissions": str(MEMBER_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

        def member(user: FakeUser) -> dict[str, Any]:
            return {
                "user": user.payload(),
                "roles": [],
                "joined_at": _now_iso(),
                "deaf": False,
                "mute": False,
                "flags": 0,
            }

        return {
            "id": self.guild_id,
            "name": "Newsroom",
            "icon": None,
            "owner_id": self.admin.id,
            "unavailable": False,
            "member_count": 3,
            "large": False,
            "features": [],
            "roles": [everyone],
            "emojis": [],
            "stickers": [],
            "channels": [self._text_channel(with_guild=False)],
            "threads": [],
            "members": [member(self.bot), member(self.admin), member(self.member)],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "joined_at": _now_iso(),
        }

    def _text_channel(self, *, with_guild: bool = True) -> dict[str, Any]:
        channel: dict[str, Any] = {
            "id": self.channel_id,
            "type": 0,
            "name": "news",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if with_guild:
            channel["guild_id"] = self.guild_id
        return channel

    def _dm_channel(self, user: FakeUser) -> str:
        return self.dm_channels.setdefault(user.id, snowflake())

    def _message(
        self, channel_id: str, author: FakeUser, content: str, *, guild: bool = False
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": snowflake(),
            "channel_id": channel_id,
            "author": author.payload(),
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        if guild:
            message["guild_id"] = self.guild_id
            message["member"] = {
                "roles": [],
                "joined_at": _now_iso(),
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
        return message

    # -- REST --------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/":
            return await handler(request)
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
            elif request.content_type.startswith("multipart/"):
                body = {"multipart": raw.decode(errors="replace")}
        rec = RecordedRequest(
            request.method,
            request.path[len(API) :] if request.path.startswith(API) else request.path,
            dict(request.query),
            body,
            dict(request.headers),
            time.monotonic(),
        )
        self.requests.append(rec)
        request[_BODY] = body
        unauthenticated = rec.path.startswith(("/interactions/", "/webhooks/"))
        try:
            if not unauthenticated and request.headers.get("Authorization") != f"Bot {self.token}":
                raise _DiscordError(401, 0, "401: Unauthorized")
            for n, (method, pattern, error) in enumerate(self._faults):
                if method == rec.method and pattern.fullmatch(rec.path):
                    del self._faults[n]
                    raise error
            response = await handler(request)
        except _DiscordError as exc:
            response = exc.response()
        except web.HTTPNotFound:
            response = _json({"message": "404: Not Found", "code": 0}, status=404)
        rec.status = response.status
        await self._notify()
        return response

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json({**self.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0})

    async def _get_application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": self.application_id,
                "name": "Newsdesk",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.admin.payload(),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
            }
        )

    async def _put_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        if request.match_info["app"] != self.application_id:
            raise _DiscordError(403, 50001, "Missing Access")
        commands = []
        for cmd in request[_BODY] or []:
            if cmd.get("default_member_permissions") is not None:  # Discord answers a string
                cmd["default_member_permissions"] = str(cmd["default_member_permissions"])
            commands.append(
                {
                    **cmd,
                    "id": snowflake(),
                    "application_id": self.application_id,
                    "version": snowflake(),
                    "guild_id": guild,
                }
            )
        self.commands[guild] = commands
        return _json(commands)

    def _interaction(self, token: str) -> FakeInteraction:
        ix = self.interactions.get(token)
        if ix is None:
            raise _DiscordError(404, 10015, "Unknown Webhook")
        if time.monotonic() - ix.sent_at > self.token_lifetime:
            raise _DiscordError(401, 50027, "Invalid Webhook Token")
        return ix

    async def _callback(self, request: web.Request) -> web.Response:
        ix = self.interactions.get(request.match_info["token"])
        if ix is None or ix.id != request.match_info["id"]:
            raise _DiscordError(404, 10062, "Unknown interaction")
        now = time.monotonic()
        if ix.ack is not None:
            raise _DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if now - ix.sent_at > self.ack_deadline:
            raise _DiscordError(404, 10062, "Unknown interaction")
        body = request[_BODY]
        kind = body["type"]
        data = body.get("data") or {}
        ix.ack, ix.acked_at = body, now
        if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            check_message_limits(data)
            ix.original = self._webhook_message(ix, data)
            ix.edits.append(ix.original)
        elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "Newsdesk is thinking…"
            ix.original = self._webhook_message(
                ix, {"content": "", "flags": (data.get("flags", 0) | 128)}
            )
        message = ix.original or {}
        return _json(
            {
                "interaction": {
                    "id": ix.id,
                    "type": 2,
                    "response_message_id": message.get("id"),
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(data.get("flags", 0) & 64),
                },
                "resource": {"type": kind, "message": message} if message else {"type": kind},
            }
        )

    def _webhook_message(
        self, ix: FakeInteraction, data: dict[str, Any], message_id: str | None = None
    ) -> dict[str, Any]:
        channel = ix.payload["channel"]["id"]
        message = self._message(channel, self.bot, data.get("content") or "")
        message.update(
            id=message_id or snowflake(),
            embeds=data.get("embeds") or [],
            flags=data.get("flags", 0),
            webhook_id=self.application_id,
            application_id=self.application_id,
            allowed_mentions=data.get("allowed_mentions"),
            type=20,
        )
        return message

    async def _followup(self, request: web.Request) -> web.Response:
        ix = self._interaction(request.match_info["token"])
        if ix.ack is None:
            raise _DiscordError(404, 10015, "Unknown Webhook")
        data = request[_BODY] or {}
        check_message_limits(data)
        message = self._webhook_message(ix, data)
        ix.followups.append(message)
        return _json(message)

    async def _get_original(self, request: web.Request) -> web.Response:
        ix = self._interaction(request.match_info["token"])
        if ix.original is None:
            raise _DiscordError(404, 10008, "Unknown Message")
        return _json(ix.original)

    async def _edit_webhook(self, request: web.Request) -> web.Response:
        ix = self._interaction(request.match_info["token"])
        if ix.ack is None:
            raise _DiscordError(404, 10015, "Unknown Webhook")
        data = request[_BODY] or {}
        check_message_limits(data)
        target = request.match_info["message"]
        if target == "@original" or (ix.original and target == ix.original["id"]):
            if ix.original is None:
                raise _DiscordError(404, 10008, "Unknown Message")
            edited = {**ix.original}
            for key in ("content", "embeds", "allowed_mentions", "flags"):
                if key in data:
                    edited[key] = data[key]
            edited["flags"] = edited.get("flags", 0) & ~128  # no longer "thinking"
            edited["edited_timestamp"] = _now_iso()
            ix.original = edited
            ix.edits.append(edited)
            return _json(edited)
        for n, message in enumerate(ix.followups):
            if message["id"] == target:
                ix.followups[n] = {**message, **data}
                return _json(ix.followups[n])
        raise _DiscordError(404, 10008, "Unknown Message")

    async def _open_dm(self, request: web.Request) -> web.Response:
        recipient = str((request[_BODY] or {}).get("recipient_id"))
        users = {u.id: u for u in (self.admin, self.member)}
        user = users.get(recipient, FakeUser(recipient, f"user-{recipient}"))
        return _json(
            {
                "id": self._dm_channel(user),
                "type": 1,
                "recipients": [user.payload()],
                "last_message_id": None,
            }
        )

    def _known_channel(self, channel_id: str) -> None:
        if channel_id != self.channel_id and channel_id not in self.dm_channels.values():
            raise _DiscordError(404, 10003, "Unknown Channel")

    async def _create_message(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        self._known_channel(channel)
        data = request[_BODY] or {}
        if not data.get("content") and not data.get("embeds"):
            raise _DiscordError(400, 50006, "Cannot send an empty message")
        check_message_limits(data)
        message = self._message(
            channel, self.bot, data.get("content") or "", guild=channel == self.channel_id
        )
        message.update(
            embeds=data.get("embeds") or [],
            allowed_mentions=data.get("allowed_mentions"),
            message_reference=_ids_as_strings(data.get("message_reference")),
            flags=data.get("flags", 0),
        )
        if data.get("message_reference"):
            message["type"] = 19  # REPLY
        self.messages[message["id"]] = message
        self.message_history.append(message)
        return _json(message)

    async def _edit_message(self, request: web.Request) -> web.Response:
        channel, message_id = request.match_info["channel"], request.match_info["message"]
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel:
            raise _DiscordError(404, 10008, "Unknown Message")
        data = request[_BODY] or {}
        check_message_limits(data)
        edited = {
            **message,
            **{
                k: v
                for k, v in data.items()
                if k in ("content", "embeds", "flags", "allowed_mentions")
            },
        }
        edited["edited_timestamp"] = _now_iso()
        self.messages[message_id] = edited
        self.message_history.append(edited)
        return _json(edited)

    async def _typing(self, request: web.Request) -> web.Response:
        self._known_channel(request.match_info["channel"])
        return web.Response(status=204)
