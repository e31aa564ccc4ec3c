"""The documentation cannot drift from the command: every ``xephang ...`` command that README.md and
docs/*.md show (code blocks and inline code) names a verb and options the CLI has, the ones that work
on shipped data (embedded periods, installed criteria sets, files under tests/data) run and exit 0,
and docs/cli.md is the current ``--help`` of every verb."""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from xephang.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
# docs/cli.md is the generated --help itself, compared as a whole below.
DOCS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "cli.md")]

# Options whose value is a file the command writes; every other file-like token must already exist.
OUTPUT_OPTIONS = {"--out", "--chart"}
# Shown commands that are runnable by the rules below but are not run here, with the reason.
NOT_RUN: dict[str, str] = {}

# `xephang` as the command word: at the start (after a `$ ` prompt) or as .venv/bin/xephang.
COMMAND = re.compile(r"(?:^|(?<=\s)|(?<=bin/))xephang(?=\s)")
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z0-9_]*(?:\.[a-z]+)?|.*[|…].*|\.\.\.)$")  # FILE, META.yaml, ID|PATH, ...
FILE_LIKE = re.compile(r"/|\.[a-z]{2,5}$")


@dataclass(frozen=True)
class Shown:
    """One command as a page shows it."""

    source: str  # README.md:56
    text: str  # the words after `xephang`, brackets of optional parts kept
    block: bool  # in a code block (inline code is checked, never run)

    @property
    def words(self) -> list[str]:
        """Every word, optional parts included (their brackets dropped): what must exist in the CLI."""
        return _split(self.text.replace("[", " ").replace("]", " "))

    @property
    def required_words(self) -> list[str]:
        """The command without its optional [parts]: what is run."""
        text = self.text
        while (shorter := re.sub(r"\[[^\[\]]*\]", "", text)) != text:
            text = shorter
        return _split(text)


def _split(text: str) -> list[str]:
    text = re.sub(r"\$\([^()]*\)", "x", text)  # $(date +%F): one word to the command
    lex = shlex.shlex(text, posix=True, punctuation_chars="|&;<>")
    lex.whitespace_split = True
    lex.commenters = "#"
    words = []
    for w in lex:
        if w and set(w) <= set("|&;<>"):
            break  # a pipe or redirection: the rest is another program
        words.append(w)
    return words


def _code_lines(text: str):
    """(line number, line, in a code block) for the lines of code in a markdown page."""
    fenced = False
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or line.startswith("    "):
            yield n, line, True
        else:
            for span in re.findall(r"`([^`]+)`", line):
                yield n, span, False


def shown_commands() -> list[Shown]:
    found = []
    for page in DOCS:
        lines = list(_code_lines(page.read_text(encoding="utf-8")))
        k = 0
        while k < len(lines):
            n, line, block = lines[k]
            while block and line.rstrip().endswith("\\") and k + 1 < len(lines):  # continued command
                k += 1
                line = line.rstrip()[:-1] + " " + lines[k][1].strip()
            k += 1
            m = COMMAND.search(line)
            if m and line[: m.start()].strip() in ("", "$", ".venv/bin/", "$ .venv/bin/"):
                found.append(Shown(f"{page.relative_to(ROOT)}:{n}", line[m.end() :].strip(), block))
    return found


SHOWN = shown_commands()


def _verb(parser: argparse.ArgumentParser, words: list[str]):
    """The sub-parser a command's words reach, and the words after its verb."""
    rest = list(words)
    verb = []
    while True:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            return parser, verb, rest
        name = " ".join(["xephang", *verb])
        if not rest:
            pytest.fail(f"'{name}' needs one of: {', '.join(subs[0].choices)}")
        if rest[0].startswith("-"):  # xephang --version
            return parser, verb, rest
        word = rest.pop(0)
        if word not in subs[0].choices:
            pytest.fail(f"'{word}' is not a verb of '{name}' (it has: {', '.join(subs[0].choices)})")
        verb.append(word)
        parser = subs[0].choices[word]


def test_the_docs_show_commands():
    sources = {s.source.split(":")[0] for s in SHOWN}
    assert {"README.md", "docs/documents.md", "docs/analysis.md", "docs/frameworks.md"} <= sources
    assert len([s for s in SHOWN if s.block]) >= 30


@pytest.mark.parametrize("shown", SHOWN, ids=lambda s: s.source)
def test_shown_command_names_a_verb_and_options_the_cli_has(shown):
    sub, verb, rest = _verb(build_parser(), shown.words)
    known = sub._option_string_actions
    for word in rest:
        if re.match(r"^--?[a-zA-Z]", word):
            option = word.split("=", 1)[0]
            if option not in known:
                pytest.fail(
                    f"{shown.source}: 'xephang {' '.join(verb)}' has no option {option} "
                    f"(it has: {', '.join(sorted(o for o in known if o.startswith('--')))})"
                )
    if shown.block:  # a whole command (inline code may show a verb or an option alone)
        try:
            build_parser().parse_args(shown.words)
        except SystemExit:
            pytest.fail(f"{shown.source}: xephang {shown.text}: refused by the command line (see stderr)")


def _runnable(shown: Shown, made: set[str]) -> bool:
    """Runs on shipped data: no placeholder, and every file it reads is in the repository (or was written
    by a command shown before it on the same page)."""
    if not shown.block:
        return False
    words = shown.required_words
    _, verb, rest = _verb(build_parser(), words)
    if verb[:1] in (["verify"], ["backup"], ["restore"]):  # the web database: tests/web covers them
        return False
    previous = None
    for word in rest:
        output = previous in OUTPUT_OPTIONS
        previous = word
        if word.startswith("-") or output:
            continue
        if PLACEHOLDER.match(word):
            return False
        if FILE_LIKE.search(word) and not (ROOT / word).exists() and word not in made:
            return False
    return True


def runnable_commands() -> list[Shown]:
    run, made = [], set()
    for shown in SHOWN:
        if _runnable(shown, made):
            run.append(shown)
            words = shown.required_words
            made.update(b for a, b in zip(words, words[1:]) if a in OUTPUT_OPTIONS)
    return run


RUNNABLE = runnable_commands()


def test_commands_on_shipped_data_are_found():
    texts = [" ".join(s.required_words) for s in RUNNABLE]
    for expected in (
        "rank thanhhoa-2020",
        "explain mau-thanhhoa-2016 --unit Sở Y tế",
        "decision thanhhoa-2020 --out qd.docx --pdf",
        "frameworks",
        "framework export thanhhoa-2016 --out bang-chi-so.xlsx",
        "framework import bang-chi-so.xlsx --out bo-tieu-chi.yaml",
    ):
        assert expected in texts
    assert len(RUNNABLE) >= 20


@pytest.fixture(scope="module")
def pages_dir(tmp_path_factory):
    """One working folder per page, shared by its commands in their order (an export read back by an
    import shown after it)."""
    return tmp_path_factory.mktemp("docs")


@pytest.mark.parametrize("shown", RUNNABLE, ids=lambda s: f"{s.source} {' '.join(s.required_words)[:60]}")
def test_shown_command_runs(shown, pages_dir, monkeypatch, capsys):
    if shown.text in NOT_RUN:
        pytest.skip(NOT_RUN[shown.text])
    words = shown.required_words
    if "--pdf" in words or any(w.endswith(".pdf") for w in words):
        if not (shutil.which("soffice") or shutil.which("libreoffice")):
            pytest.skip("PDF needs LibreOffice (scripts/system-deps.sh)")
    here = pages_dir / shown.source.split(":")[0].replace("/", "-")
    here.mkdir(exist_ok=True)
    monkeypatch.chdir(here)
    argv = [
        str(ROOT / w) if FILE_LIKE.search(w) and (ROOT / w).exists() and not (here / w).exists() else w for w in words
    ]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, f"{shown.source}: xephang {' '.join(words)} exited {code}\n{err}"
    assert out.strip() or any(here.iterdir())


@pytest.mark.skipif(
    f"(Python {sys.version_info.major}.{sys.version_info.minor})"
    not in (ROOT / "docs/cli.md").read_text(encoding="utf-8"),
    reason="docs/cli.md was generated under another Python, whose argparse lays help out differently",
)
def test_cli_reference_is_up_to_date():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr + "(regenerate it: python scripts/cli_reference.py)"
