"""The input forms users bring: BCF, plain VCF, a singleton, an empty VCF: each runs to a whole report."""

from __future__ import annotations

import gzip
import itertools
import json

import pysam
import pysam.bcftools

from rarevar.base.funnel import ASSESSABLE
from tests.conftest import DEMO, demo_row, rarevar, write_config


def run(tmp_path, **row) -> dict:
    config = write_config(tmp_path, [demo_row(**row)])
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((tmp_path / "results" / "DEMO1" / "candidates.json").read_text())


def key(c: dict) -> tuple:
    return c["chrom"], c["pos"], c["ref"], c["alt"]


def test_bcf_input_ranks_the_planted_variant_first(tmp_path, truth):
    bcf = tmp_path / "trio.bcf"
    pysam.bcftools.view("-Ob", "-o", str(bcf), str(DEMO / "trio.vcf.gz"), catch_stdout=False)
    payload = run(tmp_path, vcf=str(bcf))
    assert key(payload["candidates"][0]) == key(truth)


def test_singleton_proband_only(tmp_path, truth):
    vcf = tmp_path / "proband.vcf"
    pysam.bcftools.view("-s", "proband", "-Ov", "-o", str(vcf), str(DEMO / "trio.vcf.gz"), catch_stdout=False)
    ped = tmp_path / "proband.ped"
    ped.write_text("DEMO1\tproband\t0\t0\t1\t2\n")
    payload = run(tmp_path, vcf=str(vcf), ped=str(ped))
    top = payload["candidates"][0]
    # Without parents a de novo cannot be proven: the heterozygous variant stays, as dominant.
    assert key(top) == key(truth)
    assert "autosomal_dominant" in top["inheritance"] and "de_novo" not in top["inheritance"]
    assert any("parents" in note for note in payload["not_assessed"])


def test_empty_vcf_gives_a_clear_negative_report(tmp_path):
    vcf = tmp_path / "empty.vcf"
    with gzip.open(DEMO / "trio.vcf.gz", "rt") as handle:
        vcf.write_text("".join(line for line in handle if line.startswith("#")))
    payload = run(tmp_path, vcf=str(vcf))
    assert payload["candidates"] == []
    assert [step["variants"] for step in payload["funnel"]] == [0] * len(payload["funnel"])
    html = (tmp_path / "results" / "DEMO1" / "report.html").read_text()
    assert "No candidate variants found" in html and "This is not a negative genetic test" in html


def test_sample_ids_with_spaces_unicode_and_html(tmp_path, truth):
    """Legal but awkward sample ids run through, and reach the report only escaped."""
    names = {"proband": "Patient 01 <script>alert(1)</script>", "mother": "Mère Ω", "father": 'father "x"'}
    with gzip.open(DEMO / "trio.vcf.gz", "rt") as handle:
        lines = handle.read().splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("#CHROM"))
    columns = lines[header_at].split("\t")
    lines[header_at] = "\t".join(columns[:9] + [names[s] for s in columns[9:]])
    vcf = tmp_path / "awkward.vcf"
    vcf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ped = tmp_path / "awkward.ped"
    ped.write_text(
        f"DEMO1\t{names['proband']}\t{names['father']}\t{names['mother']}\t1\t2\n"
        f"DEMO1\t{names['mother']}\t0\t0\t2\t1\nDEMO1\t{names['father']}\t0\t0\t1\t1\n",
        encoding="utf-8",
    )
    payload = run(tmp_path, vcf=str(vcf), ped=str(ped))
    assert key(payload["candidates"][0]) == key(truth)
    assert set(payload["candidates"][0]["genotypes"]) == set(names.values())
    html = (tmp_path / "results" / "DEMO1" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "Patient 01 &lt;script&gt;alert(1)&lt;/script&gt;" in html and "Mère Ω" in html


def _odd_records(fasta: pysam.FastaFile) -> list[str]:
    """Legal VCF shapes callers write: a symbolic deletion, a gVCF reference block, the '*' placeholder,
    half-calls, a haploid male X call, and a 49-ALT record."""

    def other(chrom: str, pos: int) -> tuple[str, str]:
        ref = fasta.fetch(chrom, pos - 1, pos).upper()
        return ref, "A" if ref != "A" else "C"

    def line(chrom, pos, alt, info, *gts, ref=None):
        ref = ref or fasta.fetch(chrom, pos - 1, pos).upper()
        return "\t".join([chrom, str(pos), ".", ref, alt, "50", "PASS", info, "GT:DP:GQ", *gts])

    first = fasta.fetch("chr5", 1499, 1500).upper()
    many = [first + "".join(s) for n in (1, 2, 3) for s in itertools.product("ACGT", repeat=n)][:49]
    return [
        line("chr3", 30000, "<DEL>", "END=30500;SVTYPE=DEL", "0/1:30:50", "0/0:30:50", "0/0:30:50"),
        line("chr3", 31000, "<NON_REF>", "END=31100", "0/0:30:50", "0/0:30:50", "0/0:30:50"),
        line("chr22", 5000, "*", ".", "0/1:30:50", "0/1:30:50", "0/0:30:50"),
        line("chr22", 6000, other("chr22", 6000)[1], ".", "./1:30:50", "1/.:30:50", "0/0:30:50"),
        line("chrX", 5000, other("chrX", 5000)[1], ".", "1:30:50", "0/1:30:50", "0:30:50"),
        line("chr5", 1500, ",".join(many), ".", "0/1:30:50", "0/2:30:50", "0/0:30:50", ref=first),
    ]


def test_symbolic_gvcf_star_half_haploid_and_many_alleles(tmp_path, truth):
    with gzip.open(DEMO / "trio.vcf.gz", "rt") as handle:
        lines = handle.read().splitlines()
    header = [line for line in lines if line.startswith("##")] + [
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
        '##ALT=<ID=DEL,Description="Deletion">',
        '##ALT=<ID=NON_REF,Description="Any other allele">',
    ]
    contigs = [line.split("ID=")[1].split(",")[0] for line in header if line.startswith("##contig")]
    with pysam.FastaFile(str(DEMO / "reference.fa")) as fasta:
        records = [line for line in lines if not line.startswith("#")] + _odd_records(fasta)
    records.sort(key=lambda r: (contigs.index(r.split("\t")[0]), int(r.split("\t")[1])))
    vcf = tmp_path / "odd.vcf"
    vcf.write_text("\n".join(header + [next(x for x in lines if x.startswith("#CHROM"))] + records) + "\n")
    payload = run(tmp_path, vcf=str(vcf))
    funnel = {step["step"]: step["variants"] for step in payload["funnel"]}
    assert funnel["input records"] == 2291 + 6
    assert funnel["after splitting multi-allelics"] == 2291 + 13 + 6 + 48  # the demo's own splits, then ours
    assert key(payload["candidates"][0]) == key(truth)
    deletion = [c for c in payload["candidates"] if c["pos"] == 30000]
    assert deletion and deletion[0]["alt"] == "<DEL>" and "de_novo" in deletion[0]["inheritance"]
    # The '*' allele (carried) is set aside at its own step and listed with where it is and why; the <NON_REF>
    # block is carried by nobody (0/0 throughout) and counted at the step before.
    aside = next(step for step in payload["funnel"] if step["message"]["id"] == ASSESSABLE)
    assert [(r["chrom"], r["pos"], r["alt"]) for r in aside["set_aside"]] == [("chr22", 5000, "*")]
    assert aside["set_aside_total"] == 1 and "overlapping deletion" in aside["set_aside"][0]["reason"]


def test_phenopacket_as_the_phenotype(tmp_path, truth):
    """GA4GH Phenopacket v2: observed features drive the ranking, excluded ones stay excluded."""
    packet = {
        "id": "demo-proband",
        "subject": {"id": "proband", "sex": "MALE"},
        "phenotypicFeatures": [{"type": {"id": term, "label": ""}} for term in truth["hpo"]]
        + [{"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": True}],
        "metaData": {"phenopacketSchemaVersion": "2.0"},
    }
    path = tmp_path / "proband.json"
    path.write_text(json.dumps(packet))
    payload = run(tmp_path, hpo=str(path))
    assert key(payload["candidates"][0]) == key(truth)
    assert [t["id"] for t in payload["phenotype"]["observed"]] == truth["hpo"]
    assert payload["phenotype"]["excluded"] == [{"id": "HP:0001250", "label": "Seizure"}]
