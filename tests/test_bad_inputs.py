"""Each bad input stops `rarevar run` before any job: exit 2, one message naming the file and the fix,
and no results folder left behind."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rarevar.errors import InputError
from rarevar.phenotype.hpo import read_phenotype
from tests.conftest import DEMO, copy_demo, demo_row, rarevar, write_config


def demo_vcf_text() -> str:
    with gzip.open(DEMO / "trio.vcf.gz", "rt") as handle:
        return handle.read()


def without_gt(text: str) -> str:
    """The demo VCF with the GT field removed from header and records (DP kept)."""
    lines = []
    for line in text.splitlines():
        if line.startswith("##FORMAT=<ID=GT"):
            continue
        if line.startswith("#"):
            lines.append(line)
            continue
        cols = line.split("\t")
        keys = cols[8].split(":")
        keep = [i for i, key in enumerate(keys) if key != "GT"]
        cols[8] = ":".join(keys[i] for i in keep)
        cols[9:] = [":".join(sample.split(":")[i] for i in keep) for sample in cols[9:]]
        lines.append("\t".join(cols))
    return "\n".join(lines) + "\n"


def renamed_contigs(text: str) -> str:
    """The demo VCF with 'chr1' written as '1' (header and records)."""
    out = []
    for line in text.splitlines():
        if line.startswith("##contig=<ID=chr"):
            line = line.replace("ID=chr", "ID=", 1)
        elif not line.startswith("#"):
            line = line[3:] if line.startswith("chr") else line
        out.append(line)
    return "\n".join(out) + "\n"


def other_lengths(text: str) -> str:
    """The demo VCF whose contig header says chr1 is longer, as a VCF of another build would."""
    return (
        "\n".join(
            line.replace(",length=", ",length=9", 1) if line.startswith("##contig=<ID=chr1,") else line
            for line in text.splitlines()
        )
        + "\n"
    )


def run_bad(tmp_path: Path, **row_changes) -> tuple[str, Path]:
    config = write_config(tmp_path, [demo_row(**row_changes)])
    result = rarevar("run", "--config", str(config), "--cores", "1")
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.stderr.strip()
    assert message.startswith("rarevar: error: "), message
    assert len(message.splitlines()) == 1, message
    assert not (tmp_path / "results").exists(), "a results folder was left behind"
    return message, config


def test_ped_sample_missing_from_vcf(tmp_path):
    ped = tmp_path / "family.ped"
    ped.write_text((DEMO / "demo.ped").read_text().replace("proband", "patient_01"))
    message, _ = run_bad(tmp_path, ped=str(ped))
    assert str(DEMO / "trio.vcf.gz") in message
    assert "'patient_01'" in message and "not in the VCF" in message


def test_vcf_without_genotypes(tmp_path):
    vcf = tmp_path / "no_gt.vcf"
    vcf.write_text(without_gt(demo_vcf_text()))
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert str(vcf) in message and "no FORMAT/GT" in message


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("HP:0001639;HP:9999999", "HP:9999999 is not a term of HPO release"),
        ("HP:0001639;HP:0000489", "HP:0000489 (obsolete Abnormality of globe location or size) is obsolete"),
        ("HP:0001639;seizures", "'seizures' is not an HPO id"),
    ],
)
def test_bad_hpo_terms(tmp_path, terms, expected):
    message, _ = run_bad(tmp_path, hpo=terms)
    assert expected in message
    assert "families.tsv, line 2" in message


def test_obsolete_term_without_replacement_says_so(tmp_path):
    message, _ = run_bad(tmp_path, hpo="HP:0001639;HP:0000489")
    assert "has no replacement" in message and "Choose a current term" in message


def test_obsolete_term_is_analysed_as_its_replacement_with_a_warning(tmp_path):
    config = write_config(tmp_path, [demo_row(hpo="HP:0001639;HP:0000057;-HP:0000252")])
    result = rarevar("validate", "--config", str(config))
    assert result.returncode == 0, result.stderr
    warning = "rarevar: warning: families.tsv, line 2: HP:0000057 (obsolete Clitoromegaly) is obsolete in HPO release"
    assert warning in result.stderr.replace(str(tmp_path) + "/", "")
    assert "analysed as its replacement HP:0008665" in result.stderr
    phenotype = read_phenotype("HP:0001639;HP:0000057", "sheet")
    assert phenotype.observed == ["HP:0001639", "HP:0008665"]


def test_sheet_missing_column(tmp_path):
    config = write_config(tmp_path, [demo_row()])
    sheet = tmp_path / "families.tsv"
    lines = [line.rsplit("\t", 1)[0] for line in sheet.read_text().splitlines()]
    sheet.write_text("\n".join(lines) + "\n")
    result = rarevar("run", "--config", str(config))
    assert result.returncode == 2
    assert f"{sheet}, line 1: missing column(s) hpo" in result.stderr
    assert not (tmp_path / "results").exists()


def test_sheet_duplicate_family(tmp_path):
    config = write_config(tmp_path, [demo_row(), demo_row()])
    result = rarevar("run", "--config", str(config))
    assert result.returncode == 2
    assert "line 3: family_id 'DEMO1' is repeated (first on line 2)" in result.stderr
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("column", ["vcf", "ped"])
def test_path_that_does_not_exist(tmp_path, column):
    missing = tmp_path / f"missing.{column}"
    message, _ = run_bad(tmp_path, **{column: str(missing)})
    assert message.startswith(f"rarevar: error: {missing}: {column} of family 'DEMO1' does not exist")


def test_phenopacket_that_does_not_exist(tmp_path):
    message, _ = run_bad(tmp_path, hpo=str(tmp_path / "patient.json"))
    assert "Phenopacket" in message and "does not exist" in message


def test_contig_names_do_not_match_reference(tmp_path):
    vcf = tmp_path / "numeric.vcf"
    vcf.write_text(renamed_contigs(demo_vcf_text()))
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert str(vcf) in message
    assert "the VCF names contigs like '1' and the reference like 'chr1'" in message


def test_contig_lengths_of_another_build(tmp_path):
    vcf = tmp_path / "other_build.vcf"
    vcf.write_text(other_lengths(demo_vcf_text()))
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "contig chr1 is 9" in message and "a different genome build" in message


def test_empty_file_is_not_a_vcf(tmp_path):
    vcf = tmp_path / "empty.vcf"
    vcf.write_text("")
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "empty (0-byte)" in message


def test_invalid_config_setting(tmp_path):
    config = write_config(tmp_path, [demo_row()], genome_build="hg19")
    result = rarevar("run", "--config", str(config))
    assert result.returncode == 2
    assert "setting 'genome_build' is invalid" in result.stderr
    assert not (tmp_path / "results").exists()


def test_ped_with_a_cycle(tmp_path):
    ped = tmp_path / "cycle.ped"
    ped.write_text("DEMO1\tproband\tfather\tmother\t1\t2\nDEMO1\tmother\tproband\t0\t2\t1\nDEMO1\tfather\t0\t0\t1\t1\n")
    message, _ = run_bad(tmp_path, ped=str(ped))
    assert f"{ped}, line" in message and "cycle" in message


def demo_lines() -> tuple[list[str], list[str]]:
    text = demo_vcf_text().splitlines()
    return [line for line in text if line.startswith("#")], [line for line in text if not line.startswith("#")]


def test_truncated_bgzip(tmp_path):
    vcf = tmp_path / "truncated.vcf.gz"
    vcf.write_bytes((DEMO / "trio.vcf.gz").read_bytes()[:30000])
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "truncated" in message and "Re-copy or re-export" in message


def test_plain_gzip_instead_of_bgzip(tmp_path):
    vcf = tmp_path / "plain.vcf.gz"
    vcf.write_bytes(gzip.compress(demo_vcf_text().encode()))
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "plain gzip, not bgzip" in message and "bgzip -c" in message


def test_unsorted_records(tmp_path):
    header, records = demo_lines()
    vcf = tmp_path / "unsorted.vcf"
    vcf.write_text("\n".join(header + records[10:20] + records[:10] + records[20:]) + "\n")
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "record 11 (" in message and "records are not sorted" in message and "bcftools sort" in message


def test_duplicate_records(tmp_path):
    header, records = demo_lines()
    vcf = tmp_path / "duplicated.vcf"
    vcf.write_text("\n".join(header + records[:5] + records[4:]) + "\n")
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "record 6 (" in message and "is duplicated" in message and "bcftools norm -d" in message


def test_missing_chrom_header_line(tmp_path):
    header, records = demo_lines()
    vcf = tmp_path / "no_chrom_line.vcf"
    vcf.write_text("\n".join([h for h in header if not h.startswith("#CHROM")] + records) + "\n")
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "no #CHROM header line before the first record" in message


def test_space_instead_of_tab_in_a_record(tmp_path):
    header, records = demo_lines()
    broken = records[7].replace("\t", " ", 1)
    vcf = tmp_path / "space.vcf"
    vcf.write_text("\n".join(header + records[:7] + [broken] + records[8:]) + "\n")
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "record 8, after record 7 (" in message and "cannot be read" in message


def test_grch37_vcf_against_a_grch38_reference_names_both_builds(tmp_path):
    from rarevar.inputs.vcfcheck import check_contigs

    fai = tmp_path / "GRCh38.fa.fai"
    fai.write_text("chr1\t248956422\t6\t60\t61\nchrX\t156040895\t253105752\t60\t61\n")
    (tmp_path / "GRCh38.fa").write_text("")
    with pytest.raises(InputError, match="the VCF is GRCh37, the reference GRCh38"):
        check_contigs("sample.vcf.gz", {"chr1": 249_250_621, "chrX": 155_270_560}, tmp_path / "GRCh38.fa")


def test_validate_command_checks_without_running(tmp_path):
    config = write_config(tmp_path, [demo_row()])
    result = rarevar("validate", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "1 family checked, inputs are valid" in result.stdout
    assert not (tmp_path / "results").exists()


def test_header_line_with_a_trailing_tab(tmp_path, shared):
    # A real file of the GA4GH reference server's test data: its #CHROM line ends in a tab.
    vcf = shared / "ga4gh-server" / "1KG_GRCh37_VEP_edit.vcf.gz"
    message, _ = run_bad(tmp_path, vcf=str(vcf))
    assert "#CHROM header line (line 252) ends in whitespace (a trailing tab?)" in message


def test_resource_changed_since_its_checksum_was_recorded(tmp_path):
    resources = copy_demo(tmp_path)
    genes = resources / "genes.gff3.gz"
    data = bytearray(genes.read_bytes())
    data[100] ^= 0xFF  # one byte different, same size
    genes.write_bytes(bytes(data))
    config = write_config(tmp_path, [demo_row()])
    text = config.read_text().replace(str(DEMO), str(resources))
    config.write_text(text)
    result = rarevar("run", "--config", str(config))
    assert result.returncode == 2
    assert f"{genes}: has changed since its checksum was recorded in {resources / 'manifest.json'}" in result.stderr
    assert "rarevar resources verify --dir" in result.stderr
    assert not (tmp_path / "results").exists()
