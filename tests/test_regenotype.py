"""Missing parental genotypes filled from the parents' gVCFs (GATK, DeepVariant and bcftools styles)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pysam
import pytest

from rarevar.base.funnel import REGENOTYPED
from rarevar.errors import InputError
from rarevar.evidence.candidates import read_records
from rarevar.family import gates
from rarevar.family.inheritance import inheritance_modes
from rarevar.family.regenotype import regenotype
from rarevar.inputs.pedigree import family_for
from tests.conftest import DEMO, demo_row, rarevar, write_config

CONTIG = "##contig=<ID=chr1,length=248956422>"

# A trio merged from single-sample VCFs (bcftools merge): a parent without the variant is ./., not 0/0.
TRIO_HEADER = [
    "##fileformat=VCFv4.2",
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order '
    'listed">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    CONTIG,
    "##bcftools_mergeCommand=merge -Oz -o trio.vcf.gz proband.vcf.gz mother.vcf.gz father.vcf.gz",
]
TRIO_SAMPLES = ["proband", "mother", "father"]
HET = "0/1:20,18:38:99"
REF = "0/0:35,0:35:60"
MISSING = "./.:.:.:."
MISSING_WITH_ZEROS = "./.:0,0:0:0"  # how some merges write a sample without the variant

GATK_HEADER = [
    "##fileformat=VCFv4.2",
    '##ALT=<ID=NON_REF,Description="Represents any possible alternative allele not already represented at this '
    'location by REF and ALT">',
    '##FILTER=<ID=LowQual,Description="Low quality">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order '
    'listed">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates '
    'are filtered)">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP observed within the GVCF block">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods for genotypes as defined '
    'in the VCF specification">',
    "##FORMAT=<ID=SB,Number=4,Type=Integer,Description=\"Per-sample component statistics which comprise the Fisher's "
    'Exact Test to detect strand bias.">',
    '##GATKCommandLine=<ID=HaplotypeCaller,CommandLine="HaplotypeCaller --emit-ref-confidence GVCF --output '
    'mother.g.vcf.gz",Version="4.2.6.1",Date="June 1, 2022">',
    "##GVCFBlock0-1=minGQ=0(inclusive),maxGQ=1(exclusive)",
    "##GVCFBlock1-2=minGQ=1(inclusive),maxGQ=2(exclusive)",
    "##GVCFBlock20-30=minGQ=20(inclusive),maxGQ=30(exclusive)",
    "##GVCFBlock99-100=minGQ=99(inclusive),maxGQ=100(exclusive)",
    '##INFO=<ID=BaseQRankSum,Number=1,Type=Float,Description="Z-score from Wilcoxon rank sum test of Alt Vs. Ref '
    'base qualities">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="Stop position of the interval">',
    '##INFO=<ID=MLEAC,Number=A,Type=Integer,Description="Maximum likelihood expectation (MLE) for the allele counts">',
    '##INFO=<ID=MLEAF,Number=A,Type=Float,Description="Maximum likelihood expectation (MLE) for the allele frequency">',
    '##INFO=<ID=RAW_MQandDP,Number=2,Type=Integer,Description="Raw data (sum of squared MQ and total depth) for '
    'improved RMS Mapping Quality calculation. Incompatible with deprecated RAW_MQ formulation.">',
    CONTIG,
    "##source=HaplotypeCaller",
]
GATK_BLOCK = "GT:DP:GQ:MIN_DP:PL"

DEEPVARIANT_HEADER = [
    "##fileformat=VCFv4.2",
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##FILTER=<ID=RefCall,Description="Genotyping model thinks this site is reference.">',
    '##FILTER=<ID=NoCall,Description="Site has depth=0 resulting in no call.">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position (for use with symbolic alleles)">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Conditional genotype quality">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP observed within the GVCF block.">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Read depth for each allele">',
    '##FORMAT=<ID=VAF,Number=A,Type=Float,Description="Variant allele fractions.">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods rounded to the closest '
    'integer">',
    "##DeepVariant_version=1.6.1",
    CONTIG,
]

BCFTOOLS_HEADER = [
    "##fileformat=VCFv4.2",
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##ALT=<ID=*,Description="Represents allele(s) other than observed.">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant described in this record">',
    '##INFO=<ID=MinDP,Number=1,Type=Integer,Description="Minimum per-sample depth in this gVCF block">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="List of Phred-scaled genotype likelihoods">',
    CONTIG,
    "##bcftools_callCommand=call -m -g 10 -Oz -o mother.g.vcf.gz",
]

# One reference block of GQ 40 over min depth 30 around chr1:1500, in each caller's own words.
BLOCK_STYLES = {
    "gatk": (GATK_HEADER, ["chr1\t1000\t.\tA\t<NON_REF>\t.\t.\tEND=1999\tGT:DP:GQ:MIN_DP:PL\t0/0:34:40:30:0,40,900"]),
    "deepvariant": (DEEPVARIANT_HEADER, ["chr1\t1000\t.\tA\t<*>\t0\t.\tEND=1999\tGT:GQ:MIN_DP:PL\t0/0:40:30:0,42,599"]),
    "bcftools": (BCFTOOLS_HEADER, ["chr1\t1000\t.\tA\t<*>\t0\t.\tEND=1999;MinDP=30\tGT:PL\t0/0:0,40,255"]),
}


def write_indexed(path: Path, header: list[str], samples: list[str], rows: list[str], index: bool = True) -> str:
    """A bgzipped VCF (tabix-indexed unless told not to), from text lines."""
    text = path.with_suffix("")  # x.vcf.gz -> x.vcf
    columns = "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples])
    text.write_text("\n".join([*header, columns, *rows]) + "\n")
    if index:
        return pysam.tabix_index(str(text), preset="vcf", force=True)
    pysam.tabix_compress(str(text), str(path), force=True)
    text.unlink()
    return str(path)


def trio_vcf(tmp: Path, rows: list[tuple[int, str, str, str, str, str]]) -> str:
    """rows: (pos, ref, alt, proband, mother, father)."""
    lines = [
        f"chr1\t{pos}\t.\t{ref}\t{alt}\t300\tPASS\t.\tGT:AD:DP:GQ\t{p}\t{m}\t{f}" for pos, ref, alt, p, m, f in rows
    ]
    return write_indexed(tmp / "trio.vcf.gz", TRIO_HEADER, TRIO_SAMPLES, lines)


def gatk_gvcf(tmp: Path, sample: str, rows: list[str]) -> str:
    return write_indexed(tmp / f"{sample}.g.vcf.gz", GATK_HEADER, [sample], rows)


def trio_ped(tmp: Path, family: str = "FAM1") -> Path:
    ped = tmp / "trio.ped"
    ped.write_text(
        f"{family}\tfather\t0\t0\t1\t1\n{family}\tmother\t0\t0\t2\t1\n{family}\tproband\tfather\tmother\t1\t2\n"
    )
    return ped


def run(tmp: Path, vcf: str, gvcfs: list[str]) -> tuple[dict, dict]:
    """Regenotype; return the summary and {(pos, sample): (GT, GQ, DP, AD, RG)} of the output."""
    out = tmp / "regenotyped.bcf"
    summary = regenotype(vcf, gvcfs, str(out), str(tmp / "summary.json"), str(tmp / "funnel.json"))
    calls = {}
    with pysam.VariantFile(str(out)) as bcf:
        assert bcf.index is not None
        for record in bcf:
            for sample, call in record.samples.items():
                ad = call.get("AD")
                ad = None if ad is None or all(v is None for v in ad) else ad
                calls[(record.pos, sample)] = (call.get("GT"), call.get("GQ"), call.get("DP"), ad, call.get("RG"))
    return summary, calls


def de_novo_status(tmp: Path, ped: Path) -> dict[int, str]:
    """Per position: 'confirmed' / 'possible' / 'no' de novo, with the candidate stage's GQ 20 / DP 10 gates."""
    records, samples = read_records(str(tmp / "regenotyped.bcf"), "BCSQ")
    gate = gates.mode_gates({"min_gq": 20, "min_dp": 10})["default"]
    gated = gates.apply(records.gt, records.quality, gate)
    result = inheritance_modes(
        gated, samples, family_for(ped, "FAM1"), records.chrom, records.pos, np.full(len(gated), "GENE"), "GRCh38"
    )
    return {
        int(pos): "confirmed" if sure else "possible" if maybe else "no"
        for pos, sure, maybe in zip(records.pos, result.modes["de_novo"], result.possible["de_novo"], strict=True)
    }


def test_reference_block_confirms_de_novo_and_low_gq_block_fails_the_gate(tmp_path):
    vcf = trio_vcf(
        tmp_path,
        [
            (1500, "A", "G", HET, MISSING, REF),  # mother's GQ 40 block
            (3500, "C", "T", HET, MISSING_WITH_ZEROS, REF),  # mother's GQ 5 block
            (5500, "G", "A", HET, MISSING, REF),  # mother's gVCF has nothing here
            (6500, "T", "C", HET, "0/1:15,15:30:99", REF),  # mother called: never overwritten by her block
        ],
    )
    mother = gatk_gvcf(
        tmp_path,
        "mother",
        [
            f"chr1\t1000\t.\tA\t<NON_REF>\t.\t.\tEND=1999\t{GATK_BLOCK}\t0/0:34:40:30:0,40,900",
            f"chr1\t3000\t.\tC\t<NON_REF>\t.\t.\tEND=3999\t{GATK_BLOCK}\t0/0:12:5:11:0,5,120",
            f"chr1\t6000\t.\tG\t<NON_REF>\t.\t.\tEND=6999\t{GATK_BLOCK}\t0/0:30:60:28:0,60,900",
        ],
    )
    ped = trio_ped(tmp_path)
    run(tmp_path, vcf, [])
    before = de_novo_status(tmp_path, ped)
    summary, calls = run(tmp_path, vcf, [mother])

    assert calls[(1500, "mother")] == ((0, 0), 40, 30, None, 1)
    assert calls[(3500, "mother")] == ((0, 0), 5, 11, None, 1)
    assert calls[(5500, "mother")] == ((None, None), None, None, None, 0)
    assert calls[(6500, "mother")] == ((0, 1), 99, 30, (15, 15), None)
    assert calls[(1500, "father")][-1] is None  # no gVCF given for him and nothing to fill
    assert before == {1500: "possible", 3500: "possible", 5500: "possible", 6500: "no"}
    assert de_novo_status(tmp_path, ped) == {1500: "confirmed", 3500: "possible", 5500: "possible", 6500: "no"}
    assert summary["filled"] == 2 and summary["left_missing"] == 1
    assert summary["by_sample"]["mother"] == {"no_coverage": 1, "reference_block": 2}
    funnel = json.loads((tmp_path / "funnel.json").read_text())
    assert funnel == [{"step": "missing genotypes looked up in gVCFs (2 filled, 1 left missing)", "variants": 4,
                       "message": {"id": REGENOTYPED, "fields": {"filled": 2, "left": 1}}}]  # fmt: skip


@pytest.mark.parametrize("style", sorted(BLOCK_STYLES))
def test_reference_blocks_of_each_caller(tmp_path, style):
    header, rows = BLOCK_STYLES[style]
    vcf = trio_vcf(tmp_path, [(1500, "A", "G", HET, MISSING, REF)])
    gvcf = write_indexed(tmp_path / "mother.g.vcf.gz", header, ["mother"], rows)
    _, calls = run(tmp_path, vcf, [gvcf])
    assert calls[(1500, "mother")] == ((0, 0), 40, 30, None, 1)  # bcftools: GQ from PL, depth from INFO/MinDP


def test_variant_record_in_the_gvcf_gives_its_call(tmp_path):
    vcf = trio_vcf(
        tmp_path,
        [
            (2000, "G", "T", HET, MISSING, REF),
            (2500, "CTT", "CT", HET, MISSING, REF),  # the gVCF's second ALT of CTT>C,CT
            (2700, "A", "C", HET, MISSING, REF),  # the gVCF calls another allele (A>G) here
        ],
    )
    info = "BaseQRankSum=0.35;DP=33;MLEAC=1,0;MLEAF=0.5,0;RAW_MQandDP=118800,33"
    mother = gatk_gvcf(
        tmp_path,
        "mother",
        [
            f"chr1\t2000\t.\tG\tT,<NON_REF>\t350.64\t.\t{info}\tGT:AD:DP:GQ:PL:SB\t0/1:17,15,0:32:99:379,0,450,430,495,925:9,8,7,8",
            "chr1\t2500\t.\tCTT\tC,CT,<NON_REF>\t200.6\t.\tDP=25;MLEAC=0,2,0;MLEAF=0,1,0\tGT:AD:DP:GQ:PL:SB\t"
            "2/2:0,1,24,0:25:75:900,910,990,75,80,0,920,990,95,999:0,0,12,13",
            f"chr1\t2700\t.\tA\tG,<NON_REF>\t300.6\t.\t{info}\tGT:AD:DP:GQ:PL:SB\t0/1:14,16,0:30:99:400,0,380,440,430,900:7,7,8,8",
        ],
    )
    summary, calls = run(tmp_path, vcf, [mother])
    assert calls[(2000, "mother")] == ((0, 1), 99, 32, (17, 15), 2)
    assert calls[(2500, "mother")] == ((1, 1), 75, 25, (0, 24), 2)
    assert calls[(2700, "mother")] == ((None, None), None, None, None, 3)
    assert summary["by_sample"]["mother"] == {"ambiguous": 1, "variant_call": 2}


def test_deletion_not_filled_from_a_block_starting_inside_its_ref_span(tmp_path):
    vcf = trio_vcf(
        tmp_path,
        [
            (7000, "CTTTA", "C", HET, MISSING, REF),  # REF span 7000-7004
            (8002, "A", "G", HET, MISSING, REF),  # inside a deletion the mother carries (8000-8003)
            (9000, "CTT", "C", HET, MISSING, REF),  # REF span covered by two adjacent blocks
        ],
    )
    mother = gatk_gvcf(
        tmp_path,
        "mother",
        [
            f"chr1\t6000\t.\tG\t<NON_REF>\t.\t.\tEND=6999\t{GATK_BLOCK}\t0/0:30:60:28:0,60,900",
            f"chr1\t7002\t.\tT\t<NON_REF>\t.\t.\tEND=7999\t{GATK_BLOCK}\t0/0:30:60:28:0,60,900",
            "chr1\t8000\t.\tCAAA\tC,<NON_REF>\t300\t.\tDP=30\tGT:AD:DP:GQ:PL\t0/1:15,14,0:29:99:400,0,420,450,460,900",
            f"chr1\t8004\t.\tT\t<NON_REF>\t.\t.\tEND=8999\t{GATK_BLOCK}\t0/0:30:50:28:0,50,900",
            f"chr1\t9000\t.\tC\t<NON_REF>\t.\t.\tEND=9000\t{GATK_BLOCK}\t0/0:33:50:33:0,50,900",
            f"chr1\t9001\t.\tT\t<NON_REF>\t.\t.\tEND=9500\t{GATK_BLOCK}\t0/0:27:30:25:0,30,700",
        ],
    )
    summary, calls = run(tmp_path, vcf, [mother])
    assert calls[(7000, "mother")] == ((None, None), None, None, None, 3)
    assert calls[(8002, "mother")] == ((None, None), None, None, None, 3)
    assert calls[(9000, "mother")] == ((0, 0), 30, 25, None, 1)  # the weaker of the two blocks
    assert summary["filled"] == 1 and summary["left_missing"] == 2


def test_multi_sample_gvcf_no_call_and_readless_block_stay_missing(tmp_path):
    vcf = trio_vcf(tmp_path, [(1500, "A", "G", HET, MISSING, MISSING), (2500, "C", "T", HET, MISSING, MISSING)])
    rows = [
        f"chr1\t1000\t.\tA\t<NON_REF>\t.\t.\tEND=1999\t{GATK_BLOCK}\t0/0:34:40:30:0,40,900\t./.:0:0:0:0,0,0",
        f"chr1\t2000\t.\tG\t<NON_REF>\t.\t.\tEND=2999\t{GATK_BLOCK}\t0/0:0:0:0:0,0,0\t0/0:25:35:22:0,35,800",
    ]
    both = write_indexed(tmp_path / "parents.g.vcf.gz", GATK_HEADER, ["mother", "father"], rows)
    summary, calls = run(tmp_path, vcf, [both])
    assert calls[(1500, "mother")] == ((0, 0), 40, 30, None, 1)
    assert calls[(1500, "father")] == ((None, None), None, None, None, 4)  # his gVCF has no call there
    assert calls[(2500, "mother")] == ((None, None), None, None, None, 0)  # a block without reads
    assert calls[(2500, "father")] == ((0, 0), 35, 22, None, 1)
    assert summary["samples_with_gvcf"] == ["father", "mother"]


def test_without_gvcf_the_records_pass_through(tmp_path):
    vcf = trio_vcf(tmp_path, [(1500, "A", "G", HET, MISSING, REF)])
    summary, calls = run(tmp_path, vcf, [])
    assert calls[(1500, "mother")] == ((None, None), None, None, None, None)
    assert summary["filled"] == 0 and summary["records"] == 1
    assert json.loads((tmp_path / "funnel.json").read_text()) == []


def sheet_with_gvcf(tmp: Path, rows: list[dict]) -> Path:
    """A config whose families sheet carries the optional gvcf column."""
    config = write_config(tmp, rows)
    columns = ["family_id", "vcf", "ped", "hpo", "gvcf"]
    lines = ["\t".join(columns)] + ["\t".join(row.get(c, "") for c in columns) for row in rows]
    (tmp / "families.tsv").write_text("\n".join(lines) + "\n")
    return config


def demo_gvcf(tmp: Path, sample: str, rows: list[str], index: bool = True) -> str:
    fai = (DEMO / "reference.fa.fai").read_text().splitlines()
    contigs = [f"##contig=<ID={line.split()[0]},length={line.split()[1]}>" for line in fai]
    header = [line for line in GATK_HEADER if not line.startswith("##contig")] + contigs
    return write_indexed(tmp / f"{sample}.g.vcf.gz", header, [sample], rows, index=index)


def test_bad_gvcf_inputs_stop_before_the_run(tmp_path):
    block = [f"chr1\t35000\t.\tA\t<NON_REF>\t.\t.\tEND=36000\t{GATK_BLOCK}\t0/0:34:45:30:0,45,900"]
    stranger = demo_gvcf(tmp_path, "uncle", block)
    result = rarevar("validate", "--config", str(sheet_with_gvcf(tmp_path, [demo_row(gvcf=stranger)])))
    assert result.returncode == 2
    assert stranger in result.stderr and "'uncle'" in result.stderr and "not in the PED" in result.stderr

    unindexed = demo_gvcf(tmp_path, "father", block, index=False)
    result = rarevar("validate", "--config", str(sheet_with_gvcf(tmp_path, [demo_row(gvcf=unindexed)])))
    assert result.returncode == 2
    assert unindexed in result.stderr and "tabix -p vcf" in result.stderr and "bcftools index" in result.stderr

    renamed = write_indexed(
        tmp_path / "renamed.g.vcf.gz",
        [line.replace("ID=chr1,", "ID=1,") for line in GATK_HEADER],
        ["father"],
        [line.replace("chr1", "1", 1) for line in block],
    )
    result = rarevar("validate", "--config", str(sheet_with_gvcf(tmp_path, [demo_row(gvcf=renamed)])))
    assert result.returncode == 2
    assert renamed in result.stderr and "names contigs like '1'" in result.stderr

    with pytest.raises(InputError, match="not samples of the family VCF"):
        run(tmp_path, trio_vcf(tmp_path, [(1500, "A", "G", HET, MISSING, REF)]), [stranger])


def blank_genotype(source: Path, target: Path, sample: str, chrom: str, pos: int) -> str:
    """The demo VCF with one sample's genotype at one site made ./. (as after merging single-sample VCFs)."""
    with pysam.VariantFile(str(source)) as vcf, pysam.VariantFile(str(target), "wz", header=vcf.header) as out:
        for record in vcf:
            if (record.chrom, record.pos) == (chrom, pos):
                call = record.samples[sample]
                for name in ("AD", "DP", "GQ", "PL"):
                    del call[name]
                call["GT"] = (None, None)
            out.write(record)
    pysam.tabix_index(str(target), preset="vcf", force=True)
    return str(target)


def test_workflow_confirms_the_planted_de_novo_from_the_fathers_gvcf(truth, tmp_path):
    vcf = blank_genotype(DEMO / "trio.vcf.gz", tmp_path / "merged.vcf.gz", "father", truth["chrom"], truth["pos"])
    start, end = truth["pos"] - 400, truth["pos"] + 600
    father = demo_gvcf(
        tmp_path,
        "father",
        [f"{truth['chrom']}\t{start}\t.\tA\t<NON_REF>\t.\t.\tEND={end}\t{GATK_BLOCK}\t0/0:31:45:27:0,45,900"],
    )
    # The same family twice in one run: once with the father's gVCF, once without any.
    config = sheet_with_gvcf(tmp_path, [demo_row(vcf=vcf, gvcf=father), demo_row(family_id="NOGVCF", vcf=vcf)])
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]

    def planted(family):
        payload = json.loads((tmp_path / "results" / family / "candidates.json").read_text())
        cause = (truth["chrom"], truth["pos"], truth["alt"])
        return payload, next(c for c in payload["candidates"] if (c["chrom"], c["pos"], c["alt"]) == cause)

    payload, cause = planted(truth["family"])
    assert cause["rank"] == 1 and "de_novo" in cause["inheritance"]
    assert any("looked up in gVCFs (1 filled" in step["step"] for step in payload["funnel"])
    with pysam.VariantFile(str(tmp_path / "results" / truth["family"] / "candidates.vcf.gz")) as out:
        record = next(out.fetch(truth["chrom"], truth["pos"] - 1, truth["pos"]))
        assert record.samples["father"]["GT"] == (0, 0) and record.samples["father"]["RG"] == 1

    payload, cause = planted("NOGVCF")
    assert "de_novo" not in cause["inheritance"] and "de_novo" in cause["possible_inheritance"]
    assert not any("gVCF" in step["step"] for step in payload["funnel"])


def test_single_family_shortcut_takes_gvcfs(tmp_path):
    block = [f"chr1\t35000\t.\tA\t<NON_REF>\t.\t.\tEND=36000\t{GATK_BLOCK}\t0/0:34:45:30:0,45,900"]
    father = demo_gvcf(tmp_path, "father", block)
    result = rarevar(
        "run", "--vcf", str(DEMO / "trio.vcf.gz"), "--ped", str(DEMO / "demo.ped"), "--hpo", "HP:0001639",
        "--gvcf", father, "--out", str(tmp_path / "out"), "--", "--dry-run",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    output = (result.stdout + result.stderr).splitlines()
    planned = [line for line in output if line.startswith("Shell command: rarevar regenotype")]
    assert len(planned) == 1 and f"--gvcf {father} " in planned[0]
