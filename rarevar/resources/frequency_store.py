"""A compact local population-frequency store from a gnomAD-style sites VCF (ExAC, gnomAD v2, v3, v4).

The store is a BCF holding only the fields rarevar uses, under gnomAD v4 names, with multi-allelic sites split
(and left-aligned when a reference is given) so that annotation matches per allele after the sample VCF's own
normalisation. It is indexed (CSI), so `bcftools annotate` streams it alongside the sample VCF.
"""

from __future__ import annotations

import os
from pathlib import Path

import pysam

from rarevar.base.atomic import temporary_name
from rarevar.base.bcftools import bcftools, count_records, read_in_order
from rarevar.resources.download import record_built

# Store field -> accepted source names, newest release first.
DIRECT_FIELDS = {
    "AF": ["AF"],
    "AC": ["AC"],
    "AN": ["AN"],
    "nhomalt": ["nhomalt", "AC_Hom", "Hom"],
    "AF_grpmax": ["AF_grpmax", "AF_popmax", "popmax_AF", "AF_POPMAX"],
    "faf95_max": ["fafmax_faf95_max", "faf95_popmax", "faf95"],
}
POPULATIONS = ("afr", "amr", "asj", "eas", "fin", "mid", "nfe", "sas")
# gnomAD's group-max leaves out bottlenecked groups (Ashkenazi Jewish, Finnish, Middle Eastern) and "other".
GRPMAX_POPULATIONS = ("afr", "amr", "eas", "nfe", "sas")
HEADER = {
    "AF": ("A", "Float", "Alternate allele frequency"),
    "AC": ("A", "Integer", "Alternate allele count"),
    "AN": ("1", "Integer", "Total number of alleles"),
    "nhomalt": ("A", "Integer", "Number of homozygous individuals"),
    "AF_grpmax": ("A", "Float", "Highest allele frequency among non-bottlenecked genetic ancestry groups"),
    "faf95_max": ("A", "Float", "Filtering allele frequency (95% CI), highest among groups"),
    **{f"AF_{pop}": ("A", "Float", f"Alternate allele frequency in the {pop} group") for pop in POPULATIONS},
}


def plan_fields(info: set[str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Which store fields come straight from a source field, and which population AFs need AC/AN."""
    direct = {ours: next(f for f in names if f in info) for ours, names in DIRECT_FIELDS.items()
              if any(f in info for f in names)}  # fmt: skip
    derived = {}
    for pop in POPULATIONS:
        for name in (f"AF_{pop}", f"{pop.upper()}_AF", f"AF_{pop.upper()}"):
            if name in info:
                direct[f"AF_{pop}"] = name
                break
        else:
            counts = (f"AC_{pop.upper()}", f"AN_{pop.upper()}")
            if all(c in info for c in counts):
                derived[f"AF_{pop}"] = counts
    return direct, derived


def _store_header(source: pysam.VariantHeader, fields: list[str], origin: str) -> pysam.VariantHeader:
    header = pysam.VariantHeader()
    for contig in source.contigs.values():
        header.contigs.add(contig.name, length=contig.length)
    header.add_line(f"##rarevar_frequency_source={origin}")
    for name in fields:
        number, kind, description = HEADER[name]
        header.add_meta("INFO", items=[("ID", name), ("Number", number), ("Type", kind), ("Description", description)])
    return header


def _ratio(ac, an) -> tuple | None:
    if ac is None or not an:
        return None
    return tuple(None if a is None else a / an for a in ac)


def _fits(value, n_alts: int, number: str) -> bool:
    # Some published subsets split alleles but kept every allele's value (AC=2,1 on a one-ALT record):
    # which value belongs to this allele cannot be known, so such a field is left out and counted.
    return number != "A" or not isinstance(value, tuple) or len(value) == n_alts


def _copy_record(record, out_header, direct: dict[str, str], derived: dict[str, tuple[str, str]], grpmax: bool):
    """The store record, and whether a per-allele field had to be left out."""
    new = out_header.new_record(contig=record.chrom, start=record.start, alleles=record.alleles, id=record.id)
    n_alts, inconsistent = len(record.alts or ()), False
    for ours, theirs in direct.items():
        if theirs not in record.info:
            continue
        value = record.info[theirs]
        if _fits(value, n_alts, HEADER[ours][0]):
            new.info[ours] = value
        else:
            inconsistent = True
    for ours, (ac, an) in derived.items():
        value = _ratio(record.info.get(ac), record.info.get(an))
        if value is not None and _fits(value, n_alts, "A"):
            new.info[ours] = value
        elif value is not None:
            inconsistent = True
    if "AF" not in direct and "AC" in new.info and new.info.get("AN"):
        new.info["AF"] = _ratio(new.info["AC"], new.info["AN"])
    if grpmax:
        groups = [new.info[f"AF_{p}"] for p in GRPMAX_POPULATIONS if f"AF_{p}" in new.info]
        if groups:
            new.info["AF_grpmax"] = tuple(max((g[i] or 0.0) for g in groups) for i in range(n_alts))
    return new, inconsistent


def build_frequency_store(vcf: str, out: str, reference: str | None = None) -> dict:
    """Write `out` (BCF + .csi); return a summary {records_in, records_out, fields, derived}."""
    with read_in_order(vcf) as source:
        info = set(source.header.info)
        direct, derived = plan_fields(info)
        if "AF" not in direct and not ("AC" in direct and "AN" in direct):
            raise ValueError(f"{vcf}: neither INFO/AF nor AC and AN: not a population-frequency VCF")
        grpmax = "AF_grpmax" not in direct and bool(derived or any(k.startswith("AF_") for k in direct))
        fields = [f for f in HEADER if f in direct or f in derived or f == "AF" or (f == "AF_grpmax" and grpmax)]
        header = _store_header(source.header, fields, Path(vcf).name)
        out_path = Path(out)
        slim = Path(temporary_name(out_path, "slim", ".bcf"))
        records_in, inconsistent = 0, []
        with pysam.VariantFile(str(slim), "wb", header=header) as sink:
            for record in source:
                records_in += 1
                new, bad = _copy_record(record, header, direct, derived, grpmax)
                if bad:
                    inconsistent.append(f"{record.chrom}:{record.pos} {record.ref}>{','.join(record.alts or ())}")
                sink.write(new)
    norm = ["norm", "--no-version", "-m", "-any"] + (["-f", reference, "--check-ref", "w"] if reference else [])
    tmp = temporary_name(out)
    try:
        bcftools(*norm, "-Ob", "-o", tmp, "-W", str(slim))
    finally:
        slim.unlink(missing_ok=True)
    os.replace(tmp, out)
    os.replace(f"{tmp}.csi", f"{out}.csi")
    record_built(out, built_from=Path(vcf).name)
    return {
        "records_in": records_in,
        "records_out": count_records(out),
        "fields": fields,
        "derived": sorted(derived) + (["AF_grpmax"] if grpmax else []),
        "left_aligned": bool(reference),
        # Records whose per-allele values did not match their ALT alleles: those values were left out.
        "inconsistent_records": len(inconsistent),
        "inconsistent_examples": inconsistent[:5],
    }
