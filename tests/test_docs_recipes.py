"""The docs' recipes work: the commands they show exist, with the options they use, and the
files they name exist or are made on the same page."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from sim.cli import app
from sim.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
YAML = re.compile(r"[\w./-]+\.yaml")
FENCE = re.compile(r"^ *```[^\n]*\n(.*?)^ *```", re.M | re.S)
INLINE = re.compile(r"(?<!`)`(ccsim(?: [^`]*)?)`(?!`)")
SHELL_JOIN = re.compile(r"\s(?:&&|\|\||;|\|)\s")
REDIRECT = {">", ">>", "2>", "2>&1", "<"}
CLI = typer.main.get_command(app)


def fenced_commands(text: str) -> Iterator[str]:
    """Each `ccsim ...` command of the page's fenced code blocks (shell joins split apart)."""
    for block in FENCE.findall(text):
        for line in block.splitlines():
            for part in SHELL_JOIN.split(line):
                part = part.strip().removeprefix("$ ").strip()
                if part == "ccsim" or part.startswith("ccsim "):
                    yield part


def inline_commands(text: str) -> Iterator[str]:
    """Each `ccsim ...` code span of the page's prose (outside fenced blocks)."""
    prose = FENCE.sub("", text)
    for span in INLINE.findall(prose):
        yield " ".join(span.split())


def words_of(command: str) -> list[str]:
    """The command's words as a shell passes them, up to a redirection; `[--opt]` unbracketed."""
    words = []
    for word in shlex.split(command, comments=True):
        if word in REDIRECT:
            break
        words.append(word.strip("[]"))
    return [w for w in words if w]


def _options(command: Any) -> dict[str, Any]:
    return {name: p for p in command.params if p.param_type_name == "option"
            for name in (*p.opts, *p.secondary_opts)}  # fmt: skip


def _is_option(word: str) -> bool:
    return word.startswith("-") and word != "-" and not re.fullmatch(r"-[\d.]+%?", word)


def cli_problems(words: list[str]) -> list[str]:
    """What `ccsim` would refuse in this command line: unknown commands, options, extra arguments.

    Walks the click command tree typer builds (no simulation runs): subcommands are descended,
    each `--option` is looked up on the command it follows (skipping its value), and positional
    words are counted against the command's arguments.
    """
    command, path, positionals, problems = CLI, ["ccsim"], [], []
    i = 1
    while i < len(words):
        word = words[i]
        where = " ".join(path)
        if _is_option(word):
            name = word.split("=", 1)[0]
            option = _options(command).get(name)
            if option is None and name not in ("--help", "--version" if len(path) == 1 else ""):
                problems.append(f"{where}: no option {name}")
            takes_value = option is not None and not option.is_flag and "=" not in word
            i += 1 + takes_value
            continue
        if hasattr(command, "commands") and not positionals:
            if word not in command.commands:
                problems.append(f"{where}: no command {word!r} (has {', '.join(command.commands)})")
                return problems
            command = command.commands[word]
            path.append(word)
        else:
            positionals.append(word)
        i += 1
    nargs = [p.nargs for p in command.params if p.param_type_name == "argument"]
    if -1 not in nargs and len(positionals) > sum(nargs):
        problems.append(f"{' '.join(path)}: {len(positionals)} arguments, takes {sum(nargs)}")
    return problems


OTHER_TOOLS = {"--headless": "pytest", "--nworkers": "dask worker", "--nthreads": "dask worker"}


def _benchmark_options() -> set[str]:
    """Options the benchmark scripts' argument parsers declare (the docs show how to run them)."""
    pattern = re.compile(r"""add_argument\(\s*["'](--[\w-]+)["']""")
    return {m for f in (ROOT / "benchmarks").glob("*.py") for m in pattern.findall(f.read_text())}


def _all_options(command: Any) -> set[str]:
    subs = getattr(command, "commands", {}).values()
    return set(_options(command)).union(*(_all_options(sub) for sub in subs))


def _doc_commands(extract: Any) -> list[tuple[str, str]]:
    return [(doc.name, cmd) for doc in DOCS for cmd in extract(doc.read_text())]


def test_docs_show_commands():
    """The extraction finds the docs' commands (so the checks below check something)."""
    found = _doc_commands(fenced_commands)
    assert len(found) > 50
    assert {words_of(c)[1] for _, c in found} >= {"run", "compare", "sweep", "staff", "calibrate"}


@pytest.mark.parametrize("extract", [fenced_commands, inline_commands])
def test_doc_commands_are_accepted_by_the_cli(extract):
    """Every `ccsim` command in README.md and docs/*.md names a real (sub)command and only
    options that (sub)command accepts, with no more arguments than it takes."""
    problems = [f"{doc}: `{cmd}`: {p}" for doc, cmd in _doc_commands(extract)
                for p in cli_problems(words_of(cmd))]  # fmt: skip
    assert problems == []


def test_options_named_in_prose_exist():
    """Every `--option` a doc names, even outside a command line, is an option of some ccsim
    command (or of the few other tools the docs show: pytest, dask, a benchmark script)."""
    known = _all_options(CLI) | {"--help", "--version", *OTHER_TOOLS} | _benchmark_options()
    unknown = [f"{doc.name}: {name}" for doc in DOCS
               for name in re.findall(r"(?<![\w-])--[a-z][\w-]*", doc.read_text())
               if name not in known]  # fmt: skip
    assert unknown == []


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ("ccsim run --replicatons 3", "ccsim run: no option --replicatons"),
        ("ccsim runz a.yaml", "ccsim: no command 'runz'"),
        ("ccsim forecast imprt x.csv", "ccsim forecast: no command 'imprt'"),
        ("ccsim runs show", None),
        ("ccsim compare a.yaml b.yaml c.yaml", "ccsim compare: 3 arguments, takes 2"),
        ("ccsim run --set 'x=-2' --seed=3 -q", None),
        ("ccsim staff --out d/ --version", "ccsim staff: no option --version"),
    ],
)
def test_checker_refuses_what_the_cli_refuses(command, problem):
    """The checker reports a mistyped option or command and too many arguments, nothing else."""
    found = cli_problems(words_of(command))
    assert [p.split(" (has ")[0] for p in found] == ([problem] if problem else [])


def _overrides(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """A command's scenario files and its --set and --set-b values."""
    files, sets, sets_b = [], [], []
    for word, following in zip(words, [*words[1:], ""], strict=True):
        if word in ("--set", "--set-b"):
            (sets if word == "--set" else sets_b).append(following)
        elif word.endswith(".yaml") and (ROOT / word).is_file():
            files.append(str(ROOT / word))
    return files, sets, sets_b


def test_doc_overrides_apply():
    """Every `--set`/`--set-b` a doc shows is a valid edit of the scenarios its command names
    (the bundled default when it names none), and so is the sweep grid example."""
    from sim import api

    bad = []
    for doc, cmd in _doc_commands(fenced_commands):
        files, sets, sets_b = _overrides(words_of(cmd))
        if not (sets or sets_b):
            continue
        for source in files[:1] if sets_b else files or [None]:
            for overrides in (sets, sets + sets_b):
                try:
                    api.load(source, overrides)
                except ScenarioError as exc:
                    bad.append(f"{doc}: `{cmd}`: {exc}")
    experiments = (ROOT / "docs" / "experiments.md").read_text()
    grid = re.search(r"```yaml\n(# grid.yaml.*?)```", experiments, re.S)
    for path, values in yaml.safe_load(grid.group(1)).items():
        try:
            api.load(None, [f"{path}={v}" for v in values])
        except ScenarioError as exc:
            bad.append(f"experiments.md grid: {exc}")
    assert bad == []


def test_readme_describes_the_default_scenario():
    """README's words for the bundled default name the file `ccsim run` loads with no argument,
    its sites, channels and number of languages."""
    from sim import api

    scenario, source = api.load(None)
    readme = " ".join((ROOT / "README.md").read_text().split())
    said = re.search(r"Run the bundled default scenario \((.*?)\):", readme).group(1)
    assert f"`{Path(source).relative_to(ROOT).as_posix()}`" in said
    for site in scenario.sites:
        assert site.name.replace("_", " ").title() in said, site.name
    for channel in {t.channel for t in scenario.demand}:
        assert channel in said, channel
    languages = {t.language for t in scenario.demand}
    assert {1: "monolingual", 2: "bilingual", 3: "trilingual"}[len(languages)] in said


def test_command_files_exist_or_have_a_recipe():
    """Each `ccsim` line names bundled files, files it writes, or files the page makes."""
    missing = []
    for doc in DOCS:
        text = doc.read_text()
        for line in text.splitlines():
            if not line.lstrip().startswith("ccsim "):
                continue
            for name in YAML.findall(line.split("#")[0]):
                n = re.escape(name)
                made = re.search(rf"(# {n}:|--(?:out|export-to) {n}|> {n})", text)
                if not (ROOT / name).exists() and not made:
                    missing.append(f"{doc.name}: {name}")
    assert missing == []


def test_docs_name_repo_files_that_exist():
    """Every repository file a doc names (`sim/...py`, `tests/...`, `scenarios/...`) exists."""
    folders = "sim|tests|benchmarks|scripts|dashboard|scenarios"
    repo_file = re.compile(rf"(?<![\w/])(?:{folders})/[\w./-]+\.(?:py|yaml|json|md|sh|csv|tsv)")
    missing = [f"{doc.name}: {name}" for doc in DOCS for name in repo_file.findall(doc.read_text())
               if not (ROOT / name).exists()]  # fmt: skip
    assert missing == []


def test_student_guide_python_example_runs():
    """The student guide's python -c example prints the P(wait) it states."""
    text = (ROOT / "docs" / "guide_student.md").read_text()
    code = re.search(r'`python -c "([^"]+)"`', text).group(1)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT)}, check=True)  # fmt: skip
    assert f"{float(out.stdout):.3f}" in text
