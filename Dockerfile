# Newsdesk: the Discord bot with the sample articles indexed at build time.
#   docker build -t newsdesk .
#   docker run --rm -e DISCORD_TOKEN=... newsdesk
# Mount your own collection and index with -v and point NEWSDESK_SOURCES / NEWSDESK_INDEX_DIR at
# them; without DISCORD_TOKEN the bot opens its console chat (docker run -it).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    NEWSDESK_INDEX_DIR=/data/index \
    NEWSDESK_SOURCES=/app/data/articles

WORKDIR /app

# The CPU build of PyTorch first, in its own layer: a bare "torch" would pull the CUDA build.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

COPY pyproject.toml README.md ./
COPY index/ index/
COPY bot/ bot/
RUN pip install --no-cache-dir . \
    && groupadd --gid 10001 newsdesk \
    && useradd --create-home --uid 10001 --gid 10001 newsdesk \
    && mkdir -p /data \
    && chown newsdesk:newsdesk /data

COPY data/ data/

# The bot rebuilds the index on /reindex, so the index belongs to the user the bot runs as.
USER 10001:10001
RUN python -m index build data/articles --index /data/index

CMD ["python", "-m", "bot"]
