"""Message catalogs: both languages say the same things, and every key the grader uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from grader import i18n
from grader.i18n import bilingual, msg, normalise, tr
from grader.results import OUTCOMES

GRADER = Path(i18n.__file__).resolve().parent
# msg("key", ...) / tr('key') with a literal key; 'status_' + outcome is not one
KEY_USE = re.compile(r"""\b(?:msg|tr)\(\s*(["'])(\w+)\1\s*[,)]""")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def used_keys() -> dict[str, str]:
    """{key: first file using it} for every literal msg("...") / tr("...") in the grader."""
    keys: dict[str, str] = {}
    for path in sorted(GRADER.rglob("*.py")):
        for match in KEY_USE.finditer(path.read_text(encoding="utf-8")):
            keys.setdefault(match.group(2), path.relative_to(GRADER.parent).as_posix())
    return keys


EN, ZH = i18n.catalog("en"), i18n.catalog("zh-TW")
USED = used_keys()


def test_catalogs_have_the_same_keys():
    assert sorted(EN.keys() - ZH.keys()) == []
    assert sorted(ZH.keys() - EN.keys()) == []


@pytest.mark.parametrize("key", sorted(EN))
def test_same_placeholders_in_both_languages(key):
    assert placeholders(ZH.get(key, "")) == placeholders(EN[key])


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_is_a_non_empty_string(lang):
    catalog = i18n.catalog(lang)
    assert all(isinstance(v, str) and v.strip() for v in catalog.values())


def test_the_key_scan_finds_keys():
    """Guards the regex: if it matched nothing, the next test could not fail."""
    assert {"diag_sign", "grad_mismatch", "seed"} <= USED.keys()


@pytest.mark.parametrize("key", sorted(USED))
def test_every_key_used_by_the_grader_exists(key):
    assert key in EN, f"{USED[key]} uses msg/tr({key!r}), which en.toml does not define"


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_every_outcome_has_a_status_label(outcome):
    """report.py builds these keys as 'status_' + outcome, which the scan cannot see."""
    assert f"status_{outcome}" in EN


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh_TW.UTF-8", "zh-TW"), ("zh-TW", "zh-TW"), ("zh-tw", "zh-TW"), ("zh_TW", "zh-TW"),
    ("zh-Hant", "zh-TW"), ("zh-Hant-TW", "zh-TW"), ("zh_HK.UTF-8", "zh-TW"),
    ("en", "en"), ("en_US.UTF-8", "en"), ("fr_FR", "en"), ("fr_FR.UTF-8", "en"),
    ("zh_CN.UTF-8", "en"), ("C", "en"), ("", "en"), (None, "en"),
])
def test_normalise(lang, expected):
    assert normalise(lang) == expected


@pytest.mark.parametrize(("variables", "expected"), [
    ({"GRADE_LANG": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh-TW"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh-TW"),
    ({"LANG": "zh-Hant"}, "zh-TW"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
])
def test_from_environment(monkeypatch, variables, expected):
    for name in ("GRADE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert i18n.from_environment() == expected


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_text_renders_in_the_asked_language(lang):
    text = msg("diag_batch_missing", n=32)
    assert text.render(lang) == i18n.catalog(lang)["diag_batch_missing"].format(n=32)
    assert "32" in text.render(lang)


def test_text_renders_differently_per_language():
    text = msg("diag_zeros")
    assert text.render("en") == "your values are all zeros"
    assert text.render("zh-TW") != text.render("en")


def test_nested_text_parameters_render_in_the_same_language():
    text = msg("raised", call="f(x)", type="ValueError", message=msg("diag_zeros"))
    assert text.render("zh-TW").endswith(ZH["diag_zeros"])
    assert text.render("en").endswith(EN["diag_zeros"])


@pytest.mark.parametrize(("text", "lang", "expected"), [
    (bilingual("Hello", "你好"), "en", "Hello"),
    (bilingual("Hello", "你好"), "zh-TW", "你好"),
    (bilingual("Hello"), "zh-TW", "Hello"),
    (bilingual("Hello", "你好"), "fr", "Hello"),
])
def test_bilingual(text, lang, expected):
    assert text.render(lang) == expected


def test_current_language_is_used_by_default(monkeypatch):
    monkeypatch.setattr(i18n, "_current", i18n.FALLBACK)  # restored after the test
    i18n.set_language("zh_TW.UTF-8")
    assert i18n.current() == "zh-TW"
    assert str(msg("diag_zeros")) == ZH["diag_zeros"]
    assert str(bilingual("Hello", "你好")) == "你好"
    assert tr("diag_zeros") == ZH["diag_zeros"]
    i18n.set_language("de")
    assert str(msg("diag_zeros")) == EN["diag_zeros"]


def test_unknown_key_renders_as_the_key():
    assert tr("no_such_key", "zh-TW") == "no_such_key"
