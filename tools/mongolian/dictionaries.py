#!/usr/bin/env python3
"""Writes migration 0048 (SQLite and PostgreSQL): Mongolian labels for the
seeded dictionary entries that were seeded without one, from the Latin
drafts in drafts/dictionaries.txt (converted by translit.py).

Checks before writing: every seeded entry without a Mongolian label is
drafted (and nothing else), and where the catalogue already translates the
same Chinese text, the draft is exactly that translation, so a category
reads the same in a list of cases as in the case statistics. Run once to
draft; after that the migration is the record (applied migrations must not
change), and reviewers correct labels on the dictionaries page.
"""
import re
import sys
import tomllib
from pathlib import Path

from build_catalogue import read_drafts

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MIGRATIONS = ROOT / "crates/store/migrations"
NAME = "0048_dictionary_labels_mn.sql"
# One seeded row: ('kind', 'key', 'label_zh', NULL or 'label_mn', …
ROW = re.compile(r"\(\s*'([a-z_]+)',\s*'([a-z0-9_]+)',\s*'([^']*)',\s*(NULL|'[^']*')")

HEADER = """-- Mongolian labels for the seeded dictionary entries that had none
-- (issue 17 item 1): activity types, programmes, need categories (which are
-- also the public help page's request categories), visit tags, Women's Home
-- facilities and case types showed their Chinese on Mongolian pages.
-- Drafts in traditional script, like the rest of the catalogue, awaiting the
-- bilingual reviewer; written from tools/mongolian/drafts/dictionaries.txt by
-- tools/mongolian/dictionaries.py. Only an empty label is filled, so a label
-- a region administrator has already written is kept.
"""


def seeded():
    """(kind, key) -> (label_zh, has Mongolian) over the SQLite seeds, in order."""
    out = {}
    for p in sorted((MIGRATIONS / "sqlite").glob("*.sql")):
        if p.name >= NAME:
            continue
        text = p.read_text(encoding="utf-8")
        for block in re.findall(r"INSERT INTO dict_entries \(.*?\) VALUES(.*?);", text, re.S):
            for kind, key, zh, mn in ROW.findall(block):
                out[(kind, key)] = (zh, mn != "NULL" and mn != "''")
    return out


def catalogue():
    """Chinese text -> the set of its Mongolian translations in the catalogue."""
    def flat(d, p=""):
        for k, v in d.items():
            if isinstance(v, dict):
                yield from flat(v, p + k + ".")
            else:
                yield p + k, v

    out = {}
    for zh in (ROOT / "crates/app/i18n").rglob("zh-CN.toml"):
        z = dict(flat(tomllib.loads(zh.read_text(encoding="utf-8"))))
        m = dict(flat(tomllib.loads(zh.with_name("mn-Mong.toml").read_text(encoding="utf-8"))))
        for k, v in z.items():
            if k in m:
                out.setdefault(v, set()).add(m[k])
    return out


def sql(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    drafts = read_drafts([HERE / "drafts/dictionaries.txt"])
    seeds = seeded()
    cat = catalogue()
    want = {f"{k}.{key}" for (k, key), (_, has) in seeds.items() if not has}
    bad = False
    if missing := sorted(want - set(drafts)):
        print("not drafted:", missing)
        bad = True
    if extra := sorted(set(drafts) - want):
        print("drafted but not a seeded entry without Mongolian:", extra)
        bad = True
    lines = [HEADER]
    for (kind, key), (zh, has) in seeds.items():
        name = f"{kind}.{key}"
        if has or name not in drafts:
            continue
        mn = drafts[name]
        known = cat.get(zh, set())
        if known and mn not in known:
            print(f"{name} ({zh}): the catalogue has {sorted(known)}, the draft {mn!r}")
            bad = True
        lines.append(
            f"UPDATE dict_entries SET label_mn = {sql(mn)}\n"
            f"    WHERE kind = {sql(kind)} AND key = {sql(key)} AND (label_mn IS NULL OR label_mn = '');"
        )
    if bad:
        sys.exit(1)
    text = "\n".join(lines) + "\n"
    for backend in ("sqlite", "postgres"):
        (MIGRATIONS / backend / NAME).write_text(text, encoding="utf-8")
    print(f"{NAME}: {len(lines) - 1} labels")


if __name__ == "__main__":
    main()
