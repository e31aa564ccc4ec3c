"""Vietnamese text: NFC, a folded key for matching names, and the Vietnamese sort order."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The five tone marks. Vowel-quality marks (breve, circumflex, horn) and đ stay part of the letter.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_TONE = re.compile("[" + "".join(sorted(_TONES)) + "]")
_PUNCT = re.compile(r"[\s,.;:\-–—()\"'/]+")


def nfc(text: str) -> str:
    """NFC with runs of white space folded to one space and trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """A key under which two spellings of one name are equal.

    Case, white space and punctuation are ignored, and each word's tone mark is moved to the end of
    the word, so that the old and new tone placements ("Thanh Hoá" / "Thanh Hóa") meet while
    different tones ("Hòa" / "Hóa") stay different.
    """
    if text.isascii():  # no tone marks, nothing to normalise: only case and punctuation
        return " ".join(filter(None, _PUNCT.split(text.lower())))
    words = []
    for word in _PUNCT.split(unicodedata.normalize("NFD", text.casefold())):
        if not word:
            continue
        tones = _TONE.findall(word)
        if tones:
            words.append(unicodedata.normalize("NFC", _TONE.sub("", word)) + "".join(tones))
        else:
            words.append(unicodedata.normalize("NFC", word))
    return " ".join(words)


def search(items, query: str, name=lambda x: x) -> list:
    """The items whose ``name(item)`` contains ``query`` under ``fold`` (case, spaces, punctuation and
    tone placement ignored: "thanh hoá" finds "Sở Y tế Thanh Hóa"), in their order; every item for an
    empty query."""
    wanted = fold(query)
    return [item for item in items if wanted in fold(name(item))] if wanted else list(items)


@lru_cache(maxsize=1)
def _collator():
    import icu  # PyICU (pyicu-wheels): CLDR's Vietnamese collation; sorted() and pyuca get it wrong.

    collator = icu.Collator.createInstance(icu.Locale("vi_VN"))
    return collator


def sort_key(text: str) -> bytes:
    """Sort key in Vietnamese alphabetical order (a ă â b c d đ e ê …, tones after letters)."""
    return _collator().getSortKey(nfc(text))


def sorted_vi(items, key=lambda x: x):
    """Items sorted the Vietnamese way by ``key(item)``."""
    return sorted(items, key=lambda item: sort_key(key(item)))


_ITEM_SEP = re.compile(r"[;\r\n]+")
_NO_ITEMS = {"không có", "khong co", "-", "0", "không"}


def split_items(text: str) -> tuple[str, ...]:
    """The named items of a list cell ("Quản lý văn bản; Một cửa điện tử", or one per line), in NFC,
    each once: two spellings of one name (case, spaces, tone placement) count as one item.
    "không có" or "-" alone is the empty list."""
    if fold(text) in {fold(w) for w in _NO_ITEMS}:
        return ()
    seen: dict[str, str] = {}
    for part in _ITEM_SEP.split(text):
        item = nfc(part)
        key = fold(item)
        if key and key not in seen:
            seen[key] = item
    return tuple(seen.values())
