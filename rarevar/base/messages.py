"""Messages as data: a text the pipeline writes for a reader is an id plus named fields.

The id is the English template (`"population AF <= {max_af} or not observed"`), the fields fill it. The English
text is the template filled in and stays beside the message in the outputs, so they read on their own; the report
layer renders other languages from its gettext catalogues (`rarevar/report/locale/<lang>/LC_MESSAGES/rarevar.po`,
msgid = the English template, msgstr = the translation with the same fields).

A field is a plain value (an id, a gene, an HGVS string, a number already formatted: shown as it is in every
language), or itself translated:
- a nested message, such as a word from a known vocabulary (`word("pathogenic")`, a message without fields);
- a list joined by a separator (`joined([...], " and ")`): the separator is translated too (" and " → "和"), and
  `capitalize` upper-cases the first letter of the joined text in languages that have case.

Every template is written as a string literal inside `message(...)`, `word(...)` or `N_(...)`, so that Babel's
extraction finds it (`make catalogues`).
"""

from __future__ import annotations

import string

PLAIN = (str, int, float)


def N_(template: str) -> str:  # noqa: N802  (the gettext convention for "mark for translation, later")
    """Marks a template kept in a constant for extraction; returns it unchanged."""
    return template


def message(template: str, **fields) -> dict:
    """`{"id": template, "fields": {...}}`: every field of the template given, no other."""
    if set(fields) != template_fields(template):
        raise ValueError(f"message {template!r} takes fields {sorted(template_fields(template))}, not {sorted(fields)}")
    for name, value in fields.items():
        if not (isinstance(value, PLAIN) or is_message(value) or is_join(value)):
            raise TypeError(f"message {template!r}: field {name} is a {type(value).__name__}")
    return {"id": template, "fields": fields}


def word(text: str) -> dict:
    """A term from a known vocabulary (an inheritance mode, a ClinVar significance, a consequence term)."""
    return message(text)


def joined(items, separator: str, capitalize: bool = False) -> dict:
    """Items (plain values or messages) joined by a separator that is translated too."""
    items = list(items)
    for item in items:
        if not (isinstance(item, PLAIN) or is_message(item) or is_join(item)):
            raise TypeError(f"joined item is a {type(item).__name__}")
    said = {"join": separator, "items": items}
    return {**said, "capitalize": True} if capitalize else said


def is_message(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id"), str) and isinstance(value.get("fields"), dict)


def is_join(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("join"), str) and isinstance(value.get("items"), list)


def english(value) -> str:
    """The English text of a message, a join or a plain value."""
    if is_join(value):
        text = value["join"].join(english(item) for item in value["items"])
        return capitalized(text) if value.get("capitalize") else text
    if is_message(value):
        return value["id"].format(**{name: english(field) for name, field in value["fields"].items()})
    return str(value)


def with_messages(key: str, messages: list[dict]) -> dict:
    """`key`: the English texts of `messages`; `key_messages`: the messages, for the report's other languages."""
    return {key: [english(m) for m in messages], f"{key}_messages": messages}


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def template_fields(template: str) -> set[str]:
    """The named fields of a template: `{max_af}` → {"max_af"}."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
