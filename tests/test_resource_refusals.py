"""Resources of another genome build than the run's are refused before any job, read from real published files: the
ExAC subset vcfanno ships (GRCh37: its ##reference is GATK's Homo_sapiens_assembly19) and the Ensembl GFF3 that
ensembl-vep tests with (GRCh38 chromosome 21). The empty-resource refusals are hostile-corpus cases
(tests/hostile/cases_settings.py)."""

from __future__ import annotations

import pytest

from rarevar.base.genome import CHROMOSOMES
from rarevar.errors import InputError
from rarevar.inputs.resource_build import check_resource_contents


def _config(folder, build: str, **resources) -> dict:
    return {"genome_build": build, "resources": {"dir": str(folder), **resources}}


def _fai(folder, build: str):
    """A .fai of the whole genome of `build` beside an (unread) FASTA: the checks compare contig lengths only."""
    fasta = folder / f"{build}.fa"
    fasta.write_text(">placeholder\nN\n")
    (folder / f"{build}.fa.fai").write_text("".join(f"{name}\t{length}\t0\t60\t61\n"
                                                    for name, length in CHROMOSOMES[build].items()))  # fmt: skip
    return fasta.name


def test_a_grch37_population_store_is_refused_in_a_grch38_run_and_taken_in_a_grch37_run(shared):
    exac = shared / "vcfanno" / "exac.vcf.gz"
    with pytest.raises(InputError) as refused:
        check_resource_contents(_config(exac.parent, "GRCh38", population=exac.name))
    assert "population store: built for GRCh37 (its header says '##reference=file:///seq/references/" \
           "Homo_sapiens_assembly19" in str(refused.value)  # fmt: skip
    assert "the run's genome build is GRCh38" in str(refused.value)
    check_resource_contents(_config(exac.parent, "GRCh37", population=exac.name))


def test_the_contig_lengths_of_a_store_must_be_the_references(shared, tmp_path):
    """Named the other way (1, chr1) and with no build in the config to compare with: the lengths still tell."""
    exac = shared / "vcfanno" / "exac.vcf.gz"
    config = _config(tmp_path, "demo", population=str(exac), reference=_fai(tmp_path, "GRCh38"))
    with pytest.raises(InputError, match=r"contig 1 is 249,250,621 bp in the population store but 248,956,422 bp in "
                       r"the reference \(GRCh37 against the reference's GRCh38\)"):  # fmt: skip
        check_resource_contents(config)


def test_ensembl_gene_models_of_grch38_are_refused_against_a_grch37_reference(shared, tmp_path):
    gff = shared / "ensembl-vep" / "test.gff.gz"
    config = _config(tmp_path, "GRCh37", genes=str(gff), reference=_fai(tmp_path, "GRCh37"))
    with pytest.raises(InputError) as refused:
        check_resource_contents(config)
    assert "contig 21 is 46,709,983 bp in the gene models but 48,129,895 bp in the reference (GRCh38 against the " \
           "reference's GRCh37)" in str(refused.value)  # fmt: skip
    check_resource_contents(_config(tmp_path, "GRCh38", genes=str(gff), reference=_fai(tmp_path, "GRCh38")))
