"""Per-family clinician report: one self-contained HTML file from a candidates.json payload
(`rarevar.report.html`), its pedigree drawing (`pedigree_svg`), texts in each language (`i18n`).

Nothing is imported here: every stage command imports the package's language list, and should not pay for
the template engine it does not use."""
