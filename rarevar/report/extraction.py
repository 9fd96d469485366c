"""Babel extraction methods: every text rarevar shows a reader, found in the source, for the gettext catalogues.

`babel.cfg` names these methods, so `make catalogues` (pybabel extract, update, compile) and the tests see the same
ids. Python sources are read with `ast`, which finds exactly the calls that carry a template:
- `message("...", ...)`, `word("...")`, `N_("...")`, `t("...")`, `t.word("...")`, `t.mode("...")`: the first
  argument (both branches of a conditional, the values of a literal `{...}.get(key, default)`);
- `joined(items, "...")`, `t.join(items, "...")`: the separator;
- `C_("context", "...")`: a word with a context (`msgctxt`), such as an impact "moderate".
Templates are read with Jinja's own parser: calls of `_`/`t` with literals, `t.join` separators, and the literal
lists a template loops over when the loop body translates the loop variable.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

FIRST_ARGUMENT = {"message", "word", "N_", "t", "_", "mode"}
SEPARATOR_ARGUMENT = {"joined", "join"}
CONTEXT_CALL = "C_"


def _strings(node: ast.AST) -> Iterator[str]:
    """The literal texts an argument expression can evaluate to."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _strings(value)
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
          and isinstance(node.func.value, ast.Dict)):  # fmt: skip
        for value in node.func.value.values:
            yield from _strings(value)
        for default in node.args[1:]:
            yield from _strings(default)


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and call.func.value.id == "t":
        return call.func.attr  # the report's translator, always `t`: t.word(...), t.join(items, "; ")
    return None


def python_messages(source: str) -> Iterator[tuple[int, str | tuple[str, str]]]:
    """(line, msgid) or (line, (context, msgid)) for every template in a Python source."""
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        name = _name(call)
        if name in FIRST_ARGUMENT and call.args:
            for text in _strings(call.args[0]):
                yield call.lineno, text
        elif name in SEPARATOR_ARGUMENT and len(call.args) >= 2:  # str.join takes one argument
            for text in _strings(call.args[1]):
                yield call.lineno, text
        elif name == CONTEXT_CALL and len(call.args) == 2:
            for context in _strings(call.args[0]):
                for text in _strings(call.args[1]):
                    yield call.lineno, (context, text)


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel extraction method for rarevar's Python sources."""
    for line, found in python_messages(fileobj.read().decode("utf-8")):
        if isinstance(found, tuple):
            yield line, "pgettext", found, []
        else:
            yield line, "gettext", found, []


def template_messages(source: str) -> Iterator[tuple[int, str]]:
    """(line, msgid) for every text a Jinja template translates."""
    from jinja2 import nodes

    from rarevar.report.html import environment

    tree = environment().parse(source)
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in {"_", "t"} and call.args:
            for const in call.args[0].find_all(nodes.Const):
                if isinstance(const.value, str):
                    yield call.lineno, const.value
            if isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str):
                yield call.lineno, call.args[0].value
    for call in tree.find_all(nodes.Call):  # t.join(items, " or "): the separator
        if (isinstance(call.node, nodes.Getattr) and call.node.attr == "join" and isinstance(call.node.node, nodes.Name)
                and call.node.node.name == "t" and len(call.args) == 2 and isinstance(call.args[1], nodes.Const)):
            yield call.lineno, call.args[1].value
    for loop in tree.find_all(nodes.For):
        calls = [c for c in loop.find_all(nodes.Call) if isinstance(c.node, nodes.Name) and c.args]
        translates_item = any(c.node.name in {"_", "t"} and isinstance(c.args[0], nodes.Name) for c in calls)
        if translates_item and isinstance(loop.iter, nodes.List):
            for item in loop.iter.items:
                if isinstance(item, nodes.Const) and isinstance(item.value, str):
                    yield loop.lineno, item.value


def extract_jinja(fileobj, keywords, comment_tags, options):
    """Babel extraction method for the report's Jinja templates."""
    for line, text in template_messages(fileobj.read().decode("utf-8")):
        yield line, "gettext", text, []
