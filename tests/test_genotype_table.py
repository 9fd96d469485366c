"""The fast genotype reader gives the same genotype codes, GQ, DP and INFO values as a cyvcf2 read."""

from __future__ import annotations

import cyvcf2
import numpy as np
import pytest

from rarevar.base.bcftools import bcftools
from rarevar.family.genotype_table import genotype_code, read_genotype_table
from rarevar.family.inheritance import HET, HOM_ALT, HOM_REF, MISSING, genotype_codes_from_cyvcf2
from rarevar.simulate.genome import simulate_genome


@pytest.fixture(scope="module", params=["vcf.gz", "bcf"])
def trio(request, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("trio")
    simulate_genome(out, 3000, "GRCh37", seed=11, population_sites=3000)
    if request.param == "vcf.gz":
        return str(out / "trio.vcf.gz")
    # Split multi-allelics and add an INFO field, present on some records only.
    annotated = out / "trio.bcf"
    bcftools("norm", "--no-version", "-m", "-any", "-Ob", "-o", str(out / "split.bcf"), str(out / "trio.vcf.gz"))
    (out / "genes.tsv").write_text("1\t1\t50000000\tGENE_A,GENE_B\n")
    header = out / "genes.hdr"
    header.write_text('##INFO=<ID=Annotation,Number=.,Type=String,Description="genes">\n')
    bcftools("index", str(out / "split.bcf"))
    bcftools("annotate", "--no-version", "-a", str(out / "genes.tsv"), "-c", "CHROM,FROM,TO,Annotation", "-h",
             str(header), "-Ob", "-o", str(annotated), str(out / "split.bcf"))  # fmt: skip
    return str(annotated)


def test_same_values_as_cyvcf2(trio):
    table = read_genotype_table(trio, ("Annotation",))
    vcf = cyvcf2.VCF(trio)
    assert table.samples == list(vcf.samples)
    gt, gq, dp, genes, pos, second_alt = [], [], [], [], [], []
    for v in vcf:
        pos.append(v.POS)
        gt.append(v.gt_types.copy())
        # cyvcf2 calls a hemizygous second ALT ('2') unknown; it is a called hom-alt.
        second_alt.append([len(g) == 2 and g[0] >= 2 for g in v.genotypes])
        gq.append(v.format("GQ")[:, 0].astype(float))
        dp.append(v.format("DP")[:, 0].astype(float))
        genes.append(v.INFO.get("Annotation") or "")
    gq, dp = np.vstack(gq), np.vstack(dp)
    gq[gq < 0], dp[dp < 0] = np.nan, np.nan
    assert np.array_equal(table.pos, pos)
    expected = genotype_codes_from_cyvcf2(np.vstack(gt))
    expected[np.array(second_alt)] = HOM_ALT
    assert np.array_equal(table.gt, expected)
    assert np.array_equal(table.gq, gq, equal_nan=True) and np.array_equal(table.dp, dp, equal_nan=True)
    assert (table.gt == MISSING).any() and (table.gt == HOM_ALT).any()
    assert list(table.info["Annotation"]) == genes
    if trio.endswith(".bcf"):
        assert {"GENE_A,GENE_B", ""} == set(genes)
        first = read_genotype_table(trio, ("Annotation",), first_only=True).info["Annotation"]
        assert list(first) == [g.split(",")[0] for g in genes]


@pytest.mark.parametrize(
    ("gt", "code"),
    [
        ("0/0", HOM_REF),
        ("0|1", HET),
        ("1/2", HET),
        ("1/1", HOM_ALT),
        ("0", HOM_REF),
        ("1", HOM_ALT),
        ("./.", MISSING),
        (".", MISSING),
        ("./1", HET),  # a split 1/2: this allele and another ALT (rarevar.inputs.split_alleles), as cyvcf2 reads it
        ("0/.", HOM_REF),
    ],  # fmt: skip
)
def test_genotype_strings(gt, code):
    assert genotype_code(gt) == code
