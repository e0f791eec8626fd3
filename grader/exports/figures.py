"""The summary report's figures: the score distribution of every exercise and the pass rate of
each exercise's checks, as PNGs.

    OUT/figures/scores.png    the score distribution per exercise, its maximum marked
    OUT/figures/checks_NN.png the pass rate of every check of exercise NN, in the order of
                              the exercise, visible and hidden checks in different colours

Figures are drawn with matplotlib's Agg canvas (no pyplot, no display), imported only inside
the functions. Their text is in the report's language when a font with Traditional-Chinese
glyphs is installed, in English otherwise; a label a font cannot draw falls back to its
English form, so matplotlib never warns about a missing glyph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from grader.exports.common import ExerciseInfo, points, safe_names
from grader.exports.passrates import ExerciseStats
from grader.i18n import tr

CJK_PROBE = "練習分數檢查通過率滿分"  # a font must draw all of these to draw the zh-TW figures
VISIBLE_COLOUR, HIDDEN_COLOUR, FLAG_COLOUR, MAX_COLOUR = "#4c72b0", "#dd8452", "#b91c1c", "#b91c1c"
FIGURES = "figures"


@cache
def _cjk_font() -> str | None:
    """The name of an installed font that draws Traditional Chinese, if any."""
    from matplotlib import font_manager, ft2font

    for font in font_manager.fontManager.ttflist:
        if "last resort" in font.name.lower():  # draws a box for every code point
            continue
        try:
            charmap = ft2font.FT2Font(font.fname).get_charmap()
        except (OSError, RuntimeError, ValueError):
            continue
        if all(ord(ch) in charmap for ch in CJK_PROBE):
            return font.name
    return None


@cache
def _charmap(families: tuple[str, ...]) -> frozenset[int]:
    from matplotlib import font_manager, ft2font

    codes: set[int] = set()
    for family in families:
        path = font_manager.findfont(font_manager.FontProperties(family=family))
        codes |= set(ft2font.FT2Font(path).get_charmap())
    return frozenset(codes)


@dataclass(frozen=True)
class _Fonts:
    lang: str  # the language the figures are written in
    families: tuple[str, ...]

    def drawable(self, text: str) -> bool:
        charmap = _charmap(self.families)
        return all(ord(ch) in charmap for ch in text if ch != "\n")

    def label(self, text: str, fallback: str) -> str:
        """`text` if the fonts draw it, else `fallback` (made ASCII); '$' is not mathtext."""
        if not self.drawable(text):
            text = fallback if self.drawable(fallback) else fallback.encode("ascii", "replace"
                                                                            ).decode()
        return text.replace("$", r"\$")

    def text(self, key: str, **params) -> str:
        """Message `key` in the figures' language, or in English if the fonts cannot draw it."""
        return self.label(tr(key, self.lang, **params), tr(key, "en", **params))


def _fonts(lang: str) -> _Fonts:
    cjk = _cjk_font() if lang != "en" else None
    if cjk:
        return _Fonts(lang, (cjk, "DejaVu Sans"))
    return _Fonts("en", ("DejaVu Sans",))


def _exercise_title(info: ExerciseInfo, fonts: _Fonts) -> str:
    english = info.exercise.title_in("en") if info.exercise else ""
    wanted = tr("report_heading", fonts.lang, code=info.code, title=info.title).rstrip(" ·")
    fallback = tr("report_heading", "en", code=info.code, title=english).rstrip(" ·")
    return fonts.label(wanted, fallback)


def _new_figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _scores_figure(stats: list[ExerciseStats], fonts: _Fonts, path: Path) -> None:
    import numpy as np

    columns = min(3, len(stats))
    rows = math.ceil(len(stats) / columns)
    figure = _new_figure(4.4 * columns, 3.2 * rows)
    figure.suptitle(fonts.text("summary_scores_figure"))
    for i, exercise in enumerate(stats):
        axes = figure.add_subplot(rows, columns, i + 1)
        top = exercise.info.max_score if exercise.info.max_score > 0 else 1.0
        bins = np.linspace(0, top, min(20, max(1, math.ceil(top))) + 1)
        axes.hist(np.clip(exercise.scores, 0, top), bins=bins, color=VISIBLE_COLOUR,
                  edgecolor="white")
        axes.axvline(top, color=MAX_COLOUR, linestyle="--", linewidth=1.5,
                     label=fonts.text("summary_max_marker", max=points(top)))
        axes.set_title(_exercise_title(exercise.info, fonts), fontsize=10)
        axes.set_xlabel(fonts.text("summary_axis_score"))
        axes.set_ylabel(fonts.text("summary_submissions"))
        axes.set_xlim(0, top * 1.05)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(loc="upper left", fontsize=8)
    figure.savefig(path)


def _checks_figure(exercise: ExerciseStats, fonts: _Fonts, path: Path) -> None:
    checks = exercise.checks
    figure = _new_figure(8.5, 1.4 + 0.38 * max(1, len(checks)))
    axes = figure.add_subplot()
    rates = [100 * (c.rate or 0.0) for c in checks]
    colours = [HIDDEN_COLOUR if c.visibility == "hidden" else VISIBLE_COLOUR for c in checks]
    bars = axes.barh(range(len(checks)), rates, color=colours,
                     hatch=["//" if c.visibility == "hidden" else "" for c in checks])
    axes.set_yticks(range(len(checks)),
                    [fonts.label(_short(c.title), c.name) for c in checks], fontsize=8)
    axes.invert_yaxis()  # the exercise's first check on top
    axes.set_xlim(0, 118)  # room for the flag beside a full bar
    axes.set_xticks(range(0, 101, 20), [f"{x}%" for x in range(0, 101, 20)])
    axes.set_xlabel(fonts.text("summary_axis_rate"))
    axes.set_title(f"{fonts.text('summary_checks_figure')} · "
                   f"{_exercise_title(exercise.info, fonts)}", fontsize=10)
    for bar, check in zip(bars, checks, strict=True):
        if check.flags:
            text = ", ".join(fonts.text(f"summary_flag_{f}") for f in check.flags)
            axes.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, text,
                      va="center", fontsize=8, color=FLAG_COLOUR)
    if not checks:
        axes.text(0.5, 0.5, fonts.text("summary_no_checks"), ha="center",
                  transform=axes.transAxes)
    from matplotlib.patches import Patch

    figure.legend(handles=[Patch(color=VISIBLE_COLOUR, label=fonts.text("summary_visible")),
                           Patch(facecolor=HIDDEN_COLOUR, hatch="//",
                                 label=fonts.text("feedback_hidden_label"))],
                  loc="outside lower center", ncols=2, fontsize=8)
    figure.savefig(path)


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[:limit - 1] + "…"


def draw_figures(stats: list[ExerciseStats], out: Path, lang: str) -> dict[str, Path]:
    """{"scores": path, "01": path of exercise 01's checks figure, ...} under out/figures."""
    import matplotlib

    fonts = _fonts(lang)
    folder = Path(out) / FIGURES
    folder.mkdir(parents=True, exist_ok=True)
    names = safe_names([s.info.code for s in stats])
    paths = {"scores": folder / "scores.png"}
    with matplotlib.rc_context({"font.family": list(fonts.families)}):
        _scores_figure(stats, fonts, paths["scores"])
        for exercise in stats:
            paths[exercise.info.code] = folder / f"checks_{names[exercise.info.code]}.png"
            _checks_figure(exercise, fonts, paths[exercise.info.code])
    return paths
