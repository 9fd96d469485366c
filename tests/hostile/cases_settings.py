"""Hostile settings and side inputs that used to change a result with no word said: Phenopackets with fields of the
wrong JSON type or that are not JSON objects, configs with NaN, reversed or misspelt settings or other bytes than
UTF-8, a VCF annotated on some records only, a 100 kb allele and a sample id a spreadsheet would run as a formula.
Each generator writes its files under the folder it is given."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pysam
import yaml

from tests.hostile import Case, Setup
from tests.hostile.runner import DEMO, demo_row, write_case_config

TRUTH = json.loads((DEMO / "truth.json").read_text())
TERMS = TRUTH["hpo"]


# --- Phenopackets ---------------------------------------------------------------------------------------------


def _phenopacket(content: str | bytes | dict):
    def build(folder: Path) -> Setup:
        path = folder / "patient.json"
        if isinstance(content, dict):
            path.write_text(json.dumps(content), encoding="utf-8")
        else:
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return Setup(rows=[demo_row(hpo=str(path))])

    return build


def _features(*extra: dict, **fields) -> dict:
    """The demo's terms as a Phenopacket, `fields` changing the first feature, `extra` features added."""
    features = [{"type": {"id": term}} for term in TERMS]
    features[0].update(fields)
    return {"id": "proband", "phenotypicFeatures": features + list(extra)}


# --- configs --------------------------------------------------------------------------------------------------


def _config_bytes(change):
    """The case's config written as bytes that `change` makes from the normal one."""

    def build(folder: Path) -> Setup:
        normal = write_case_config(folder, Setup()).read_bytes()
        return Setup(raw_config=change(normal))

    return build


def _hpo_labels(text: str, language: str = "zh"):
    """A translated HPO label file with `text`, configured for a report in `language`."""

    def build(folder: Path) -> Setup:
        labels = folder / "hpo-labels.tsv"
        labels.write_text(text, encoding="utf-8")
        return Setup(config={"resources": {"hpo_labels": str(labels)}, "report": {"language": language}})

    return build


BABELON_HEADER = "source_language\ttranslation_language\tsubject_id\tpredicate_id\tsource_value\ttranslation_value\n"


# --- VCFs -----------------------------------------------------------------------------------------------------

CSQ_FORMAT = "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp"
AMINO = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
         "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
         "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter"}  # fmt: skip


def _vep_entry(variant: dict) -> str:
    """A VEP CSQ entry for a truth.json variant, from its bcftools csq consequence."""
    _, gene, transcript, biotype, *_ = variant["bcsq"].split("|")
    change = variant["protein_change"]
    hgvs_p = f"p.{AMINO[change[0]]}{change[1:-1]}{AMINO[change[-1]]}"
    term = "missense_variant" if variant["consequence"] == "missense" else variant["consequence"]
    impact = "MODERATE" if term == "missense_variant" else "HIGH"
    return "|".join([variant["alt"], term, impact, gene, "", "Transcript", transcript, biotype, "", hgvs_p])


def partial_csq_vcf(folder: Path) -> Path:
    """The demo trio with VEP CSQ on the planted variant, the decoys and the background compound het only: every
    other record has none (as when annotated and unannotated files are joined)."""
    annotated = {(v["chrom"], v["pos"]): v for v in [TRUTH, *TRUTH["decoys"], *TRUTH["background"]]}
    out = folder / "partial_csq.vcf.gz"
    with pysam.VariantFile(str(DEMO / "trio.vcf.gz")) as source:
        header = source.header.copy()
        header.add_line(f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl '
                        f'VEP. Format: {CSQ_FORMAT}">')  # fmt: skip
        with pysam.VariantFile(str(out), "wz", header=header) as sink:
            for record in source:
                record.translate(header)
                variant = annotated.get((record.chrom, record.pos))
                if variant:
                    record.info["CSQ"] = (_vep_entry(variant),)
                sink.write(record)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def _partial_csq(folder: Path) -> Setup:
    return Setup(rows=[demo_row(vcf=str(partial_csq_vcf(folder)))])


def _partial_csq_listed(folder: Path) -> None:
    result = json.loads((folder / "results" / TRUTH["family"] / "candidates.json").read_text())
    top = result["candidates"][0]
    assert (top["chrom"], top["pos"]) == (TRUTH["chrom"], TRUTH["pos"]), f"top candidate {top['chrom']}:{top['pos']}"
    steps = result["funnel"]
    index = next((i for i, s in enumerate(steps) if s["step"].startswith("consequences annotated (CSQ in the input")),
                 None)  # fmt: skip
    assert index is not None, f"no funnel step sets aside the records without CSQ: {[s['step'] for s in steps]}"
    step, before = steps[index], steps[index - 1]["variants"]
    assert step["set_aside_total"] > 0 and step["variants"] + step["set_aside_total"] == before, step
    # the 6 annotated records but the decoy that is common in the population (filtered before)
    assert step["variants"] == 5, f"{step['variants']} annotated rare records kept, 5 expected"
    assert all(entry["reason"].startswith("no CSQ annotation") for entry in step["set_aside"])


FORMULA_ID = "=2+5"  # a sample id a spreadsheet would compute


def long_allele_vcf(folder: Path) -> tuple[Path, Path, str]:
    """The demo trio (plain VCF) with a 100,000-base insertion in TNNT2 carried by the proband alone, and the
    father's sample id made a formula. Returns the VCF, the PED and the inserted allele."""
    pos = TRUTH["pos"] - 6
    base = pysam.FastaFile(str(DEMO / "reference.fa")).fetch(TRUTH["chrom"], pos - 1, pos).upper()
    allele = base + "".join(random.Random(17).choices("ACGT", k=100_000))
    # proband, mother, father: a de novo call
    calls = ["0/1:20,18:38:99:400,0,450", "0/0:30,0:30:90:0,90,900", "0/0:28,0:28:84:0,84,840"]
    record = [TRUTH["chrom"], str(pos), ".", base, allele, "500", "PASS", "DP=78", "GT:AD:DP:GQ:PL", *calls]
    insertion = "\t".join(record)
    lines = []
    with gzip.open(DEMO / "trio.vcf.gz", "rt", encoding="utf-8") as source:
        for line in source:
            if line.startswith("#CHROM"):
                line = line.replace("\tfather", f"\t{FORMULA_ID}")
            fields = line.split("\t", 2)
            if insertion and not line.startswith("#") and fields[0] == TRUTH["chrom"] and int(fields[1]) > pos:
                lines.append(insertion + "\n")
                insertion = ""
            lines.append(line)
    out = folder / "long_allele.vcf"
    out.write_text("".join(lines), encoding="utf-8")
    ped = folder / "family.ped"
    ped.write_text((DEMO / "demo.ped").read_text().replace("father", FORMULA_ID), encoding="utf-8")
    return out, ped, allele


def _long_allele(folder: Path) -> Setup:
    vcf, ped, allele = long_allele_vcf(folder)
    (folder / "allele.txt").write_text(allele)
    return Setup(rows=[demo_row(vcf=str(vcf), ped=str(ped))])


def _long_allele_kept_whole(folder: Path) -> None:
    from openpyxl import load_workbook

    from rarevar.report.outputs import TSV_COLUMNS

    allele = (folder / "allele.txt").read_text()
    results = folder / "results" / TRUTH["family"]
    candidates = json.loads((results / "candidates.json").read_text())["candidates"]
    assert any(c["alt"] == allele for c in candidates), "the 100 kb allele is not a whole candidate in the JSON"
    rows = [line.split("\t") for line in (results / "candidates.tsv").read_text(encoding="utf-8").splitlines()]
    assert any(row[TSV_COLUMNS.index("alt")] == allele for row in rows[1:]), "the TSV does not keep the allele whole"
    genotypes = [row[TSV_COLUMNS.index("genotypes")] for row in rows[1:]]
    assert genotypes and all(cell.startswith(f"'{FORMULA_ID}=") for cell in genotypes), genotypes[:2]
    sheet = load_workbook(results / "candidates.xlsx")["candidates"]
    cells = [sheet.cell(r, TSV_COLUMNS.index("alt") + 1).value for r in range(2, sheet.max_row + 1)]
    cut = [cell for cell in cells if cell and len(cell) > 1000]
    assert cut and cut[0].endswith(f"… [cut: {len(allele):,} characters; full value in candidates.tsv/json]"), cut
    formula = sheet.cell(2, TSV_COLUMNS.index("genotypes") + 1)
    assert formula.data_type == "s" and formula.value.startswith(FORMULA_ID), (formula.data_type, formula.value)


def _dump(config: dict) -> bytes:
    return yaml.safe_dump(config).encode("utf-8")


# --- resources that cannot serve the run (rarevar.inputs.resource_build) -------------------------------------


def _population_store(change):
    """The demo's population store with its text changed by `change` (header lines, records), bgzipped + indexed."""

    def build(folder: Path) -> Setup:
        with gzip.open(DEMO / "population.vcf.gz", "rt") as handle:
            lines = handle.read().splitlines()
        path = folder / "population.vcf"
        path.write_text("\n".join(change(lines)) + "\n")
        store = pysam.tabix_index(str(path), preset="vcf", force=True)
        return Setup(config={"resources": {"population": store}})

    return build


def _gene_models(change):
    def build(folder: Path) -> Setup:
        with gzip.open(DEMO / "genes.gff3.gz", "rt") as handle:
            lines = handle.read().splitlines()
        path = folder / "genes.gff3.gz"
        path.write_bytes(gzip.compress(("\n".join(change(lines)) + "\n").encode()))
        return Setup(config={"resources": {"genes": str(path)}})

    return build


def _empty_reference(folder: Path) -> Setup:
    reference = folder / "reference.fa"
    reference.write_text("")
    Path(f"{reference}.fai").write_text("")
    return Setup(config={"resources": {"reference": str(reference)}})


def _grch38_chr1(lines: list[str]) -> list[str]:
    return [line.replace("##contig=<ID=chr1,length=44699>", "##contig=<ID=chr1,length=248956422>") for line in lines]


def _gnomad_v2_reference(lines: list[str]) -> list[str]:
    reference = "##reference=file:///seq/references/Homo_sapiens_assembly19/v1/Homo_sapiens_assembly19.fasta"
    return [reference if line.startswith("##reference=") else line for line in lines]


CASES = [
    # Phenopackets
    Case("phenopacket_excluded_as_string", 'a Phenopacket feature with "excluded": "false" (a string, not false)',
         "invalid", _phenopacket(_features({"type": {"id": "HP:0001250"}, "excluded": "false"})),
         expect="phenotypicFeatures[4].excluded: is \"false\" (a JSON string) where the type is boolean"),
    Case("phenopacket_term_id_number", "a Phenopacket feature whose type.id is a JSON number",
         "invalid", _phenopacket(_features(type={"id": 1639})), expect="phenotypicFeatures[0].type.id"),
    Case("phenopacket_misspelt_excluded", 'a Phenopacket feature with "exclude": true (would be read as observed)',
         "invalid", _phenopacket(_features(exclude=True)), expect="'exclude' was unexpected"),
    Case("phenopacket_nested_100000_deep", "a Phenopacket of arrays nested 100,000 deep (overflows a JSON parser)",
         "invalid", _phenopacket("[" * 100_000 + "]" * 100_000), expect="nested too deeply"),
    Case("phenopacket_top_level_array", "a Phenopacket whose top level is a JSON array of feature objects",
         "invalid", _phenopacket(json.dumps(_features()["phenotypicFeatures"])),
         expect="holds a JSON array, not a Phenopacket object"),
    Case("phenopacket_invalid_json", "a Phenopacket cut off in the middle (not valid JSON)",
         "invalid", _phenopacket(json.dumps(_features())[:40]), expect="is not valid JSON"),
    Case("phenopacket_latin1", "a Phenopacket saved as Latin-1 with an accented description",
         "invalid", _phenopacket(json.dumps(_features(description="crises épileptiques"), ensure_ascii=False)
                                 .encode("latin-1")),
         expect="line 1: Phenopacket is not UTF-8 (byte 0xe9"),
    # configs
    Case("config_nan_threshold", "thresholds.max_population_af is .nan (passes every minimum/maximum check)",
         "invalid", lambda folder: Setup(config={"thresholds": {"max_population_af": float("nan")}}),
         expect="'thresholds.max_population_af' is nan"),
    Case("config_infinite_depth", "thresholds.min_dp is .inf", "invalid",
         lambda folder: Setup(config={"thresholds": {"min_dp": float("inf")}}), expect="'thresholds.min_dp' is inf"),
    Case("config_reversed_het_ab", "genotype_gates.het_ab written [0.8, 0.2] (min above max: every het fails)",
         "invalid", lambda folder: Setup(config={"genotype_gates": {"het_ab": [0.8, 0.2]}}),
         expect="'genotype_gates.het_ab' is [0.8, 0.2]: its minimum is above its maximum"),
    Case("config_typo_top_level", "a top-level `threshold:` (for thresholds), which would be ignored", "invalid",
         lambda folder: Setup(config={"threshold": {"max_population_af": 0.001}}),
         expect="setting 'threshold' is not a rarevar setting and would be ignored. Did you mean 'thresholds'?"),
    Case("config_typo_nested", "thresholds.max_popluation_af (misspelt), so the default 0.01 would apply", "invalid",
         lambda folder: Setup(config={"thresholds": {"max_popluation_af": 0.001}}),
         expect="'thresholds.max_popluation_af' is not a rarevar setting"),
    Case("config_byte_order_mark", "the config saved with a UTF-8 byte-order mark", "invalid",
         _config_bytes(lambda data: b"\xef\xbb\xbf" + data),
         expect="line 1: config file starts with a UTF-8 byte-order mark"),
    Case("hpo_labels_space_separated", "translated HPO labels separated from their ids by spaces, not a tab",
         "invalid", _hpo_labels("HP:0001639 肥厚型心肌病\n"),
         expect="line 1: expected an HPO term id and its label separated by a tab"),
    Case("hpo_labels_other_language", "a French Babelon label profile for a report in Chinese", "invalid",
         _hpo_labels(BABELON_HEADER + "en\tfr\tHP:0001639\trdfs:label\tHypertrophic cardiomyopathy\t"
                     "Cardiomyopathie hypertrophique\n"),
         expect="line 2: the labels are in 'fr' but the report is in 'zh'"),
    Case("config_latin1_comment", "the config with a Latin-1 comment on its third line", "invalid",
         _config_bytes(lambda data: b"\n".join(data.split(b"\n")[:2] + [b"# r\xe9glages"] + data.split(b"\n")[2:])),
         expect="line 3: config file is not UTF-8 (byte 0xe9"),
    # resources that cannot serve the run
    Case("population_store_empty", "a population store with a header and no records (every variant 'not observed')",
         "invalid", _population_store(lambda lines: [line for line in lines if line.startswith("#")]),
         expect="the population store holds no records"),
    Case("gene_models_empty", "a GFF3 with its header only, no gene or transcript", "invalid",
         _gene_models(lambda lines: ["##gff-version 3"]), expect="the gene models hold no gene or transcript feature"),
    Case("reference_fasta_empty", "an empty reference FASTA (and an empty .fai)", "invalid", _empty_reference,
         expect="the reference FASTA holds no sequence"),
    Case("population_store_other_build_lengths", "a population store whose chr1 has GRCh38's length, not the "
         "reference's", "invalid", _population_store(_grch38_chr1),
         expect="contig chr1 is 248,956,422 bp in the population store but 44,699 bp in the reference"),
    Case("population_store_header_grch37", "a population store whose ##reference is GATK's GRCh37 FASTA (gnomAD v2) "
         "in a run of another build", "invalid", _population_store(_gnomad_v2_reference),
         expect="the population store: built for GRCh37 (its header says '##reference=file:///seq/references/"
                "Homo_sapiens_assembly19"),
    Case("gene_models_header_grch37", "gene models whose #!genome-build is GRCh37.p13 in a run of another build",
         "invalid", _gene_models(lambda lines: ["##gff-version 3", "#!genome-build GRCh37.p13", *lines[1:]]),
         expect="the gene models: built for GRCh37 (its header says '#!genome-build GRCh37.p13'), but the run's "
                "genome build is demo"),
    # legal: run to a result that says what it did
    Case("vcf_csq_on_some_records", "VEP CSQ on 6 records only: the others were dropped while the funnel said all "
         "were annotated", "legal", _partial_csq, check=_partial_csq_listed),
    Case("long_allele_and_formula_sample_id", "a 100 kb insertion (beyond Excel's 32,767 characters a cell) and a "
         "sample id '=2+5' a spreadsheet would compute", "legal", _long_allele, check=_long_allele_kept_whole),
]  # fmt: skip
