"""Expressions in a criteria set: a small, safe, exact language for what regulations write as formulas.

A regulation writes "1/2*Điểm tối đa", "Tỷ lệ = a/b; Điểm = Tỷ lệ*Điểm tối đa", "tham gia đầy đủ các
phiên họp (số phiên tham dự = số phiên được mời)", "chỉ tính khi có Trung tâm dữ liệu". A criteria set
says the same with an expression:

    max / 2
    min(so_van_ban / so_van_ban_yeu_cau, 1) * diem_toi_da
    so_phien_tham_du >= so_phien_duoc_moi and so_phien_duoc_moi > 0
    if(co_trung_tam_du_lieu, 35, 0)

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("<" | "<=" | ">" | ">=" | "=" | "==" | "!=" | "<>") sum)?
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | "+" unary | atom
    atom    := NUMBER ["%"] | "true" | "false" | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

Names are the ids of inputs, derived values and period parameters, plus ``max_points`` /
``diem_toi_da`` (and ``max`` not followed by "(") for the criterion's maximum. The functions are
``min(a, b, ...)``, ``max(a, b, ...)`` and ``if(condition, a, b)``. There is nothing else: no
attribute access, no indexing, no loops, no calls into Python; text is parsed here and evaluated by
walking the tree, never by ``eval``.

Arithmetic is the project's fixed point (``xephang.numbers``): + and - are exact; * and / are
rounded half-up at 1e-15 (a product of two figures with at most 15 decimals between them is exact);
a division by zero gives 0, as a ratio with a zero denominator does. Values are numbers or truth
values (yes/no inputs, comparisons); mixing them is refused when the set is loaded, not when it is
scored. An expression is at most ``MAX_LENGTH`` characters and ``MAX_DEPTH`` levels of nesting, so
a hostile or broken file gets a clear error, never a hang or a stack overflow.

Evaluation works on whole columns (numpy object arrays of Python ints, one entry per unit) as the
rules do, so a derived value over 12,000 units costs a few array operations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..numbers import SCALE, NumberFormatError, plain, to_fixed

MAX_LENGTH = 1000
MAX_DEPTH = 30
MAX_ARGS = 50

#: Names of the criterion's maximum (the regulation's "Điểm tối đa").
MAX_NAMES = ("max_points", "diem_toi_da", "max")
FUNCTIONS = ("min", "max", "if")
KEYWORDS = ("and", "or", "not", "true", "false")

NUMBER, BOOL = "number", "bool"


class ExprError(ValueError):
    """A problem in an expression; ``position`` counts characters from 0 (shown from 1)."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message = message
        self.position = position

    def describe(self, text: str) -> str:
        """The message with the expression and the character position, for a FrameworkError."""
        return f'biểu thức "{text}", ký tự {self.position + 1}: {self.message}'


# ---------------------------------------------------------------------------------------------
# Tokens

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?%?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|<>|[-+*/(),<>=])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # number | name | op | end
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExprError(f"biểu thức dài {len(text)} ký tự, quá giới hạn {MAX_LENGTH} ký tự", MAX_LENGTH)
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = ""
            if ch in "[].{}":
                hint = "; chỉ dùng ngoặc tròn ( )"
            elif ch.isalpha():
                hint = "; tên chỉ gồm chữ Latin không dấu, số và '_'"
            raise ExprError(f"ký tự '{ch}' không được dùng trong biểu thức{hint}", pos)
        kind = m.lastgroup
        if kind != "space":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# ---------------------------------------------------------------------------------------------
# The tree. Each node knows its kind (number or bool) once resolved, can evaluate itself over
# columns and can write itself back as text.


@dataclass
class Node:
    pos: int

    def walk(self):
        yield self


@dataclass
class Num(Node):
    value: int  # fixed point
    text: str = ""

    def __str__(self):
        return self.text or plain(self.value)


@dataclass
class Bool(Node):
    value: bool

    def __str__(self):
        return "true" if self.value else "false"


@dataclass
class Name(Node):
    name: str

    def __str__(self):
        return self.name


@dataclass
class Unary(Node):
    op: str  # "-" | "not"
    arg: Node

    def walk(self):
        yield self
        yield from self.arg.walk()

    def __str__(self):
        return f"not {_paren(self.arg)}" if self.op == "not" else f"-{_paren(self.arg)}"


@dataclass
class Chain(Node):
    """``a op b op c ...`` for one precedence level, evaluated left to right (no deep trees)."""

    op_class: str  # "sum" | "product" | "and" | "or"
    first: Node
    rest: list[tuple[str, Node]]

    def walk(self):
        yield self
        yield from self.first.walk()
        for _, n in self.rest:
            yield from n.walk()

    def __str__(self):
        return " ".join([_paren(self.first)] + [f"{op} {_paren(n)}" for op, n in self.rest])


@dataclass
class Compare(Node):
    op: str
    left: Node
    right: Node

    def walk(self):
        yield self
        yield from self.left.walk()
        yield from self.right.walk()

    def __str__(self):
        return f"{_paren(self.left)} {self.op} {_paren(self.right)}"


@dataclass
class Call(Node):
    fn: str
    args: list[Node]

    def walk(self):
        yield self
        for a in self.args:
            yield from a.walk()

    def __str__(self):
        return f"{self.fn}(" + ", ".join(str(a) for a in self.args) + ")"


def _paren(n: Node) -> str:
    return f"({n})" if isinstance(n, (Chain, Compare)) else str(n)


# ---------------------------------------------------------------------------------------------
# Parser


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def expect(self, text: str, what: str) -> Token:
        t = self.peek()
        if t.text != text or t.kind == "end":
            raise ExprError(f"cần {what}, gặp {_shown(t)}", t.pos)
        return self.take()

    def nest(self, pos: int):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"biểu thức lồng nhau quá sâu (quá {MAX_DEPTH} cấp ngoặc, hàm hoặc dấu)", pos)

    def parse(self) -> Node:
        t = self.peek()
        if t.kind == "end":
            raise ExprError("biểu thức rỗng", 0)
        node = self.or_()
        t = self.peek()
        if t.text == ",":
            raise ExprError(
                "dấu ',' chỉ dùng giữa các đối số của một hàm; số thập phân viết bằng dấu chấm (1.5)", t.pos
            )
        if t.kind != "end":
            raise ExprError(f"thừa {_shown(t)} sau một biểu thức hoàn chỉnh (thiếu dấu phép tính?)", t.pos)
        return node

    def _chain(self, op_class, ops, sub):
        first = sub()
        rest = []
        while self.peek().kind in ("op", "name") and self.peek().text in ops:
            op = self.take().text
            rest.append((op, sub()))
        return first if not rest else Chain(first.pos, op_class, first, rest)

    def or_(self):
        return self._chain("or", ("or",), self.and_)

    def and_(self):
        return self._chain("and", ("and",), self.not_)

    def not_(self):
        t = self.peek()
        if t.kind == "name" and t.text == "not":
            self.take()
            self.nest(t.pos)
            node = Unary(t.pos, "not", self.not_())
            self.depth -= 1
            return node
        return self.compare()

    def compare(self):
        left = self.sum()
        t = self.peek()
        if t.kind == "op" and t.text in ("<", "<=", ">", ">=", "=", "==", "!=", "<>"):
            self.take()
            right = self.sum()
            op = {"=": "==", "<>": "!="}.get(t.text, t.text)
            nxt = self.peek()
            if nxt.kind == "op" and nxt.text in ("<", "<=", ">", ">=", "=", "==", "!=", "<>"):
                raise ExprError("không viết hai phép so sánh liền nhau (a < b < c); hãy viết a < b and b < c", nxt.pos)
            return Compare(t.pos, op, left, right)
        return left

    def sum(self):
        return self._chain("sum", ("+", "-"), self.product)

    def product(self):
        return self._chain("product", ("*", "/"), self.unary)

    def unary(self):
        t = self.peek()
        if t.kind == "op" and t.text in ("-", "+"):
            self.take()
            self.nest(t.pos)
            arg = self.unary()
            self.depth -= 1
            return arg if t.text == "+" else Unary(t.pos, "-", arg)
        return self.atom()

    def atom(self):
        t = self.take()
        if t.kind == "number":
            return _number(t)
        if t.kind == "name":
            if t.text in ("true", "false"):
                return Bool(t.pos, t.text == "true")
            if t.text in ("and", "or", "not"):
                raise ExprError(f"thiếu một giá trị trước '{t.text}'", t.pos)
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.call(t)
            if t.text in ("min", "if"):
                raise ExprError(f"'{t.text}' là một hàm: cần '{t.text}(...)'", t.pos)
            return Name(t.pos, t.text)
        if t.kind == "op" and t.text == "(":
            self.nest(t.pos)
            node = self.or_()
            self.depth -= 1
            self.expect(")", "dấu ')' đóng ngoặc")
            return node
        if t.kind == "end":
            raise ExprError("biểu thức kết thúc giữa chừng: thiếu một giá trị", t.pos)
        raise ExprError(f"cần một số, một tên hoặc '(', gặp {_shown(t)}", t.pos)

    def call(self, name: Token):
        if name.text not in FUNCTIONS:
            raise ExprError(f"không có hàm '{name.text}'; các hàm: {', '.join(FUNCTIONS)}", name.pos)
        self.take()  # (
        self.nest(name.pos)
        args = [self.or_()]
        while self.peek().text == "," and self.peek().kind == "op":
            self.take()
            args.append(self.or_())
            if len(args) > MAX_ARGS:
                raise ExprError(f"quá {MAX_ARGS} đối số", args[-1].pos)
        self.depth -= 1
        self.expect(")", "dấu ')' đóng danh sách đối số (hoặc ',' trước đối số tiếp theo)")
        if name.text == "if" and len(args) != 3:
            raise ExprError(
                f"if cần đúng 3 đối số: if(điều kiện, giá trị khi đúng, giá trị khi sai), có {len(args)}", name.pos
            )
        if name.text in ("min", "max") and len(args) < 2:
            raise ExprError(f"{name.text} cần ít nhất 2 đối số", name.pos)
        return Call(name.pos, name.text, args)


def _shown(t: Token) -> str:
    return "hết biểu thức" if t.kind == "end" else f"'{t.text}'"


def _number(t: Token) -> Num:
    text = t.text
    percent = text.endswith("%")
    digits = text[:-1] if percent else text
    try:
        value = to_fixed(Decimal(digits).scaleb(-2) if percent else Decimal(digits))
    except NumberFormatError as e:
        raise ExprError(str(e), t.pos) from None
    return Num(t.pos, value, text)


def parse(text: str) -> Node:
    """The tree of an expression; ``ExprError`` (with the character position) if it is malformed."""
    if not isinstance(text, str):
        raise ExprError("biểu thức phải là một chuỗi", 0)
    return _Parser(text).parse()


# ---------------------------------------------------------------------------------------------
# Resolution: every name must be known and every operation must get the kind of value it needs.


def resolve(node: Node, kinds: dict[str, str], has_max: bool) -> str:
    """Check ``node`` against the known names (name -> NUMBER or BOOL); return its kind.

    ``has_max``: whether the criterion's maximum may be used (not in a set-wide derived value).
    """
    if isinstance(node, Num):
        return NUMBER
    if isinstance(node, Bool):
        return BOOL
    if isinstance(node, Name):
        if node.name in MAX_NAMES:
            if not has_max:
                raise ExprError(f"'{node.name}' (điểm tối đa) chỉ dùng được trong một tiêu chí", node.pos)
            return NUMBER
        if node.name in KEYWORDS or node.name in FUNCTIONS:
            raise ExprError(f"'{node.name}' không dùng được như một giá trị", node.pos)
        kind = kinds.get(node.name)
        if kind is None:
            raise ExprError(f"không có chỉ tiêu, giá trị tính toán hay tham số '{node.name}'", node.pos)
        if kind not in (NUMBER, BOOL):  # a message for a name that cannot be used (e.g. a choice)
            raise ExprError(kind, node.pos)
        return kind
    if isinstance(node, Unary):
        return _want(node.arg, BOOL if node.op == "not" else NUMBER, kinds, has_max, f"'{node.op}'")
    if isinstance(node, Chain):
        want = BOOL if node.op_class in ("and", "or") else NUMBER
        _want(node.first, want, kinds, has_max, f"'{node.rest[0][0]}'")
        for op, n in node.rest:
            _want(n, want, kinds, has_max, f"'{op}'")
        return want
    if isinstance(node, Compare):
        left = resolve(node.left, kinds, has_max)
        right = resolve(node.right, kinds, has_max)
        if node.op in ("==", "!="):
            if left != right:
                raise ExprError(f"không so sánh được một số với một giá trị có/không ('{node.op}')", node.pos)
        elif left != NUMBER or right != NUMBER:
            raise ExprError(f"phép so sánh '{node.op}' cần hai số", node.pos)
        return BOOL
    if isinstance(node, Call):
        if node.fn == "if":
            _want(node.args[0], BOOL, kinds, has_max, "điều kiện của if")
            a = resolve(node.args[1], kinds, has_max)
            b = resolve(node.args[2], kinds, has_max)
            if a != b:
                raise ExprError("hai nhánh của if phải cùng là số, hoặc cùng là có/không", node.pos)
            return a
        for a in node.args:
            _want(a, NUMBER, kinds, has_max, f"hàm {node.fn}")
        return NUMBER
    raise AssertionError(node)  # pragma: no cover


def _want(node, kind, kinds, has_max, where) -> str:
    got = resolve(node, kinds, has_max)
    if got != kind:
        need = "một số" if kind == NUMBER else "một giá trị có/không (điều kiện)"
        have = "một số" if got == NUMBER else "một giá trị có/không"
        hint = "; với chỉ tiêu có/không hãy viết if(chỉ_tiêu, số khi có, số khi không)" if kind == NUMBER else ""
        raise ExprError(f"{where} cần {need}, ở đây là {have}{hint}", node.pos)
    return got


def names(node: Node) -> list[str]:
    """The names an expression reads (inputs, derived values, parameters), in order of appearance."""
    seen: dict[str, None] = {}
    for n in node.walk():
        if isinstance(n, Name) and n.name not in MAX_NAMES:
            seen.setdefault(n.name, None)
    return list(seen)


def uses_max(node: Node) -> bool:
    return any(isinstance(n, Name) and n.name in MAX_NAMES for n in node.walk())


# ---------------------------------------------------------------------------------------------
# Evaluation over columns. Values are Python ints (fixed point) or bools, scalars or numpy object
# / bool arrays of one entry per unit; numpy broadcasts a scalar against a column.


def _half_up_div(a, b):
    """a / b rounded half-up (away from zero), exactly, for ints or object arrays; 0 where b == 0."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a = np.asarray(a, dtype=object)
        if isinstance(b, int) and b > 0:
            # The common case (a product divided by SCALE, a figure by a constant): one pass when
            # nothing is negative; (a + b // 2) // b is half-up for a >= 0.
            if not (a < 0).any():
                return (a + (b >> 1)) // b
        else:
            b = np.asarray(b, dtype=object)
            if not (a < 0).any() and not (b < 0).any():
                zero = b == 0
                if zero.any():
                    return np.where(zero, 0, (a + (np.where(zero, 1, b) >> 1)) // np.where(zero, 1, b))
                return (a + (b >> 1)) // b
        b = np.broadcast_to(np.asarray(b, dtype=object), a.shape) if a.ndim else np.asarray(b, dtype=object)
        zero = b == 0
        neg_b = b < 0
        a = np.where(neg_b, -a, a)
        b = np.where(zero, 1, np.where(neg_b, -b, b))
        q = np.where(a >= 0, (2 * a + b) // (2 * b), -((2 * -a + b) // (2 * b)))
        return np.where(zero, 0, q).astype(object)
    if b == 0:
        return 0
    if b < 0:
        a, b = -a, -b
    return (2 * a + b) // (2 * b) if a >= 0 else -((2 * -a + b) // (2 * b))


def _as_bool(v):
    return v.astype(bool) if isinstance(v, np.ndarray) else bool(v)


def evaluate(node: Node, env: dict, max_: int | None = None):
    """The value of ``node`` with names read from ``env`` (id -> scalar or column)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Bool):
        return node.value
    if isinstance(node, Name):
        if node.name in MAX_NAMES:
            return max_
        return env[node.name]
    if isinstance(node, Unary):
        v = evaluate(node.arg, env, max_)
        if node.op == "not":
            return np.logical_not(_as_bool(v)) if isinstance(v, np.ndarray) else not v
        return -v
    if isinstance(node, Chain):
        acc = evaluate(node.first, env, max_)
        for op, n in node.rest:
            v = evaluate(n, env, max_)
            if op == "+":
                acc = acc + v
            elif op == "-":
                acc = acc - v
            elif op == "*":
                acc = _half_up_div(acc * v, SCALE)
            elif op == "/":
                acc = _half_up_div(acc * SCALE, v)
            elif op == "and":
                acc = np.logical_and(_as_bool(acc), _as_bool(v)) if _vec(acc, v) else bool(acc) and bool(v)
            else:
                acc = np.logical_or(_as_bool(acc), _as_bool(v)) if _vec(acc, v) else bool(acc) or bool(v)
        return acc
    if isinstance(node, Compare):
        a = evaluate(node.left, env, max_)
        b = evaluate(node.right, env, max_)
        if _vec(a, b):
            return np.asarray(_compare(node.op, a, b), dtype=bool)
        return _compare(node.op, a, b)
    if isinstance(node, Call):
        if node.fn == "if":
            c = evaluate(node.args[0], env, max_)
            a = evaluate(node.args[1], env, max_)
            b = evaluate(node.args[2], env, max_)
            if isinstance(c, np.ndarray):
                if _is_bool(a):
                    return np.where(c.astype(bool), a, b).astype(bool)
                return np.where(c.astype(bool), np.asarray(a, dtype=object), np.asarray(b, dtype=object)).astype(object)
            return a if c else b
        vals = [evaluate(a, env, max_) for a in node.args]
        if any(isinstance(v, np.ndarray) for v in vals):
            f = np.minimum if node.fn == "min" else np.maximum
            acc = np.asarray(vals[0], dtype=object)
            for v in vals[1:]:
                acc = f(acc, np.asarray(v, dtype=object) if not isinstance(v, np.ndarray) else v)
            return acc.astype(object)
        return min(vals) if node.fn == "min" else max(vals)
    raise AssertionError(node)  # pragma: no cover


def _compare(op, a, b):
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == ">=":
        return a >= b
    if op == "==":
        return a == b
    return a != b


def _is_bool(v) -> bool:
    return isinstance(v, (bool, np.bool_)) or (isinstance(v, np.ndarray) and v.dtype == bool)


def _vec(a, b) -> bool:
    return isinstance(a, np.ndarray) or isinstance(b, np.ndarray)


def constant(node: Node, max_: int | None = None) -> int | bool:
    """The value of an expression that reads no input (``max / 2``, ``3/4 * diem_toi_da``)."""
    return evaluate(node, {}, max_)


@dataclass
class Expression:
    """An expression as written in the file, parsed, with where it was written (for messages)."""

    text: str
    node: Node
    path: str  # YAML path: criteria[0].criteria[1].when
    kind: str = NUMBER  # set when resolved

    @classmethod
    def parse(cls, text: str, path: str) -> Expression:
        return cls(text, parse(text), path)

    def names(self) -> list[str]:
        return names(self.node)

    def evaluate(self, env: dict, max_: int | None = None):
        return evaluate(self.node, env, max_)

    def __str__(self) -> str:
        return self.text
