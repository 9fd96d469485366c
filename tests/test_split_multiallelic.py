"""Split multi-allelic sites (issue 19, part 5): a call of another ALT at the same site is "carries another allele",
never a failed gate, a no-call or a reference copy, and a split multi-allelic site is never a de novo.

The trio site is genmod's multi-allelic example (Clinical-Genomics/genmod examples/multi_allele_example.vcf, GATK's
layout and GRCh37 coordinates; see ../shared/data/PROVENANCE.md): 3:947379 A>T,C with father 1/1, mother 0/2 and
proband 1/2, beside a biallelic de novo at 3:947378. The file declares no FORMAT fields; the GATK header lines
are added here (records unchanged), as bcftools needs AD's Number=R to split it per allele.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pysam

from rarevar.base.bcftools import bcftools
from rarevar.evidence.candidates import read_records
from rarevar.family.gates import apply, mode_gates
from rarevar.family.genotype_table import other_allele_calls, read_genotype_table
from rarevar.family.inheritance import HET, HOM_REF, MISSING
from rarevar.family.mode_calls import Locus, call_modes
from rarevar.inputs.normalize import normalize
from rarevar.inputs.pedigree import family_for
from rarevar.inputs.split_alleles import split_options

REPO = Path(__file__).resolve().parents[1]
GATK_FORMATS = (
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order '
    'listed">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates '
    'are filtered)">',
    '##FORMAT=<ID=TP,Number=1,Type=Integer,Description="TP">',
    "##contig=<ID=3,length=198022430,assembly=b37>",
)


def _with_gatk_header(source: Path, out: Path) -> Path:
    lines = source.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("#CHROM"))
    out.write_text("\n".join([*lines[:at], *GATK_FORMATS, *lines[at:]]) + "\n")
    return out


def _split(vcf: Path, out: Path, options: tuple[str, ...]) -> Path:
    bcftools("norm", "--no-version", *options, "-Ob", "-o", str(out), str(vcf))
    return out


def _modes(path: Path, ped: Path, family: str):
    """The candidates stage's reading of the split records and its inheritance calls (every record consequential,
    one gene per site so the two alleles of a site may pair as a compound het)."""
    records, samples = read_records(str(path), "BCSQ")
    locus = Locus(records.chrom, records.pos, np.array([f"SITE{p}" for p in records.pos], dtype=object))
    calls = call_modes(records.gt, records.quality, records.phase, samples, family_for(ped, family), locus,
                       np.ones(len(records.pos), bool), "GRCh37", {}, other_allele_calls(records.genotypes, samples))
    return records, samples, calls


def _row(records, pos: int, alt: str) -> int:
    return int(np.flatnonzero((records.pos == pos) & (records.alt == alt))[0])


def _de_novo(calls, i: int) -> bool:
    return any(calls.result.modes[m][i] or calls.result.possible[m][i] for m in ("de_novo", "x_linked_de_novo"))


def test_genmod_multiallelic_trio_site_is_split_into_calls_of_another_allele(shared, tmp_path):
    vcf = _with_gatk_header(shared / "genmod" / "multi_allele_example.vcf", tmp_path / "trio.vcf")
    split = _split(vcf, tmp_path / "split.bcf", split_options(str(vcf)))
    records, samples, calls = _modes(split, shared / "genmod" / "recessive_trio.ped", "1")
    col = {s: samples.index(s) for s in ("father", "mother", "proband")}
    t, c = _row(records, 947379, "T"), _row(records, 947379, "C")

    # The proband's 1/2: one copy of T and one of C, each a het call of its own allele ...
    assert records.genotypes[t]["proband"] == "1/." and records.genotypes[c]["proband"] == "./1"
    assert records.gt[t, col["proband"]] == HET and records.gt[c, col["proband"]] == HET
    # ... whose allele balance is its share of all the reads (AD 0,7,8 -> 7 of 15 and 8 of 15), so it passes the
    # het gate: the split record's AD is (reads of the other alleles, reads of this allele).
    assert records.ref_reads[t, col["proband"]] == 8 and records.alt_reads[t, col["proband"]] == 7
    assert records.ref_reads[c, col["proband"]] == 7 and records.alt_reads[c, col["proband"]] == 8
    gated = apply(records.gt, records.quality, mode_gates({})["default"])
    assert gated[t, col["proband"]] == HET and gated[c, col["proband"]] == HET
    assert calls.in_play[t] and calls.in_play[c]
    # The mother's 0/2 carries no T: hom-ref for T (not a no-call), and she is assessed there.
    assert records.genotypes[t]["mother"] == "0/." and gated[t, col["mother"]] == HOM_REF
    assert calls.evidence["unassessable_parents"][t] == [] and calls.evidence["parents_genotyped"][t] == "both"
    # Never a de novo from a split site, while the biallelic de novo beside the second one still is one.
    others = [_row(records, 973349, "A"), _row(records, 973349, "T")]
    assert not any(_de_novo(calls, i) for i in (t, c, *others))
    assert records.genotypes[others[1]]["mother"] == "./1" and calls.evidence["unassessable_parents"][others[1]] == []
    biallelic = int(np.flatnonzero((records.chrom == "3") & (records.pos == 973348))[0])
    assert calls.result.modes["de_novo"][biallelic]


def test_plain_split_fails_the_het_gate_of_a_one_two_call(shared, tmp_path):
    """What the issue saw: split with plain `-m -any`, the 1/2 call is `1/0` with no reference read and fails the
    het gate (a no-call), and nothing marks its `0` as the other ALT."""
    vcf = _with_gatk_header(shared / "genmod" / "multi_allele_example.vcf", tmp_path / "trio.vcf")
    split = _split(vcf, tmp_path / "plain.bcf", ("-m", "-any"))
    records, samples = read_records(str(split), "BCSQ")
    t = _row(records, 947379, "T")
    proband = samples.index("proband")
    assert records.genotypes[t]["proband"] == "1/0" and records.ref_reads[t, proband] == 0
    assert apply(records.gt, records.quality, mode_gates({})["default"])[t, proband] == MISSING
    assert not other_allele_calls(records.genotypes, samples).any()


# The issue's trio, written in GATK's layout at a position of the demo genome: the mother's 1/2 with no reference
# read, 9 reads of the child's allele and 8 of another; a child 0/1 of that allele; a father 0/0.
PED = "".join(f"{line}\n" for line in ("#FamilyID\tSampleID\tFather\tMother\tSex\tPhenotype", "F\tkid\tdad\tmom\t1\t2",
                                          "F\tmom\t0\t0\t2\t1", "F\tdad\t0\t0\t1\t1"))


def _issue_trio(tmp_path: Path, calls: dict[str, str]) -> tuple[Path, Path]:
    reference = REPO / "resources" / "demo" / "reference.fa"
    with pysam.FastaFile(str(reference)) as fasta:
        ref = fasta.fetch("chr3", 999, 1000).upper()
        length = fasta.get_reference_length("chr3")
    first, second = [b for b in "ACGT" if b != ref][:2]
    header = ["##fileformat=VCFv4.2", f"##contig=<ID=chr3,length={length}>", *GATK_FORMATS[:4]]
    line = ["chr3", "1000", ".", ref, f"{first},{second}", "900", "PASS", ".", "GT:AD:DP:GQ"]
    body = "\t".join(line + [calls[s] for s in ("kid", "mom", "dad")])
    vcf = tmp_path / "issue.vcf"
    columns = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tkid\tmom\tdad"
    vcf.write_text("\n".join([*header, columns, body]) + "\n")
    ped = tmp_path / "trio.ped"
    ped.write_text(PED)
    out = tmp_path / "normalized.bcf"
    normalize(str(vcf), ["kid", "mom", "dad"], str(reference), str(out), str(tmp_path / "funnel.json"))
    return out, ped


def test_mother_one_two_is_a_carrier_through_the_normalise_stage(tmp_path):
    """The issue's false 'possible de novo': through the real normalise stage, the mother's 1/2 is a carrier of the
    child's allele whose call passes the het gate; she is assessed, and the child's allele is inherited."""
    out, ped = _issue_trio(tmp_path, {"kid": "0/1:10,9:19:99", "mom": "1/2:0,9,8:17:99", "dad": "0/0:20,0,0:20:60"})
    records, samples, calls = _modes(out, ped, "F")
    first = 0  # the child's allele: the first ALT
    mom = samples.index("mom")
    assert records.genotypes[first]["mom"] == "1/." and records.alt_reads[first, mom] == 9
    assert records.ref_reads[first, mom] == 8  # the other ALT's reads, not 0 reference reads
    assert calls.evidence["unassessable_parents"][first] == []
    assert calls.evidence["parents_genotyped"][first] == "both"
    assert not _de_novo(calls, first)


def test_a_new_allele_beside_a_parents_other_allele_is_never_a_de_novo(tmp_path):
    """Mother 0/2, child 0/1, father 0/0: the mother carries another ALT of the site. Split plainly her call of the
    child's allele would be 0/0 (a reference copy) and the child's allele a confirmed de novo."""
    out, ped = _issue_trio(tmp_path, {"kid": "0/1:10,9,0:19:99", "mom": "0/2:9,0,8:17:99", "dad": "0/0:20,0,0:20:60"})
    records, samples, calls = _modes(out, ped, "F")
    first = 0  # the child's allele: the first ALT
    assert records.genotypes[first]["kid"] == "0/1"
    assert records.genotypes[first]["mom"] == "0/." and records.gt[first, samples.index("mom")] == HOM_REF
    assert calls.in_play[first] and not _de_novo(calls, first)


def test_a_child_one_two_from_two_carrier_parents_is_a_compound_het_at_one_site(tmp_path):
    """Child 1/2 of a 0/1 mother and a 0/2 father: one allele from each parent on the two copies of one site."""
    out, ped = _issue_trio(tmp_path, {"kid": "1/2:0,9,8:17:99", "mom": "0/1:9,8,0:17:99", "dad": "0/2:10,0,9:19:99"})
    records, samples, calls = _modes(out, ped, "F")
    assert len(records.pos) == 2
    for i in range(2):
        assert calls.result.modes["compound_heterozygous"][i] and calls.result.partners[i] == [1 - i]
        assert calls.result.phase_evidence[i] == "parents"
        assert not calls.result.modes["autosomal_recessive"][i] and not _de_novo(calls, i)


def test_genotype_table_reads_calls_of_another_allele(shared, tmp_path):
    """QC's genotype table codes a split call by its called alleles (1/. het, 0/. hom-ref) and marks it."""
    vcf = _with_gatk_header(shared / "genmod" / "multi_allele_example.vcf", tmp_path / "trio.vcf")
    table = read_genotype_table(str(_split(vcf, tmp_path / "split.bcf", split_options(str(vcf)))))
    t = int(np.flatnonzero((table.pos == 947379) & (table.alt == "T"))[0])
    father, mother, proband = (table.samples.index(s) for s in ("father", "mother", "proband"))
    assert table.gt[t].tolist() == [2, 0, 1] and table.other_allele[t].tolist() == [False, True, True]
    assert [table.gt[t, i] for i in (father, mother, proband)] == [2, HOM_REF, HET]
