"""Discord extensions (cogs), one per area: asking, administration, messages."""
