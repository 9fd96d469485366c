"""Stage: fill the family VCF's missing genotypes (`./.`) from the samples' own gVCFs.

After single-sample VCFs are merged, a parent with no variant at a site is `./.`, not `0/0`: a de novo
then stays "possible". Her gVCF knows better: a reference block over the site is a hom-ref call with its
own GQ and depth. Only missing genotypes are filled (a called genotype is never changed); each look-up is
recorded per genotype in FORMAT/RG and counted in the stage summary and the funnel. The input is the
rare, consequence-annotated BCF (a few thousand records), so one indexed look-up per missing genotype is cheap.
"""

from __future__ import annotations

from collections import Counter

import pysam

from rarevar.base.atomic import copy_indexed, publish_indexed, temporary_name
from rarevar.base.bcftools import bcftools, count_records
from rarevar.base.funnel import REGENOTYPED, step, write_json_atomic, write_steps
from rarevar.family.gvcf import FILLED, RG_DESCRIPTION, Genotype, Outcome, genotype_at, open_gvcfs

# FORMAT fields a filled genotype may carry, added to the header when the family VCF lacks them.
FORMAT_FIELDS = {
    "RG": ("1", "Integer", RG_DESCRIPTION),
    "GQ": ("1", "Integer", "Genotype quality (phred)"),
    "DP": ("1", "Integer", "Read depth"),
    "AD": ("R", "Integer", "Allelic depths for the REF and ALT alleles"),
}
STALE_FIELDS = ("GQ", "DP", "AD", "PL")


def _header(source: pysam.VariantHeader) -> pysam.VariantHeader:
    header = source.copy()
    for name, (number, kind, description) in FORMAT_FIELDS.items():
        if name not in header.formats:
            header.add_meta(
                "FORMAT", items=[("ID", name), ("Number", number), ("Type", kind), ("Description", description)]
            )
    return header


def _is_missing(call) -> bool:
    alleles = call.get("GT") if "GT" in call else None
    return not alleles or all(a is None for a in alleles)


def _fill(call, genotype: Genotype) -> None:
    call["RG"] = int(genotype.outcome)
    if genotype.outcome not in FILLED:
        return
    call["GT"] = genotype.gt
    call.phased = False
    for name in STALE_FIELDS:  # what a merge wrote beside ./. (e.g. DP 0) is not about the filled call
        if name in call:
            del call[name]
    for name, value in (("GQ", genotype.gq), ("DP", genotype.dp), ("AD", genotype.ad)):
        if value is not None:
            call[name] = value


def _look_up(record: pysam.VariantRecord, gvcf: pysam.VariantFile, sample: str) -> Genotype:
    if not record.alts or len(record.alts) != 1:
        return Genotype(Outcome.AMBIGUOUS)  # the family VCF is split to one ALT per record before this stage
    return genotype_at(gvcf, sample, record.chrom, record.pos, record.ref, record.alts[0])


def _fill_record(record: pysam.VariantRecord, by_sample: dict, counts: dict[str, Counter]) -> None:
    for sample, call in record.samples.items():
        if not _is_missing(call):
            continue  # a called genotype is never overwritten
        if sample not in by_sample:
            counts[sample]["no gVCF"] += 1
            continue
        genotype = _look_up(record, by_sample[sample], sample)
        counts[sample][genotype.outcome.name.lower()] += 1
        _fill(call, genotype)


def _write_indexed(tmp: str, out: str) -> None:
    bcftools("index", "-f", tmp)
    publish_indexed(tmp, out)


def regenotype(vcf: str, gvcfs: list[str], out: str, summary: str, funnel: str) -> dict:
    """Write `out` (BCF + .csi) with missing genotypes filled where a gVCF allows; return the summary."""
    with pysam.VariantFile(vcf) as source:
        samples = list(source.header.samples)
    by_sample = open_gvcfs(gvcfs, samples)
    counts = {sample: Counter() for sample in samples}
    tmp = temporary_name(out)
    if by_sample:
        with pysam.VariantFile(vcf) as source:
            header = _header(source.header)
            with pysam.VariantFile(tmp, "wb", header=header) as target:
                for record in source:
                    record.translate(header)
                    _fill_record(record, by_sample, counts)
                    target.write(record)
        for handle in set(by_sample.values()):
            handle.close()
        _write_indexed(tmp, out)
    else:  # no gVCF for this family: the records pass through unchanged
        copy_indexed(vcf, out)
    records = count_records(out)
    result = _summary(gvcfs, by_sample, counts, records)
    write_json_atomic(summary, result)
    steps = []
    if by_sample:
        steps.append(step(REGENOTYPED, records, {"filled": result["filled"], "left": result["left_missing"]}))
    write_steps(funnel, steps)
    return result


def _summary(gvcfs: list[str], by_sample: dict, counts: dict[str, Counter], records: int) -> dict:
    filled = {outcome.name.lower() for outcome in FILLED}
    looked_up = {sample: dict(sorted(c.items())) for sample, c in counts.items() if sample in by_sample}
    return {
        "gvcfs": gvcfs,
        "samples_with_gvcf": sorted(by_sample),
        "records": records,
        "filled": sum(n for c in looked_up.values() for key, n in c.items() if key in filled),
        "left_missing": sum(n for c in looked_up.values() for key, n in c.items() if key not in filled),
        "missing_without_gvcf": sum(c["no gVCF"] for c in counts.values()),
        "by_sample": looked_up,
    }
