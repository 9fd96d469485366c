"""Report languages: English (as written in the code) and Simplified Chinese, from gettext catalogues.

Every text is keyed by its English wording, so the English report is exactly what the code writes and a text
without a translation stays in English (never dropped):
- the report's fixed texts (templates and report builders): `t("Showing {shown} of {total} candidates", shown=...,
  total=...)`, and words from a known vocabulary (`t.word`, `t.mode`, `t.consequence`, `t.impact`);
- what the pipeline wrote for a reader (why-lines, ACMG evidence, QC findings, funnel steps, not-assessed notes,
  reanalysis reasons): each text has its message (an id plus named fields, rarevar.base.messages) beside it, and
  `t.said(holder, key)` renders the messages in the report's language;
- HPO term labels, from a translated label file when one is configured (rarevar.report.term_labels).
The catalogues are `locale/<language>/LC_MESSAGES/rarevar.po` (rarevar.report.messages; `make catalogues`).
"""

from __future__ import annotations

from rarevar.report.messages import SOURCE_LANGUAGE, catalogue, lookup, render

LANGUAGES = ("en", "zh")
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


class Translator:
    """`t(text, **fields)` for the report's fixed texts, `t.message(message, english)` for what the pipeline wrote;
    both from the gettext catalogue of the report's language (rarevar.report.messages)."""

    def __init__(self, language: str = "en", term_labels: dict[str, str] | None = None):
        if language not in LANGUAGES:
            raise ValueError(f"report language {language!r} is not one of {', '.join(LANGUAGES)}")
        self.language = language
        self.term_labels = term_labels or {}
        self.html_lang = HTML_LANG[language]
        self.zh = language == "zh"

    def _lookup(self, text: str, context: str | None = None) -> str:
        return text if self.language == SOURCE_LANGUAGE else lookup(text, self.language, context)

    def __call__(self, text: str, **values) -> str:
        template = self._lookup(text)
        return template.format(**values) if values else template

    def term_label(self, term_id: str, english: str) -> str:
        """An HPO term's label in the report's language where a translated label file gives one."""
        return self.term_labels.get(term_id, english) if self.language != SOURCE_LANGUAGE else english

    def word(self, text: str) -> str:
        """One value from a known vocabulary (status, role, significance); unknown ones stay as they are."""
        return self._lookup(text)

    def mode(self, words: str) -> str:
        return self._lookup(words)

    def consequence(self, term: str) -> str:
        """An SO term (or several joined by '&') for display: 'missense variant' in English."""
        if self.language == SOURCE_LANGUAGE:
            return term.replace("_", " ").replace("&", ", ")
        # A term the catalogue does not know is shown as English words, as in an English report.
        terms = [lookup(t, self.language, None) if t in catalogue(self.language) else t.replace("_", " ")
                 for t in term.split("&")]  # fmt: skip
        return self._lookup("&").join(terms)

    def impact(self, impact: str) -> str:
        return self._lookup(impact.lower(), context="impact")

    def join(self, items: list[str], separator: str = ", ") -> str:
        return self._lookup(separator).join(items)

    def message(self, message, english: str) -> str:
        """A message (id + fields, rarevar.base.messages) in the report's language, from its catalogue; the
        English text as written when the language is English or the entry carries no message (an older file)."""
        rendered = None if self.language == SOURCE_LANGUAGE else render(message, self.language)
        return english if rendered is None else rendered

    def said(self, holder: dict, key: str) -> list[str]:
        """The texts the pipeline wrote under `key` (a string or a list of them) in the report's language, each
        from its message under `key + "_messages"` (or `"_message"`) where the file carries one."""
        texts = holder.get(key)
        if isinstance(texts, str):
            return [self.message(holder.get(key + "_message"), texts)] if texts else []
        texts = texts if isinstance(texts, list) else []
        said = holder.get(key + "_messages")
        said = said if isinstance(said, list) and len(said) == len(texts) else [None] * len(texts)
        return [self.message(m, str(text)) for text, m in zip(texts, said, strict=True) if str(text or "")]
