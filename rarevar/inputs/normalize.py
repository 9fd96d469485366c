"""Normalisation: keep the family's samples, split multi-allelic records, left-align against the reference."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rarevar.base.atomic import publish_indexed, temporary_name
from rarevar.base.bcftools import BcftoolsError, bcftools, count_records, records_in, vcf_samples
from rarevar.base.funnel import (
    ASSESSABLE,
    CARRIED,
    DEDUPLICATED,
    FILTER_ALLOWED,
    FILTER_PASS,
    INPUT_RECORDS,
    MAX_LISTED,
    SPLIT,
    step,
    write_steps,
)
from rarevar.base.messages import N_, english, message
from rarevar.errors import InputError
from rarevar.inputs.filters import failed_alleles, failing_names, passing
from rarevar.inputs.split_alleles import CARRIES_ALLELE, split_options

# Intermediate files are BGZF-wrapped but uncompressed (level 0): still indexable, so each step's count comes from
# its index, without the cost of compressing a whole genome's records four times. Only the output is compressed.
INTERMEDIATE = "-Ob0"
OUTPUT = "-Ob1"  # the fastest deflate level: a genome's normalised records are written once, read a few times
THREADS = ("--threads", "1")  # one htslib worker compresses the output while bcftools normalises


def normalize(vcf: str, samples: list[str], reference: str | None, out: str, funnel: str, regions: str | None = None,
              allowed_filters: list[str] | tuple[str, ...] = (), clinvar: str | None = None) -> None:  # fmt: skip
    """VCF -> family samples, biallelic, left-aligned BCF (indexed). `--check-ref e` stops on a REF
    that disagrees with the reference instead of silently dropping or keeping it. Without a `reference` (an
    annotated VCF run without local resources) records are split only: not left-aligned, REF not checked (the
    report says so, rarevar.run.without_resources). `regions`: only these
    chromosomes (comma-separated; one shard of the genome, rarevar.run.shards). A carried allele whose record
    failed a FILTER other than `allowed_filters` is set aside (rarevar.inputs.filters), and named as ClinVar
    (likely) pathogenic when the `clinvar` store holds it so."""
    out_path = Path(out)
    tmp = Path(temporary_name(out_path, "subset", ".bcf"))
    tmp_out = Path(temporary_name(out_path, "split", ".bcf"))
    try:
        source, n_input = _family_records(vcf, samples, regions, str(tmp))
        where = ("-r", regions) if regions and source == vcf else ()  # a subset made here holds the shard only
        against = ("-f", reference, "--check-ref", "e") if reference else ()
        bcftools("norm", "--no-version", *where, *split_options(source), *against,
                 INTERMEDIATE, "-o", str(tmp_out), "-W", source)  # fmt: skip
    except BcftoolsError as error:
        raise InputError(vcf, f"could not be normalised: {error}", "Check the VCF against the reference") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}.csi")):
            leftover.unlink(missing_ok=True)
    n_split = count_records(str(tmp_out))
    small = Path(temporary_name(out_path, "small", ".bcf"))
    try:
        failing = failing_names(str(tmp_out), list(allowed_filters))
        failed, n_failed = failed_alleles(str(tmp_out), failing, clinvar)
        passes = passing(failing)
        # One read lists the carried alleles set aside, one write keeps the carried alleles that are not.
        set_aside, lowercase = _set_aside_and_lowercase(str(tmp_out), passes)
        n_small = _filtered(str(tmp_out), str(small), "-i", f"{CARRIES_ALLELE} && {SMALL}{passes}")
        n_passed = n_small + len(set_aside)
        if lowercase:
            _uppercase(str(small))
        unique = _one_record_per_allele(str(small), out)
    finally:
        for leftover in (tmp_out, Path(f"{tmp_out}.csi"), small, Path(f"{small}.csi")):
            leftover.unlink(missing_ok=True)
    write_steps(funnel, [
        step(INPUT_RECORDS, n_input),
        step(SPLIT, n_split),
        # After splitting, an allele may be carried by nobody in this family: counted, not silently lost later.
        step(CARRIED, n_passed + n_failed),
        _filter_step(n_passed, [failed_record(*row) for row in failed], n_failed, list(allowed_filters)),
        step(ASSESSABLE, n_small, set_aside=set_aside[:MAX_LISTED], set_aside_total=len(set_aside)),
        step(DEDUPLICATED, unique),
    ])  # fmt: skip


def _family_records(vcf: str, samples: list[str], regions: str | None, subset: str) -> tuple[str, int]:
    """The file normalisation reads and its record count. An indexed VCF holding exactly the family's samples
    is read as it is (no copy); otherwise the family's samples (and the shard's chromosomes) are copied out."""
    indexed = any(os.path.exists(f"{vcf}.{ext}") for ext in ("csi", "tbi"))
    if indexed and vcf_samples(vcf) == samples:
        return vcf, records_in(vcf, regions)
    where = (("-r" if indexed else "-t"), regions) if regions else ()  # -t: no index, read through
    bcftools("view", "--no-version", "-s", ",".join(samples), *where, INTERMEDIATE, "-o", subset, "-W", vcf)
    return subset, count_records(subset)


# Alleles that name no sequence change rarevar can assess: the '*' placeholder of an overlapping deletion (that
# deletion has its own record), gVCF reference-block alleles (<NON_REF>, <*>, <X>) and breakends. Symbolic
# deletions and duplications (<DEL>, <DUP>) stay: bcftools csq gives them consequences.
SET_ASIDE_ALLELES = ("*", "<NON_REF>", "<*>", "<X>")
BREAKEND = '"[][]"'  # a regular expression: ALT holds '[' or ']'
NOT_SMALL = " || ".join(f'ALT="{a}"' for a in SET_ASIDE_ALLELES) + f" || ALT~{BREAKEND}"
SMALL = " && ".join(f'ALT!="{a}"' for a in SET_ASIDE_ALLELES) + f" && ALT!~{BREAKEND}"  # bcftools has no !(...)
FAILED_FILTER = N_("failed the variant caller's filter: {filters}")


def _filter_step(variants: int, failed: list[dict], n_failed: int, allowed: list[str]) -> dict:
    """The carried alleles whose record passes FILTER (or an allowed filter); those that fail, counted and listed."""
    template, fields = (FILTER_ALLOWED, {"allowed": ", ".join(allowed)}) if allowed else (FILTER_PASS, {})
    return step(template, variants, fields, set_aside=failed, set_aside_total=n_failed)


def failed_record(chrom: str, pos: str, ref: str, alt: str, filters: str, significance: str = ".",
                  clinvar_id: str = ".") -> dict:  # fmt: skip
    """A carried allele whose record failed FILTER: where, why (the filters it failed: `filter`, a plain list in
    the reason's message), and its ClinVar entry when ClinVar holds it as (likely) pathogenic."""
    names = filters.split(";")
    record = set_aside_record(chrom, pos, ref.upper(), alt, message(FAILED_FILTER, filters=", ".join(names)))
    record["filter"] = names
    if significance != ".":
        record["clinvar"] = {"significance": significance, "id": clinvar_id}
    return record


def _filtered(src: str, out: str, *expression: str) -> int:
    tmp = temporary_name(out)
    bcftools("view", "--no-version", *expression, INTERMEDIATE, "-o", tmp, "-W", src)
    publish_indexed(tmp, out)
    return count_records(out)


def why_not_interpreted(alt: str) -> dict:
    """Why an allele is set aside, as a message (rarevar.base.messages)."""
    if alt == "*":
        return message("'*': the allele is removed by an overlapping deletion, which is assessed as its own record")
    if alt.startswith("<"):
        return message("{alt}: a gVCF reference block (no alternate allele called)", alt=alt)
    return message("breakend: a structural variant, not assessed as a small variant")


def set_aside_record(chrom: str, pos: str, ref: str, alt: str, why: dict) -> dict:
    """One record set aside, as the funnel lists it: where it is, why (English) and why as a message."""
    return {"chrom": chrom, "pos": int(pos), "ref": ref, "alt": alt, "reason": english(why), "reason_message": why}


def uninterpretable(path: str) -> list[dict]:
    """Every allele some family member carries that this pipeline cannot interpret, with where it is and why."""
    return _set_aside_and_lowercase(path)[0]


# Lower-case bases are legal VCF (soft-masked sequence), but population frequencies and scores are joined by exact
# REF/ALT text: a lower-case allele would silently miss them. bcftools norm checks REF against the reference
# whatever its case; the carried alleles are then upper-cased (rarevar.inputs.normalize._uppercase).
LOWERCASE = 'REF~"[acgtn]" || ALT~"^[ACGTNacgtn]*[acgtn][ACGTNacgtn]*$"'


def _set_aside_and_lowercase(path: str, passes: str = "") -> tuple[list[dict], bool]:
    """The carried alleles set aside (as `uninterpretable`), and whether any carried small allele is lower-case:
    one read of the split records for both. `passes`: a clause they must also meet (FILTER)."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = os.path.join(tmp, "set_aside.tsv")
        bcftools("query", "-i", f"{CARRIES_ALLELE} && ({NOT_SMALL} || {LOWERCASE}){passes}",
                 "-f", "%CHROM\t%POS\t%REF\t%ALT\n", "-o", listing, path)  # fmt: skip
        with open(listing, encoding="utf-8") as handle:
            rows = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    set_aside = [set_aside_record(chrom, pos, ref.upper(), alt, why_not_interpreted(alt))
                 for chrom, pos, ref, alt in rows if not _small(alt)]  # fmt: skip
    return set_aside, any(_small(alt) for _, _, _, alt in rows)


def _small(alt: str) -> bool:
    return alt not in SET_ASIDE_ALLELES and "[" not in alt and "]" not in alt


def _uppercase(path: str) -> None:
    """Rewrite an indexed BCF with its REF/ALT bases upper-cased. Record by record in Python: only for the rare
    input with lower-case bases (a few seconds per million records); symbolic alleles stay as written."""
    import pysam

    tmp = temporary_name(path, "upper", ".bcf")
    with pysam.VariantFile(path) as source, pysam.VariantFile(tmp, "wb0", header=source.header) as target:
        for record in source:
            alleles = tuple(a if a.startswith("<") else a.upper() for a in record.alleles)
            if alleles != record.alleles:
                record.alleles = alleles
            target.write(record)
    bcftools("index", tmp)
    publish_indexed(tmp, path)


def _one_record_per_allele(src: str, out: str) -> int:
    # Two input records can describe one allele once indels are left-aligned (e.g. an indel written at the
    # right end of a repeat beside the same indel at its left end). Annotation joins one value per allele, so a
    # second copy would be read as "not in the population": kept once, the first record's genotypes, counted.
    tmp = temporary_name(out)
    bcftools("norm", "--no-version", *THREADS, "-d", "exact", OUTPUT, "-o", tmp, "-W", src)
    publish_indexed(tmp, out)
    return count_records(out)
