"""How a Discord client reads the markdown of an embed, enough to check what the bot sends.

Discord's markdown is simple-markdown's rule set with Discord's additions. A reader walks the text
from the start, and at each position the first rule that matches takes its characters:

* escape: ``\\`` before any character that is not a letter, digit or space shows that character;
* autolink: a bare ``https://`` URL (``https?://[^\\s<]+[^<.,:;"')\\]\\s]``) is one link whose text
  is the URL as written, and ``<scheme:/…>`` likewise;
* masked link: ``[text](url)`` or ``[text](<url>)``, the text allowing balanced nested brackets
  (simple-markdown's ``LINK_INSIDE`` and ``LINK_HREF_AND_TITLE``);
* the formatting marks (``**``, ``*``, ``_``, ``__``, ``~~``, ``||``, `````), the ``<@…>`` /
  ``<#…>`` / ``<t:…>`` / ``<:emoji:…>`` forms, and at the start of a line headings, ``-#``,
  lists and block quotes.

:func:`masked_links` lists every masked link Discord would make. :func:`markup` lists every
unescaped mark outside autolinks that would change how the words show, and :func:`shown` is the
text a reader sees. They try every position, which finds at least what
Discord's reader (which tries fewer) finds.
"""

from __future__ import annotations

import re

ESCAPE = re.compile(r"\\([^0-9A-Za-z\s])")
URL = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")
ANGLE_LINK = re.compile(r"<([^: >]+:/[^ >]+)>")
_LINK_INSIDE = r"(?:\[[^\]]*\]|[^\[\]]|\](?=[^\[]*\]))*"
_LINK_HREF = r"\s*<?((?:\([^)]*\)|[^\s\\]|\\.)*?)>?(?:\s+['\"]([\s\S]*?)['\"])?\s*"
MASKED_LINK = re.compile(rf"\[({_LINK_INSIDE})\]\({_LINK_HREF}\)")
INLINE_MARKS = re.compile(r"\*|_|~~|\|\||`|<\S")
LINE_MARKS = re.compile(r"(?:[ \t]*)(?:#{1,3}\s|-#\s|[-*+]\s|\d+\.\s|>\s|>>>\s)")


def _walk(text: str):
    """``(kind, start, match)`` for each escape, autolink and masked link, in reading order."""
    position = 0
    while position < len(text):
        for kind, rule in (
            ("escape", ESCAPE),
            ("autolink", ANGLE_LINK),
            ("url", URL),
            ("link", MASKED_LINK),
        ):
            match = rule.match(text, position)
            if match:
                yield kind, position, match
                position = match.end()
                break
        else:
            yield "text", position, None
            position += 1


def masked_links(text: str) -> list[tuple[str, str]]:
    """The ``(text, url)`` of each masked link Discord would render in ``text``."""
    return [(m.group(1), m.group(2)) for kind, _, m in _walk(text) if kind == "link"]


def markup(text: str) -> list[str]:
    """Unescaped marks Discord would interpret: links, formatting, mentions, line markers."""
    found = [f"link {m.group(0)!r}" for kind, _, m in _walk(text) if kind in ("link", "autolink")]
    for kind, position, _ in _walk(text):
        if kind != "text":
            continue
        mark = INLINE_MARKS.match(text, position)
        if mark:
            found.append(f"{mark.group()!r} at {position}")
        at_line_start = position == 0 or text[position - 1] == "\n"
        line_mark = LINE_MARKS.match(text, position) if at_line_start else None
        if line_mark:
            found.append(f"line marker {line_mark.group()!r} at {position}")
    return found


def shown(text: str) -> str:
    """The characters a reader sees: escapes resolved, a masked link as its text, an autolink as
    written (formatting marks are kept: check :func:`markup` for those)."""
    out: list[str] = []
    for kind, position, match in _walk(text):
        if kind == "escape":
            out.append(match.group(1))
        elif kind == "text":
            out.append(text[position])
        elif kind == "link":
            out.append(match.group(1))
        else:
            out.append(match.group(0))
    return "".join(out)
