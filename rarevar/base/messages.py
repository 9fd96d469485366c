"""Messages as data: a text the pipeline writes for a reader is an id plus named fields.

The id is the English template (`"population AF <= {max_af} or not observed"`), the fields fill it. The English
text is `id.format(**fields)` and stays beside the message in the outputs, so they read on their own; the report
layer renders other languages from its gettext catalogues (`rarevar/report/locale/<lang>/LC_MESSAGES/rarevar.po`,
msgid = the English template, msgstr = the translation with the same fields).
"""

from __future__ import annotations

import string


def message(template: str, **fields) -> dict:
    """`{"id": template, "fields": {...}}`: every field of the template given, no other."""
    if set(fields) != template_fields(template):
        raise ValueError(f"message {template!r} takes fields {sorted(template_fields(template))}, not {sorted(fields)}")
    return {"id": template, "fields": fields}


def english(message: dict) -> str:
    return message["id"].format(**message["fields"])


def template_fields(template: str) -> set[str]:
    """The named fields of a template: `{max_af}` → {"max_af"}."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
