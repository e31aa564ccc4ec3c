"""Bad input, at scale: property-based tests of the criteria-set loader.

The invariant, for any text a user may give as a criteria set: ``parse_framework`` returns a valid
``Framework`` or raises a ``FrameworkError`` whose Vietnamese message names the file (and the path
in it, or the line). Never another exception, never a hang. A framework that loads must then read,
score, rank and explain a period without raising anything but an ``InputError`` on the period.
The mutations start from tests/data/mini.yaml and the shipped thanhhoa-2016.yaml.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from xephang.errors import FrameworkError, InputError
from xephang.framework import load_framework, parse_framework
from xephang.framework.loader import DATA_DIR, MAX_YAML_DEPTH
from xephang.framework.model import Framework
from xephang.io.reader import read_period
from xephang.ranking import rank
from xephang.scoring.engine import score

TESTS = Path(__file__).parent
MINI_TEXT = (TESTS / "data" / "mini.yaml").read_text(encoding="utf-8")
TH_TEXT = (DATA_DIR / "thanhhoa-2016.yaml").read_text(encoding="utf-8")
SOURCES = {
    "mini": (MINI_TEXT, yaml.safe_load(MINI_TEXT), TESTS / "data" / "mini.csv"),
    "thanhhoa-2016": (
        TH_TEXT,
        yaml.safe_load(TH_TEXT),
        DATA_DIR.parent.parent / "data" / "mau-thanhhoa-2016" / "so-lieu.csv",
    ),
}
# XEPHANG_FUZZ_FACTOR=50 for a long local hunt; CI runs the default, a few seconds per file.
FACTOR = int(os.environ.get("XEPHANG_FUZZ_FACTOR", "1"))
FUZZ = settings(max_examples=80 * FACTOR, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILE = "khung-thu.yaml"


def _has_vietnamese(text: str) -> bool:
    return any(ch in "đĐ" or unicodedata.normalize("NFD", ch) != ch for ch in text)


def check_parse(text: str, period: Path | None = None) -> Framework | None:
    """The invariant. Returns the framework when it was accepted, None when it was refused."""
    try:
        fw = parse_framework(text, FILE)
    except FrameworkError as e:
        assert e.file == FILE and str(e).startswith(FILE), e
        assert e.message.strip() and _has_vietnamese(e.message), e
        event("refused: " + e.message[:40])
        return None
    event("accepted")
    check_usable(fw, period)
    return fw


def check_usable(fw: Framework, period: Path | None) -> None:
    """What a valid framework promises to the rest of the program."""
    assert isinstance(fw, Framework) and fw.groups and fw.criteria
    for g in fw.groups:
        assert sum(c.max for c in fw.criteria_for(g.id) if not c.deduction) == fw.scale
        fw.inputs_for(g.id)
    for lv in fw.levels:
        lv.band_text()
    for total in (0, fw.scale // 2, fw.scale):
        if fw.levels:
            assert fw.level_of(total) is not None
        fw.shown(total)
    for basis in fw.legal_basis:
        basis.cite()
    fw.describe_ties()
    labels = {i.id: i.label for i in fw.inputs.values()}
    for c in fw.all_criteria():
        if c.rule is not None:
            assert c.rule.describe(c.max, labels)
    if period is None:
        return
    try:
        data = read_period(period, fw)
    except InputError:
        return  # the mutated set no longer fits the period: refused, clearly (checked elsewhere)
    scored = score(fw, data)
    ranking = rank(scored, fw.ties)
    for g in ranking.groups:
        for u in g.units:
            assert 0 <= u.total <= fw.scale
    for u in scored.units[:3]:
        scored.explain(u)


# --- Random text -------------------------------------------------------------------------------


@FUZZ
@given(text=st.text(max_size=300))
@example(text="")
@example(text="~")
@example(text="- a\n- b")
@example(text="id: x\n\tscale: 1")
@example(text="? [a, b]\n: c")
@example(text="!!python/object:os.system {}")
@example(text="a: !!binary aGVsbG8=")
@example(text="scale: !!float .nan")
def test_random_text(text):
    check_parse(text)


@settings(FUZZ, max_examples=40 * FACTOR)
@given(raw=st.binary(max_size=300))
def test_random_bytes_as_a_file(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fw") / "khung.yaml"
    path.write_bytes(raw)
    try:
        fw = load_framework(path)
    except FrameworkError as e:
        assert str(e).startswith(str(path)), e
        assert _has_vietnamese(e.message), e
        return
    check_usable(fw, None)


# --- Mutations of real criteria sets -----------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "so",
            "huyen",
            "tot",
            "NaN",
            "-Infinity",
            "1E999999999",
            "1e-999999",
            "0",
            "-1",
            "100",
            "85",
            "0.1",
            "1/2",
            "ratio",
            "yesno",
            "tiers",
            "best",
            "sum",
            "index",
            "full",
            "shown",
            "input-order",
            "staff",
            "infra",
            "Tốt",
            "2016-11-01",
            "31/12/2020",
        ]
    ),
    st.dates(),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


def _slots(node, out=None):
    """Every (container, key) in a YAML tree: where a mutation can apply."""
    out = [] if out is None else out
    if isinstance(node, dict):
        for k in list(node):
            out.append((node, k))
            _slots(node[k], out)
    elif isinstance(node, list):
        for i in range(len(node)):
            out.append((node, i))
            _slots(node[i], out)
    return out


def _mutate(data, draw) -> str:
    """Apply 1 to 3 random mutations to a copy of ``data``; return what was done (for the report)."""
    done = []
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(data)
        if not slots:
            break
        container, key = slots[draw(st.integers(0, len(slots) - 1))]
        how = draw(st.sampled_from(["delete", "replace", "replace", "swap", "duplicate", "wrap", "deep", "rename"]))
        done.append(f"{how} {key!r}")
        if how == "delete":
            del container[key]
        elif how == "replace":
            container[key] = draw(VALUES)
        elif how == "swap":
            other, okey = slots[draw(st.integers(0, len(slots) - 1))]
            container[key], other[okey] = other[okey], container[key]
        elif how == "duplicate":
            if isinstance(container, list):
                container.insert(key, copy.deepcopy(container[key]))
            else:
                container[f"{key}_2"] = copy.deepcopy(container[key])
        elif how == "wrap":
            container[key] = draw(st.sampled_from([[container[key]], {"value": container[key]}]))
        elif how == "deep":
            value = container[key]
            for _ in range(draw(st.integers(1, 120))):
                value = [value]
            container[key] = value
        elif how == "rename" and isinstance(container, dict):
            container[draw(st.sampled_from(["ID", "tieu_chi", "max ", "criteria", "rule", "id"]))] = container.pop(key)
    return "; ".join(done)


@FUZZ
@given(data=st.data(), source=st.sampled_from(["mini", "mini", "thanhhoa-2016"]))
def test_mutated_criteria_sets(data, source):
    text, tree, period = SOURCES[source]
    tree = copy.deepcopy(tree)
    what = _mutate(tree, data.draw)
    event(what.split(" ")[0])
    try:
        mutated = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError):
        return  # the mutation made something PyYAML cannot write; nothing to parse
    check_parse(mutated, period)


@FUZZ
@given(data=st.data(), source=st.sampled_from(["mini", "thanhhoa-2016"]))
def test_text_edits_of_criteria_sets(data, source):
    """Edits a person makes by hand: a line lost, doubled or moved, indentation off, a stray character."""
    text, _, period = SOURCES[source]
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        how = data.draw(st.sampled_from(["delete", "duplicate", "move", "indent", "dedent", "insert", "tab", "colon"]))
        if how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "move":
            lines.insert(data.draw(st.integers(0, len(lines) - 1)), lines.pop(i))
        elif how == "indent":
            lines[i] = "  " + lines[i]
        elif how == "dedent":
            lines[i] = lines[i][2:]
        elif how == "insert":
            at = data.draw(st.integers(0, len(lines[i])))
            lines[i] = (
                lines[i][:at]
                + data.draw(
                    st.sampled_from(
                        ["&a ", "*a ", "'", '"', "{", "[", "#", "- ", ": ", "!!", "%", "@", "\x00", "\ufeff", "é"]
                    )
                )
                + lines[i][at:]
            )
        elif how == "tab":
            lines[i] = "\t" + lines[i]
        elif how == "colon":
            lines[i] = lines[i].replace(":", " ", 1)
        if not lines:
            lines = [""]
    check_parse("\n".join(lines), period)


# --- Regressions: the crashes found, each deterministic ----------------------------------------

MINI_TREE = SOURCES["mini"][1]


def _mini_with(**changes) -> str:
    tree = copy.deepcopy(MINI_TREE)
    for dotted, value in changes.items():
        node = tree
        *parents, last = dotted.split("__")
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        node[int(last) if isinstance(node, list) else last] = value
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize(
    "changes, path",
    [
        # Was: OverflowError "cannot convert Infinity to integer" (int() in to_fixed).
        ({"scale": float("inf")}, "scale"),
        ({"scale": float("nan")}, "scale"),
        ({"scale": "-Infinity"}, "scale"),
        # Was: ValueError/OverflowError from int(d) in the rounding.decimals check.
        ({"rounding": {"decimals": float("nan")}}, "rounding.decimals"),
        ({"rounding": {"decimals": float("inf")}}, "rounding.decimals"),
        ({"rounding": {"decimals": "sNaN"}}, "rounding.decimals"),
        # Was: decimal.Overflow from Decimal.scaleb in to_fixed.
        ({"criteria__0__criteria__0__max": "1E999999"}, "criteria[0].criteria[0].max"),
        ({"scale": "1e999999999"}, "scale"),
        ({"levels__0__min": "-1E999999"}, "levels[0].min"),
    ],
)
def test_non_finite_and_huge_numbers_are_refused_at_their_path(changes, path):
    with pytest.raises(FrameworkError) as e:
        parse_framework(_mini_with(**changes), FILE)
    assert e.value.path == path
    assert "hữu hạn" in e.value.message or "quá lớn" in e.value.message


def test_huge_decimals_do_not_hang():
    # int(Decimal('1E999999999')) would build a billion-digit integer; the bounds are checked first.
    start = time.perf_counter()
    with pytest.raises(FrameworkError) as e:
        parse_framework(_mini_with(rounding={"decimals": "1E999999999"}), FILE)
    assert e.value.path == "rounding.decimals" and time.perf_counter() - start < 5


def _bomb(levels: int, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + f"\nid: bom\ntitle: Bom\ngroups:\n  - {{id: so, name: Sở, aliases: *a{levels - 1}}}\n"


def test_billion_laughs_is_refused_quickly():
    # 9^9 = 387 million "lol"s. Was: a hang (and memory without bound) on str() of the aliases.
    start = time.perf_counter()
    with pytest.raises(FrameworkError) as e:
        parse_framework(_bomb(9), FILE)
    assert time.perf_counter() - start < 5
    assert "bí danh" in e.value.message and "dòng" in e.value.path


def test_small_alias_use_is_still_allowed():
    # Anchors and aliases are ordinary YAML; a set may reuse a list of aliases, and that must load.
    text = MINI_TEXT.replace("rule: {type: yesno, input: std_a}", "rule: &yes_no {type: yesno, input: std_a}")
    text = text.replace("rule: {type: yesno, input: std_b}", "rule: {<<: *yes_no, input: std_b}")
    assert text.count("yes_no") == 2
    fw = parse_framework(text, FILE)
    assert fw.criterion("room_b").rule.input == "std_b" and fw.criterion("room_b").rule.type == "yesno"
    tree = yaml.safe_load(_bomb(3))  # 9^3 = 729 expanded items: fine for YAML, then refused as a set
    assert len(tree["a2"]) == 9
    with pytest.raises(FrameworkError, match="trường không được hỗ trợ") as e:
        parse_framework(_bomb(3), FILE)
    assert e.value.path == "a0"  # refused for what it is, not as a bomb


@pytest.mark.parametrize(
    "text",
    [
        "groups: &g [{id: so, name: Sở, aliases: *g}]",
        "a: &a {b: *a}",
        "criteria: &c\n  - id: a\n    title: A\n    criteria: *c\n",
    ],
)
def test_recursive_aliases_are_refused(text):
    with pytest.raises(FrameworkError, match="vòng lặp") as e:
        parse_framework(text, FILE)
    assert e.value.path.startswith("dòng 1") or e.value.path.startswith("dòng 4")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        "- " * 3000 + "a",
        "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400)) + " " * 400 + "x: 1",
    ],
)
def test_deep_nesting_is_refused_not_recursion_error(text):
    # Was: RecursionError from PyYAML's (recursive) composer.
    with pytest.raises(FrameworkError, match=f"quá {MAX_YAML_DEPTH} cấp") as e:
        parse_framework(text, FILE)
    assert e.value.path.startswith("dòng ")


def test_nesting_a_real_set_uses_is_far_below_the_limit():
    def depth(node):
        if isinstance(node, dict):
            return 1 + max(map(depth, node.values()), default=0)
        if isinstance(node, list):
            return 1 + max(map(depth, node), default=0)
        return 1

    for path in DATA_DIR.glob("*.yaml"):
        assert depth(yaml.safe_load(path.read_text(encoding="utf-8"))) < MAX_YAML_DEPTH // 2, path


def test_legal_basis_date_with_a_time_keeps_the_day():
    # "2016-11-01 08:00" reads as a datetime; its isoformat() was then refused by cite().
    tree = copy.deepcopy(MINI_TREE)
    tree["legal_basis"] = [{"number": "Quyết định số 4289/QĐ-UBND", "date": dt.datetime(2016, 11, 1, 8, 0)}]
    fw = parse_framework(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), FILE)
    assert fw.legal_basis[0].date == "2016-11-01"
    assert "01/11/2016" in fw.legal_basis[0].cite()


def test_cli_shows_no_traceback_for_a_bomb(tmp_path, capsys):
    from xephang.cli import main

    path = tmp_path / "bom.yaml"
    path.write_text(_bomb(9), encoding="utf-8")
    code = main(["rank", str(TESTS / "data" / "mini.csv"), "--framework", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in out + err and "bí danh" in out + err


@pytest.mark.parametrize(
    "text, hint",
    [
        ("groups:\n  - id: a\n   name: b", "thụt lề"),
        ("id: a\n\ttitle: b", "Tab"),
        ("id: a\x01", "ký tự điều khiển"),
        ("id: *khong_co", "chưa được đặt tên"),
        ("id: [a, b", "']'"),
        ("id: {a: 1", "'}'"),
        ('id: "abc', "ngoặc kép"),
        ("id: !!python/name:os.system x", "không được hỗ trợ"),
        ("id: a\n---\nid: b", "một tài liệu"),
        ("id: @a", "ngoặc kép"),
        ("id: & a", "tên bí danh"),
    ],
)
def test_yaml_syntax_errors_are_explained_in_vietnamese(text, hint):
    with pytest.raises(FrameworkError) as e:
        parse_framework(text, FILE)
    assert e.value.path.startswith("dòng ") and hint in e.value.message, e.value
