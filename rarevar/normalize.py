"""Normalisation: keep the family's samples, split multi-allelic records, left-align against the reference."""

from __future__ import annotations

import os
from pathlib import Path

from rarevar.atomic import publish_indexed
from rarevar.bcftools import BcftoolsError, bcftools, count_records
from rarevar.errors import InputError
from rarevar.funnel import write_steps


def normalize(vcf: str, samples: list[str], reference: str, out: str, funnel: str) -> None:
    """VCF -> family samples, biallelic, left-aligned BCF (indexed). `--check-ref e` stops on a REF
    that disagrees with the reference instead of silently dropping or keeping it."""
    out_path = Path(out)
    tmp = out_path.with_name(f".{out_path.name}.subset.bcf")
    tmp_out = out_path.with_name(f".{out_path.name}.tmp{os.getpid()}.bcf")
    try:
        bcftools("view", "--no-version", "-s", ",".join(samples), "-Ob", "-o", str(tmp), "-W", vcf)
        n_input = count_records(str(tmp))
        bcftools(
            "norm",
            "--no-version",
            "-m",
            "-any",
            "-f",
            reference,
            "--check-ref",
            "e",
            "-Ob",
            "-o",
            str(tmp_out),
            str(tmp),
        )
    except BcftoolsError as error:
        raise InputError(vcf, f"could not be normalised: {error}", "Check the VCF against the reference") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}.csi")):
            leftover.unlink(missing_ok=True)
    n_split = count_records(str(tmp_out))
    carried = out_path.with_name(f".{out_path.name}.carried.tmp{os.getpid()}.bcf")
    try:
        _carried = _keep_carried(str(tmp_out), str(carried))
        unique = _one_record_per_allele(str(carried), out)
    finally:
        for leftover in (tmp_out, carried, Path(f"{carried}.csi")):
            leftover.unlink(missing_ok=True)
    write_steps(
        funnel,
        [
            ("input records", n_input),
            ("after splitting multi-allelics", n_split),
            ("alternate allele carried by a family member", _carried),
            (DEDUPLICATED, unique),
        ],
    )


def _keep_carried(src: str, out: str) -> int:
    # After splitting, an allele may be carried by nobody in this family (or be the '*' placeholder of
    # an upstream deletion): counted here, not silently lost later.
    tmp = f"{out}.tmp{os.getpid()}"
    bcftools("view", "--no-version", "-i", 'GT="alt" && ALT!="*"', "-Ob", "-o", tmp, "-W", src)
    publish_indexed(tmp, out)
    return count_records(out)


DEDUPLICATED = "one record per allele (a record that left-aligns onto another's allele merged into the first)"


def _one_record_per_allele(src: str, out: str) -> int:
    # Two input records can describe one allele once indels are left-aligned (e.g. an indel written at the
    # right end of a repeat beside the same indel at its left end). Annotation joins one value per allele, so a
    # second copy would be read as "not in the population": kept once, the first record's genotypes, counted.
    tmp = f"{out}.tmp{os.getpid()}"
    bcftools("norm", "--no-version", "-d", "exact", "-Ob", "-o", tmp, "-W", src)
    publish_indexed(tmp, out)
    return count_records(out)
