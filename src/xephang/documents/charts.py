"""The report's charts (matplotlib, print resolution, Vietnamese labels in a Times-metric serif).

Floats appear here only to draw: every number printed on a chart is formatted from the exact value.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on servers and in CI
# Names and titles are text, never mathtext: a unit named "$\frac{a}{$" must not break a chart.
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from ..numbers import format_number, from_fixed  # noqa: E402
from ..ranking import GroupRanking, Ranking  # noqa: E402

DPI = 300
WIDTH_IN = 155 / 25.4  # the text block of an A4 page with the decree's margins
LEVEL_COLOURS = ["#1a7f37", "#2f6db5", "#d4a017", "#c0392b", "#7f7f7f", "#555555"]


_registered: list[str] = []


def _font_family() -> list[str]:
    """Times New Roman or its metric twin, the very files the documents are measured with (found
    through fontconfig, and added to matplotlib here: its font cache may predate their installation);
    else a serif that has Vietnamese, with a warning."""
    from . import layout

    if not _registered:
        for bold in (False, True):
            path = layout.font_path(bold)
            if path:
                font_manager.fontManager.addfont(path)
                name = font_manager.FontProperties(fname=path).get_name()
                if name not in _registered:
                    _registered.append(name)
        if not _registered:
            layout.warn_missing_font("chữ trong biểu đồ (dùng phông thay thế)")
            _registered.append("DejaVu Serif")
    return list(_registered)


def _style():
    return {
        "font.family": _font_family(),
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "savefig.dpi": DPI,
    }


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _colour(ranking: Ranking, level) -> str:
    """A level's colour by its place among its own group's levels (the top level is always green)."""
    fw = ranking.framework
    for levels in [fw.levels, *(fw.levels_for(g.group.id) for g in ranking.groups)]:
        if level in levels:
            return LEVEL_COLOURS[levels.index(level) % len(LEVEL_COLOURS)]
    return "#7f7f7f"


def _value(u) -> float:
    return float(u.shown)  # drawing only


def distribution(ranking: Ranking, sep: str = ".") -> bytes:
    """Per group: totals as a histogram, with the level bands' lower limits as dashed lines."""
    fw = ranking.framework
    groups = [g for g in ranking.groups if g.units]  # a group assessed but not ranked has no bars here
    with plt.rc_context(_style()):
        fig, axes = plt.subplots(len(groups), 1, figsize=(WIDTH_IN, 1.8 * len(groups)), squeeze=False)
        values_all = [_value(u) for g in groups for u in g.units]
        index = fw.report == "index"
        top = float(from_fixed(fw.scale)) if not index else 1.0
        lo = min(values_all) if values_all else 0
        lo = max(0.0, (int(lo / (top / 40)) - 1) * (top / 40))
        width = top / 80
        bins = [lo + k * width for k in range(int((top - lo) / width) + 2)]
        for ax, g in zip(axes[:, 0], groups):
            values = [_value(u) for u in g.units]
            ax.hist(values, bins=bins, color="#4c72b0", edgecolor="white")
            for level in fw.levels_for(g.group.id):
                edge = float(from_fixed(level.min)) / (float(from_fixed(fw.scale)) if index else 1)
                if lo < edge <= top:
                    ax.axvline(edge, color=_colour(ranking, level), linestyle="--", linewidth=1)
                    ax.text(
                        edge,
                        1.0,
                        f" {level.name} (từ {format_number(from_fixed(level.min), 0)})",
                        color=_colour(ranking, level),
                        va="bottom",
                        ha="left",
                        fontsize=8,
                        transform=ax.get_xaxis_transform(),
                    )
            ax.set_xlim(lo, top + width)
            ax.set_title(f"{g.group.name}: {len(g.units)} đơn vị", pad=14)
            ax.set_ylabel("Số đơn vị")
            ax.yaxis.get_major_locator().set_params(integer=True)
        axes[-1, 0].set_xlabel("Chỉ số" if index else "Tổng điểm")
        _decimal_axis(axes[:, 0], sep, "x")
        fig.tight_layout()
        return _png(fig)


def ranked_bars(ranking: Ranking, group: GroupRanking, sep: str = ".") -> bytes:
    """One group's units, best first, bars coloured by level, each with its shown total."""
    fw = ranking.framework
    units = group.units
    with plt.rc_context(_style()):
        # Long names wrap (one would otherwise squeeze the bars into a strip); the figure grows with
        # the lines, so that the labels keep their size.
        labels = [_wrap(f"{u.rank}. {u.name}", LABEL_CHARS) for u in units]
        lines = sum(label.count("\n") + 1 for label in labels)
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.8 + 0.1 * len(units) + 0.08 * lines))
        y = list(range(len(units)))
        ax.barh(y, [_value(u) for u in units], color=[_colour(ranking, u.level) for u in units], height=0.7)
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()
        values = [_value(u) for u in units]
        left = max(0.0, min(values) - (max(values) - min(values)) * 0.6 - 1) if values else 0
        right = max(values) + (max(values) - left) * 0.08 if values else 1
        ax.set_xlim(left, right)
        index = fw.report == "index"
        levels = fw.levels_for(group.group.id)
        for level in levels:  # the bands' lower limits, as in the distribution chart
            edge = float(from_fixed(level.min)) / (float(from_fixed(fw.scale)) if index else 1)
            if left < edge < right:
                ax.axvline(edge, color=_colour(ranking, level), linestyle="--", linewidth=0.8, zorder=0)
        for yy, u in zip(y, units):
            ax.text(
                _value(u),
                yy,
                " " + format_number(u.shown, fw.decimals, decimal_sep=sep),
                va="center",
                ha="left",
                fontsize=7.5,
            )
        handles = [
            plt.Rectangle((0, 0), 1, 1, color=_colour(ranking, lv))
            for lv in levels
            if any(u.level is lv for u in units)
        ]
        labels = [f"Mức {lv.name}" for lv in levels if any(u.level is lv for u in units)]
        if handles:
            ax.legend(handles, labels, loc="lower right", fontsize=8, frameon=False)
        ax.set_xlabel("Chỉ số" if fw.report == "index" else "Tổng điểm")
        ax.set_title(f"Xếp hạng {group.group.name[0].lower() + group.group.name[1:]}")
        _decimal_axis([ax], sep, "x")
        fig.tight_layout()
        return _png(fig)


def criteria_shares(ranking: Ranking, sep: str = ".") -> bytes | None:
    """Average points per criteria group as a share of its max, per group (None for a totals period)."""
    if ranking.scored.kind != "inputs":
        return None
    shares = criteria_share_table(ranking)
    fw = ranking.framework
    titles = [c.title for c in fw.criteria if not c.deduction and any(c.id in s for s in shares.values())]
    ids = [c.id for c in fw.criteria if not c.deduction and any(c.id in s for s in shares.values())]
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.9 + 0.2 * len(ids) * max(1, len(shares))))
        height = 0.8 / max(1, len(shares))
        for k, (g, share) in enumerate(shares.items()):
            ys = [i + k * height for i in range(len(ids))]
            vals = [float(share.get(cid, 0)) for cid in ids]
            bars = ax.barh(ys, vals, height=height * 0.95, label=g.name, color=LEVEL_COLOURS[(k + 1) % 4])
            for bar, cid in zip(bars, ids):
                if cid in share:
                    ax.text(
                        bar.get_width(),
                        bar.get_y() + bar.get_height() / 2,
                        " " + format_number(share[cid], 1, decimal_sep=sep) + " %",
                        va="center",
                        fontsize=7,
                    )
        ax.set_yticks(
            [i + height * (len(shares) - 1) / 2 for i in range(len(ids))], [_wrap(t, 38) for t in titles], fontsize=8
        )
        ax.invert_yaxis()
        ax.set_xlim(0, 112)
        ax.set_xlabel("Điểm bình quân so với điểm tối đa (%)")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
        fig.tight_layout()
        return _png(fig)


def criteria_share_table(ranking: Ranking):
    """{group: {criterion id: average share of max in %, as a Decimal}} over the units where it applies."""
    from decimal import Decimal

    scored = ranking.scored
    out = {}
    for g in ranking.groups:
        row = {}
        for c in ranking.framework.criteria_for(g.group.id):
            if c.deduction or c.max == 0:
                continue
            pts = [scored.points(u.unit, c.id) for u in g.units]
            pts = [p for p in pts if p is not None]
            if pts:
                row[c.id] = from_fixed(sum(pts)) * Decimal(100) / (from_fixed(c.max) * len(pts))
        out[g.group] = row
    return out


#: Characters of a bar label before it wraps (about a third of the chart's width at 8 pt).
LABEL_CHARS = 42


def _wrap(text: str, width: int) -> str:
    import textwrap

    lines = textwrap.wrap(text, width)
    return "\n".join(lines[:2] + ([textwrap.shorten(" ".join(lines[2:]), width, placeholder="…")] if lines[2:] else []))


def rank_intervals(ranking: Ranking, group, sep: str = ".") -> bytes:
    """One group's rank robustness (``analysis.rank_robustness``) for the report, in the report's
    width and type: per unit a bar from the 5 % to the 95 % rank, a dot at the median, a ring at the
    official rank; names of fragile levels in red."""
    levels = ranking.framework.levels_for(group.group.id)  # the group's own levels, where it has them
    colour = {lv.id: LEVEL_COLOURS[k % len(LEVEL_COLOURS)] for k, lv in enumerate(levels)}
    units = group.units
    n = len(units)
    with plt.rc_context(_style()):
        labels = [_wrap(u.name + (" (mức dễ thay đổi)" if u.fragile else ""), LABEL_CHARS) for u in units]
        lines = sum(label.count("\n") + 1 for label in labels)
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.9 + 0.1 * n + 0.08 * lines))
        for y, u in enumerate(units):
            c = colour.get(u.plain_level.id, "#555555") if u.plain_level else "#555555"
            ax.plot([u.rank_low, u.rank_high], [y, y], color=c, linewidth=4, alpha=0.45, solid_capstyle="round")
            ax.plot(u.median_rank, y, "o", color=c, markersize=4)
            ax.plot(u.plain_rank, y, "o", markerfacecolor="none", markeredgecolor="black", markersize=6)
        ax.set_yticks(range(n), labels, fontsize=8)
        for tick, u in zip(ax.get_yticklabels(), units):
            if u.fragile:
                tick.set_color("#b2182b")
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0.5, n + 0.5)
        step = 1 if n <= 30 else 5
        ax.set_xticks(range(1, n + 1, step), [str(k) for k in range(1, n + 1, step)], fontsize=8)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.set_xlabel("Thứ hạng")
        from matplotlib.lines import Line2D

        shown = {u.plain_level.id for u in units if u.plain_level}
        handles = [
            Line2D([], [], color=colour[lv.id], linewidth=4, alpha=0.6, label=f"Mức {lv.name}")
            for lv in levels
            if lv.id in shown
        ]
        if handles:
            ax.legend(
                handles=handles,
                loc="lower center",
                bbox_to_anchor=(0.5, 1.0),
                ncol=len(handles),
                fontsize=8,
                frameon=False,
            )
        fig.tight_layout()
        return _png(fig)


def _decimal_axis(axes, sep: str, which: str) -> None:
    if sep == ".":
        return
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:g}".replace(".", sep))
    for ax in axes:
        (ax.xaxis if which == "x" else ax.yaxis).set_major_formatter(fmt)
