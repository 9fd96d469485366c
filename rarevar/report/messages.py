"""Messages rendered in the report's language from gettext catalogues.

A message is `{"id": <English template>, "fields": {...}}` (rarevar.base.messages). English is the template
filled in; another language is read from `locale/<language>/LC_MESSAGES/rarevar.po` (msgid the English template,
msgstr the translation with the same fields), shipped with the package and parsed with Babel.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from rarevar.base.messages import template_fields

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "rarevar"
SOURCE_LANGUAGE = "en"  # the msgids


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid → msgstr of one language's catalogue: translated, not fuzzy entries only (none for English)."""
    if language == SOURCE_LANGUAGE:
        return {}
    with catalogue_path(language).open("rb") as handle:
        entries = read_po(handle, domain=DOMAIN)
    return {entry.id: entry.string for entry in entries if entry.id and entry.string and not entry.fuzzy}


def render(message, language: str) -> str | None:
    """The message in `language`, or None when it is not a well-formed message (an old payload, a hand-edited
    file). A message the catalogue does not translate is shown in English."""
    if not isinstance(message, dict) or not isinstance(message.get("id"), str):
        return None
    template, fields = message["id"], message.get("fields") or {}
    if not isinstance(fields, dict) or set(fields) != template_fields(template):
        return None
    try:
        return catalogue(language).get(template, template).format(**fields)
    except (IndexError, KeyError, ValueError):
        return None
