"""Messages rendered in the report's language from gettext catalogues.

A message is `{"id": <English template>, "fields": {...}}` (rarevar.base.messages); a field may itself be a message
or a join of items. English is the template filled in; another language is read from
`locale/<language>/LC_MESSAGES/rarevar.po` (msgid the English template, msgstr the translation with the same
fields), shipped with the package (compiled to .mo when the package is built) and read with Babel. An entry with
a context (`msgctxt`) is looked up by `(context, id)`: the same English word may need two translations (an impact
"moderate", a strength "moderate").
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from rarevar.base.messages import capitalized, is_join, is_message, template_fields

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "rarevar"
SOURCE_LANGUAGE = "en"  # the msgids


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _entries(language: str):
    """The compiled catalogue (.mo, built with the package) when it is at least as new as its source, else the .po."""
    po = catalogue_path(language)
    mo = po.with_suffix(".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return read_mo(handle)
    with po.open("rb") as handle:
        return read_po(handle, domain=DOMAIN)


@cache
def catalogue(language: str) -> dict:
    """msgid (or (msgctxt, msgid)) → msgstr of one language's catalogue: translated, not fuzzy entries only (none
    for English)."""
    if language == SOURCE_LANGUAGE:
        return {}
    return {
        (entry.context, entry.id) if entry.context else entry.id: entry.string
        for entry in _entries(language)
        if entry.id and entry.string and not entry.fuzzy
    }


def lookup(text: str, language: str, context: str | None = None) -> str:
    """One template or word in `language`; the English when the catalogue has none."""
    return catalogue(language).get((context, text) if context else text, text)


def render(value, language: str) -> str | None:
    """A message (or join) in `language`, or None when it is not well formed (an old payload, a hand-edited file).
    A template the catalogue does not translate is shown in English."""
    if is_join(value):
        items = [render(item, language) for item in value["items"]]
        if None in items:
            return None
        text = lookup(value["join"], language).join(items)
        return capitalized(text) if value.get("capitalize") else text
    if is_message(value):
        template, fields = value["id"], value["fields"]
        if set(fields) != template_fields(template):
            return None
        values = {name: render(field, language) for name, field in fields.items()}
        if None in values.values():
            return None
        try:
            return lookup(template, language).format(**values)
        except (IndexError, KeyError, ValueError):
            return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None
