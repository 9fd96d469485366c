"""Hostile VCFs: the demo trio's VCF with one defect each (alleles, positions, contigs, genotypes, INFO, header
bytes, sample names, annotation headers). Each must be refused by `rarevar validate` with one line naming the file,
the record or header line, and the fix; lower-case bases are legal and must give the upper-case input's result."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

from tests.hostile import Case, Setup
from tests.hostile.runner import DEMO, demo_row, rarevar, write_case_config

TRUTH = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
PLANTED = f"{TRUTH['chrom']}\t{TRUTH['pos']}\t"
HEADER, _, BODY = gzip.decompress((DEMO / "trio.vcf.gz").read_bytes()).decode("utf-8").partition("#CHROM")
CHROM_LINE, _, BODY = BODY.partition("\n")
CHROM_LINE = "#CHROM" + CHROM_LINE
RECORDS = BODY.splitlines()
PED = (DEMO / "demo.ped").read_text(encoding="utf-8")


def vcf_text(header: str = HEADER, chrom_line: str = CHROM_LINE, records: list[str] = RECORDS) -> str:
    return header + chrom_line + "\n" + "\n".join(records) + "\n"


def with_column(index: int, column: int, value: str | Callable[[str], str]) -> list[str]:
    """The demo's records with one column of one record changed (index: record number - 1)."""
    records = list(RECORDS)
    fields = records[index].split("\t")
    fields[column] = value(fields[column]) if callable(value) else value
    records[index] = "\t".join(fields)
    return records


def planted_index() -> int:
    return next(i for i, record in enumerate(RECORDS) if record.startswith(PLANTED))


def _vcf_case(name: str, what: str, expect: str, text: Callable[[], str | bytes], ped: str | None = None) -> Case:
    def build(folder: Path) -> Setup:
        data = text()
        vcf = folder / "trio.vcf"
        vcf.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        row = {"vcf": str(vcf)}
        if ped is not None:
            (folder / "trio.ped").write_text(ped, encoding="utf-8")
            row["ped"] = str(folder / "trio.ped")
        return Setup(rows=[demo_row(**row)], protected=[vcf])

    return Case(name, what, "invalid", build, expect)


def _lowercase_records() -> list[str]:
    records = []
    for record in RECORDS:
        fields = record.split("\t")
        fields[3], fields[4] = fields[3].lower(), fields[4].lower()
        records.append("\t".join(fields))
    return records


def _build_lowercase(folder: Path) -> Setup:
    vcf = folder / "trio.vcf"
    vcf.write_text(vcf_text(records=_lowercase_records()), encoding="utf-8")
    return Setup(rows=[demo_row(vcf=str(vcf))], protected=[vcf])


def _candidates(results: Path) -> list[dict]:
    data = json.loads((results / TRUTH["family"] / "candidates.json").read_text(encoding="utf-8"))
    return data["candidates"] if isinstance(data, dict) else data


def _comparable(candidate: dict) -> dict:
    return {key: value for key, value in candidate.items() if key not in ("id", "source_line")}


def _check_lowercase(folder: Path) -> None:
    """The planted variant first, and every candidate (scores, ACMG criteria, rank) as from the upper-case demo."""
    lower = _candidates(folder / "results")
    first = lower[0]
    assert (first["chrom"], first["pos"], first["ref"], first["alt"]) == (
        TRUTH["chrom"], TRUTH["pos"], TRUTH["ref"], TRUTH["alt"]), f"first candidate is {first}"  # fmt: skip
    upper_folder = folder / "uppercase"
    upper_folder.mkdir()
    config = write_case_config(upper_folder, Setup(rows=[demo_row()]))
    result = rarevar(["run", "--config", str(config), "--cores", "2"], upper_folder, 900)
    assert result is not None and result.returncode == 0, "the upper-case demo did not run"
    upper = _candidates(upper_folder / "results")
    assert [_comparable(c) for c in lower] == [_comparable(c) for c in upper], "lower-case result differs"


def _csq_header(fields: str) -> str:
    description = f"Consequence annotations from Ensembl VEP. Format: {fields}"
    return HEADER + f'##INFO=<ID=CSQ,Number=.,Type=String,Description="{description}">\n'


def _csq_records(value: Callable[[list[str]], str]) -> list[str]:
    records = []
    for record in RECORDS:
        fields = record.split("\t")
        fields[7] += ";CSQ=" + value(fields)
        records.append("\t".join(fields))
    return records


def _vep_shifted() -> str:
    # The header lost SYMBOL, the records kept it: read by the header, the gene column would hold the impact.
    records = _csq_records(lambda f: f"{f[4]}|missense_variant|MODERATE|TNNT2|ENSG00000118194")
    return vcf_text(_csq_header("Allele|Consequence|IMPACT|Gene"), records=records)


def _ann_shifted() -> str:
    names = "Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID"
    line = f"##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: '{names}'\">\n"
    records = []
    for record in RECORDS:
        fields = record.split("\t")
        fields[7] += f";ANN={fields[4]}|missense_variant|MODERATE|TNNT2|ENSG1|transcript|ENST1|protein_coding"
        records.append("\t".join(fields))
    return vcf_text(HEADER + line, records=records)


def _renamed_contig(old: str, new: str) -> str:
    header = HEADER.replace(f"##contig=<ID={old},", f"##contig=<ID={new},")
    records = [f"{new}\t{r.split(chr(9), 1)[1]}" if r.startswith(f"{old}\t") else r for r in RECORDS]
    return vcf_text(header, records=records)


def _comma_sample() -> tuple[str, str]:
    vcf = vcf_text(chrom_line=CHROM_LINE.replace("\tfather", "\tfa,ther"))
    ped = PED.replace("father", "fa,ther")
    return vcf, ped


def _source_input_without_annotation(folder: Path) -> Setup:
    return Setup(rows=[demo_row()], config={"consequence": {"source": "input"}})


def _last_chrx_record() -> int:
    return max(i for i, record in enumerate(RECORDS) if record.startswith("chrX\t"))


CASES: list[Case] = [
    _vcf_case(
        "vcf_ref_n",
        "REF is N (an unknown base) on the first record; normalisation fails on it against the reference",
        "record 1 (chr1:69): REF 'N' holds the IUPAC code 'N' (an unknown base)",
        lambda: vcf_text(records=with_column(0, 3, "N")),
    ),
    _vcf_case(
        "vcf_ref_iupac",
        "REF holds the IUPAC ambiguity code R instead of a base",
        "REF 'R' holds the IUPAC code 'R'",
        lambda: vcf_text(records=with_column(1, 3, "R")),
    ),
    _vcf_case(
        "vcf_alt_iupac",
        "ALT holds the IUPAC ambiguity code Y instead of a base",
        "record 3 (chr1:309): ALT 'Y' holds the IUPAC code 'Y'",
        lambda: vcf_text(records=with_column(2, 4, "Y")),
    ),
    _vcf_case(
        "vcf_alt_n",
        "ALT is N, an unknown base",
        "ALT 'N' holds the IUPAC code 'N' (an unknown base)",
        lambda: vcf_text(records=with_column(3, 4, "N")),
    ),
    _vcf_case(
        "vcf_pos_zero",
        "POS is 0 (positions count from 1)",
        "record 1 (chr1:0): POS is 0",
        lambda: vcf_text(records=with_column(0, 1, "0")),
    ),
    _vcf_case(
        "vcf_pos_past_contig_end",
        "the last chrX record lies past the end of chrX in the reference",
        "past the end of chrX (23,716 bp in the reference)",
        lambda: vcf_text(records=with_column(_last_chrx_record(), 1, "99999")),
    ),
    _vcf_case(
        "vcf_contig_not_in_header",
        "chr22's records stay but its ##contig header line is gone",
        "contig 'chr22' is used by records but not declared in the header",
        lambda: vcf_text(HEADER.replace("##contig=<ID=chr22,length=9783>\n", "")),
    ),
    _vcf_case(
        "vcf_contig_not_in_reference",
        "chr22 renamed chr23 (header and records): no such reference contig",
        "contig 'chr23' is not in the reference",
        lambda: _renamed_contig("chr22", "chr23"),
    ),
    _vcf_case(
        "vcf_gt_declared_integer",
        "FORMAT/GT declared Type=Integer (htslib then cannot read '0/1')",
        "FORMAT/GT is declared Number=1,Type=Integer",
        lambda: vcf_text(HEADER.replace("ID=GT,Number=1,Type=String", "ID=GT,Number=1,Type=Integer")),
    ),
    _vcf_case(
        "vcf_gt_allele_beyond_alts",
        "the proband's genotype names allele 3 on a record with one ALT",
        "record 1 (chr1:69): sample 'proband': genotype '0/3' names allele 3 but the record has 1 ALT",
        lambda: vcf_text(records=with_column(0, 9, lambda v: "0/3" + v[3:])),
    ),
    _vcf_case(
        "vcf_triploid_call",
        "the planted de novo called triploid 0/0/1 in the proband (read as hom-ref before)",
        "sample 'proband': genotype '0/0/1' has 3 alleles",
        lambda: vcf_text(records=with_column(planted_index(), 9, lambda v: "0/0/1" + v[3:])),
    ),
    _vcf_case(
        "vcf_sample_named_twice",
        "the #CHROM line names 'proband' twice (htslib says only 'no valid header')",
        "sample 'proband' is named twice in the #CHROM line",
        lambda: vcf_text(chrom_line=CHROM_LINE.replace("\tfather", "\tproband")),
    ),
    _vcf_case(
        "vcf_info_raw_semicolon",
        "an INFO value holds a raw ';' (DP=8;3), making a key '3' nobody declared",
        "INFO holds a key '3' not declared in the header (a raw ';' inside a value?)",
        lambda: vcf_text(records=with_column(4, 7, "DP=8;3")),
    ),
    _vcf_case(
        "vcf_info_undeclared_key",
        "a record's INFO has a key FOO with no ##INFO header line",
        "record 6 (chr1:482): INFO key 'FOO' is not declared in the header",
        lambda: vcf_text(records=with_column(5, 7, lambda v: v + ";FOO=1")),
    ),
    _vcf_case(
        "vcf_sample_id_with_comma",
        "a sample id holds a comma (bcftools reads '-s a,b' as two samples)",
        "sample id 'fa,ther' holds a comma",
        lambda: _comma_sample()[0],
        ped=_comma_sample()[1],
    ),
    _vcf_case(
        "vcf_header_latin1",
        "a ##source header line is Latin-1 ('café' as byte E9), not UTF-8",
        "header line 17: holds bytes that are not UTF-8",
        lambda: vcf_text().replace("##source=", "##source=caf\x00", 1).encode("utf-8").replace(b"\x00", b"\xe9"),
    ),
    _vcf_case(
        "vcf_byte_order_mark",
        "the VCF starts with a UTF-8 byte-order mark before ##fileformat",
        "starts with a UTF-8 byte-order mark",
        lambda: b"\xef\xbb\xbf" + vcf_text().encode("utf-8"),
    ),
    _vcf_case(
        "vcf_csq_header_fewer_fields",
        "the VEP CSQ header declares 4 fields, the records carry 5 (the gene column would read the impact)",
        "one CSQ entry has a different number of '|'-separated values than the 4 fields",
        _vep_shifted,
    ),
    _vcf_case(
        "vcf_ann_header_fewer_fields",
        "the snpEff ANN header declares 7 fields, the records carry 8",
        "one ANN entry has a different number",
        _ann_shifted,
    ),
    Case(
        "vcf_source_input_without_annotation",
        "consequence.source: input on a VCF with no CSQ/ANN/BCSQ annotation",
        "invalid",
        _source_input_without_annotation,
        "consequence.source is 'input' but the VCF carries no CSQ",
    ),
    Case(
        "vcf_lowercase_alleles",
        "every REF and ALT written in lower-case bases (legal VCF): upper-cased at "
        "normalisation, the result must equal the upper-case demo's",
        "legal",
        _build_lowercase,
        check=_check_lowercase,
    ),
]
