#!/usr/bin/env python3
"""Latin transliteration of written Mongolian -> Unicode Mongolian script.

Used to draft crates/app/i18n/**/mn-Mong.toml. The scheme follows the usual
scholarly transliteration of the written language (not Khalkha Cyrillic):

  a e i o u, ö (or O), ü (or U), n, ng, b, p, q/k/h (all U+182C), γ/g (U+182D),
  m, l, s, š/sh, t, d, č/ch/c, ǰ/j, y, r, w, f, z.
  "n|g" keeps n and g apart (no ng); "-" between letters before a final a/e is
  the Mongolian vowel separator U+180E (odoγ-a); "+" is the narrow no-break
  space U+202F that joins a case suffix to its word (mongγol+un).
  An i after a vowel inside a word is written ᠶᠢ (the double tooth of the
  written form: üyile, bayiγulqu) unless the y is already written.
  ", " ". " ": " become ᠂ ᠃ ᠄. {placeholders}, `literal text`, digits, CJK
  and other punctuation pass through unchanged.
"""
import sys

VOWELS = {"a": "\u1820", "e": "\u1821", "i": "\u1822", "o": "\u1823", "u": "\u1824",
          "ö": "\u1825", "O": "\u1825", "ü": "\u1826", "U": "\u1826", "E": "\u1827"}
CONS = {"n": "\u1828", "b": "\u182a", "p": "\u182b", "q": "\u182c", "k": "\u182c",
        "h": "\u182c", "γ": "\u182d", "g": "\u182d", "m": "\u182e", "l": "\u182f",
        "s": "\u1830", "š": "\u1831", "t": "\u1832", "d": "\u1833", "č": "\u1834",
        "c": "\u1834", "ǰ": "\u1835", "j": "\u1835", "y": "\u1836", "r": "\u1837",
        "w": "\u1838", "f": "\u1839", "z": "\u183d", "K": "\u183a"}
DIGRAPHS = {"ng": "\u1829", "sh": "\u1831", "ch": "\u1834"}
MONG_VOWELS = set("\u1820\u1821\u1823\u1824\u1825\u1826\u1827")
PUNCT = {",": "\u1802", ".": "\u1803", ":": "\u1804", ";": "\u1802"}


def is_letter(ch):
    return ch in VOWELS or ch in CONS


def convert(s: str) -> str:
    out = []
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == "{":
            j = s.index("}", i)
            out.append(s[i:j + 1])
            i = j + 1
        elif ch == "`":
            j = s.index("`", i + 1)
            out.append(s[i + 1:j])
            i = j + 1
        elif ch == "|":
            i += 1
        elif ch == "+":
            out.append("\u202f")
            i += 1
        elif ch == "-" and i > 0 and is_letter(s[i - 1]) and i + 1 < n and s[i + 1] in "ae" \
                and (i + 2 >= n or not is_letter(s[i + 2])):
            out.append("\u180e")
            i += 1
        elif ch in PUNCT and (i + 1 >= n or s[i + 1] in " \u3000") and i > 0 and not s[i - 1].isdigit():
            out.append(PUNCT[ch])
            i += 1
        elif s[i:i + 2] in DIGRAPHS:
            out.append(DIGRAPHS[s[i:i + 2]])
            i += 2
        elif ch == "i" and out and out[-1] in MONG_VOWELS and i + 1 < n and is_letter(s[i + 1]):
            out.append("\u1836\u1822")
            i += 1
        elif ch in VOWELS:
            out.append(VOWELS[ch])
            i += 1
        elif ch in CONS:
            out.append(CONS[ch])
            i += 1
        elif (ch.isascii() and ch.isalpha()) or "\u0400" <= ch <= "\u04ff":
            raise ValueError(f"unexpected letter {ch!r} in {s!r}")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


if __name__ == "__main__":
    for line in sys.argv[1:] or sys.stdin:
        print(convert(line.rstrip("\n")))
