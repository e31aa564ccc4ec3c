"""Load a criteria set from YAML and validate it; every message names the file and the path in it.

The schema is documented in docs/frameworks.md; the two shipped sets in ``data/`` are examples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from ..errors import FrameworkError
from ..numbers import SCALE, NumberFormatError, plain, to_fixed
from ..scoring import rules as R
from ..text import nfc
from . import expr as E
from .model import (
    DATA_SOURCES,
    INPUT_TYPES,
    PARAM_TYPES,
    REPORTS,
    TIE_RULES,
    Criterion,
    Derived,
    Framework,
    Group,
    Input,
    LegalBasis,
    Level,
    Option,
    Param,
    Pillar,
    SurveyOption,
)

DATA_DIR = Path(__file__).parent / "data"

#: Limits that no real criteria set comes near (the shipped ones: depth < 15, < 5 000 nodes); they
#: stop a hostile or broken file before it exhausts the stack or the memory.
MAX_YAML_DEPTH = 60
MAX_YAML_NODES = 200_000


class _FrameworkYamlLoader(yaml.SafeLoader):
    """SafeLoader that refuses nesting too deep for the (recursive) composer and alias "bombs".

    A "billion laughs" file is small and composes fast, because an alias shares its anchor's node;
    the trouble starts when the nested lists are walked or printed. So each node's expanded size
    (an alias counting as a full copy of its anchor) is added up while composing, and a file over
    ``MAX_YAML_NODES`` or with an anchor used inside itself (a cycle) is refused at once.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(node) -> expanded size, for finished nodes

    def _refuse(self, problem: str, mark):
        raise yaml.composer.ComposerError(None, None, problem, mark)

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._sizes:
                self._refuse(
                    f"bí danh *{event.anchor} nằm ngay trong mục &{event.anchor} mà nó trỏ tới (vòng lặp)",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        event = self.peek_event()
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            self._refuse(f"các mục lồng nhau quá sâu (quá {MAX_YAML_DEPTH} cấp)", event.start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._sizes.get(id(n), 1) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            size = 1 + sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
        else:
            size = 1
        if size > MAX_YAML_NODES:
            self._refuse(
                f"tệp quá lớn khi mở rộng các bí danh (*...): hơn {MAX_YAML_NODES} mục; "
                'có thể là một "quả bom bí danh", hãy viết các mục ra đầy đủ',
                event.start_mark,
            )
        self._sizes[id(node)] = size
        return node

    def construct_mapping(self, node, deep=False):
        # YAML keeps the last of two equal keys without a word; in a criteria set that silently drops
        # a criterion or a level, so a repeated key is refused where it repeats.
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"khóa '{key_node.value}' bị lặp lại (đã có ở dòng {seen[key] + 1}); "
                        "mỗi khóa chỉ được viết một lần trong cùng một mục",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # Python refuses to convert integers of more than 4,300 digits
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"số nguyên quá dài ({len(str(node.value))} ký tự); không có điểm hay số liệu nào cần dài như vậy",
                node.start_mark,
            ) from None


_FrameworkYamlLoader.add_constructor("tag:yaml.org,2002:int", _FrameworkYamlLoader.construct_yaml_int)


if getattr(yaml, "__with_libyaml__", False):

    class _QuickYamlLoader(yaml.cyaml.CParser, _FrameworkYamlLoader):
        """libyaml's parser and composer (C) with the same constructor and resolver: the same data,
        several times quicker on a national-scale set of 150 criteria."""

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    _QuickYamlLoader = None


def _quick_yaml(text: str):
    """The data of a plain criteria set, read by libyaml; None when the file is one the checking
    loader must read: one with anchors (hence aliases), characters YAML does not allow, nesting or
    a size near the limits, or anything libyaml refuses. The checking loader then reads it, and
    refuses it, when it does, in its own words: a file is refused the same way either way."""
    if _QuickYamlLoader is None or "&" in text or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    loader = _QuickYamlLoader(text)
    try:
        data = loader.get_single_data()
    except Exception:  # libyaml's errors, a RecursionError from a deep file: the checking loader says it
        return None
    finally:
        loader.dispose()
    nodes, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if depth > MAX_YAML_DEPTH // 2 or nodes > MAX_YAML_NODES // 2:
            return None
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            nodes += len(item)
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return data


class _Reader:
    """Typed access to a YAML mapping that knows its path for error messages."""

    def __init__(self, file: str, path: str, data):
        self.file, self.path, self.data = file, path, data

    def fail(self, message: str, key: str | int | None = None, index: bool = False):
        path = self.sub(key, index) if key is not None else self.path
        raise FrameworkError(self.file, path, message)

    def sub(self, key, index: bool = False) -> str:
        if index:
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else str(key)

    def mapping(self):
        if not isinstance(self.data, dict):
            got = {type(None): "không có gì (tệp hoặc mục rỗng)", list: "một danh sách", str: "một chuỗi"}
            self.fail(f"cần một bảng 'khóa: giá trị', nhận được {got.get(type(self.data), 'một giá trị đơn')}")
        return self.data

    def child(self, key, required=True, default=None) -> _Reader | None:
        data = self.mapping()
        if key not in data or data[key] is None:
            if required:
                self.fail("thiếu trường bắt buộc", key)
            return None if default is None else _Reader(self.file, self.sub(key), default)
        return _Reader(self.file, self.sub(key), data[key])

    def items(self) -> list[_Reader]:
        if not isinstance(self.data, list):
            self.fail("cần một danh sách")
        return [_Reader(self.file, self.sub(i, index=True), v) for i, v in enumerate(self.data)]

    def text(self, key, required=True, default="") -> str:
        r = self.child(key, required)
        if r is None:
            return default
        if isinstance(r.data, (dict, list)):
            r.fail("cần một chuỗi văn bản")
        return nfc(str(r.data))

    def ident(self, key) -> str:
        value = self.text(key)
        if not value.replace("_", "").replace("-", "").replace(".", "").isalnum() or not value.isascii():
            self.fail(f"mã '{value}' chỉ được gồm chữ Latin không dấu, số, '_', '-', '.'", key)
        return value

    def number(self, key, required=True, default=None) -> Decimal | None:
        r = self.child(key, required)
        if r is None:
            return default
        return r.as_number()

    def as_number(self) -> Decimal:
        if isinstance(self.data, bool) or not isinstance(self.data, (int, float, str)):
            self.fail("cần một số")
        try:
            # str(float) is the shortest text that reads back the YAML literal: 0.1 stays 0.1.
            value = Decimal(str(self.data).strip())
        except InvalidOperation:
            self.fail(f"'{self.data}' không phải là một số")
        if not value.is_finite():  # YAML's .nan/.inf, or the text "NaN"
            self.fail(f"cần một số hữu hạn, không phải '{self.data}'")
        return value

    def fixed(self, key, required=True, default=None) -> int | None:
        value = self.number(key, required)
        if value is None:
            return default
        try:
            return to_fixed(value)
        except NumberFormatError as e:
            self.fail(str(e), key)

    def flag(self, key, default=False) -> bool:
        r = self.child(key, required=False)
        if r is None:
            return default
        if not isinstance(r.data, bool):
            r.fail("cần true hoặc false")
        return r.data

    def unknown_keys(self, allowed: set[str]):
        for key in self.mapping():
            if key not in allowed:
                hint = ""
                if self.data[key] is None:
                    # {label: Cán bộ, công chức} reads "công chức" as a key without value.
                    hint = (
                        " (có thể do dấu phẩy trong một giá trị viết trong {...}: hãy đặt giá trị đó trong ngoặc kép)"
                    )
                self.fail(f"trường không được hỗ trợ{hint}; các trường hợp lệ: {', '.join(sorted(allowed))}", str(key))


def load_framework(source: str | Path, draft: bool = False) -> Framework:
    """A framework by id (one of ``DATA_DIR``) or by path to a YAML file.

    ``draft``: load it as a draft even if it does not say ``draft: true`` (groups that do not add up
    to the scale become warnings in ``Framework.warnings``; a draft set is never ranked)."""
    path = Path(source)
    if not path.suffix and not path.exists():
        candidate = DATA_DIR / f"{source}.yaml"
        if not candidate.exists():
            known = ", ".join(f.id for f in installed_frameworks())
            raise FrameworkError(str(source), "", f"không có bộ tiêu chí này; các bộ đã cài: {known}")
        path = candidate
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError(str(source), "", "không tìm thấy tệp") from None
    except (OSError, UnicodeDecodeError) as e:
        raise FrameworkError(str(source), "", f"không đọc được tệp (cần văn bản UTF-8): {e}") from None
    return parse_framework(text, str(path if path.parent != DATA_DIR else path.name), draft=draft)


def parse_framework(text: str, file: str = "<framework>", draft: bool = False) -> Framework:
    data = _quick_yaml(text)
    try:
        if data is None:
            loader = _FrameworkYamlLoader(text)
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = str(getattr(e, "problem", e))
        if isinstance(e, yaml.reader.ReaderError):  # a control character: it has a position, no mark
            line_start = text.rfind("\n", 0, e.position) + 1
            where = f"dòng {text.count(chr(10), 0, e.position) + 1}, cột {e.position - line_start + 1}"
            problem = f"unacceptable character #x{e.character:04x}" if isinstance(e.character, int) else e.reason
        hints = {
            "mapping values are not allowed": "có dấu ':' trong một giá trị chưa đặt trong ngoặc kép",
            "found character '\\t'": "thụt lề bằng phím Tab; hãy dùng dấu cách",
            "could not find expected ':'": "thiếu dấu ':' sau tên trường, hoặc thụt lề sai",
            "expected <block end>": "thụt lề không khớp với các dòng cùng cấp phía trên",
            "expected '<document start>'": "thụt lề sai: dòng này lùi ra ngoài phần đang viết",
            "unacceptable character": "tệp có ký tự điều khiển không được phép (có thể là tệp nhị phân)",
            "found undefined alias": "bí danh (*...) chưa được đặt tên ở phía trên bằng '&...'",
            "found duplicate anchor": "hai mục cùng đặt một tên bí danh '&...'",
            "expected alphabetic or numeric character": "sau '&' hoặc '*' cần tên bí danh gồm chữ hoặc số",
            "found unexpected end of stream": "tệp kết thúc giữa chừng: thiếu dấu ngoặc kép hoặc ngoặc đóng",
            "expected ',' or ']'": "thiếu dấu ',' hoặc ']' trong một danh sách [...]",
            "expected ',' or '}'": "thiếu dấu ',' hoặc '}' trong một bảng {...}",
            "found unhashable key": "tên trường không thể là một danh sách hay bảng",
            "could not determine a constructor": "thẻ YAML '!...' không được hỗ trợ",
            "found another document": "tệp chỉ được có một tài liệu YAML (bỏ dòng '---' thứ hai)",
            "expected the node content": "thiếu giá trị sau một ký hiệu YAML",
            "found character": "ký tự không được đứng đầu một giá trị; hãy đặt giá trị trong ngoặc kép",
        }
        hint = next((h for k, h in hints.items() if k in problem), "")
        message = f"YAML không hợp lệ: {problem}" + (f" ({hint})" if hint else "")
        raise FrameworkError(file, where, message) from None
    fw = _build(_Reader(file, "", data), draft)
    fw.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return fw


def installed_frameworks() -> list[Framework]:
    return [load_framework(p) for p in sorted(DATA_DIR.glob("*.yaml"))]


# ---------------------------------------------------------------------------------------------

TOP_KEYS = {
    "id",
    "title",
    "version",
    "note",
    "legal_basis",
    "scale",
    "report",
    "rounding",
    "rank_on",
    "ties",
    "non_reporting",
    "groups",
    "levels",
    "inputs",
    "criteria",
    "pillars",
    "params",
    "draft",
}
GROUP_KEYS = {"id", "name", "aliases", "levels", "ranked", "reason"}
PILLAR_KEYS = {"id", "name", "criteria", "description"}
CRITERION_KEYS = {
    "id",
    "title",
    "max",
    "groups",
    "inputs",
    "rule",
    "criteria",
    "aggregate",
    "deduction",
    "not_applicable",
    "description",
    "evidence",
    "so",
    "source",
    "verified_by",
    "prepared_by",
    "when",
}
#: What the regulation does with a unit that did not report: 0 points and ranked last in its group,
#: or listed as not reporting and not ranked.
NON_REPORTING = ("zero", "unranked")
INPUT_KEYS = {"id", "label", "type", "unit", "min", "max", "at_most", "evidence", "options", "help", "survey"}
DERIVED_KEYS = {"id", "label", "type", "unit", "value", "help"}
PARAM_KEYS = {"id", "label", "type", "unit", "min", "max", "default", "help"}


def _build(r: _Reader, draft: bool = False) -> Framework:
    r.mapping()
    r.unknown_keys(TOP_KEYS)
    draft = r.flag("draft") or draft
    fid = r.ident("id")
    scale = r.fixed("scale")
    if scale <= 0:
        r.fail("thang điểm phải lớn hơn 0", "scale")
    report = r.text("report", required=False, default="points")
    if report not in REPORTS:
        r.fail(
            "cần 'points' (tổng điểm), 'index' (chỉ số = điểm / thang điểm) hoặc 'points-percent' "
            "(tổng điểm và tỷ lệ % bên cạnh)",
            "report",
        )
    decimals = 2
    rounding = r.child("rounding", required=False)
    if rounding is not None:
        rounding.unknown_keys({"decimals", "mode"})
        d = rounding.number("decimals")
        if not 0 <= d <= 6 or d != int(d):  # bounds first: int(Decimal('1E999999999')) never ends
            rounding.fail("số chữ số thập phân phải là số nguyên từ 0 đến 6", "decimals")
        decimals = int(d)
        mode = rounding.text("mode", required=False, default="half-up")
        if mode != "half-up":
            rounding.fail("văn bản hành chính làm tròn 'half-up' (5 trở lên làm tròn lên)", "mode")
    rank_on = r.text("rank_on", required=False, default="full")
    if rank_on not in ("full", "shown"):
        r.fail("cần 'full' (xếp hạng theo tổng điểm đầy đủ) hoặc 'shown' (theo tổng điểm đã làm tròn)", "rank_on")

    non_reporting = r.text("non_reporting", required=False, default="unranked")
    if non_reporting not in NON_REPORTING:
        r.fail(
            "cần 'zero' (đơn vị không báo cáo được 0 điểm, xếp cuối khối) hoặc 'unranked' "
            "(đơn vị không báo cáo được liệt kê, không xếp hạng)",
            "non_reporting",
        )

    groups = _group_rules(r.child("groups"), _groups(r.child("groups")), scale)
    group_ids = [g.id for g in groups]
    levels = _levels(r.child("levels", required=False, default=[]), scale)

    inputs: dict[str, Input] = {}
    decl = _Declared()
    params = _params(r.child("params", required=False, default=[]), decl)
    top_inputs = r.child("inputs", required=False)
    if top_inputs is not None:
        for ir in top_inputs.items():
            _add_input(ir, inputs, decl)

    criteria_r = r.child("criteria")
    criteria = []
    seen: dict[str, str] = {}
    for cr in criteria_r.items():
        criteria.append(_criterion(cr, frozenset(group_ids), inputs, decl, seen, depth=0, parent=None))
    if not criteria:
        criteria_r.fail("bộ tiêu chí cần ít nhất một tiêu chí")

    ties = _ties(r, seen)
    fw = Framework(
        id=fid,
        title=r.text("title"),
        version=r.text("version", required=False),
        note=r.text("note", required=False),
        scale=scale,
        groups=groups,
        levels=levels,
        criteria=criteria,
        inputs=inputs,
        legal_basis=_legal(r.child("legal_basis", required=False, default=[])),
        decimals=decimals,
        report=report,
        rank_on=rank_on,
        ties=ties,
        non_reporting=non_reporting,
        source=r.file,
        params=params,
        draft=draft,
    )
    _resolve_expressions(fw, decl)
    _check_rules(fw, decl)
    _check_not_applicable(fw)
    _check_scale(fw, criteria_r)
    fw.pillars = _pillars(r.child("pillars", required=False, default=[]), fw)
    return fw


def _legal(r: _Reader) -> list[LegalBasis]:
    out = []
    for item in r.items():
        item.unknown_keys({"number", "date", "issuer", "title"})
        date = item.child("date").data
        if isinstance(date, dt.datetime):  # "2016-11-01 08:00" reads as a datetime: keep the day
            date = date.date()
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                item.fail("ngày cần dạng YYYY-MM-DD", "date")
        if not isinstance(date, dt.date):
            item.fail("ngày cần dạng YYYY-MM-DD", "date")
        out.append(
            LegalBasis(
                number=item.text("number"),
                date=date.isoformat(),
                issuer=item.text("issuer", required=False),
                title=item.text("title", required=False),
            )
        )
    return out


def _groups(r: _Reader) -> list[Group]:
    groups = []
    for item in r.items():
        item.unknown_keys(GROUP_KEYS)
        aliases = item.child("aliases", required=False, default=[])
        groups.append(
            Group(
                id=item.ident("id"),
                name=item.text("name"),
                aliases=tuple(nfc(str(a.data)) for a in aliases.items()),
            )
        )
    if not groups:
        r.fail("cần ít nhất một khối (nhóm đơn vị được xếp hạng)")
    from ..text import fold

    owner: dict[str, str] = {}
    for i, g in enumerate(groups):
        for name in {g.id, g.name, *g.aliases}:
            k = fold(name)
            if owner.setdefault(k, g.id) != g.id:
                r.fail(f"tên hoặc bí danh '{name}' dùng cho cả khối '{owner[k]}' và '{g.id}'", i, index=True)
    ids = [g.id for g in groups]
    for i, gid in enumerate(ids):
        if gid in ids[:i]:
            r.fail(f"mã khối '{gid}' bị trùng", i, index=True)
    return groups


def _group_rules(r: _Reader, groups: list[Group], scale: int) -> list[Group]:
    """A group's own levels (validated like the set's) and ``ranked: false`` with its reason."""
    import dataclasses

    out = []
    for item, g in zip(r.items(), groups):
        levels_r = item.child("levels", required=False)
        levels = tuple(_levels(levels_r, scale)) if levels_r is not None else None
        if levels == ():
            levels_r.fail(
                "một khối khai báo 'levels' cần ít nhất một mức (bỏ 'levels' để dùng các mức của bộ tiêu chí)"
            )
        ranked = item.flag("ranked", default=True)
        reason = item.text("reason", required=False)
        if not ranked and not reason:
            item.fail("khối không xếp hạng ('ranked: false') cần ghi lý do ('reason')", "reason")
        if ranked and reason:
            item.fail("'reason' chỉ dùng cho khối không xếp hạng ('ranked: false')", "reason")
        out.append(dataclasses.replace(g, levels=levels, ranked=ranked, not_ranked_reason=reason))
    return out


def _pillars(r: _Reader, fw: Framework) -> list[Pillar]:
    """Second aggregations over the criteria (trụ cột): disjoint subtrees, no deductions."""
    out: list[Pillar] = []
    for item in r.items():
        item.unknown_keys(PILLAR_KEYS)
        pid = item.ident("id")
        if any(p.id == pid for p in out):
            item.fail(f"mã trụ cột '{pid}' bị trùng", "id")
        cr = item.child("criteria")
        ids: list[str] = []
        for k, c in enumerate(cr.items()):
            cid = str(c.data)
            try:
                crit = fw.criterion(cid)
            except KeyError:
                cr.fail(f"không có tiêu chí '{cid}'", k, index=True)
            if crit.deduction:
                cr.fail(f"tiêu chí '{cid}' là tiêu chí trừ điểm, không thuộc trụ cột nào", k, index=True)
            if cid in ids:
                cr.fail(f"tiêu chí '{cid}' được liệt kê hai lần", k, index=True)
            nested = next(
                (o for o in ids if o in {n.id for n in crit.walk()} or cid in {n.id for n in fw.criterion(o).walk()}),
                None,
            )
            if nested:
                cr.fail(f"tiêu chí '{cid}' và '{nested}' lồng nhau: điểm sẽ bị tính hai lần", k, index=True)
            ids.append(cid)
        if not ids:
            cr.fail("trụ cột cần ít nhất một tiêu chí")
        out.append(
            Pillar(
                id=pid,
                name=item.text("name"),
                criteria=tuple(ids),
                description=item.text("description", required=False),
            )
        )
    return out


def _levels(r: _Reader, scale: int) -> list[Level]:
    """Bands are half-open [min, below); only the top band is closed, with max = the scale."""
    levels = []
    for item in r.items():
        item.unknown_keys({"id", "name", "min", "below", "max"})
        lo = item.fixed("min")
        below = item.fixed("below", required=False)
        top = item.fixed("max", required=False)
        if (below is None) == (top is None):
            item.fail(
                "mỗi mức cần đúng một cận trên: 'below' (đến dưới, không gồm) hoặc, cho mức cao nhất, "
                "'max' (đến, gồm cả)"
            )
        hi = below if below is not None else top
        if hi <= lo:
            item.fail("cận trên phải lớn hơn cận dưới 'min'")
        levels.append((item, Level(id=item.ident("id"), name=item.text("name"), min=lo, below=below, max=top)))
    if not levels:
        return []
    levels.sort(key=lambda pair: pair[1].min, reverse=True)
    top_item, top = levels[0]
    if top.max is None:
        top_item.fail(f"mức cao nhất phải đóng ở thang điểm: 'max: {plain(scale)}'")
    if top.max != scale:
        top_item.fail(f"mức cao nhất phải kết thúc ở thang điểm {plain(scale)}, không phải {plain(top.max)}", "max")
    for (_hi_item, higher), (lo_item, lower) in zip(levels, levels[1:]):
        if lower.max is not None:
            lo_item.fail(
                f"các mức chồng lên nhau tại {plain(lower.max)}: mức '{lower.name}' gồm cả {plain(lower.max)} "
                f"('max') mà mức '{higher.name}' bắt đầu từ {plain(higher.min)}; hãy viết 'below: {plain(higher.min)}' "
                "(từ ... đến dưới ...)"
            )
        if lower.below > higher.min:
            lo_item.fail(
                f"các mức chồng lên nhau: '{lower.name}' đến dưới {plain(lower.below)} nhưng "
                f"'{higher.name}' bắt đầu từ {plain(higher.min)}"
            )
        if lower.below < higher.min:
            lo_item.fail(
                f"có khoảng trống giữa các mức: từ {plain(lower.below)} đến dưới {plain(higher.min)} "
                "không thuộc mức nào"
            )
    bottom_item, bottom = levels[-1]
    if bottom.min != 0:
        bottom_item.fail(f"mức thấp nhất phải bắt đầu từ 0 để phủ cả thang điểm, không phải {plain(bottom.min)}", "min")
    ids = [lv.id for _, lv in levels]
    if len(set(ids)) != len(ids):
        r.fail("mã mức bị trùng")
    return [lv for _, lv in levels]


class _Declared:
    """Where each input was declared and where it was referenced, for the cross-checks' messages."""

    def __init__(self):
        self.paths: dict[str, str] = {}
        self.refs: list[tuple[str, str]] = []
        self.derived: dict[str, Derived] = {}  # declared, in file order (sorted when resolved)
        self.params: dict[str, str] = {}  # parameter id -> path


def _add_input(r: _Reader, inputs: dict[str, Input], decl: _Declared) -> str:
    if isinstance(r.data, str):  # a reference to an input declared elsewhere (checked at the end)
        decl.refs.append((r.path, r.data))
        return r.data
    if isinstance(r.data, dict) and "value" in r.data:
        return _add_derived(r, inputs, decl)
    r.unknown_keys(INPUT_KEYS)
    iid = r.ident("id")
    itype = r.text("type")
    if itype not in INPUT_TYPES:
        r.fail(f"kiểu '{itype}' không hợp lệ; cần một trong: {', '.join(INPUT_TYPES)}", "type")
    lo = r.fixed("min", required=False, default=0 if itype != "yesno" else None)
    hi = r.fixed("max", required=False)
    if itype == "ratio":
        hi = SCALE if hi is None else hi
        if hi > SCALE:
            r.fail("tỷ lệ không thể lớn hơn 1", "max")
    if lo is not None and lo < 0:
        r.fail("giá trị nhỏ nhất không được âm", "min")
    if itype in ("yesno", "choice", "list") and (r.child("min", required=False) or r.child("max", required=False)):
        r.fail(f"chỉ tiêu kiểu '{itype}' không có 'min'/'max'")
    if lo is not None and hi is not None and hi < lo:
        r.fail("'max' nhỏ hơn 'min'", "max")
    options = ()
    if itype == "choice":
        opts = r.child("options")
        options = tuple(Option(id=o.ident("id"), label=o.text("label")) for o in opts.items())
        if len(options) < 2:
            opts.fail("lựa chọn cần ít nhất hai phương án")
        if len({o.id for o in options}) != len(options):
            opts.fail("hai phương án có cùng mã")
    survey = ()
    if r.child("survey", required=False) is not None:
        if itype != "ratio":
            r.fail("chỉ tiêu điều tra xã hội học ('survey') cần kiểu 'ratio' (tỷ lệ có trọng số)", "survey")
        opts = r.child("survey")
        survey = tuple(SurveyOption(id=o.ident("id"), label=o.text("label"), weight=_weight(o)) for o in opts.items())
        if len(survey) < 2:
            opts.fail("câu hỏi điều tra cần ít nhất hai phương án trả lời")
        if len({o.id for o in survey}) != len(survey):
            opts.fail("hai phương án trả lời có cùng mã")
    inp = Input(
        id=iid,
        label=r.text("label"),
        type=itype,
        unit=r.text("unit", required=False),
        min=lo,
        max=hi,
        at_most=r.text("at_most", required=False) or None,
        evidence=r.flag("evidence"),
        options=options,
        help=r.text("help", required=False),
        survey=survey,
    )
    if iid in inputs and inputs[iid] != inp:
        r.fail(f"chỉ tiêu '{iid}' đã được khai báo ở chỗ khác với nội dung khác", "id")
    _unique(r, iid, decl, inputs)
    inputs[iid] = inp
    decl.paths.setdefault(iid, r.path)
    return iid


def _weight(o: _Reader) -> int:
    """A survey answer's weight: 0..1, or a percentage ('60%')."""
    w = o.child("weight")
    text = str(w.data).strip()
    if isinstance(w.data, str) and text.endswith("%"):
        try:
            value = to_fixed(Decimal(text[:-1].strip()) / 100)
        except (InvalidOperation, NumberFormatError):
            w.fail(f"'{text}' không phải là một tỷ lệ")
    else:
        value = o.fixed("weight")
    if not 0 <= value <= SCALE:
        w.fail("trọng số cần từ 0 đến 1 (hoặc 0% đến 100%)")
    return value


def _unique(r: _Reader, qid: str, decl: _Declared, inputs) -> None:
    """Inputs, derived values and parameters share one namespace: expressions name them alike."""
    if qid in decl.derived or qid in decl.params:
        r.fail(f"mã '{qid}' đã dùng cho một giá trị tính toán hoặc một tham số của kỳ", "id")


def _expression(r: _Reader) -> E.Expression:
    """An expression written at ``r`` (parsed now, its names checked when the whole file is read)."""
    data = r.data
    if isinstance(data, bool):
        text = "true" if data else "false"
    elif isinstance(data, (int, float, str)):
        text = nfc(str(data))
    else:
        r.fail('cần một biểu thức (một chuỗi, ví dụ "a / b * max")')
    try:
        return E.Expression.parse(text, r.path)
    except E.ExprError as e:
        r.fail(e.describe(text))


def _points(r: _Reader, key, max_: int, required=True, default=None) -> int | None:
    """Points written as a number (``1.5``) or as an expression of the criterion's maximum
    (``max / 2``, ``"1/2 * diem_toi_da"``), evaluated once, when the set is loaded."""
    c = r.child(key, required)
    if c is None:
        return default
    if not isinstance(c.data, str) or re.fullmatch(r"[\d\s.,+-]*", c.data):
        return r.fixed(key, required, default)
    ex = _expression(c)
    try:
        kind = E.resolve(ex.node, {}, has_max=True)
    except E.ExprError as e:
        if "không có chỉ tiêu" in e.message:
            e = E.ExprError(
                "điểm viết bằng biểu thức chỉ dùng số và điểm tối đa (max, max_points, diem_toi_da); "
                "để tính điểm theo số liệu, dùng quy tắc 'formula'",
                e.position,
            )
        c.fail(e.describe(ex.text))
    if kind != E.NUMBER:
        c.fail(f'biểu thức "{ex.text}" cho một giá trị có/không, cần một số điểm')
    return E.constant(ex.node, max_)


def _params(r: _Reader, decl: _Declared) -> dict[str, Param]:
    params: dict[str, Param] = {}
    for item in r.items():
        item.unknown_keys(PARAM_KEYS)
        pid = item.ident("id")
        if pid in params:
            item.fail(f"tham số '{pid}' đã khai báo", "id")
        ptype = item.text("type")
        if ptype not in PARAM_TYPES:
            item.fail(f"kiểu '{ptype}' không hợp lệ cho tham số; cần một trong: {', '.join(PARAM_TYPES)}", "type")
        if ptype == "yesno":
            if item.child("min", required=False) or item.child("max", required=False):
                item.fail("tham số kiểu 'yesno' không có 'min'/'max'")
            lo = hi = None
            default = item.flag("default", default=None)
        else:
            lo = item.fixed("min", required=False, default=0)
            hi = item.fixed("max", required=False, default=SCALE if ptype == "ratio" else None)
            if lo < 0:
                item.fail("giá trị nhỏ nhất không được âm", "min")
            if hi is not None and hi < lo:
                item.fail("'max' nhỏ hơn 'min'", "max")
            if ptype == "ratio" and hi > SCALE:
                item.fail("tỷ lệ không thể lớn hơn 1", "max")
            default = item.fixed("default", required=False)
            if default is not None and (default < lo or (hi is not None and default > hi)):
                item.fail("giá trị mặc định nằm ngoài 'min'..'max'", "default")
            if default is not None and ptype == "count" and default % SCALE:
                item.fail("tham số kiểu 'count' cần số nguyên", "default")
        params[pid] = Param(
            id=pid,
            label=item.text("label"),
            type=ptype,
            unit=item.text("unit", required=False),
            min=lo,
            max=hi,
            default=default,
            help=item.text("help", required=False),
        )
        decl.params[pid] = item.path
    return params


def _add_derived(r: _Reader, inputs: dict[str, Input], decl: _Declared) -> str:
    """An input with ``value:`` is computed from others by an expression, not asked on the form."""
    r.unknown_keys(DERIVED_KEYS)
    did = r.ident("id")
    dtype = r.text("type", required=False)
    if dtype and dtype not in PARAM_TYPES:
        r.fail(f"giá trị tính toán có kiểu {', '.join(PARAM_TYPES)}, không phải '{dtype}'", "type")
    if did in inputs or did in decl.params or did in decl.derived:
        r.fail(f"mã '{did}' đã dùng cho một chỉ tiêu, giá trị tính toán hoặc tham số khác", "id")
    decl.derived[did] = Derived(
        id=did,
        label=r.text("label"),
        type=dtype,
        expr=_expression(r.child("value")),
        unit=r.text("unit", required=False),
        help=r.text("help", required=False),
    )
    decl.paths[did] = r.path
    return did


def _criterion(r, parent_groups, inputs, decl, seen, depth, parent) -> Criterion:
    r.unknown_keys(CRITERION_KEYS)
    cid = r.ident("id")
    if cid in seen:
        r.fail(f"mã tiêu chí '{cid}' đã dùng ở {seen[cid]}", "id")
    seen[cid] = r.path
    groups = parent_groups
    gr = r.child("groups", required=False)
    if gr is not None:
        listed = [str(g.data) for g in gr.items()]
        for i, g in enumerate(listed):
            if g not in parent_groups:
                gr.fail(f"khối '{g}' không có trong 'groups' của bộ tiêu chí (hoặc của tiêu chí cha)", i, index=True)
        groups = frozenset(listed)
    crit = Criterion(
        id=cid,
        title=r.text("title"),
        max=0,
        groups=groups,
        path=r.path,
        description=r.text("description", required=False),
        evidence=r.text("evidence", required=False),
        deduction=r.flag("deduction") or bool(parent and parent.deduction),
        may_be_not_applicable=r.flag("not_applicable"),
        depth=depth,
        parent=parent,
        so=r.text("so", required=False),
        verified_by=r.text("verified_by", required=False),
        prepared_by=r.text("prepared_by", required=False),
    )
    crit.data_source = r.text("source", required=False)
    if crit.data_source and crit.data_source not in DATA_SOURCES:
        r.fail("nguồn dữ liệu cần một trong: " + "; ".join(f"{k} ({v})" for k, v in DATA_SOURCES.items()), "source")
    if r.child("when", required=False) is not None:
        crit.when = _expression(r.child("when"))
    ir = r.child("inputs", required=False)
    if ir is not None:
        for item in ir.items():
            _add_input(item, inputs, decl)
    children_r = r.child("criteria", required=False)
    rule_r = r.child("rule", required=False)
    declared_max = r.fixed("max", required=children_r is None)
    if declared_max is not None and declared_max <= 0:
        r.fail("điểm tối đa phải lớn hơn 0", "max")
    if children_r is not None:
        if rule_r is not None:
            r.fail("một tiêu chí có 'criteria' (các tiêu chí thành phần) thì không có 'rule' riêng", "rule")
        crit.aggregate = r.text("aggregate", required=False, default="sum")
        if crit.aggregate not in ("sum", "best"):
            r.fail("cần 'sum' (cộng các tiêu chí thành phần) hoặc 'best' (lấy trường hợp cao điểm nhất)", "aggregate")
        crit.children = [_criterion(c, groups, inputs, decl, seen, depth + 1, crit) for c in children_r.items()]
        if not crit.children:
            children_r.fail("cần ít nhất một tiêu chí thành phần")
        reach = sum(c.max for c in crit.children) if crit.aggregate == "sum" else max(c.max for c in crit.children)
        if declared_max is None:
            declared_max = reach
        elif reach < declared_max:
            r.fail(
                f"điểm tối đa {plain(declared_max)} không thể đạt được: các tiêu chí thành phần cộng lại "
                f"({crit.aggregate}) chỉ được {plain(reach)}",
                "max",
            )
    else:
        if rule_r is None:
            r.fail("tiêu chí cần 'rule' (cách tính điểm) hoặc 'criteria' (các tiêu chí thành phần)")
        crit.rule = _rule(rule_r, declared_max)
    crit.max = declared_max
    return crit


def _rule(r: _Reader, max_: int = 0) -> R.Rule:
    r.mapping()
    rtype = r.text("type")
    if rtype not in R.RULE_TYPES:
        r.fail(f"loại quy tắc '{rtype}' không hợp lệ; cần một trong: {', '.join(R.RULE_TYPES)}", "type")
    keys = {"type"}

    def ref(key, required=True):
        keys.add(key)
        return r.text(key, required=required) or None

    if rtype in ("ratio", "relative"):
        value = ref("value", required=False)
        numerator = ref("numerator", required=False)
        denominator = ref("denominator", required=False)
        if value and (numerator or denominator):
            r.fail("dùng 'value' hoặc cặp 'numerator'/'denominator', không dùng cả hai")
        if not value and not (numerator and denominator):
            r.fail("cần 'value' hoặc cả 'numerator' (tử số) và 'denominator' (mẫu số)")
        rule = R.RULE_TYPES[rtype](value=value, numerator=numerator, denominator=denominator)
    elif rtype == "yesno":
        keys.update({"yes", "no"})
        rule = R.YesNo(
            input=ref("input"),
            yes=_points(r, "yes", max_, required=False),
            no=_points(r, "no", max_, required=False, default=0),
        )
    elif rtype == "tiers":
        keys.add("tiers")
        tiers = []
        for t in r.child("tiers").items():
            t.unknown_keys({"min", "points"})
            tiers.append((t.fixed("min"), _points(t, "points", max_)))
        if not tiers:
            r.fail("cần ít nhất một mức", "tiers")
        mins = [m for m, _ in tiers]
        if len(set(mins)) != len(mins):
            r.fail("hai mức có cùng 'min'", "tiers")
        tiers.sort(reverse=True)
        rule = R.Tiers(input=ref("input"), tiers=tiers)
    elif rtype == "choice":
        keys.add("points")
        pr = r.child("points")
        rule = R.Choice(input=ref("input"), points={str(k): _points(pr, k, max_) for k in pr.mapping()})
    elif rtype == "count":
        keys.update({"per", "cap"})
        rule = R.Count(
            input=ref("input"),
            per=_points(r, "per", max_, required=False, default=SCALE),
            cap=_points(r, "cap", max_, required=False),
        )
    elif rtype == "formula":
        keys.add("points")
        rule = R.Formula(expression=_expression(r.child("points")))
    else:
        rule = R.Direct(input=ref("input"))
    r.unknown_keys(keys)
    rule._path = r.path  # for messages from the later cross-checks
    return rule


def _check_rules(fw: Framework, decl: _Declared) -> None:
    """Cross-checks that need the whole file: inputs exist and fit their rules; points fit the max."""
    for path, iid in decl.refs:
        if fw.quantity(iid) is None:
            raise FrameworkError(
                fw.source, path, f"chỉ tiêu '{iid}' chưa được khai báo (cần khai báo đầy đủ ở 'inputs')"
            )
    for crit in fw.all_criteria():
        rule = crit.rule
        if rule is None:
            continue
        path = rule._path
        for iid, allowed in rule.input_types().items():
            inp = fw.quantity(iid)
            if inp is None:
                raise FrameworkError(fw.source, path, f"chỉ tiêu '{iid}' chưa được khai báo trong 'inputs'")
            if allowed and inp.type not in allowed:
                raise FrameworkError(
                    fw.source,
                    path,
                    f"chỉ tiêu '{iid}' có kiểu '{inp.type}', quy tắc '{rule.type}' cần kiểu {' hoặc '.join(allowed)}",
                )
        over = None
        if isinstance(rule, R.YesNo):
            over = max(rule.yes or 0, rule.no)
        elif isinstance(rule, R.Tiers):
            over = max(p for _, p in rule.tiers)
        elif isinstance(rule, R.Choice):
            inp = fw.inputs[rule.input]
            option_ids = {o.id for o in inp.options}
            rule.labels = {o.id: o.label for o in inp.options}
            for key in rule.points:
                if key not in option_ids:
                    raise FrameworkError(
                        fw.source, f"{path}.points.{key}", f"'{key}' không phải là phương án của '{inp.id}'"
                    )
            over = max(rule.points.values(), default=0)
        negative = [
            v
            for v in (
                [rule.yes or 0, rule.no]
                if isinstance(rule, R.YesNo)
                else [p for _, p in rule.tiers]
                if isinstance(rule, R.Tiers)
                else list(rule.points.values())
                if isinstance(rule, R.Choice)
                else [rule.per, rule.cap or 0]
                if isinstance(rule, R.Count)
                else []
            )
            if v < 0
        ]
        if negative:
            raise FrameworkError(
                fw.source,
                path,
                "điểm không được âm; để trừ điểm, dùng một tiêu chí có 'deduction: true'",
            )
        if over is not None and over > crit.max:
            raise FrameworkError(
                fw.source, path, f"điểm của quy tắc ({plain(over)}) vượt điểm tối đa của tiêu chí ({plain(crit.max)})"
            )
    for inp in fw.inputs.values():
        if inp.at_most is None:
            continue
        path = f"{decl.paths[inp.id]}.at_most"
        whole = fw.inputs.get(inp.at_most)
        if whole is None:
            raise FrameworkError(fw.source, path, f"chỉ tiêu '{inp.at_most}' chưa được khai báo")
        if whole.id == inp.id or not (whole.numeric and inp.numeric):
            raise FrameworkError(
                fw.source, path, "'at_most' cần trỏ tới một chỉ tiêu số khác (phần không lớn hơn tổng)"
            )


def _check_not_applicable(fw: Framework) -> None:
    """A criterion that may be 'not applicable' is marked so through its own inputs (a cell written
    'không áp dụng'); it needs at least one input that no criterion outside it reads."""
    readers: dict[str, set[str]] = {}
    for c in fw.all_criteria():
        for iid in c.own_inputs():
            readers.setdefault(iid, set()).add(c.id)
    for c in fw.all_criteria():
        if not c.may_be_not_applicable:
            continue
        inside = {n.id for n in c.walk()}
        if not any(readers.get(iid, set()) <= inside for iid in c.inputs()):
            raise FrameworkError(
                fw.source,
                f"{c.path}.not_applicable",
                "mọi chỉ tiêu của tiêu chí này đều dùng chung với tiêu chí khác, nên không thể đánh dấu "
                "'không áp dụng'; cần ít nhất một chỉ tiêu riêng của tiêu chí",
            )


def _check_scale(fw: Framework, r: _Reader) -> None:
    """For each group, the criteria that apply to it must add up to the scale (deductions aside),
    and every node must be able to reach its max with the sub-items that apply to that group."""

    def reach(c, gid: str) -> int:
        if c.is_leaf:
            return c.max
        parts = [reach(ch, gid) for ch in c.children if ch.applies_to(gid)]
        if not parts:
            return 0
        return min(c.max, sum(parts) if c.aggregate == "sum" else max(parts))

    for g in fw.groups:
        total = sum(c.max for c in fw.criteria if g.id in c.groups and not c.deduction)
        if total != fw.scale:
            if not fw.draft:
                r.fail(
                    f"với khối '{g.id}', điểm tối đa của các tiêu chí cộng lại được {plain(total)}, "
                    f"khác thang điểm {plain(fw.scale)}"
                )
            gap = fw.scale - total
            fw.warnings.append(
                f"khối '{g.id}': các tiêu chí cộng lại được {plain(total)} / {plain(fw.scale)} điểm, "
                + (f"còn thiếu {plain(gap)} điểm" if gap > 0 else f"thừa {plain(-gap)} điểm")
            )
        for c in fw.all_criteria():
            if c.applies_to(g.id) and not c.is_leaf and reach(c, g.id) < c.max:
                message = (
                    f"với khối '{g.id}', các tiêu chí thành phần áp dụng chỉ đạt tối đa {plain(reach(c, g.id))}, "
                    f"không đạt điểm tối đa {plain(c.max)} của tiêu chí"
                )
                if not fw.draft:
                    raise FrameworkError(fw.source, c.path, message)
                fw.warnings.append(f"{c.path} ({c.id}): {message}")


def _ties(r: _Reader, criteria_ids: dict[str, str]):
    t = r.child("ties", required=False)
    if t is None:
        return "shared"
    if isinstance(t.data, str):
        if t.data not in TIE_RULES:
            t.fail(f"cần {' hoặc '.join(TIE_RULES)}, hoặc danh sách mã tiêu chí dùng để phân định")
        return t.data
    ids = tuple(str(i.data) for i in t.items())
    for i, cid in enumerate(ids):
        if cid not in criteria_ids:
            t.fail(f"không có tiêu chí '{cid}'", i, index=True)
    return ids


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _resolve_expressions(fw: Framework, decl: _Declared) -> None:
    """Check every expression of the set against the names it uses, once the whole file is read:
    derived values (in dependency order, refusing cycles), conditions, formulas and expressions
    written in place of a rule's input. Then note which reported inputs each criterion reads."""
    kinds: dict[str, str] = {}
    for inp in fw.inputs.values():
        if inp.type == "choice":
            kinds[inp.id] = (
                f"chỉ tiêu lựa chọn '{inp.id}' không dùng trong biểu thức; "
                "dùng quy tắc 'choice' để cho điểm từng phương án"
            )
        else:
            kinds[inp.id] = E.BOOL if inp.type == "yesno" else E.NUMBER
    for p in fw.params.values():
        kinds[p.id] = E.BOOL if p.type == "yesno" else E.NUMBER

    def fail(ex: E.Expression, e: E.ExprError):
        raise FrameworkError(fw.source, ex.path, e.describe(ex.text))

    # Expressions written where a rule names its input: "input: a / b".
    for crit in fw.all_criteria():
        rule = crit.rule
        if rule is None:
            continue
        for attr in ("input", "value", "numerator", "denominator"):
            text = getattr(rule, attr, None)
            if not text or text in kinds or text in decl.derived or _NAME.fullmatch(text):
                continue  # a name (an unknown one is reported by _check_rules)
            path = f"{rule._path}.{attr}"
            try:
                ex = E.Expression.parse(text, path)
            except E.ExprError as e:
                raise FrameworkError(fw.source, path, e.describe(text)) from None
            did = f"{crit.id}.{attr}"
            setattr(rule, attr, did)
            allowed = rule.input_types().get(did) or ("number",)
            decl.derived[did] = Derived(id=did, label=text, type="", expr=ex, max=crit.max)
            decl.paths[did] = path
            decl.derived[did].type = "number" if "number" in allowed else allowed[0]

    # Derived values in dependency order (Kahn), so each is computed after what it reads.
    deps = {d.id: [n for n in d.expr.names() if n in decl.derived] for d in decl.derived.values()}
    waiting = {k: len(set(v)) for k, v in deps.items()}
    users: dict[str, list[str]] = {}
    for k, v in deps.items():
        for n in set(v):
            users.setdefault(n, []).append(k)
    ready = [k for k, n in waiting.items() if n == 0]
    order: list[str] = []
    while ready:
        k = ready.pop(0)
        order.append(k)
        for u in users.get(k, []):
            waiting[u] -= 1
            if waiting[u] == 0:
                ready.append(u)
    if len(order) != len(deps):
        stuck = next(k for k in deps if k not in order)
        cycle = [stuck]
        while True:
            nxt = next(n for n in deps[cycle[-1]] if n not in order)
            if nxt in cycle:
                cycle = cycle[cycle.index(nxt) :] + [nxt]
                break
            cycle.append(nxt)
        d = decl.derived[cycle[0]]
        raise FrameworkError(
            fw.source, d.expr.path, "giá trị tính toán phụ thuộc vòng vào chính nó: " + " → ".join(cycle)
        )
    for did in order:
        d = decl.derived[did]
        try:
            kind = E.resolve(d.expr.node, kinds, has_max=d.max is not None)
        except E.ExprError as e:
            fail(d.expr, e)
        d.expr.kind = kind
        if kind == E.BOOL:
            if d.type and d.type != "yesno":
                raise FrameworkError(
                    fw.source, d.expr.path, f"biểu thức cho một giá trị có/không, không phải kiểu '{d.type}'"
                )
            d.type = "yesno"
        else:
            if d.type == "yesno":
                raise FrameworkError(fw.source, d.expr.path, "biểu thức cho một số, không phải một giá trị có/không")
            d.type = d.type or "number"
        kinds[did] = kind
    fw.derived = {did: decl.derived[did] for did in order}

    for crit in fw.all_criteria():
        if crit.when is not None:
            try:
                kind = E.resolve(crit.when.node, kinds, has_max=True)
            except E.ExprError as e:
                fail(crit.when, e)
            if kind != E.BOOL:
                raise FrameworkError(
                    fw.source,
                    crit.when.path,
                    f'điều kiện "{crit.when.text}" cần cho giá trị có/không '
                    "(một so sánh, and/or/not, hoặc một chỉ tiêu có/không), không phải một số",
                )
            crit.when.kind = kind
        if isinstance(crit.rule, R.Formula):
            ex = crit.rule.expression
            try:
                kind = E.resolve(ex.node, kinds, has_max=True)
            except E.ExprError as e:
                fail(ex, e)
            if kind != E.NUMBER:
                raise FrameworkError(
                    fw.source,
                    ex.path,
                    f'công thức "{ex.text}" cần cho một số điểm, '
                    "không phải một giá trị có/không; hãy viết if(điều kiện, điểm, 0)",
                )

    # The reported inputs behind each node (through derived values; parameters are not reported).
    behind: dict[str, tuple[str, ...]] = {}
    for did in order:
        seen: dict[str, None] = {}
        for n in fw.derived[did].expr.names():
            for i in behind.get(n, (n,)) if n in fw.derived else ((n,) if n in fw.inputs else ()):
                seen.setdefault(i, None)
        behind[did] = tuple(seen)
    for crit in fw.all_criteria():
        seen = {}
        for n in crit.reads():
            if n in fw.params:
                continue
            for i in behind.get(n, (n,)):
                seen.setdefault(i, None)
        crit.reported = tuple(seen)
