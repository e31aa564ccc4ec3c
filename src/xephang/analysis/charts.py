"""Charts of the analyses (PNG via matplotlib). Floats are fine here: a chart only draws."""

from __future__ import annotations

from pathlib import Path

from .robustness import Robustness

LEVEL_COLOURS = ["#1b7837", "#5aae61", "#f1a340", "#d73027", "#762a83"]


def robustness_chart(result: Robustness, path: str | Path, dpi: int = 150) -> Path:
    """Rank intervals per group: for each unit, a bar from the 5 % to the 95 % rank, a dot at the
    median and a ring at the plain rank; fragile levels are marked. One panel per group."""
    import matplotlib

    matplotlib.use("Agg")
    # Unit and group names are text, never mathtext ("$\frac{a}{$" would stop the chart).
    matplotlib.rcParams["text.parse_math"] = False
    import matplotlib.pyplot as plt

    groups = result.groups
    heights = [0.32 * len(g.units) + 1.3 for g in groups]
    header = 0.8  # inches for the title
    fig, axes = plt.subplots(
        len(groups), 1, figsize=(8.3, sum(heights) + header), squeeze=False, gridspec_kw={"height_ratios": heights}
    )
    colour = {lv.id: LEVEL_COLOURS[k % len(LEVEL_COLOURS)] for k, lv in enumerate(result.levels)}
    for g in groups:  # levels only a group has (levels per group) get colours of their own rank
        for k, lv in enumerate(g.levels):
            colour.setdefault(lv.id, LEVEL_COLOURS[k % len(LEVEL_COLOURS)])
    for ax, g in zip(axes[:, 0], groups):
        n = len(g.units)
        for y, u in enumerate(g.units):
            c = colour.get(u.plain_level.id, "#555555") if u.plain_level else "#555555"
            ax.plot([u.rank_low, u.rank_high], [y, y], color=c, linewidth=5, alpha=0.45, solid_capstyle="round")
            ax.plot(u.median_rank, y, "o", color=c, markersize=5)
            ax.plot(u.plain_rank, y, "o", markerfacecolor="none", markeredgecolor="black", markersize=8)
        labels = [u.name + ("  (mức dễ thay đổi)" if u.fragile else "") for u in g.units]
        ax.set_yticks(range(n), labels, fontsize=8)
        for tick, u in zip(ax.get_yticklabels(), g.units):
            if u.fragile:
                tick.set_color("#b2182b")
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0.5, n + 0.5)
        ax.set_xticks(range(1, n + 1), [str(k) for k in range(1, n + 1)], fontsize=7)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.set_title(g.group.name, fontsize=10, loc="left", fontweight="bold")
        ax.set_xlabel("Thứ hạng (vạch: khoảng 5–95 %; chấm: trung vị; vòng tròn: thứ hạng chính thức)", fontsize=8)
    from matplotlib.lines import Line2D

    shown = {u.plain_level.id for u in result.units() if u.plain_level}
    handles = [
        Line2D([], [], color=colour[lv.id], linewidth=5, alpha=0.6, label=f"Mức {lv.name}")
        for lv in {lv.id: lv for g in groups for lv in (result.levels + g.levels)}.values()
        if lv.id in shown
    ]
    height = sum(heights) + header
    fig.suptitle(
        f"Độ vững của thứ hạng — {result.draws} lần mô phỏng, hạt giống {result.seed}\n{result.method}",
        fontsize=9,
        y=1 - 0.08 / height,
        va="top",
    )
    fig.tight_layout()
    fig.subplots_adjust(top=1 - header / height)
    if handles:  # the level colours, in the header, clear of the bars
        fig.legend(
            handles=handles,
            loc="upper right",
            ncol=len(handles),
            fontsize=7,
            frameon=False,
            bbox_to_anchor=(0.99, 1 - 0.5 / height),
        )
    out = Path(path)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out
