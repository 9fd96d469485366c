"""HGVS c./n. notation from real Ensembl gene models: the bcftools csq suite's transcripts and the demo genome."""

from __future__ import annotations

import csv
import json
import re
from functools import cache

import pytest

from rarevar.annotate.hgvs import TranscriptModels, revcomp
from tests.conftest import DEMO, shared_data

SUITE = shared_data() / "bcftools-csq"
CODE = "TCAG"
AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"  # standard code, codons in TCAG order


def translate(codon: str) -> str:
    return AMINO[16 * CODE.index(codon[0]) + 4 * CODE.index(codon[1]) + CODE.index(codon[2])]


@cache
def suite_models(name: str) -> TranscriptModels:
    return TranscriptModels.from_gff(str(SUITE / name / f"{name}.gff"), str(SUITE / name / f"{name}.fa"))


@cache
def demo_models() -> TranscriptModels:
    return TranscriptModels.from_gff(str(DEMO / "genes.gff3.gz"), str(DEMO / "reference.fa"))


def coding_bases(models: TranscriptModels, transcript: str, chrom: str) -> dict[int, str]:
    """c. position -> base on the transcript, read back from the genome through our own numbering."""
    tx = models.transcripts[transcript]
    bases = {}
    for start, end in tx.exons:
        seq = models.fasta.fetch(chrom, start - 1, end).upper()
        for pos, base in zip(range(start, end + 1), seq, strict=True):
            label = tx.label(pos)
            if label.isdigit():
                bases[int(label)] = revcomp(base) if tx.minus else base
    return bases


def suite_snvs() -> list[tuple]:
    """(dir, chrom, pos, ref, alt, transcript, csq's amino-acid change) for every coding SNV csq describes."""
    with open(SUITE / "bcftools_csq_expected.tsv") as handle:
        rows = csv.DictReader([line for line in handle if not line.startswith("#")], delimiter="\t")
        out = []
        for row in rows:
            if len(row["ref"]) != 1 or len(row["alt"]) != 1:
                continue
            for entry in row["expected_bcsq"].split(","):
                fields = entry.split("|")
                if (
                    len(fields) == 7
                    and re.search("missense|synonymous|stop_gained", fields[0])
                    and "+" not in fields[6]
                ):
                    snv = (row["dir"], row["chrom"], int(row["local_pos"]), row["ref"], row["alt"])
                    out.append((*snv, fields[2], fields[5]))
    return out


def check_codon(models, chrom, pos, ref, alt, transcript, aa_change) -> None:
    """Our c. position lies in csq's codon, shows the VCF REF (complemented on the minus strand), and the
    reference codon we read through our numbering translates to csq's reference amino acid."""
    tx = models.transcripts[transcript]
    hgvs = models.hgvs_c(transcript, chrom, pos, ref, alt)
    match = re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", hgvs)
    assert match, hgvs
    c, shown_ref, shown_alt = int(match[1]), match[2], match[3]
    assert (shown_ref, shown_alt) == ((revcomp(ref), revcomp(alt)) if tx.minus else (ref, alt))
    aa_pos, aa_ref = re.match(r"(\d+)([A-Z*])", aa_change).groups()
    # csq counts the first complete codon of a 5'-incomplete CDS as 1; Ensembl (and we) count the partial one
    assert (c - 1) // 3 + 1 == int(aa_pos) + (tx.pad > 0), (hgvs, aa_change)
    bases = coding_bases(models, transcript, chrom)
    first = c - (c - 1) % 3
    assert translate("".join(bases[i] for i in range(first, first + 3))) == aa_ref, (hgvs, aa_change)


@pytest.mark.parametrize("case", suite_snvs(), ids=lambda case: f"{case[0]}:{case[2]}:{case[5]}")
def test_codon_and_base_agree_with_bcftools_csq(case):
    name, chrom, pos, ref, alt, transcript, aa_change = case
    check_codon(suite_models(name), chrom, pos, ref, alt, transcript, aa_change)


def test_cross_check_covers_both_strands_and_many_genes():
    cases = suite_snvs()
    strands = {suite_models(c[0]).transcripts[c[5]].strand for c in cases}
    assert len(cases) >= 25 and strands == {"+", "-"} and len({c[5] for c in cases}) >= 15


def demo_variants(truth: dict) -> list[dict]:
    return [truth, *truth["decoys"], *truth["background"]]


def test_demo_planted_variants(truth):
    """TNNT2 p.R100P (minus strand): codon 100 is c.298_300, CGx -> CCx, so c.299G>C."""
    models = demo_models()
    assert models.hgvs_c("ENST00000360372", "chr1", truth["pos"], truth["ref"], truth["alt"]) == "c.299G>C"
    for variant in demo_variants(truth):
        fields = variant["bcsq"].split("|")
        check_codon(models, variant["chrom"], variant["pos"], variant["ref"], variant["alt"], fields[2], fields[5])


@pytest.mark.parametrize(
    ("models", "transcript", "chrom"),
    [
        ("demo", "ENST00000360372", "chr1"),
        ("demo", "ENST00000285021", "chr3"),
        ("ENST00000341065", "ENST00000341065", "1"),
    ],
)
def test_coding_positions_run_without_gaps(models, transcript, chrom):
    """Every coding base gets one c. number, 1..N in order (from 2 after the missing base of SAMD11's CDS)."""
    models = demo_models() if models == "demo" else suite_models(models)
    tx = models.transcripts[transcript]
    numbers = sorted(coding_bases(models, transcript, chrom))
    assert numbers == list(range(1 + tx.pad, numbers[-1] + 1)) and numbers[-1] % 3 == 0


@pytest.mark.parametrize(
    ("name", "transcript", "chrom", "pos", "ref", "alt", "expected"),
    [
        # plus strand: ATG at 108-110 (csq: 1M>1V, 5F>5C)
        ("ENST00000218032", "ENST00000218032", "X", 108, "A", "G", "c.1A>G"),
        ("ENST00000218032", "ENST00000218032", "X", 12455, "T", "G", "c.14T>G"),
        # minus strand, CDS 3630-4409: c.1 at 4409, 5'UTR above it, 3'UTR below, an 1818-bp intron 903-2720
        ("ENST00000423372", "ENST00000423372", "1", 4410, "A", "C", "c.-1T>G"),
        ("ENST00000423372", "ENST00000423372", "1", 4419, "G", "A", "c.-10C>T"),
        ("ENST00000423372", "ENST00000423372", "1", 3621, "G", "A", "c.*9C>T"),
        ("ENST00000423372", "ENST00000423372", "1", 2721, "C", "A", "c.*909G>T"),
        ("ENST00000423372", "ENST00000423372", "1", 2719, "G", "A", "c.*909+2C>T"),
        ("ENST00000423372", "ENST00000423372", "1", 1, "A", "C", "c.*1811T>G"),
        # splice acceptor -1 (plus); the middle of a 91-bp intron counts from the exon before it
        ("ENST00000271583", "ENST00000271583", "1", 7013, "G", "A", "c.554-1G>A"),
        ("ENST00000301246", "ENST00000301246", "19", 189, "C", "T", "c.22+46C>T"),
        # deletions in C runs of the intron before c.431 (16254-16258, 16260-16262) move to the run's 3' end
        ("ENST00000341065", "ENST00000341065", "1", 16255, "CCC", "CC", "c.431-7del"),
        ("ENST00000341065", "ENST00000341065", "1", 16261, "CCA", "CA", "c.431-3del"),
        # an A after the single A at 18365 is its duplication; at 18506 nothing repeats: an insertion
        ("ENST00000341065", "ENST00000341065", "1", 18365, "A", "AA", "c.1289-9dup"),
        ("ENST00000341065", "ENST00000341065", "1", 18506, "G", "GA", "c.1413+8_1413+9insA"),
        # GGT at the intron/exon border (19028-19030) shifts 3' into the exon, as TGG
        ("ENST00000341065", "ENST00000341065", "1", 19026, "CAGGTGGCCAG", "CAGGCCAG", "c.1526_1528del"),
        # a 5'-incomplete CDS (GFF phase 2): one missing base before 5433, so 5435 is c.4 (csq: codon 1)
        ("ENST00000341065", "ENST00000341065", "1", 5435, "C", "G", "c.4C>G"),
        # a 15-bp tandem repeat (KKEKG x2 + 6 bases): the duplication is written at its most 3' copy
        ("ENST00000301246", "ENST00000301246", "19", 770, "G", "GAAGAAGGAGAAGGGC", "c.289_303dup"),
        ("ENST00000301246", "ENST00000588605", "19", 770, "G", "GAAGAAGGAGAAGGGC", "c.*90_*104dup"),
        # minus strand: an inserted C (G on the transcript) repeats c.73 at the exon end
        ("ENST00000410009", "ENST00000410009", "2", 5507, "G", "GC", "c.73dup"),
        # minus strand: a 17-bp duplication reaching one base past the transcript's 5' end (c.-5)
        ("ENST00000573314", "ENST00000573314", "15", 32388, "GTCCGTCGGCATAAACTT",
         "GTCCGTCGGCATAAACTTTCCGTCGGCATAAACTT", "c.-6_11dup"),
        # minus strand deletions: an in-frame 6 bp (csq 430YKE>430*), one spanning the start codon
        ("ENST00000285021", "ENST00000285021", "3", 13461, "CTCTTTA", "C", "c.1290_1295del"),
        ("ENST00000375992", "ENST00000375992", "X", 6453, "ATCCTCGAGGCAGCC", "A", "c.-13_1del"),
        # MNV over two codons (csq 132EE>132D*) and a deletion-insertion
        ("ENST00000360372", "ENST00000360372", "chr1", 4391, "CC", "AA", "c.396_397delinsTT"),
        ("ENST00000573035-bt2212", "ENST00000573035", "7", 374, "CAAG", "CT", "c.77_79delinsT"),
        # an insertion between the last exon base and the intron
        ("ENST00000545279", "ENST00000545279", "5", 44572, "T", "TC", "c.1314_1314+1insC"),
        # non-coding transcript (minus strand, exons 9403-9717, 8980-9106): n. numbering
        ("ENST00000294661", "ENST00000294661", "1", 9100, "G", "A", "n.322C>T"),
        ("ENST00000294661", "ENST00000294661", "1", 9300, "T", "C", "n.315+103A>G"),
    ],
)  # fmt: skip
def test_hand_checked(name, transcript, chrom, pos, ref, alt, expected):
    models = suite_models(name)
    assert models.fasta.fetch(chrom, pos - 1, pos - 1 + len(ref)).upper() == ref  # the case is real
    assert models.hgvs_c(transcript, chrom, pos, ref, alt) == expected


@pytest.mark.parametrize(
    ("transcript", "chrom", "pos", "ref", "alt"),
    [
        ("ENST99999999999", "1", 4410, "A", "C"),  # unknown transcript
        ("ENST00000423372", "2", 4410, "A", "C"),  # another chromosome
        ("ENST00000423372", "1", 4410, "A", "<DEL>"),  # symbolic allele
        ("ENST00000423372", "1", 4410, "A", "*"),  # spanning deletion
        ("ENST00000423372", "1", 4410, "A", "A"),  # no change
        ("ENST00000423372", "1", 4480, "A", "C"),  # past the transcript's 5' end
    ],
)
def test_nothing_to_describe(transcript, chrom, pos, ref, alt):
    assert suite_models("ENST00000423372").hgvs_c(transcript, chrom, pos, ref, alt) == ""


def test_insertion_just_before_the_transcript_is_outside():
    assert suite_models("ENST00000436063").hgvs_c("ENST00000436063", "1", 20, "G", "GTT") == ""


def test_chr_prefix_and_transcript_version_are_tolerated():
    models = suite_models("ENST00000360372")  # its GFF and FASTA say chr1
    assert models.hgvs_c("ENST00000360372.8", "1", 4391, "CC", "AA") == "c.396_397delinsTT"


def test_without_reference_indels_stay_where_the_vcf_puts_them():
    name = "ENST00000341065"
    models = TranscriptModels.from_gff(str(SUITE / name / f"{name}.gff"))
    assert models.hgvs_c(name, "1", 18826, "G", "A") == "c.1421G>A"
    assert models.hgvs_c(name, "1", 16255, "CCC", "CC") == "c.431-8del"  # left as given: no 3' shift
    assert models.hgvs_c(name, "1", 18365, "A", "AA") == "c.1289-9_1289-8insA"  # no dup without bases


def test_demo_gene_models_load_from_gzip():
    models = demo_models()
    assert {"ENST00000360372", "ENST00000285021", "ENST00000428061"} <= set(models.transcripts)
    truth = json.loads((DEMO / "truth.json").read_text())
    assert models.transcripts["ENST00000360372"].chrom == truth["chrom"]
