"""Search keys: the same folding for what is indexed and what is asked.

Diacritics-insensitive ("Kết luận" → "ket luan", "Đắk Nông" → "dak nong"), notation-aware (every
run of letters or digits is a token, so "160-TB/TW", "160 TB TW" and "160/TB" give 160, tb, tw),
and numbers lose leading zeros ("05-CT/TW" and "5-CT/TW" are one number).
"""

from __future__ import annotations

import re

from app.domain.text import fold

_TOKEN = re.compile(r"[^\W_]+")
#: Longest query we turn into a search expression (tokens beyond are ignored).
MAX_QUERY_TOKENS = 16


def tokens(text: str) -> list[str]:
    out = []
    for token in _TOKEN.findall(fold(text)):
        out.append(str(int(token)) if token.isascii() and token.isdigit() else token)
    return out


def index_text(*parts: str | None) -> str:
    """What the index stores for these parts: their tokens, space-separated."""
    return " ".join(t for part in parts if part for t in tokens(part))


def fts5_query(query: str) -> str | None:
    """An FTS5 MATCH expression: every token must occur; words match as prefixes ("ket luan"
    finds "kết luận"), numbers exactly (62 must not find 620). None when nothing is searchable."""
    terms = tokens(query)[:MAX_QUERY_TOKENS]
    if not terms:
        return None
    return " AND ".join(f'"{t}"' if t.isdigit() else f'"{t}"*' for t in terms)


def tsquery(query: str) -> str | None:
    """The same expression for PostgreSQL's to_tsquery('simple', …)."""
    terms = tokens(query)[:MAX_QUERY_TOKENS]
    if not terms:
        return None
    return " & ".join(t if t.isdigit() else f"{t}:*" for t in terms)


def matches(query: str, text: str) -> bool:
    """Whether `text` holds every token of `query` as the search box matches them: words as
    prefixes, numbers exactly ("160/TB" matches "160-TB/TW", "ket luan" matches "Kết luận")."""
    wanted = tokens(query)[:MAX_QUERY_TOKENS]
    if not wanted:
        return False
    have = tokens(text)
    numbers = set(have)
    return all(t in numbers if t.isdigit() else any(h.startswith(t) for h in have)
               for t in wanted)
