"""In-silico scores and gene constraint, read from the files their authors publish.

CADD: the real GRCh37 subset shipped with genmod (shared data). REVEL, AlphaMissense, SpliceAI and the gnomAD
constraint tables are genome-wide downloads, so each is written here in its published layout (header lines as
published; data rows copied from the published files where the source of the row says so).
"""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pysam
import pytest
import yaml

from rarevar.annotate.consequence import CHOSEN_MOST_SEVERE
from rarevar.annotate.constraint import detect_version, is_lof_intolerant, read_constraint
from rarevar.annotate.scores import annotate_scores, pp3_bp4
from tests.conftest import DEMO, demo_row, rarevar, write_config

GRCH37_LENGTHS = {"1": 249250621, "2": 243199373, "10": 135534747, "X": 155270560}


def write_vcf(path, records, prefix="", lengths=None):
    header = pysam.VariantHeader()
    order = list(lengths or GRCH37_LENGTHS)
    for name in order:
        header.contigs.add(prefix + name, length=(lengths or GRCH37_LENGTHS)[name])
    with pysam.VariantFile(str(path), "w", header=header) as vcf:
        for chrom, pos, ref, alt in sorted(records, key=lambda r: (order.index(r[0]), r[1])):
            vcf.write(header.new_record(contig=prefix + chrom, start=pos - 1, alleles=(ref, alt)))
    return str(path)


def read_field(path, field):
    with pysam.VariantFile(str(path)) as vcf:
        return {(r.chrom, r.pos, r.ref, r.alts[0]): r.info.get(field) for r in vcf}


def tabix_table(path, lines, position_column):
    """bgzip + tabix a TSV as `bgzip; tabix -s 1 -b N -e N` does (N = position_column, 1-based)."""
    plain = f"{path}.txt"
    with open(plain, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    pysam.tabix_compress(plain, str(path), force=True)
    pysam.tabix_index(str(path), seq_col=0, start_col=position_column - 1, end_col=position_column - 1, meta_char="#",
                      force=True)  # fmt: skip
    return str(path)


def float32(value):
    # INFO floats are stored as float32: compare at that precision, exactly.
    return np.float32(value)


# --------------------------------------------------------------------------------------------------- CADD (real)

# (chrom, pos, ref, alt) -> PHRED, as in genmod/small_CADD.tsv.gz.
CADD_ROWS = {
    ("1", 10001, "T", "A"): 1.597,
    ("1", 879832, "C", "T"): 7.827,
    ("10", 76154050, "C", "A"): 21.2,
    ("X", 302250, "C", "G"): 6.213,
}
CADD_ABSENT = [("1", 10001, "T", "TA"), ("1", 20000000, "A", "G"), ("2", 100000, "C", "T")]


@pytest.fixture
def cadd(shared):
    return str(shared / "genmod" / "small_CADD.tsv.gz")


@pytest.mark.parametrize("prefix", ["", "chr"])
def test_cadd_phred_from_the_real_subset(tmp_path, cadd, prefix):
    vcf = write_vcf(tmp_path / "in.vcf", [*CADD_ROWS, *CADD_ABSENT], prefix=prefix)
    out = tmp_path / "out.bcf"
    summary = annotate_scores(vcf, str(out), [{"name": "cadd", "path": cadd}],
                              [prefix + name for name in GRCH37_LENGTHS])  # fmt: skip
    assert summary == {"cadd": len(CADD_ROWS)}
    assert (tmp_path / "out.bcf.csi").exists()
    scored = read_field(out, "SCORE_CADD_PHRED")
    for (chrom, pos, ref, alt), phred in CADD_ROWS.items():
        assert float32(scored[(prefix + chrom, pos, ref, alt)]) == float32(phred)
    for chrom, pos, ref, alt in CADD_ABSENT:
        assert scored[(prefix + chrom, pos, ref, alt)] is None


def test_two_files_of_one_source_give_the_maximum(tmp_path, cadd):
    # CADD publishes SNVs and indels as separate files; both feed SCORE_CADD_PHRED.
    indels = tabix_table(tmp_path / "indels.tsv.gz", [
        "## CADD GRCh37-v1.6 (c) University of Washington, Hudson-Alpha Institute for Biotechnology and "
        "Berlin Institute of Health 2013-2020. All rights reserved.",
        "#Chrom\tPos\tRef\tAlt\tRawScore\tPHRED",
        "1\t10001\tT\tTA\t0.301\t5.5",
        "10\t76154050\tC\tA\t9.9\t35.0",
    ], 2)  # fmt: skip
    vcf = write_vcf(tmp_path / "in.vcf", [("1", 10001, "T", "TA"), ("10", 76154050, "C", "A"), ("1", 10001, "T", "C")])
    out = tmp_path / "out.vcf.gz"
    sources = [{"name": "cadd", "path": cadd}, {"name": "cadd", "path": indels}]
    assert annotate_scores(vcf, str(out), sources, list(GRCH37_LENGTHS)) == {"cadd": 3}
    scored = read_field(out, "SCORE_CADD_PHRED")
    assert float32(scored[("1", 10001, "T", "TA")]) == float32(5.5)
    assert float32(scored[("10", 76154050, "C", "A")]) == float32(35.0)  # max(21.2, 35.0)
    assert float32(scored[("1", 10001, "T", "C")]) == float32(1.165)


def test_a_csi_indexed_table_is_read_too(tmp_path, cadd):
    copy = tmp_path / "small_CADD.tsv.gz"
    copy.write_bytes(open(cadd, "rb").read())
    pysam.tabix_index(str(copy), seq_col=0, start_col=1, end_col=1, meta_char="#", csi=True)
    vcf = write_vcf(tmp_path / "in.vcf", [("10", 76154050, "C", "A")])
    out = tmp_path / "out.bcf"
    assert annotate_scores(vcf, str(out), [{"name": "cadd", "path": str(copy)}], ["10"]) == {"cadd": 1}
    assert float32(read_field(out, "SCORE_CADD_PHRED")[("10", 76154050, "C", "A")]) == float32(21.2)


def test_a_source_sharing_no_chromosome_with_the_reference_is_refused(tmp_path, cadd):
    vcf = write_vcf(tmp_path / "in.vcf", [("1", 10001, "T", "A")])
    with pytest.raises(ValueError, match="none of its chromosomes"):
        annotate_scores(vcf, str(tmp_path / "out.bcf"), [{"name": "cadd", "path": cadd}], ["NC_000001.10"])
    assert not list(tmp_path.glob("out.bcf*"))  # nothing half-written left behind


def test_an_unindexed_or_unknown_source_is_refused_clearly(tmp_path):
    plain = tmp_path / "AlphaMissense_hg38.tsv.gz"
    with gzip.open(plain, "wt") as handle:  # as downloaded: gzip, not bgzip, no index
        handle.write("#CHROM\tPOS\tREF\tALT\tgenome\tuniprot_id\ttranscript_id\tprotein_variant\tam_pathogenicity"
                     "\tam_class\n")  # fmt: skip
    vcf = write_vcf(tmp_path / "in.vcf", [("1", 69094, "G", "A")])
    with pytest.raises(ValueError, match="bgzip"):
        annotate_scores(vcf, str(tmp_path / "o.bcf"), [{"name": "alphamissense", "path": str(plain)}], ["1"])
    with pytest.raises(ValueError, match="unknown score source"):
        annotate_scores(vcf, str(tmp_path / "o.bcf"), [{"name": "polyphen", "path": str(plain)}], ["1"])


# --------------------------------------------------------------------------------------------------- REVEL

REVEL_HEADER = "#chr\thg19_pos\tgrch38_pos\tref\talt\taaref\taaalt\tREVEL\tEnsembl_transcriptid"
# First two rows as published (revel_with_transcript_ids v1.3); the rest follow its layout: one allele with two
# rows (two transcript sets), and GRCh37/GRCh38 positions that differ.
REVEL_ROWS = [
    "1,35142,35142,G,A,T,M,0.027,ENST00000417324",
    "1,35142,35142,G,C,T,R,0.035,ENST00000417324",
    "1,1000100,1064720,C,T,R,W,0.512,ENST00000379370",
    "1,1000100,1064720,C,T,R,Q,0.774,ENST00000620552;ENST00000651234",
]


def revel_file(tmp_path, build):
    column = 2 if build == "GRCh37" else 3
    rows = sorted((row.replace(",", "\t") for row in REVEL_ROWS), key=lambda r: int(r.split("\t")[column - 1]))
    return tabix_table(tmp_path / f"revel_{build}.tsv.gz", [REVEL_HEADER, *rows], column)


@pytest.mark.parametrize("build,pos", [("GRCh38", 1064720), ("GRCh37", 1000100)])
def test_revel_takes_the_build_position_and_the_maximum_over_rows(tmp_path, build, pos):
    vcf = write_vcf(tmp_path / "in.vcf", [("1", 35142, "G", "C"), ("1", pos, "C", "T"), ("1", pos, "C", "A")],
                    prefix="chr")  # fmt: skip
    out = tmp_path / "out.bcf"
    sources = [{"name": "revel", "path": revel_file(tmp_path, build), "build": build}]
    assert annotate_scores(vcf, str(out), sources, ["chr1"]) == {"revel": 2}
    scored = read_field(out, "SCORE_REVEL")
    assert float32(scored[("chr1", 35142, "G", "C")]) == float32(0.035)
    assert float32(scored[("chr1", pos, "C", "T")]) == float32(0.774)
    assert scored[("chr1", pos, "C", "A")] is None


def test_revel_indexed_on_the_other_build_or_without_a_build_is_refused(tmp_path):
    vcf = write_vcf(tmp_path / "in.vcf", [("1", 35142, "G", "C")])
    grch37_indexed = revel_file(tmp_path, "GRCh37")
    with pytest.raises(ValueError, match="indexed on hg19_pos"):
        annotate_scores(vcf, str(tmp_path / "o.bcf"), [{"name": "revel", "path": grch37_indexed, "build": "GRCh38"}],
                        ["1"])  # fmt: skip
    with pytest.raises(ValueError, match="set 'build'"):
        annotate_scores(vcf, str(tmp_path / "o.bcf"), [{"name": "revel", "path": grch37_indexed}], ["1"])


# --------------------------------------------------------------------------------------------------- AlphaMissense

ALPHAMISSENSE_LINES = [
    "# Copyright 2023 DeepMind Technologies Limited",
    "#",
    "# Licensed under CC BY-NC-SA 4.0 license",
    "#CHROM\tPOS\tREF\tALT\tgenome\tuniprot_id\ttranscript_id\tprotein_variant\tam_pathogenicity\tam_class",
    # As published in AlphaMissense_hg38.tsv.gz:
    "chr1\t69094\tG\tT\thg38\tQ8NH21\tENST00000335137.4\tV2L\t0.2937\tlikely_benign",
    "chr1\t69094\tG\tC\thg38\tQ8NH21\tENST00000335137.4\tV2L\t0.2937\tlikely_benign",
    "chr1\t69094\tG\tA\thg38\tQ8NH21\tENST00000335137.4\tV2M\t0.3296\tlikely_benign",
    "chr1\t69095\tT\tC\thg38\tQ8NH21\tENST00000335137.4\tV2A\t0.2609\tlikely_benign",
    # Same layout: an allele scored on two overlapping genes' transcripts.
    "chr1\t69095\tT\tA\thg38\tQ8NH21\tENST00000335137.4\tV2E\t0.2922\tlikely_benign",
    "chr1\t69095\tT\tA\thg38\tA0A000\tENST00000999999.1\tL7Q\t0.8123\tlikely_pathogenic",
]


def test_alphamissense_chr_named_file_against_a_plain_named_vcf(tmp_path):
    table = tabix_table(tmp_path / "AlphaMissense_hg38.tsv.gz", ALPHAMISSENSE_LINES, 2)
    vcf = write_vcf(tmp_path / "in.vcf", [("1", 69094, "G", "A"), ("1", 69095, "T", "A"), ("1", 69095, "T", "G")])
    out = tmp_path / "out.bcf"
    assert annotate_scores(vcf, str(out), [{"name": "alphamissense", "path": table}], ["1"]) == {"alphamissense": 2}
    scored = read_field(out, "SCORE_ALPHAMISSENSE")
    assert float32(scored[("1", 69094, "G", "A")]) == float32(0.3296)
    assert float32(scored[("1", 69095, "T", "A")]) == float32(0.8123)
    assert scored[("1", 69095, "T", "G")] is None


# --------------------------------------------------------------------------------------------------- SpliceAI

SPLICEAI_HEADER = """##fileformat=VCFv4.2
##fileDate=20191004
##reference=GRCh38/hg38
##contig=<ID=1,length=248956422>
##INFO=<ID=SpliceAI,Number=.,Type=String,Description="SpliceAIv1.3 variant annotation. These include delta scores \
(DS) and delta positions (DP) for acceptor gain (AG), acceptor loss (AL), donor gain (DG), and donor loss (DL). \
Format: ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
"""
SPLICEAI_RECORDS = [
    "1\t69091\t.\tA\tC\t.\t.\tSpliceAI=C|OR4F5|0.01|0.00|0.00|0.00|42|25|24|2",
    "1\t69091\t.\tA\tG\t.\t.\tSpliceAI=G|OR4F5|0.00|0.00|0.03|0.00|-1|25|-21|2",
    # Two genes overlap: one entry each; the variant's score is the largest delta over both.
    "1\t1000200\t.\tG\tT\t.\t.\tSpliceAI=T|GENE1|0.02|0.00|0.00|0.00|3|-8|1|-50,T|GENE2|0.00|0.61|0.05|0.00|7|-2|0|11",
]


def test_spliceai_max_delta_over_the_alleles_entries(tmp_path):
    plain = tmp_path / "spliceai_scores.raw.snv.hg38.vcf"
    plain.write_text(SPLICEAI_HEADER + "\n".join(SPLICEAI_RECORDS) + "\n")
    scores = str(plain) + ".gz"
    pysam.tabix_index(str(plain), preset="vcf", force=True)  # bgzips to <name>.gz and indexes it
    vcf = write_vcf(tmp_path / "in.vcf", [("1", 69091, "A", "G"), ("1", 1000200, "G", "T"), ("1", 1000200, "G", "A")],
                    prefix="chr")  # fmt: skip
    out = tmp_path / "out.bcf"
    assert annotate_scores(vcf, str(out), [{"name": "spliceai", "path": scores}], ["chr1"]) == {"spliceai": 2}
    scored = read_field(out, "SCORE_SPLICEAI")
    assert float32(scored[("chr1", 69091, "A", "G")]) == float32(0.03)
    assert float32(scored[("chr1", 1000200, "G", "T")]) == float32(0.61)
    assert scored[("chr1", 1000200, "G", "A")] is None


# --------------------------------------------------------------------------------------------------- PP3 / BP4


def one(scores, missense=True):
    evidence = pp3_bp4(scores, missense)
    assert len(evidence) <= 1
    return (evidence[0]["criterion"], evidence[0]["strength"], evidence[0]["source"]) if evidence else None


@pytest.mark.parametrize(
    "source,value,expected",
    [
        ("revel", 0.932, ("PP3", "strong")),
        ("revel", 0.931, ("PP3", "moderate")),
        ("revel", 0.773, ("PP3", "moderate")),
        ("revel", 0.772, ("PP3", "supporting")),
        ("revel", 0.644, ("PP3", "supporting")),
        ("revel", 0.643, None),
        ("revel", 0.291, None),
        ("revel", 0.290, ("BP4", "supporting")),
        ("revel", 0.183, ("BP4", "moderate")),
        ("revel", 0.017, ("BP4", "moderate")),
        ("revel", 0.016, ("BP4", "strong")),
        ("revel", 0.003, ("BP4", "very_strong")),
        ("cadd", 28.1, ("PP3", "moderate")),
        ("cadd", 28.0, ("PP3", "supporting")),
        ("cadd", 25.3, ("PP3", "supporting")),
        ("cadd", 25.2, None),
        ("cadd", 22.8, None),
        ("cadd", 22.7, ("BP4", "supporting")),
        ("cadd", 17.3, ("BP4", "moderate")),
        ("cadd", 0.15, ("BP4", "strong")),
        ("alphamissense", 0.990, ("PP3", "strong")),
        ("alphamissense", 0.906, ("PP3", "moderate")),
        ("alphamissense", 0.792, ("PP3", "supporting")),
        ("alphamissense", 0.791, None),
        ("alphamissense", 0.170, None),
        ("alphamissense", 0.169, ("BP4", "supporting")),
        ("alphamissense", 0.099, ("BP4", "moderate")),
        ("alphamissense", 0.001, ("BP4", "moderate")),  # calibration reached no strong benign evidence
    ],
)
def test_missense_thresholds_at_their_boundaries(source, value, expected):
    assert one({source: value}) == ((*expected, source) if expected else None)


@pytest.mark.parametrize("value,expected", [(0.2, ("PP3", "supporting")), (0.19, None), (0.11, None),
                                            (0.1, ("BP4", "supporting"))])  # fmt: skip
def test_spliceai_thresholds_for_a_non_missense_variant(value, expected):
    assert one({"spliceai": value}, missense=False) == ((*expected, "spliceai") if expected else None)


def test_revel_takes_precedence_and_splicing_is_not_added_to_missense_evidence():
    assert one({"revel": 0.5, "cadd": 30.0, "alphamissense": 0.95}) is None  # REVEL indeterminate: no fallback
    assert one({"cadd": 30.0, "alphamissense": 0.95}) == ("PP3", "moderate", "alphamissense")
    assert one({"cadd": 26.0}) == ("PP3", "supporting", "cadd")
    assert one({"revel": 0.7, "spliceai": 0.5}) == ("PP3", "supporting", "revel")  # PP3 once
    assert one({"revel": 0.8, "spliceai": 0.5}) == ("PP3", "moderate", "revel")
    assert one({"revel": 0.1, "spliceai": 0.5}) == ("PP3", "supporting", "spliceai")  # splicing beats missense BP4
    assert one({"revel": 0.1, "spliceai": 0.15}) is None  # possible splicing effect: no BP4
    assert one({"revel": 0.1, "spliceai": 0.05}) == ("BP4", "moderate", "revel")
    assert one({"revel": 0.1}) == ("BP4", "moderate", "revel")
    assert one({"spliceai": 0.05}) is None  # a missense variant needs a missense predictor for BP4
    assert one({"revel": 0.95}, missense=False) is None  # missense predictors do not speak for other variants


def test_pp3_bp4_reads_info_names_and_candidate_columns_and_ignores_missing():
    assert one({"SCORE_REVEL": 0.95}) == ("PP3", "strong", "revel")
    assert one({"score_cadd_phred": 29.0, "score_revel": math.nan, "gene": "X"}) == ("PP3", "moderate", "cadd")
    assert pp3_bp4({}) == []
    assert one({"score_revel": float(np.float32(0.932))}) == ("PP3", "strong", "revel")  # as read back from a BCF
    assert one({"score_revel": np.float32(0.290)}) == ("BP4", "supporting", "revel")
    evidence = pp3_bp4({"revel": 0.95})[0]
    assert evidence == {"criterion": "PP3", "strength": "strong", "source": "revel", "value": 0.95, "threshold": 0.932}


# --------------------------------------------------------------------------------------------------- constraint

# gnomAD v2.1.1 lof_metrics.by_gene.txt: its header and three of its rows, as published.
V2_LINES = [
    "gene\ttranscript\tobs_mis\texp_mis\toe_mis\tmu_mis\tpossible_mis\tobs_mis_pphen\texp_mis_pphen\toe_mis_pphen\t"
    "possible_mis_pphen\tobs_syn\texp_syn\toe_syn\tmu_syn\tpossible_syn\tobs_lof\tmu_lof\tpossible_lof\texp_lof\tpLI\t"
    "pNull\tpRec\toe_lof\toe_syn_lower\toe_syn_upper\toe_mis_lower\toe_mis_upper\toe_lof_lower\toe_lof_upper\t"
    "constraint_flag\tsyn_z\tmis_z\tlof_z\toe_lof_upper_rank\toe_lof_upper_bin\toe_lof_upper_bin_6\tn_sites\t"
    "classic_caf\tmax_af\tno_lofs\tobs_het_lof\tobs_hom_lof\tdefined\tp\texp_hom_lof\tclassic_caf_afr\t"
    "classic_caf_amr\tclassic_caf_asj\tclassic_caf_eas\tclassic_caf_fin\tclassic_caf_nfe\tclassic_caf_oth\t"
    "classic_caf_sas\tp_afr\tp_amr\tp_asj\tp_eas\tp_fin\tp_nfe\tp_oth\tp_sas\ttranscript_type\tgene_id\t"
    "transcript_level\tcds_length\tnum_coding_exons\tgene_type\tgene_length\texac_pLI\texac_obs_lof\texac_exp_lof\t"
    "exac_oe_lof\tbrain_expression\tchromosome\tstart_position\tend_position",
    "MED13\tENST00000397786\t871\t1.1178e+03\t7.7921e-01\t5.5598e-05\t14195\t314\t5.2975e+02\t5.9273e-01\t6708\t422\t"
    "3.8753e+02\t1.0890e+00\t1.9097e-05\t4248\t0\t4.9203e-06\t1257\t9.8429e+01\t1.0000e+00\t8.9436e-40\t1.8383e-16\t"
    "0.0000e+00\t1.0050e+00\t1.1800e+00\t7.3600e-01\t8.2400e-01\t0.0000e+00\t3.0000e-02\t\t-1.3765e+00\t2.6232e+00\t"
    "9.1935e+00\t0\t0\t0\t2\t1.2058e-05\t8.0492e-06\t124782\t3\t0\t124785\t1.2021e-05\t1.8031e-05\t0.0000e+00\t"
    "0.0000e+00\t0.0000e+00\t0.0000e+00\t9.2812e-05\t8.8571e-06\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t"
    "0.0000e+00\t0.0000e+00\t9.2760e-05\t8.8276e-06\t0.0000e+00\t0.0000e+00\tprotein_coding\tENSG00000108510\t2\t"
    "6522\t30\tprotein_coding\t122678\t1.0000e+00\t0\t6.4393e+01\t0.0000e+00\tNA\t17\t60019966\t60142643",
    "AL627309.1\tENST00000423372\t124\t1.0192e+02\t1.2167e+00\t5.0212e-06\t1566\t20\t1.1502e+01\t1.7388e+00\t189\t43\t"
    "4.3917e+01\t9.7911e-01\t2.1149e-06\t567\t5\t2.7119e-07\t74\t6.2902e+00\t9.0576e-04\t4.1273e-01\t5.8637e-01\t"
    "7.9488e-01\t7.6600e-01\t1.2630e+00\t1.0510e+00\t1.4120e+00\t4.1300e-01\t1.6060e+00\t\t1.0880e-01\t-7.7730e-01\t"
    "4.7671e-01\t16197\t8\t5\t0\t0.0000e+00\t0.0000e+00\t0\t0\t0\t0\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t"
    "0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t"
    "0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\tprotein_coding\tENSG00000237683\t3\t777\t1\t"
    "protein_coding\t4479\tNA\tNA\tNA\tNA\tNA\t1\t134901\t139379",
    "OR4F5\tENST00000335137\t67\t8.2715e+01\t8.1001e-01\t4.1668e-06\t1978\t29\t3.1909e+01\t9.0884e-01\t776\t28\t"
    "3.0512e+01\t9.1766e-01\t1.7760e-06\t607\t2\t9.6530e-08\t60\t2.3369e+00\t3.0354e-02\t3.5740e-01\t6.1225e-01\t"
    "8.5584e-01\t6.7900e-01\t1.2580e+00\t6.6400e-01\t9.9300e-01\t3.2500e-01\t1.8400e+00\t\t3.5753e-01\t6.1403e-01\t"
    "2.0421e-01\t17847\t9\t5\t0\t0.0000e+00\t0.0000e+00\t0\t0\t0\t0\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t"
    "0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t"
    "0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\t0.0000e+00\tprotein_coding\tENSG00000186092\t2\t915\t1\t"
    "protein_coding\t918\t1.7633e-01\t1\t2.2177e+00\t4.5091e-01\tNA\t1\t69091\t70008",
]

# gnomAD v4.1 constraint_metrics.tsv: its header, and A1BG's three rows as published (RefSeq MANE, Ensembl MANE +
# canonical, another Ensembl transcript).
V4_HEADER = (
    "gene gene_id transcript canonical mane_select lof_hc_lc.obs lof_hc_lc.exp lof_hc_lc.possible lof_hc_lc.oe "
    "lof_hc_lc.mu lof_hc_lc.pLI lof_hc_lc.pNull lof_hc_lc.pRec lof.obs lof.exp lof.possible lof.oe lof.mu lof.pLI "
    "lof.pNull lof.pRec lof.oe_ci.lower lof.oe_ci.upper lof.oe_ci.upper_rank lof.oe_ci.upper_bin_decile lof.z_raw "
    "lof.z_score mis.obs mis.exp mis.possible mis.oe mis.mu mis.oe_ci.lower mis.oe_ci.upper mis.z_raw mis.z_score "
    "mis_pphen.obs mis_pphen.exp mis_pphen.possible mis_pphen.oe syn.obs syn.exp syn.possible syn.oe syn.mu "
    "syn.oe_ci.lower syn.oe_ci.upper syn.z_raw syn.z_score constraint_flags level transcript_type chromosome "
    "cds_length num_coding_exons"
).split()
V4_A1BG = [
    "A1BG 1 NM_130786.4 true true 45 4.3048e+01 193 1.0454e+00 7.0633e-07 1.6256e-16 8.4915e-01 1.5085e-01 45 "
    "4.3048e+01 193 1.0454e+00 7.0633e-07 1.7706e-16 8.4295e-01 1.5705e-01 8.2200e-01 1.3400e+00 NA NA -2.9756e-01 "
    "-2.5212e-01 707 6.4703e+02 2870 1.0927e+00 7.6657e-06 1.0260e+00 1.1630e+00 -2.3574e+00 -8.6092e-01 220 "
    "1.9060e+02 890 1.1543e+00 316 2.9594e+02 994 1.0678e+00 3.0216e-06 9.7300e-01 1.1720e+00 -1.1660e+00 "
    "-6.3549e-01 [] NA NA NA NA NA",
    "A1BG ENSG00000121410 ENST00000263100 true true 45 4.3048e+01 193 1.0454e+00 7.0633e-07 1.6256e-16 8.4915e-01 "
    "1.5085e-01 45 4.3048e+01 193 1.0454e+00 7.0633e-07 1.7706e-16 8.4295e-01 1.5705e-01 8.2200e-01 1.3400e+00 14057 "
    "7 -2.9756e-01 -2.5212e-01 707 6.4703e+02 2870 1.0927e+00 7.6657e-06 1.0260e+00 1.1630e+00 -2.3574e+00 "
    "-8.6092e-01 220 1.9060e+02 890 1.1543e+00 316 2.9594e+02 994 1.0678e+00 3.0216e-06 9.7300e-01 1.1720e+00 "
    "-1.1660e+00 -6.3549e-01 [] 2 protein_coding chr19 1485 8",
    "A1BG ENSG00000121410 ENST00000600966 false false 24 2.6268e+01 123 9.1365e-01 4.1979e-07 2.5306e-08 3.4303e-01 "
    "6.5697e-01 22 2.5006e+01 119 8.7979e-01 3.9582e-07 1.8365e-07 2.6452e-01 7.3548e-01 6.2800e-01 1.2560e+00 NA NA "
    "6.0114e-01 5.0934e-01 399 4.0552e+02 1858 9.8393e-01 4.9120e-06 9.0600e-01 1.0690e+00 3.2367e-01 1.1820e-01 103 "
    "1.0958e+02 512 9.3995e-01 166 1.7890e+02 637 9.2791e-01 1.9057e-06 8.1700e-01 1.0550e+00 9.6425e-01 "
    "5.2556e-01 [] 1 protein_coding chr19 917 5",
]


def v4_row(**values) -> str:
    return "\t".join(values.get(column, "NA") for column in V4_HEADER)


def v4_lines() -> list[str]:
    rows = [line.split() for line in V4_A1BG]
    assert all(len(row) == len(V4_HEADER) for row in rows)
    made_up = [
        # Same layout, invented genes: a non-MANE row listed first must lose to the MANE one; a gene without
        # MANE Select keeps its canonical row; a gene gnomAD could not estimate has NA.
        v4_row(gene="GENEA", transcript="ENST00000000001", canonical="false", mane_select="false",
               **{"lof.pLI": "0.10", "lof.oe_ci.upper": "0.90", "mis.z_score": "0.5"}),
        v4_row(gene="GENEA", transcript="ENST00000000002", canonical="true", mane_select="true",
               **{"lof.pLI": "0.95", "lof.oe_ci.upper": "0.40", "mis.z_score": "3.1"}),
        v4_row(gene="GENEB", transcript="ENST00000000003", canonical="false", mane_select="false",
               **{"lof.pLI": "0.20", "lof.oe_ci.upper": "0.30"}),
        v4_row(gene="GENEB", transcript="ENST00000000004", canonical="true", mane_select="false",
               **{"lof.pLI": "0.01", "lof.oe_ci.upper": "0.70"}),
        v4_row(gene="GENEC", transcript="ENST00000000005", canonical="true", mane_select="true"),
    ]  # fmt: skip
    return ["\t".join(V4_HEADER), *("\t".join(row) for row in rows), *made_up]


def test_constraint_v2_as_published(tmp_path):
    plain = tmp_path / "gnomad.v2.1.1.lof_metrics.by_gene.txt"
    plain.write_text("\n".join(V2_LINES) + "\n")
    bgz = tmp_path / "gnomad.v2.1.1.lof_metrics.by_gene.txt.bgz"
    pysam.tabix_compress(str(plain), str(bgz))
    for path in (plain, bgz):
        constraint = read_constraint(str(path))
        assert constraint["MED13"] == {"pli": 1.0, "loeuf": 0.03, "mis_z": 2.6232, "version": "v2"}
        assert constraint["OR4F5"] == {"pli": 0.030354, "loeuf": 1.84, "mis_z": 0.61403, "version": "v2"}
        assert constraint["AL627309.1"]["pli"] == pytest.approx(9.0576e-04)
    assert is_lof_intolerant(constraint["MED13"])
    assert not is_lof_intolerant(constraint["OR4F5"])


def test_constraint_v4_prefers_the_mane_select_row(tmp_path):
    path = tmp_path / "gnomad.v4.1.constraint_metrics.tsv"
    path.write_text("\n".join(v4_lines()) + "\n")
    constraint = read_constraint(str(path))
    assert constraint["A1BG"] == {"pli": 1.7706e-16, "loeuf": 1.34, "mis_z": -0.86092, "version": "v4"}
    assert constraint["GENEA"] == {"pli": 0.95, "loeuf": 0.40, "mis_z": 3.1, "version": "v4"}
    assert constraint["GENEB"]["loeuf"] == 0.70  # canonical beats a more constrained non-canonical transcript
    assert constraint["GENEC"] == {"pli": None, "loeuf": None, "mis_z": None, "version": "v4"}
    assert is_lof_intolerant(constraint["GENEA"])  # LOEUF 0.40 < 0.6 (v4 scale)
    assert not is_lof_intolerant(constraint["A1BG"])
    assert not is_lof_intolerant(constraint["GENEC"])
    assert not is_lof_intolerant(constraint.get("NOT_A_GENE"))


def test_lof_intolerance_cutoffs_follow_the_table_version():
    assert is_lof_intolerant({"pli": 0.1, "loeuf": 0.59, "mis_z": None, "version": "v4"})
    assert not is_lof_intolerant({"pli": 0.1, "loeuf": 0.6, "mis_z": None, "version": "v4"})
    assert not is_lof_intolerant({"pli": 0.1, "loeuf": 0.5, "mis_z": None, "version": "v2"})  # v2 cut-off 0.35
    assert is_lof_intolerant({"pli": 0.1, "loeuf": 0.34, "mis_z": None, "version": "v2"})
    assert is_lof_intolerant({"pli": 0.9, "loeuf": None, "mis_z": None, "version": "v2"})


def test_constraint_version_comes_from_the_header():
    assert detect_version(V2_LINES[0].split("\t")) == "v2"
    assert detect_version(V4_HEADER) == "v4"
    with pytest.raises(ValueError, match="not a gnomAD constraint table"):
        detect_version(["gene", "score"])


# --------------------------------------------------------------------------------------------------- in the workflow


def v2_table(path, genes: dict[str, tuple[float, float, float]]) -> str:
    """gnomAD v2.1.1 lof_metrics.by_gene layout (its published header), one row per gene: (pLI, LOEUF, mis_z)."""
    header = V2_LINES[0].split("\t")
    rows = []
    for gene, (pli, loeuf, mis_z) in genes.items():
        values = {"gene": gene, "pLI": str(pli), "oe_lof_upper": str(loeuf), "mis_z": str(mis_z)}
        rows.append("\t".join(values.get(column, "NA") for column in header))
    path.write_text("\n".join([V2_LINES[0], *rows]) + "\n")
    return str(path)


def demo_scores(tmp_path, truth):
    """CADD (plain chromosome names, as CADD publishes) and REVEL (GRCh38 positions) files over the demo's
    planted variant and its loss-of-function decoy; the demo genome is 'chr'-named."""
    planted = (truth["chrom"].removeprefix("chr"), truth["pos"], truth["ref"], truth["alt"])
    decoy = next(d for d in truth["decoys"] if d["kind"] == "unrelated_gene")
    lof = (decoy["chrom"].removeprefix("chr"), decoy["pos"], decoy["ref"], decoy["alt"])
    cadd_rows = sorted([(*planted, "3.1", "29.5"), (*lof, "9.2", "40")], key=lambda r: (r[0], r[1]))
    cadd = tabix_table(tmp_path / "whole_genome_SNVs.tsv.gz", [
        "## CADD GRCh38-v1.7 (c) University of Washington, Hudson-Alpha Institute for Biotechnology and "
        "Berlin Institute of Health 2013-2023. All rights reserved.",
        "#Chrom\tPos\tRef\tAlt\tRawScore\tPHRED",
        *("\t".join(map(str, row)) for row in cadd_rows),
    ], 2)  # fmt: skip
    chrom, pos, ref, alt = planted
    revel = tabix_table(tmp_path / "revel_grch38.tsv.gz", [
        REVEL_HEADER, f"{chrom}\t{pos + 1000}\t{pos}\t{ref}\t{alt}\tR\tP\t0.95\t{truth['bcsq'].split('|')[2]}",
    ], 3)  # fmt: skip
    return [{"name": "cadd", "path": cadd}, {"name": "revel", "path": revel, "build": "GRCh38"}], decoy


def test_configured_scores_and_constraint_reach_candidates_and_the_report(tmp_path, truth):
    sources, decoy = demo_scores(tmp_path, truth)
    constraint = v2_table(tmp_path / "gnomad.v2.1.1.lof_metrics.by_gene.txt",
                          {truth["gene"]: (0.02, 0.95, 3.4), decoy["gene"]: (0.99, 0.21, 0.4)})  # fmt: skip
    config = write_config(tmp_path, [demo_row()], scores=sources)
    settings = yaml.safe_load(config.read_text())
    settings["resources"]["constraint"] = constraint  # an absolute path is taken as is
    config.write_text(yaml.safe_dump(settings))
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    folder = tmp_path / "results" / truth["family"]
    payload = json.loads((folder / "candidates.json").read_text())
    top = payload["candidates"][0]
    assert (top["chrom"], top["pos"]) == (truth["chrom"], truth["pos"])
    assert top["scores"] == {"cadd": 29.5, "revel": 0.95}
    # REVEL is the predictor chosen in advance; CADD (PP3 moderate at 29.5) stands in only without it.
    assert top["computational_evidence"] == [
        {"criterion": "PP3", "strength": "strong", "source": "revel", "value": 0.95, "threshold": 0.932}
    ]
    assert "PP3 (strong): REVEL 0.95 >= 0.932 predicts damaging." in top["why"]
    assert top["constraint"] == {"pli": 0.02, "loeuf": 0.95, "mis_z": 3.4, "version": "v2", "lof_intolerant": False}
    # The demo's gene models carry no MANE Select / canonical tag: the most severe consequence is shown.
    assert top["transcript_choice"] == CHOSEN_MOST_SEVERE
    assert [t["transcript"] for t in top["transcripts"]] == [truth["bcsq"].split("|")[2]]

    lof = next(c for c in payload["candidates"] if (c["chrom"], c["pos"]) == (decoy["chrom"], decoy["pos"]))
    assert lof["scores"] == {"cadd": 40.0} and lof["constraint"]["lof_intolerant"] is True
    assert any(w.startswith(f"Predicted loss of function in {decoy['gene']}, a gene intolerant") for w in lof["why"])
    others = [c for c in payload["candidates"] if c not in (top, lof)]
    assert others and all(c["scores"] == {} and c["computational_evidence"] == [] for c in others)

    assert [s["name"] for s in payload["versions"]["scores"]] == ["cadd", "revel"]
    assert [s["records_scored"] for s in payload["versions"]["scores"]] == [2, 1]
    assert "In-silico scores not configured, so not looked up: AlphaMissense, SpliceAI." in payload["not_assessed"]
    assert not any(note.startswith("Gene constraint") for note in payload["not_assessed"])
    with pysam.VariantFile(str(folder / "candidates.vcf.gz")) as vcf:
        record = next(vcf.fetch(truth["chrom"], truth["pos"] - 1, truth["pos"]))
        assert float32(record.info["SCORE_REVEL"]) == float32(0.95)
    report = (folder / "report.html").read_text()
    assert "CADD 29.5; REVEL 0.95; evidence: PP3 strong from REVEL" in report
    assert f"Shown: {CHOSEN_MOST_SEVERE}" in report
    assert "pLI 0.99, LOEUF 0.21, missense Z 0.4 (gnomAD v2); intolerant of loss of function" in report


@pytest.mark.parametrize(
    "change,message",
    [
        ({"columns": {"score": "PHRED_v2"}}, "whole_genome_SNVs.tsv.gz: no column 'PHRED_v2' in its header"),
        ({"path": "cadd_v9.tsv.gz"}, "cadd_v9.tsv.gz: the cadd score file does not exist"),
        ({"name": "polyphen"}, "setting 'scores.0.name' is invalid"),
        ({"constraint": "not_constraint.tsv"}, "not_constraint.tsv: not a gnomAD constraint table"),
    ],
)
def test_a_bad_score_or_constraint_entry_stops_before_any_job(tmp_path, truth, change, message):
    sources, _ = demo_scores(tmp_path, truth)
    constraint = change.pop("constraint", None)
    if change.get("path"):
        change["path"] = str(tmp_path / change["path"])
    sources[0].update(change)
    config = write_config(tmp_path, [demo_row()], scores=sources)
    if constraint:
        (tmp_path / constraint).write_text("gene\tscore\nTNNT2\t0.5\n")
        settings = yaml.safe_load(config.read_text())
        settings["resources"]["constraint"] = str(tmp_path / constraint)
        config.write_text(yaml.safe_dump(settings))
    result = rarevar("validate", "--config", str(config))
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "results").exists()


def test_without_score_files_the_stage_passes_records_through(tmp_path):
    vcf = write_vcf(tmp_path / "in.vcf", [("1", 10001, "T", "A"), ("2", 5, "C", "G")])
    out, summary = tmp_path / "scores.bcf", tmp_path / "scores.json"
    result = rarevar("scores", "--vcf", vcf, "--out", str(out), "--summary", str(summary))
    assert result.returncode == 0, result.stderr
    assert json.loads(summary.read_text()) == {"records": 2, "sources": []}
    with pysam.VariantFile(str(out)) as scored:
        assert not [name for name in scored.header.info if name.startswith("SCORE_")]
        assert [(r.chrom, r.pos, r.ref, r.alts) for r in scored] == [("1", 10001, "T", ("A",)), ("2", 5, "C", ("G",))]


def test_the_scores_stage_reads_the_real_cadd_subset(tmp_path, cadd):
    vcf = write_vcf(tmp_path / "in.vcf", [*CADD_ROWS, *CADD_ABSENT], prefix="chr")
    out, summary = tmp_path / "scores.bcf", tmp_path / "scores.json"
    sources = json.dumps([{"name": "cadd", "path": cadd}])
    result = rarevar("scores", "--vcf", vcf, "--sources", sources, "--out", str(out), "--summary", str(summary))
    assert result.returncode == 0, result.stderr
    assert json.loads(summary.read_text())["sources"] == [
        {"name": "cadd", "info": "SCORE_CADD_PHRED", "files": ["small_CADD.tsv.gz"], "records_scored": 4}
    ]
    assert float32(read_field(out, "SCORE_CADD_PHRED")[("chr10", 76154050, "C", "A")]) == float32(21.2)


def test_the_demo_ships_simulated_cadd_scores_that_reach_its_report(demo_run, truth):
    payload = json.loads((demo_run / truth["family"] / "candidates.json").read_text())
    top = payload["candidates"][0]
    assert top["scores"] == {"cadd": 29.6}
    # No REVEL or AlphaMissense in the demo: CADD stands in as the missense predictor (Pejaver: moderate >= 28.1).
    assert top["computational_evidence"] == [
        {"criterion": "PP3", "strength": "moderate", "source": "cadd", "value": 29.6, "threshold": 28.1}
    ]
    with pysam.TabixFile(str(DEMO / "cadd_simulated.tsv.gz")) as table:
        assert "SIMULATED" in table.header[0]
        rows = [line.split("\t") for line in table.fetch()]
    assert rows and all(len(row[2]) == len(row[3]) == 1 for row in rows)
    assert sum(c["scores"] != {} for c in payload["candidates"]) > 1
    # Scored among the rare records (before the inheritance filter): at least the scored candidates.
    (cadd,) = payload["versions"]["scores"]
    assert cadd["files"] == ["cadd_simulated.tsv.gz"]
    assert cadd["records_scored"] >= sum("cadd" in c["scores"] for c in payload["candidates"])
    assert "CADD 29.6; evidence: PP3 moderate from CADD" in (demo_run / truth["family"] / "report.html").read_text()
