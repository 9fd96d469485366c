"""Which transcript's consequence a candidate shows: the most severe on a MANE Select / Ensembl canonical
transcript, else the most severe overall; every transcript's consequence is kept in the data.

None of the public annotated files carries the tags (the Ensembl 84 chr21 GFF3 predates MANE and the
Ensembl_canonical tag; their VEP CSQ has no CANONICAL or MANE_SELECT field), so those show the fallback, and the
tagged cases are the same real records with the tags as current Ensembl releases write them.
"""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from rarevar.annotate.consequence import CHOSEN_CANONICAL, CHOSEN_MANE, CHOSEN_MOST_SEVERE, most_severe
from rarevar.annotate.hgvs import TranscriptModels
from rarevar.evidence.candidates import read_records, select_candidates
from rarevar.evidence.rank import rank_candidates
from rarevar.inputs.pedigree import family_for
from rarevar.phenotype.hpo import read_phenotype
from tests.conftest import shared_data

APP_MANE = "ENST00000346798"  # APP-770 (NM_000484.4), MANE Select in current Ensembl releases
APP_OTHER = "ENST00000357903"  # APP-001
SETTINGS = {"keep_impacts": ["HIGH", "MODERATE", "LOW"], "min_gq": 20, "min_dp": 10}


@pytest.fixture(scope="module")
def chr21_gff() -> str:
    return str(shared_data() / "ensembl-vep" / "test.gff.gz")


@pytest.fixture(scope="module")
def tagged_gff(chr21_gff, tmp_path_factory) -> str:
    """The real chr21 gene models with APP's MANE Select transcript tagged as Ensembl 110 tags it."""
    path = tmp_path_factory.mktemp("gff") / "chr21.tagged.gff3.gz"
    with gzip.open(chr21_gff, "rt") as source, gzip.open(path, "wt") as out:
        for line in source:
            if f"ID=transcript:{APP_MANE};" in line:
                line = line.replace("tag=basic", "tag=basic,Ensembl_canonical,MANE_Select")
            out.write(line)
    return str(path)


def trio_vcf(path, info_header: str, records: list[tuple[int, str, str, str]]) -> str:
    """A de novo trio on chr21 (proband het, parents hom-ref), one record per (pos, ref, alt, INFO)."""
    lines = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=21,length=46709983>",
        info_header,
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tkid\tmum\tdad",
    ]
    for pos, ref, alt, info in records:
        lines.append(f"21\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t{info}\tGT:GQ:DP\t0/1:60:30\t0/0:60:30\t0/0:60:30")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


BCSQ_HEADER = (
    '##INFO=<ID=BCSQ,Number=.,Type=String,Description="Haplotype-aware consequence annotation from BCFtools/csq. '
    'Format: Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change">'
)
BCSQ_RECORDS = [
    # More severe on a transcript that is not MANE Select: the MANE one is shown, the other kept.
    (25891796, "C", "A", f"BCSQ=stop_gained|APP|{APP_OTHER}|protein_coding|-|300E>300*|25891796C>A,"
                         f"missense|APP|{APP_MANE}|protein_coding|-|670E>670D|25891796C>A"),
    # Intronic on the MANE transcript, missense on another: shown on MANE, kept for its missense.
    (25975000, "G", "T", f"BCSQ=intron|APP|{APP_MANE}|protein_coding|-,"
                         f"missense|APP|{APP_OTHER}|protein_coding|-|20A>20S|25975000G>T"),
]  # fmt: skip


def test_the_real_chr21_gene_models_carry_no_mane_or_canonical_tag(chr21_gff, tagged_gff):
    models = TranscriptModels.from_gff(chr21_gff)
    assert len(models.tags) > 1000 and "basic" in models.tags[APP_MANE]
    assert not any({"MANE_Select", "Ensembl_canonical"} & tags for tags in models.tags.values())
    tagged = TranscriptModels.from_gff(tagged_gff).tags
    assert [t for t, tags in tagged.items() if "MANE_Select" in tags] == [APP_MANE]


@pytest.mark.parametrize("tagged", [True, False], ids=["MANE-tagged", "as-published"])
def test_bcsq_shows_the_mane_select_transcript_and_keeps_the_others(tmp_path, chr21_gff, tagged_gff, tagged):
    vcf = trio_vcf(tmp_path / "trio.vcf", BCSQ_HEADER, BCSQ_RECORDS)
    models = TranscriptModels.from_gff(tagged_gff if tagged else chr21_gff)
    records, _ = read_records(vcf, "BCSQ", models.tags)
    first, second = records.consequence
    assert len(records.transcripts[0]) == len(records.transcripts[1]) == 2
    if tagged:
        assert (first.transcript, first.term) == (APP_MANE, "missense_variant")
        assert (second.transcript, second.term) == (APP_MANE, "intron_variant")
        assert records.choice == [CHOSEN_MANE, CHOSEN_MANE]
    else:
        assert (first.transcript, first.term) == (APP_OTHER, "stop_gained")
        assert (second.transcript, second.term) == (APP_OTHER, "missense_variant")
        assert records.choice == [CHOSEN_MOST_SEVERE, CHOSEN_MOST_SEVERE]


def test_a_candidate_is_kept_and_ranked_on_its_most_severe_transcript(tmp_path, tagged_gff):
    vcf = trio_vcf(tmp_path / "trio.vcf", BCSQ_HEADER, BCSQ_RECORDS)
    ped = tmp_path / "trio.ped"
    ped.write_text("F1\tkid\tdad\tmum\t1\t2\nF1\tdad\t0\t0\t1\t1\nF1\tmum\t0\t0\t2\t1\n")
    out = tmp_path / "candidates.parquet"
    select_candidates(vcf, "BCSQ", family_for(str(ped), "F1"), "GRCh38", SETTINGS, str(out),
                      str(tmp_path / "funnel.json"), str(tmp_path / "modes.json"),
                      TranscriptModels.from_gff(tagged_gff))  # fmt: skip
    table = pd.read_parquet(out)
    # The intronic-on-MANE record is not lost: the filter looks at every transcript.
    assert list(table["pos"]) == [25891796, 25975000]
    assert list(table["transcript"]) == [APP_MANE, APP_MANE]
    assert list(table["consequence"]) == ["missense_variant", "intron_variant"]
    assert list(table["most_severe_impact"]) == ["HIGH", "MODERATE"]
    assert list(table["transcript_choice"]) == [CHOSEN_MANE, CHOSEN_MANE]
    kept = json.loads(table["transcripts"][0])
    assert [(t["transcript"], t["consequence"], t["mane_select"]) for t in kept] == [
        (APP_OTHER, "stop_gained", False), (APP_MANE, "missense_variant", True)
    ]  # fmt: skip
    ranked = rank_candidates(table, read_phenotype("HP:0002511", "test"), 0.01)
    by_pos = {c["pos"]: c for c in ranked}
    assert (
        f"More severe on another transcript: missense_variant in APP ({APP_OTHER}, p.Ala20Ser)."
        in (by_pos[25975000]["why"])
    )
    assert by_pos[25891796]["transcript_choice"] == CHOSEN_MANE and len(by_pos[25891796]["transcripts"]) == 2
    # Weighted as the stop-gain it is on APP-001, not as the MANE missense shown.
    assert by_pos[25891796]["variant_score"] > by_pos[25975000]["variant_score"]


VEP_HEADER = (
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
    'Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL|MANE_SELECT">'
)


def test_vep_canonical_and_mane_select_fields_choose_the_shown_transcript(tmp_path):
    records = [
        (25891796, "C", "A", f"CSQ=A|stop_gained|HIGH|APP|ENSG00000142192|Transcript|{APP_OTHER}|protein_coding|||||,"
                             f"A|missense_variant|MODERATE|APP|ENSG00000142192|Transcript|{APP_MANE}|protein_coding"
                             "|||YES|NM_000484.4"),
        (25975000, "G", "T", "CSQ=T|splice_region_variant&intron_variant|LOW|APP|ENSG00000142192|Transcript|"
                             f"{APP_OTHER}|protein_coding||||,T|intron_variant|MODIFIER|APP|ENSG00000142192|"
                             f"Transcript|{APP_MANE}|protein_coding|||YES|"),
    ]  # fmt: skip
    parsed, _ = read_records(trio_vcf(tmp_path / "vep.vcf", VEP_HEADER, records), "CSQ")
    assert [(c.transcript, c.term) for c in parsed.consequence] == [
        (APP_MANE, "missense_variant"), (APP_MANE, "intron_variant")
    ]  # fmt: skip
    assert parsed.choice == [CHOSEN_MANE, CHOSEN_CANONICAL]
    assert [most_severe(t).term for t in parsed.transcripts] == ["stop_gained", "splice_region_variant"]


@pytest.mark.parametrize("name,key", [("test.region.vep.vcf", "CSQ"), ("test.de_novo.vcf", "EFF"),
                                      ("test.auto_dom.vcf", "CSQ")])  # fmt: skip
def test_public_vep_and_snpeff_files_fall_back_to_the_most_severe(name, key):
    records, _ = read_records(str(shared_data() / "gemini" / name), key)
    annotated = [i for i, t in enumerate(records.transcripts) if t]
    assert annotated
    assert {records.choice[i] for i in annotated} == {CHOSEN_MOST_SEVERE}
    assert all(records.consequence[i] == most_severe(records.transcripts[i]) for i in annotated)
