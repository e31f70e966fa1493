"""Following outlets: feeds and article pages fetched politely, read with care, indexed on time.

One module per idea:

``fetch``      the HTTP client: timeouts, caps, compression, conditional GET, robots.txt,
               User-Agent, per-host concurrency and politeness delay
``parse``      RSS 0.9x/2.0 and Atom (feedparser), JSON Feed 1.x, autodiscovery on a homepage
``identity``   which article an entry is (GUID, canonical URL less tracking, hash) and whether
               it changed
``pages``      an article page read with trafilatura and its own metadata (JSON-LD, Open Graph,
               canonical), with the feed entry as fallback (articles marked partial)
``state``      each feed's state and the entries seen, in ``<index>/feeds.sqlite``
``scheduler``  when a feed is due, backoff with jitter, disabling, the clock, one poller per index
``poller``     a poll: due feeds fetched in parallel, new and changed entries read, their articles
               handed to the index in one call
"""
