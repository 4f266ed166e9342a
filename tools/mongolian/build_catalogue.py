#!/usr/bin/env python3
"""Builds crates/app/i18n/**/mn-Mong.toml from the Latin drafts in drafts/.

Each draft file holds `[section]` headers and `key = transliteration` lines
(the value unquoted, to the end of the line). The output follows the order,
sections and comments of the matching zh-CN.toml, so the two files read
side by side. Run once to draft; after that the TOML files are the source
(reviewers edit them directly), so do not re-run over reviewed entries.
"""
import re
import sys
from pathlib import Path

from translit import convert

HERE = Path(__file__).resolve().parent
I18N = HERE.parents[1] / "crates/app/i18n"
KEY_LINE = re.compile(r'^(\s*)("[^"]+"|[A-Za-z0-9_\-]+)\s*=\s*(.*)$')
HEADER = re.compile(r"^\s*\[([^\]]+)\]\s*$")

FILE_HEADER = """# Message catalogue, traditional Mongolian script (mn-Mong).
#
# DRAFT: every entry was drafted without native review (from a Latin
# transliteration, see tools/mongolian/ and docs/mongolian-glossary.md) and
# awaits review on the translation page. An entry's status is "draft" until
# a reviewer marks it reviewed; reviewed keys are listed in mn-Mong.reviewed
# next to this file. Keys, order and sections follow zh-CN.toml; keep the
# placeholders ({n}, {unit} ...) exactly as in Chinese.
"""


def unquote(k):
    return k[1:-1] if k.startswith('"') else k


def read_drafts(paths):
    out = {}
    for p in paths:
        section = ""
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if m := HEADER.match(line):
                section = m.group(1)
                continue
            m = KEY_LINE.match(line)
            if not m:
                sys.exit(f"{p}:{n}: cannot read {line!r}")
            key = f"{section}.{unquote(m.group(2))}" if section else unquote(m.group(2))
            if key in out:
                sys.exit(f"{p}:{n}: {key} drafted twice")
            try:
                out[key] = convert(m.group(3).strip())
            except ValueError as e:
                sys.exit(f"{p}:{n}: {e}")
    return out


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(zh: Path, drafts: dict, out: Path):
    lines = zh.read_text(encoding="utf-8").splitlines()
    res, section, missing, used = [], "", [], set()
    first_comment = True
    for line in lines:
        if first_comment and line.startswith("#") and "Chinese" in line:
            res.append(FILE_HEADER.rstrip("\n"))
            first_comment = False
            continue
        if m := HEADER.match(line):
            section = m.group(1)
            res.append(line)
            continue
        m = KEY_LINE.match(line)
        if m and not line.lstrip().startswith("#"):
            key = f"{section}.{unquote(m.group(2))}" if section else unquote(m.group(2))
            if key not in drafts:
                missing.append(key)
                continue
            used.add(key)
            res.append(f"{m.group(1)}{m.group(2)} = {toml_str(drafts[key])}")
        else:
            res.append(line)
    if first_comment:
        res.insert(0, FILE_HEADER)
    out.write_text("\n".join(res) + "\n", encoding="utf-8")
    return missing, used


def main():
    d = HERE / "drafts"
    jobs = [
        (I18N / "zh-CN.toml", sorted(d.glob("shared-*.txt")), I18N / "mn-Mong.toml"),
        (I18N / "homes/zh-CN.toml", [d / "homes.txt"], I18N / "homes/mn-Mong.toml"),
        (I18N / "honours/zh-CN.toml", [d / "honours.txt"], I18N / "honours/mn-Mong.toml"),
        (I18N / "offline/zh-CN.toml", [d / "offline.txt"], I18N / "offline/mn-Mong.toml"),
        (I18N / "demonstrations/zh-CN.toml", [d / "demonstrations.txt"], I18N / "demonstrations/mn-Mong.toml"),
        (I18N / "training/zh-CN.toml", [d / "training.txt"], I18N / "training/mn-Mong.toml"),
    ]
    bad = False
    for zh, paths, out in jobs:
        drafts = read_drafts(paths)
        missing, used = build(zh, drafts, out)
        extra = sorted(set(drafts) - used)
        if missing or extra:
            bad = True
            print(f"{zh}: missing {missing}\n  extra {extra}")
        print(f"{out}: {len(used)} entries")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
