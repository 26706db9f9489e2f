"""MkDocs hook: the reference pages are written from the code at build time, never copied by hand.

A page asks for a generated part with a marker on a line of its own, ``<!-- generated: NAME -->``:

- ``cli``: every ``academichub`` command and option, from the argument parser;
- ``usage:COMMAND``: one command's usage (``usage:rules-preview``), for a guide;
- ``settings:FILE``: a settings file (``sources.yml``, ``rules``, ``brief.yml``, ``semantic.yml``,
  ``notify.yml``) from its pydantic models, a key's comment in the model being its description;
- ``kinds:sources``: the source kinds, each one's keys and what it reads, from the modules that declare them;
- ``site-settings``: the site's settings, from ``pelicanconf.py`` and its comments;
- ``entry``: an entry as the archive writes it, from a bundled sample feed;
- ``api``: the JSON API's files, from their JSON Schemas (published beside the page);
- ``include:PATH``: a Markdown file of the repository (the changelog, the benchmarks' results).

It also takes the site's address from ``$ACADEMICHUB_DOCS_URL`` when it is set, and keeps every page
in the navigation: a page that ``mkdocs.yml``'s ``nav`` does not list
joins the end of the section named after its folder (``how-to/`` → "How-to guides"), so a new page
is never orphaned; list it in ``nav`` to choose its place.
"""

from __future__ import annotations

import ast
import html
import inspect
import io
import json
import os
import re
import textwrap
import tokenize
import types
import typing
from datetime import date
from pathlib import Path

from mkdocs.structure.files import File
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^<!-- generated: ([a-z-]+)(?::(\S+))? -->$", re.MULTILINE)
SCHEMAS = ROOT / "pipeline" / "site" / "schemas"
SECTIONS = {
    "tutorial": "Tutorial",
    "how-to": "How-to guides",
    "concepts": "Concepts",
    "reference": "Reference",
    "developer": "Developers",
}


# ------------------------------------------------------------------------------------------ helpers


def cell(text: object) -> str:
    """Text for a Markdown table cell: escaped, on one line, pipes kept as text."""
    return html.escape(" ".join(str(text).split())).replace("|", "&#124;")


def code(text: object) -> str:
    """Inline code in a table cell (backticks and pipes of the value kept)."""
    text = " ".join(str(text).split())
    return "<code>" + html.escape(text).replace("|", "&#124;") + "</code>" if text else ""


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def comments(source: str) -> dict[str, str]:
    """The comments of each assignment of a class body or a module: the comment lines right above
    it and the comment at the end of its line."""
    tree = ast.parse(source)
    body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else tree.body
    found = {
        t.start[0]: (t.string.lstrip("#").strip(), t.line.strip().startswith("#"))
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type == tokenize.COMMENT
    }
    out = {}
    for node in body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        elif isinstance(node, (ast.Assign, ast.FunctionDef)):
            names = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)] or [node.name]
        else:
            continue
        above, row = [], node.lineno - 1 - len(getattr(node, "decorator_list", []))
        while row in found and found[row][1]:
            above.insert(0, found[row][0])
            row -= 1
        end = node.lineno if isinstance(node, ast.FunctionDef) else node.end_lineno
        after = [found[r][0] for r in range(node.lineno, end + 1) if r in found and not found[r][1]]
        for name in names:
            out[name] = " ".join(above + after)
    return out


# ---------------------------------------------------------------------------------------- the CLI


def _commands(parser, path=()):
    """Every command of the parser, nested ones (``rules check``) included, in the parser's order."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield path + (name,), helps.get(name, ""), sub
                yield from _commands(sub, path + (name,))


def _usage(parser) -> str:
    """A command's usage as its --help prints it, wrapped at 80 columns."""
    import argparse

    formatter = argparse.HelpFormatter(parser.prog, width=80)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    return formatter.format_help().strip()


def usage(command: str) -> str:
    """The usage of one command (``rules-preview`` for ``academichub rules preview``), for a guide."""
    from pipeline.cli import build_parser

    wanted = tuple(command.split("-"))
    (sub,) = [sub for path, _, sub in _commands(build_parser()) if path == wanted]
    return f"```text\n{_usage(sub)}\n```\n"


def cli() -> str:
    import argparse

    from pipeline.cli import build_parser

    parser = build_parser()
    out = [f"`academichub` — {parser.description}\n"]
    for path, summary, sub in _commands(parser):
        if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
            out.append(
                f"## academichub {' '.join(path)}\n\n{summary}: "
                + ", ".join(f"[`{' '.join(p)}`](#academichub-{'-'.join(p)})" for p, _, _ in _commands(sub, path))
                + ".\n"
            )
            continue
        usage = _usage(sub)
        rows = []
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            name = ", ".join(action.option_strings) or action.dest
            if action.metavar or (action.option_strings and action.nargs != 0):
                name += " " + (action.metavar or action.dest.upper())
            if action.choices:
                name += " {" + ",".join(map(str, action.choices)) + "}"
            # a default computed when the command runs (today's date) is the help text's to say
            default = (
                ""
                if action.default in (None, False, argparse.SUPPRESS) or isinstance(action.default, date)
                else action.default
            )
            rows.append((code(name), cell(action.help or ""), code(default)))
        out.append(f"## academichub {' '.join(path)}\n\n{summary}.\n\n```\n{usage}\n```\n")
        if rows:
            out.append(table(("option", "what it does", "default"), rows))
    return "\n".join(out)


# ----------------------------------------------------------------------------------- settings files


def _settings_files() -> dict[str, tuple[type[BaseModel], str]]:
    from pipeline.config.brief import BriefConfig
    from pipeline.config.corrections import Correction
    from pipeline.config.rules import Rule
    from pipeline.config.semantic import SemanticConfig
    from pipeline.fetch.sources import SourcesFile
    from pipeline.notify.stage import NotifyFile

    return {
        "sources.yml": (SourcesFile, "sources.yml"),
        "rules": (Rule, "rules/*.yml (one topic per file)"),
        "brief.yml": (BriefConfig, "brief.yml"),
        "corrections": (Correction, "corrections/*.yml (one correction of a brief per file)"),
        "semantic.yml": (SemanticConfig, "semantic.yml"),
        "notify.yml": (NotifyFile, "notify.yml"),
    }


def _models(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _type(annotation) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin is typing.Literal:
        return " or ".join(json.dumps(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _type(a) for a in args)
    if origin is list:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"mapping of {_type(args[0])} to {_type(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return {str: "text", int: "integer", float: "number", bool: "true or false", date: "date (YYYY-MM-DD)"}.get(
        annotation, str(annotation)
    )


def _bounds(schema: dict) -> str:
    words = {
        "minimum": "≥ {}",
        "exclusiveMinimum": "> {}",
        "maximum": "≤ {}",
        "exclusiveMaximum": "< {}",
        "minLength": "at least {} characters",
        "maxLength": "at most {} characters",
        "minItems": "at least {} items",
        "pattern": "matches <code>{}</code>",
    }
    parts = []
    for where in (schema, schema.get("items", {}), *schema.get("anyOf", [])):
        parts += [words[key].format(html.escape(str(value))) for key, value in where.items() if key in words]
    return "; ".join(parts)


def described(model: type[BaseModel]) -> dict[str, str]:
    """Each key's comment in the model, or in the class of AcademicHub's it inherits the key (or its
    comment: a source kind narrows ``kind`` without saying it again) from."""
    said = {}
    for cls in reversed([c for c in model.__mro__ if issubclass(c, BaseModel) and c.__module__.startswith("pipeline")]):
        said.update({key: text for key, text in comments(textwrap.dedent(inspect.getsource(cls))).items() if text})
    return said


def _model_doc(model: type[BaseModel]) -> tuple[str, list[type[BaseModel]]]:
    said = described(model)
    schema = model.model_json_schema()["properties"]
    rows, nested = [], []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        if field.is_required():
            default = "required"
        elif isinstance(field.default, BaseModel):
            default = "its defaults"
        else:
            value = field.get_default(call_default_factory=True)
            if isinstance(value, dict):  # e.g. brief.yml's prices: a mapping of models
                value = {k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in value.items()}
            default = code(json.dumps(value, ensure_ascii=False))
        what = cell(said.get(name, ""))
        bounds = _bounds(schema.get(field.alias or name, {}))
        rows.append(
            (code(field.alias or name), _type(field.annotation), default, "; ".join(filter(None, (what, bounds))))
        )
        nested += [m for m in _models(field.annotation) if m not in nested]
    text = f"### {model.__name__}\n\n"
    if model.__doc__ and model.__doc__ != BaseModel.__doc__:
        text += " ".join(inspect.cleandoc(model.__doc__).split()) + "\n\n"
    text += table(("key", "type", "default", "what it is"), rows)
    return text, nested


def settings(name: str) -> str:
    model, title = _settings_files()[name]
    out, todo, done = [], [model], []
    while todo:
        current = todo.pop(0)
        if current in done:
            continue
        done.append(current)
        text, nested = _model_doc(current)
        out.append(text)
        todo += nested
    return f"## {title}\n\n" + "\n".join(out)


def kinds(what: str) -> str:
    """The kinds of sources (``kinds:sources``): each one's own keys and what it reads, from the settings
    class its module declares, linked to that class's table in the settings reference."""
    from pipeline.config.sources import SourceSettings
    from pipeline.fetch.sources import KINDS

    assert what == "sources", what
    rows = []
    for name, kind in KINDS.items():
        own = [f"`{key}`" for key in kind.settings.model_fields if key not in SourceSettings.model_fields]
        doc = " ".join(inspect.cleandoc(kind.settings.__doc__).split()).replace("``", "`")
        if kind.settings.endpoint:
            doc += f" Default address: <{kind.settings.endpoint}>."
        anchor = kind.settings.__name__.lower()
        rows.append((f"[`{name}`](../reference/settings.md#{anchor})", ", ".join(own), doc))
    return table(("kind", "its own keys", "what it reads"), rows)


def site_settings() -> str:
    """Every radar's site settings: the package's defaults, which a radar's pelicanconf.py imports."""
    source = (ROOT / "pipeline" / "site" / "defaults.py").read_text(encoding="utf-8")
    said = comments(source)
    rows = []
    for node in ast.parse(source).body:
        targets = getattr(node, "targets", None) or ([node] if isinstance(node, ast.FunctionDef) else [])
        for target in targets:
            name = getattr(target, "id", None) or getattr(target, "name", None)
            if name and name.isupper():
                value = ast.get_source_segment(source, node.value) if isinstance(node, ast.Assign) else "a function"
                shown = value if len(value) < 80 else value[:77] + "…"
                rows.append((code(name), code(shown), cell(said.get(name, ""))))
    return table(("setting", "default", "what it is"), rows)


# ---------------------------------------------------------------------------------------- an entry


def entry() -> str:
    from pipeline.archive.entry import META_ORDER, render_entry
    from pipeline.config import load_rules
    from pipeline.fetch.curate import compile_rules, curate
    from pipeline.fetch.normalise import normalise
    from pipeline.fetch.sources import arxiv_rss, source_settings

    feed = ROOT / "pipeline" / "project" / "samples" / "feeds" / "rss-cs.CL-2026-04-27-3items.xml"
    source = source_settings(id="arxiv-cs-cl", kind="arxiv_rss", label="arXiv ({CATEGORY})", categories=["cs.CL"])
    papers = [normalise(item, source.label) for item in arxiv_rss.parse(feed.read_bytes(), source).items]
    kept, _ = curate(papers, compile_rules(load_rules(ROOT / "rules")))
    paper = kept[0]
    paper = type(paper)(**{**paper.__dict__, "received": date(2026, 4, 27)})
    fields = ", ".join(f"`{name}`" for name in META_ORDER)
    return (
        f"What `academichub fetch` writes for the first paper of the bundled sample feed "
        f"`{feed.name}` with the starter rules (`content/papers/2026/04/27/…`):\n\n"
        f"```text\n{render_entry(paper)}```\n\nThe metadata keys, in the order they are written "
        f"(an empty one is left out): {fields}.\n"
    )


# -------------------------------------------------------------------------------------- the JSON API


def _kind(prop: dict) -> str:
    """A schema's type in words: its type, constant, values, the definition it refers to."""
    if "const" in prop:
        return f"always {json.dumps(prop['const'])}"
    if "enum" in prop:
        return " or ".join(json.dumps(value, ensure_ascii=False) for value in prop["enum"])
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in prop:
            return " or ".join(_kind(sub) for sub in prop[key])
    kind = prop.get("type", "")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    if kind == "array" and prop.get("items"):
        return f"array of {_kind(prop['items'])}"
    return kind


def _properties(schema: dict) -> list[tuple[str, ...]]:
    required = set(schema.get("required", []))
    return [
        (code(name), cell(_kind(prop)), "yes" if name in required else "", cell(prop.get("description", "")))
        for name, prop in schema.get("properties", {}).items()
    ]


def api() -> str:
    out = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        out.append(
            f"## {schema.get('title', path.name)}\n\n{schema.get('description', '')}\n\n"
            f"Schema: [`{path.name}`](schemas/{path.name}).\n"
        )
        out.append(table(("field", "type", "required", "what it is"), _properties(schema)))
        for name, sub in schema.get("$defs", {}).items():
            if sub.get("properties"):
                out.append(f"**{name}** — {cell(sub.get('description', ''))}\n")
                out.append(table(("field", "type", "required", "what it is"), _properties(sub)))
    return "\n".join(out)


# ------------------------------------------------------------------------------------- includes


def include(path: str) -> str:
    """A repository file, its headings moved one level down under the page's own title."""
    text = (ROOT / path).read_text(encoding="utf-8")
    text = re.sub(r"\A# .*\n+", "", text)
    return re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.MULTILINE)


GENERATORS = {
    "cli": cli,
    "usage": usage,
    "settings": settings,
    "kinds": kinds,
    "site-settings": site_settings,
    "entry": entry,
    "api": api,
    "include": include,
}


# ---------------------------------------------------------------------------------------- MkDocs


def _listed(nav) -> set[str]:
    listed = set()
    for item in nav or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        listed |= _listed(value) if isinstance(value, list) else {value}
    return listed


def on_config(config):
    """The site's address from $ACADEMICHUB_DOCS_URL when set (the docs published under a radar), and
    every page in the navigation: an unlisted page joins the end of its folder's section."""
    config["site_url"] = os.environ.get("ACADEMICHUB_DOCS_URL") or config["site_url"]
    docs = Path(config["docs_dir"])
    listed = _listed(config["nav"])
    for page in sorted(docs.rglob("*.md")):
        uri = page.relative_to(docs).as_posix()
        if uri in listed or uri.startswith("hooks/"):
            continue
        folder = uri.split("/")[0] if "/" in uri else ""
        title = SECTIONS.get(folder, "More")
        section = next((item for item in config["nav"] if isinstance(item, dict) and title in item), None)
        if section is None:
            section = {title: []}
            config["nav"].append(section)
        section[title].append(uri)
    return config


def on_files(files, config):
    """The API's schemas are published beside its reference page, so the page links to them."""
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        files.append(File.generated(config, f"reference/schemas/{path.name}", abs_src_path=str(path)))
    return files


def on_page_markdown(markdown, page, config, files):
    return MARKER.sub(lambda m: GENERATORS[m.group(1)](*filter(None, [m.group(2)])), markdown)
