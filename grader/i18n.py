"""Message catalogs: every sentence a student reads, in English and Traditional Chinese.

Messages are looked up by key in grader/locales/<lang>.toml and formatted with str.format.
A `Text` holds a key and its parameters and renders in whichever language is current, so a
failure raised deep in a check is rendered once, in the student's language, by the report.
"""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

LANGUAGES = ("en", "zh-TW")
FALLBACK = "en"
_current = FALLBACK


@cache
def catalog(lang: str) -> dict[str, str]:
    path = Path(__file__).parent / "locales" / f"{lang}.toml"
    with path.open("rb") as handle:
        return tomllib.load(handle)


def normalise(lang: str | None) -> str:
    """Map 'zh_TW.UTF-8', 'zh-Hant', 'zh-tw' ... to 'zh-TW'; anything unknown to English."""
    if not lang:
        return FALLBACK
    tag = lang.replace("_", "-").split(".")[0].lower()
    if tag.startswith(("zh-tw", "zh-hant", "zh-hk", "zh-mo")):
        return "zh-TW"
    return FALLBACK


def from_environment() -> str:
    """The language the locale asks for (LC_ALL, LC_MESSAGES, LANG), else English."""
    for variable in ("GRADE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(variable):
            return normalise(os.environ[variable])
    return normalise(locale.getlocale()[0])


def set_language(lang: str) -> None:
    global _current
    _current = normalise(lang) if lang not in LANGUAGES else lang


def current() -> str:
    return _current


def tr(key: str, lang: str | None = None, **params) -> str:
    """The message `key` in `lang` (default: the current language), formatted with params."""
    lang = lang or _current
    template = catalog(lang).get(key) or catalog(FALLBACK).get(key) or key
    return template.format(**params)


@dataclass(frozen=True)
class Text:
    """A message not yet rendered: a catalog key, or literal text per language."""

    key: str = ""
    params: dict = field(default_factory=dict)
    literal: dict = field(default_factory=dict)  # {"en": ..., "zh-TW": ...}

    def render(self, lang: str | None = None) -> str:
        lang = lang or _current
        if self.literal:
            return self.literal.get(lang) or self.literal.get(FALLBACK, "")
        params = {k: v.render(lang) if isinstance(v, Text) else v for k, v in self.params.items()}
        return tr(self.key, lang, **params)

    def __str__(self) -> str:
        return self.render()


def msg(key: str, **params) -> Text:
    return Text(key=key, params=params)


def bilingual(en: str, zh_tw: str | None = None) -> Text:
    """Literal text written by a check's author, with an optional Traditional-Chinese form."""
    return Text(literal={"en": en, "zh-TW": zh_tw or en})
