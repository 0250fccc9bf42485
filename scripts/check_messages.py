"""Fails when the English catalogue misses a translation (run after makemessages).

Usage: python scripts/check_messages.py locale/en/LC_MESSAGES/django.po
"""

import sys

import polib


def main(path: str) -> int:
    catalogue = polib.pofile(path)
    missing = [e for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    if missing:
        print(f"{len(missing)} chuỗi chưa có bản dịch tiếng Anh trong {path}:")
        for entry in missing[:40]:
            where = entry.occurrences[0] if entry.occurrences else ("?", "")
            print(f"  {where[0]}:{where[1]}  {entry.msgid[:80]!r}")
        print("Chạy `make messages`, dịch các chuỗi trên rồi chạy lại.")
        return 1
    print(f"Bản dịch tiếng Anh đầy đủ: {len(catalogue.translated_entries())} chuỗi.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
