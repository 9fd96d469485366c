"""Reading a sample's genotype at one site from its gVCF: reference blocks, variant calls, or nothing.

GATK HaplotypeCaller `-ERC GVCF` (ALT `<NON_REF>`, INFO/END, FORMAT GQ, DP, MIN_DP), DeepVariant (`<*>`,
END, GQ, MIN_DP) and bcftools `call -g` (`<*>`, END, PL, INFO/MinDP) all describe a sample's whole genome
as records: reference blocks (the sample is hom-ref from POS to END) and variant records (a call). The
look-up answers what the gVCF says about one allele of the family VCF, and is conservative: anything short
of hom-ref over the whole REF span, or a call of this very allele, leaves the genotype missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import pysam

from rarevar.base.text_input import check_file
from rarevar.errors import InputError

MAX_GQ = 99  # GATK's cap, also applied when GQ is derived from PL


class Outcome(IntEnum):
    """What the gVCF said about a missing genotype (the FORMAT/RG code written to the VCF)."""

    NO_COVERAGE = 0  # no gVCF record over the site, or a block without reads
    REFERENCE_BLOCK = 1  # filled 0/0 from reference block(s) covering the whole REF span
    VARIANT_CALL = 2  # filled from a gVCF record calling this very allele
    AMBIGUOUS = 3  # a deletion or another allele overlaps, or blocks cover only part of the REF span
    NO_CALL = 4  # the gVCF itself has no genotype there


FILLED = (Outcome.REFERENCE_BLOCK, Outcome.VARIANT_CALL)
RG_DESCRIPTION = (
    "Genotype re-genotyped from the sample's gVCF: 1 filled 0/0 from a reference block, 2 filled from a gVCF call "
    "of this allele; left missing: 0 no gVCF coverage, 3 ambiguous (overlapping deletion or other allele, or blocks "
    "covering part of the REF span), 4 no-call in the gVCF. Missing (.) where nothing was looked up"
)


@dataclass(frozen=True)
class Genotype:
    outcome: Outcome
    gt: tuple[int, ...] = ()
    gq: int | None = None
    dp: int | None = None
    ad: tuple[int, int] | None = None


# --- opening and checking ------------------------------------------------------------------------


def open_gvcf(path: str | Path) -> pysam.VariantFile:
    path = Path(path)
    check_file(path, "gVCF", "Fix the `gvcf` path in the families sheet")
    if path.suffix != ".bcf" and not path.name.endswith((".gz", ".bgz")):
        raise InputError(path, "gVCF is not bgzipped", f"Compress and index it: bgzip {path} && tabix -p vcf {path}.gz")
    if not any(Path(f"{path}.{ext}").is_file() for ext in ("tbi", "csi")):
        raise InputError(
            path,
            "gVCF has no index (.tbi or .csi next to it)",
            f"Index it: tabix -p vcf {path} (or bcftools index {path})",
        )
    previous = pysam.set_verbosity(0)
    try:
        return pysam.VariantFile(str(path))
    except (OSError, ValueError) as error:
        raise InputError(
            path, f"cannot be read as a gVCF ({error})", "Re-export the gVCF (bgzipped VCF or BCF)"
        ) from None
    finally:
        pysam.set_verbosity(previous)


def require_members(path, samples, members: list[str], what: str, fix: str = "") -> None:
    """Every gVCF sample must be one of `members` (the PED's, or the family VCF's samples)."""
    strangers = [s for s in samples if s not in members]
    if strangers:
        raise InputError(
            path,
            f"gVCF sample(s) {', '.join(repr(s) for s in strangers)} are not {what} ({', '.join(members)})",
            fix or "Give only the family's own gVCFs, with sample ids as in the PED and the VCF",
        )


def open_gvcfs(paths: list[str], family_samples: list[str]) -> dict[str, pysam.VariantFile]:
    """sample -> its open gVCF. Every sample of every file must be a family member, each in one file only."""
    by_sample: dict[str, pysam.VariantFile] = {}
    source: dict[str, str] = {}
    for path in paths:
        gvcf = open_gvcf(path)
        samples = list(gvcf.header.samples)
        if not samples:
            raise InputError(
                path, "gVCF has no sample column", "Give the per-sample gVCF written by the variant caller"
            )
        require_members(path, samples, family_samples, "samples of the family VCF")
        for sample in samples:
            if sample in source:
                raise InputError(
                    path, f"sample '{sample}' is also in the gVCF {source[sample]}", "Give each sample one gVCF"
                )
            source[sample] = path
            by_sample[sample] = gvcf
    return by_sample


def gvcf_contigs(gvcf: pysam.VariantFile) -> dict[str, int | None]:
    contigs = {name: gvcf.header.contigs[name].length for name in gvcf.header.contigs}
    return contigs or dict.fromkeys(gvcf.index.keys() if gvcf.index is not None else ())


# --- one genotype --------------------------------------------------------------------------------


def minimal(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """The shortest form of an allele (shared trailing, then leading, bases trimmed), so `CTT>CT` == `CT>C`."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref.upper(), alt.upper()


def _allele_index(record: pysam.VariantRecord, site: tuple[int, str, str]) -> int | None:
    for index, alt in enumerate(record.alts or (), start=1):
        symbolic = alt == "*" or alt.startswith("<")  # <NON_REF>, <*>, a spanning deletion's *
        if not symbolic and minimal(record.pos, record.ref, alt) == site:
            return index
    return None


def _value(call, name: str):
    value = call.get(name) if name in call else None
    if isinstance(value, tuple):
        value = value[0] if value else None
    return value


def _quality(record: pysam.VariantRecord, sample: str) -> tuple[int | None, int | None]:
    """(GQ, depth) of a sample's hom-ref record: GQ, else from PL; depth MIN_DP, else DP, else INFO/MinDP."""
    call = record.samples[sample]
    gq = _value(call, "GQ")
    if gq is None and "PL" in call and call["PL"] and None not in call["PL"]:
        pl = call["PL"]
        if len(pl) > 1 and pl[0] <= min(pl[1:]):
            gq = min(min(pl[1:]) - pl[0], MAX_GQ)
    depth = _value(call, "MIN_DP")
    if depth is None:
        depth = _value(call, "DP")
    if depth is None and "MinDP" in record.header.info:
        depth = record.info.get("MinDP")
    return gq, depth


def _from_call(record: pysam.VariantRecord, sample: str, index: int) -> Genotype:
    """The gVCF's call of this allele, in the family VCF's biallelic terms (0 ref, 1 this allele)."""
    call = record.samples[sample]
    alleles = call.get("GT") or ()
    if not alleles or None in alleles:
        return Genotype(Outcome.NO_CALL)
    if any(a not in (0, index) for a in alleles):
        return Genotype(Outcome.AMBIGUOUS)  # another allele of this site: not a call of ours
    ad = call.get("AD") if "AD" in call else None
    depths = (ad[0], ad[index]) if ad and len(ad) > index and None not in (ad[0], ad[index]) else None
    return Genotype(
        Outcome.VARIANT_CALL, tuple(0 if a == 0 else 1 for a in alleles), _value(call, "GQ"), _value(call, "DP"), depths
    )


def genotype_at(gvcf: pysam.VariantFile, sample: str, chrom: str, pos: int, ref: str, alt: str) -> Genotype:
    """What `sample`'s gVCF says about the allele `ref>alt` at `chrom:pos` (1-based)."""
    end = pos + len(ref) - 1
    try:
        overlapping = list(gvcf.fetch(chrom, pos - 1, end))
    except ValueError:  # the contig is not in the gVCF: nothing was called there
        return Genotype(Outcome.NO_COVERAGE)
    site = minimal(pos, ref, alt)
    for record in overlapping:
        index = _allele_index(record, site)
        if index is not None:
            return _from_call(record, sample, index)
    blocks = []
    for record in overlapping:
        alleles = record.samples[sample].get("GT") or ()
        if not alleles or None in alleles:
            return Genotype(Outcome.NO_CALL)
        if any(alleles):
            return Genotype(Outcome.AMBIGUOUS)  # e.g. a deletion from upstream, or another allele here
        blocks.append(record)
    return _from_blocks(blocks, sample, pos, end)


def _from_blocks(blocks: list[pysam.VariantRecord], sample: str, start: int, end: int) -> Genotype:
    """0/0 when hom-ref records cover start..end without a gap, with their lowest GQ and depth."""
    if not blocks:
        return Genotype(Outcome.NO_COVERAGE)
    covered = start - 1
    for block in sorted(blocks, key=lambda r: r.pos):
        if block.pos > covered + 1:
            return Genotype(Outcome.AMBIGUOUS)  # a gap: e.g. a block starting inside a deletion's REF span
        covered = max(covered, block.stop)  # pysam's stop is END for a block
    if covered < end:
        return Genotype(Outcome.AMBIGUOUS)
    qualities = [_quality(block, sample) for block in blocks]
    gqs = [gq for gq, _ in qualities if gq is not None]
    depths = [dp for _, dp in qualities if dp is not None]
    if depths and min(depths) == 0:
        return Genotype(Outcome.NO_COVERAGE)  # a block without reads proves nothing
    ploidy = len(blocks[0].samples[sample]["GT"])
    return Genotype(Outcome.REFERENCE_BLOCK, (0,) * ploidy, min(gqs) if gqs else None, min(depths) if depths else None)
