"""Build hook: the report's gettext catalogues (.po) are compiled to .mo in every built package.

Everything else about the package is declared in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """build_py, then compile each rarevar/report/locale/*/LC_MESSAGES/*.po of the build into its .mo."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the .po of the source tree
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path(self.build_lib, "rarevar", "report", "locale").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as source:
                catalogue = read_po(source, domain=po.stem)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue)


setup(cmdclass={"build_py": BuildWithCatalogues})
