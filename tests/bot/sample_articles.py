# ruff: noqa: E501 (article paragraphs are one line each, as in the real collection)
"""The small news collection the bot tests index: a few Markdown articles with front matter."""

from __future__ import annotations

from pathlib import Path

ZELENSKYY = """\
---
id: zelenskyy-nato
title: "Zelenskyy would consider ceasefire in exchange for NATO cover of territory Kyiv controls"
source: Sky News
url: https://news.example.com/zelenskyy-nato
published: 2024-11-29
---
Ukrainian president Volodymyr Zelenskyy said Friday he would consider a ceasefire deal to end the hot phase of the war in exchange for NATO membership of unoccupied territories.
"If we want to stop the hot phase of the war, we need to take under the NATO umbrella the territory of Ukraine that we have under our control," Zelenskyy told Sky News.
He said the occupied territories could be returned later in a diplomatic way.
Zelenskyy said he last spoke with Trump in September.
"""

FED = """\
---
id: fed-cuts-rates
title: "Federal Reserve cuts interest rates by a quarter point"
source: Reuters
url: https://news.example.com/fed-cuts-rates
published: 2024-12-18
---
The Federal Reserve cut its benchmark interest rate by a quarter of a percentage point on Wednesday.
Fed chair Jerome Powell said the central bank would be more cautious about further cuts next year.
Policymakers now expect only two rate cuts in 2025, down from four projected in September.
Stocks fell sharply after the announcement.
"""

CLIMATE = """\
---
id: cop29-finance-deal
title: "COP29 ends with a $300bn climate finance deal"
source: BBC
url: https://news.example.com/cop29-deal
published: 2024-11-24
---
Negotiators at the COP29 climate summit in Baku agreed that rich countries will provide at least $300bn a year to developing nations by 2035.
Developing countries had asked for $1.3 trillion a year and called the deal an insult.
The summit ran more than thirty hours over schedule.
"""

OUTAGE = """\
---
id: chat-outage
title: "Chat app outage leaves gaming communities in the dark"
source: The Verge
url: https://news.example.com/chat-outage
published: 2024-10-02
---
A chat app outage on Tuesday left gaming communities unable to talk for three hours.
One moderator posted "@everyone the servers are down, please stay calm" before the service stopped delivering messages.
The company blamed a faulty database migration for the outage.
"""

# Not in the initial index: /reindex adds it.
MARS = """\
---
id: mars-rover-water
title: "Mars rover finds signs of ancient lake shoreline"
source: Space Daily
url: https://news.example.com/mars-lake
published: 2025-01-10
---
The Perseverance rover found rocks that formed along the shoreline of an ancient lake on Mars.
Scientists said the pebbles were rounded by waves billions of years ago.
"""

INITIAL = {
    "zelenskyy-nato.md": ZELENSKYY,
    "fed-cuts-rates.md": FED,
    "cop29-deal.md": CLIMATE,
    "chat-outage.md": OUTAGE,
}


# Made-up article of the shape that put live masked links in answers: a sentence with two
# [text](url) links, under a headline holding "|" and "**".
KETTLE_RECALL = """\
---
id: kettle-recall
title: "Recall live | Hearthware kettles 'a **disaster**', say owners"
source: Home Desk
url: https://homedesk.example.com/2024/10/02/hearthware-kettle-recall
published: 2024-10-02
---
Hearthware on Wednesday recalled about 300,000 electric kettles after reports that their lids flew open while boiling.
Customers can look up their batch code on [the Hearthware safety page](https://hearthware.example.com/safety) and claim a replacement kettle via [the replacement request form](https://claims.example.org/hearthware-kettle).
The company said nobody had been seriously hurt.
"""


def write_corpus(folder: Path, articles: dict[str, str] = INITIAL) -> Path:
    """Write ``articles`` (file name → Markdown) into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def town_articles(count: int) -> dict[str, str]:
    """``count`` distinct filler articles, to make a reindex take a few seconds."""
    return {
        f"town-{n}.md": f"""\
---
id: town-{n}
title: "Town {n} approves road budget"
source: Local Wire
published: 2024-0{1 + n % 9}-1{n % 10}
---
The council of town number {n} approved a budget of {n * 1000 + 7} dollars for road repairs on Monday.
Mayor {n} said the repairs on street {n * 3} would start in spring and last {n % 12 + 1} months.
Residents of district {n * 7} had complained about potholes for {n % 5 + 2} years.
"""
        for n in range(count)
    }


# Made-up quotations by one person in two articles from two outlets, for /quotes: direct words
# (one holding @everyone, a user mention, markdown and a masked link), a paraphrase and an
# "according to"; test_quotes.py indexes them with INITIAL.
MARLOW_PINGS = """\
---
id: chatterbox-mass-pings
title: "Chatterbox limits mass pings after outage chaos"
source: Tech Desk
url: https://techdesk.example.com/2024/10/03/chatterbox-mass-pings
published: 2024-10-03
---
Chatterbox will limit mass notifications in large servers from next month, the company announced on Thursday.
"Moderators typed @everyone and <@123> hundreds of times during the outage, and millions of phones buzzed at once," said Ines Marlow, Chatterbox's head of community.
Marlow said the new limit would allow one mass ping an hour in servers with more than 10,000 members.
"Nobody should be woken at 3 a.m. by a **bold** announcement about a [maintenance window](https://status.example.com/window)," she added.
"""

MARLOW_MODERATORS = """\
---
id: chatterbox-moderator-pay
title: "Chatterbox to pay volunteer moderators in pilot scheme"
source: Daily Byte
url: https://dailybyte.example.com/chatterbox-moderator-pay
published: 2024-11-20
---
Chatterbox will pay a stipend to volunteer moderators of its largest servers in a six-month pilot.
"Volunteers keep these communities safe, and it is time we paid them for it," Ines Marlow told reporters in Dublin.
According to Marlow, about 2,000 moderators will take part in the pilot.
Critics said the stipend was too small to matter.
"""

QUOTES = {
    "chatterbox-mass-pings.md": MARLOW_PINGS,
    "chatterbox-moderator-pay.md": MARLOW_MODERATORS,
}
