"""The service catalogue as the screens use it: browse by category, look an item up by code, and
search the way citizens type at a kiosk.

A citizen may type Chinese (社会保障卡, or the everyday 社保卡), pinyin initials (sbk), full pinyin
without tones (shehuibaozhangka, shebao, or half-typed: shehuib), or the code on a leaflet
(SM001). Results come in tiers, best first, and in catalogue order inside a tier:

    1 exact name or code     2 name prefix, or code prefix once a digit is typed
    3 Chinese substring      4 pinyin initials       5 full pinyin (last syllable may be partial)
    6 any prefix of each syllable (shbzk), tried only when tiers 4 and 5 found nothing
    7 the English name, from the start of a word (for the English screens)

Everyday abbreviations (社保卡 → 社会保障卡) are handled by giving an item extra "alias" names at
construction (社保卡申领 for 社会保障卡申领), so they match in Chinese and in pinyin (shebao) alike.

Speed: pypinyin is slow, so readings are looked up once per distinct character and every name is
encoded once into one text, each character as a block of its readings: 行 → <xing|hang|heng>.
A query becomes one regular expression over that text, so the per-keystroke work is a few scans in
C rather than a Python loop per item — and a character with several readings matches on any of
them without multiplying names out.
"""
from __future__ import annotations

import bisect
import functools
import re
import threading
import unicodedata


from kiosk.config import Category, ServiceItem

# Everyday word → the official wording it stands for in item names. An item whose name contains
# the official wording also answers to the everyday one. Keep it short: every entry is a promise.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "社保卡": ("社会保障卡",),
    "医保卡": ("社会保障卡",),          # in Guangdong the social security card is the medical card
    "社保": ("社会保险", "社会保障"),
    "医保": ("医疗保险", "医疗保障"),
    "公积金": ("住房公积金",),
    "身份证": ("居民身份证",),
    "港澳": ("往来港澳",),
    "低保": ("最低生活保障",),
    "个税": ("个人所得税",),
    "驾照": ("机动车驾驶证",),
    "环评": ("环境影响",),
    "房产证": ("不动产权证书",),
    "过户": ("转移登记",),
    "失业金": ("失业保险金",),
    "养老金": ("养老保险待遇",),
    "施工证": ("施工许可证",),
    "注册": ("设立登记",),
    "结婚": ("婚姻登记",),
    "离婚": ("婚姻登记",),
}

EXACT, PREFIX, SUBSTRING = range(3)     # the Chinese tiers, as indices into a list of lists

_LATIN_QUERY = re.compile(r"[a-z0-9]+")
# A regex this long would only come from a runaway paste; pinyin of the longest name fits easily.
_MAX_PINYIN_QUERY = 64

# Building blocks of the pinyin regexes. The text holds one block per character, "<she>" or
# "<xing|hang|heng>"; START enters a block at the start of any one of its readings.
_START = r"<(?:[^>]*\|)?"
# What may stand between two typed letters:
_NEXT_AFTER_INITIAL = r"[^>]*>" + _START                # always the next character
_NEXT_AFTER_FULL = r"(?:(?:\|[^>]*)?>" + _START + ")?"  # the next character once a reading is complete
_NEXT_AFTER_PREFIX = r"(?:[^>]*>" + _START + ")?"       # the next character after any prefix


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no spaces: what a search compares."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(text.split())


@functools.lru_cache(maxsize=None)
def readings(char: str) -> tuple[str, ...]:
    """Every toneless pinyin reading of one character (行 → xing, hang, heng), cached because
    pypinyin is the slow part of building an index. A letter or digit reads as itself;
    punctuation has no reading and is skipped."""
    if char.isascii():
        return (char,) if char.isalnum() else ()
    if not ("\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"):
        return ()
    from pypinyin import Style, pinyin   # here, not at the top: loading it costs ~0.4 s of start-up
    found: list[str] = []
    for r in pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")[0]:
        # ü is typed v on a pinyin keyboard (lv), but people also type u (lu): accept both.
        for variant in (r, r.replace("v", "u")):
            if variant.isascii() and variant.isalpha() and variant not in found:
                found.append(variant)
    return tuple(found) or ("?",)   # a character pypinyin does not know breaks a pinyin match


def pinyin_blocks(name: str) -> str:
    """A name as the search text stores it: 银行 → <yin><xing|hang|heng>."""
    return "".join("<" + "|".join(r) + ">" for r in map(readings, name) if r)


def aliases(name: str) -> list[str]:
    """The everyday names an item also answers to: 社会保障卡申领 → 社保卡申领, 医保卡申领."""
    found: list[str] = []
    for short, longs in SYNONYMS.items():
        for long in longs:
            if long in name:
                alias = name.replace(long, short)
                if alias != name and alias not in found:
                    found.append(alias)
    return found


class Catalogue:
    """The hall's service items, in the order the configuration lists them."""

    def __init__(self, categories: list[Category]):
        self.categories = list(categories)
        self.items: list[ServiceItem] = [item for cat in self.categories for item in cat.items]
        self._by_category = {cat.code: list(cat.items) for cat in self.categories}
        self._by_code: dict[str, ServiceItem] = {}
        for item in self.items:
            if item.code in self._by_code:
                raise ValueError(f"duplicate service item code '{item.code}'")
            self._by_code[item.code] = item
        self._index_lock = threading.Lock()
        self._indexed = False

    def prepare(self) -> None:
        """Build the search index now (the kiosk does it on a background thread at start-up,
        so the home screen does not wait for pypinyin); search() builds it if still missing."""
        with self._index_lock:
            if not self._indexed:
                self._build_index()
                self._indexed = True

    # ------------------------------------------------------------ browsing
    def items_in(self, category_code: str) -> list[ServiceItem]:
        """The items of one category, in catalogue order; KeyError for an unknown category."""
        return list(self._by_category[category_code])

    def item(self, code: str) -> ServiceItem:
        """The item with this code; KeyError if the catalogue has none."""
        return self._by_code[code]

    # ------------------------------------------------------------ search
    def _build_index(self) -> None:
        self._codes = [normalise(item.code) for item in self.items]
        self._names: list[tuple[str, ...]] = []
        self._joined: list[str] = []          # all names of an item in one string: one `in` test
        self._english: list[tuple[str, frozenset[int]]] = []
        blocks: list[str] = []
        self._entry_starts: list[int] = []    # where each name's blocks start in the pinyin text
        self._entry_item: list[int] = []
        self._item_spans: list[tuple[int, int]] = []   # each item's names in the pinyin text
        offset = 0
        for index, item in enumerate(self.items):
            names = tuple(dict.fromkeys(normalise(n) for n in [item.name, *aliases(item.name)]))
            self._names.append(names)
            self._joined.append("\n".join(names))
            self._english.append(_english_key(item.name_en))
            first = offset
            for name in names:
                self._entry_starts.append(offset)
                self._entry_item.append(index)
                entry = pinyin_blocks(name) + "\n"
                blocks.append(entry)
                offset += len(entry)
            self._item_spans.append((first, offset))
        self._pinyin_text = "".join(blocks)
        self._pinyin_letters = set(self._pinyin_text) - set("<|>\n")

    def search(self, text: str, limit: int = 30) -> list[ServiceItem]:
        """Items matching what the citizen typed, best first; [] for an empty query."""
        q = normalise(text)
        if not q or limit <= 0:
            return []
        self.prepare()
        found = self._chinese_matches(q)
        latin = q.replace("'", "").replace("ü", "v")       # xi'an and lü, as people type them
        if len(found) < limit and _LATIN_QUERY.fullmatch(latin):
            # A letter no reading contains (or a digit no name has) cannot match: skip the scan.
            if len(latin) <= _MAX_PINYIN_QUERY and set(latin) <= self._pinyin_letters:
                found += self._pinyin_matches(latin, set(found), limit - len(found))
            if len(found) < limit:
                found += self._english_matches(latin, set(found), limit - len(found))
        return [self.items[i] for i in found[:limit]]

    def _chinese_matches(self, q: str) -> list[int]:
        """Tiers 1-3: exact, prefix, substring of a name (aliases included) or of the code."""
        tiers: list[list[int]] = [[], [], []]
        code_prefix_ok = any(c.isdigit() for c in q)   # "sm" alone is pinyin, not a code
        for i, joined in enumerate(self._joined):
            code = self._codes[i]
            if q == code or q in self._names[i]:
                tiers[EXACT].append(i)
            elif code_prefix_ok and code.startswith(q):
                tiers[PREFIX].append(i)
            elif q in joined:
                tier = PREFIX if any(n.startswith(q) for n in self._names[i]) else SUBSTRING
                tiers[tier].append(i)
        return tiers[EXACT] + tiers[PREFIX] + tiers[SUBSTRING]

    def _pinyin_matches(self, q: str, exclude: set[int], wanted: int) -> list[int]:
        """Tiers 4-6: pinyin initials, then full pinyin, then - only when neither found anything,
        because it is loose enough to be noise otherwise - any prefix of each reading."""
        found = self._scan(_pinyin_pattern(q, _NEXT_AFTER_INITIAL), exclude, wanted)
        if len(q) == 1:                  # one letter reads the same in every tier
            return found
        if len(found) < wanted:
            found += self._scan(_pinyin_pattern(q, _NEXT_AFTER_FULL), exclude | set(found),
                                wanted - len(found))
        if not found:
            found = self._scan(_pinyin_pattern(q, _NEXT_AFTER_PREFIX), exclude, wanted)
        return found

    def _scan(self, pattern: re.Pattern, exclude: set[int], wanted: int) -> list[int]:
        """Up to `wanted` items, in catalogue order, one of whose names the pattern matches."""
        text, pos, found = self._pinyin_text, 0, []
        while len(found) < wanted and (m := pattern.search(text, pos)) is not None:
            index = self._entry_item[bisect.bisect_right(self._entry_starts, m.start()) - 1]
            if index not in exclude:
                found.append(index)
            pos = self._item_spans[index][1]    # one match per item is all the ranking needs
        return found

    def _english_matches(self, q: str, exclude: set[int], wanted: int) -> list[int]:
        """Tier 7: the English name, matched at the start of a word (for the English screens)."""
        found = []
        for i, (words, starts) in enumerate(self._english):
            if i not in exclude and _at_word_start(words, starts, q):
                found.append(i)
                if len(found) >= wanted:
                    break
        return found


def _pinyin_pattern(q: str, between: str) -> re.Pattern:
    # The first letter comes first and its "starts a reading" check second (a look-behind), so
    # the regex engine can skip through the text looking for that letter alone: 3-10x faster
    # than entering every block. re caches compiled patterns, so retyping does not recompile.
    letters = list(map(re.escape, q))
    first = letters[0] + r"(?<=[<|]" + letters[0] + ")"
    return re.compile(first + between + between.join(letters[1:]) if len(letters) > 1 else first)


def _english_key(name_en: str) -> tuple[str, frozenset[int]]:
    """'Social security card' → ('socialsecuritycard', {0, 6, 14}): spaces go, as in the query,
    but a match still has to begin at the start of a word."""
    words = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", name_en).lower())
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w)
    return "".join(words), frozenset(starts)


def _at_word_start(words: str, starts: frozenset[int], q: str) -> bool:
    pos = words.find(q)
    while pos != -1:
        if pos in starts:
            return True
        pos = words.find(q, pos + 1)
    return False
