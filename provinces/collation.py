"""Vietnamese alphabetical order (a ă â b c d đ e ê …), which byte order gets wrong (Đ after Z)."""

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_ORDER = {letter: index for index, letter in enumerate(ALPHABET)}
# Tone marks: sorted after the letter's base form, in the conventional order.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_KEEP = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def vietnamese_key(text: str) -> tuple:
    """A sort key: letters by the Vietnamese alphabet, then tones, then the raw text."""
    letters, tones = [], []
    for char in text.lower():
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _KEEP)
        tone = next((_TONES[c] for c in decomposed if c in _TONES), 0)
        base = unicodedata.normalize("NFC", base)
        letters.append(_ORDER.get(base, 100 + ord(base[0]) if base else 0))
        tones.append(tone)
    return (letters, tones, text)


def sort_by_name(items, name=lambda item: item.name):
    """``items`` in Vietnamese alphabetical order of ``name(item)``."""
    return sorted(items, key=lambda item: vietnamese_key(name(item)))
