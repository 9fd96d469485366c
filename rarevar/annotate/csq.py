"""Consequences by bcftools csq against the reference and gene models, unless the input brings its own.

Each record gets its own consequence (`csq -s - -l`), and records a sample carries in cis get the joint one of
their haplotype (rarevar.annotate.haplotypes). Against bcftools' own csq suite (tests/test_csq_suite.py), this
reproduces 162 of its 165 expected consequences (per record alone 130, csq's `-p a` 164): one has no recorded
answer, one is a triploid genotype csq gives no sample a consequence for, one is a lone record where `-l` adds
stop_gained to a stop_retained.
"""

from __future__ import annotations

import os
import tempfile

import pysam

from rarevar.annotate.consequence import detect_source
from rarevar.annotate.haplotypes import joint_consequences, record_key
from rarevar.base.atomic import publish_indexed, temporary_name
from rarevar.base.bcftools import BcftoolsError, bcftools, count_records
from rarevar.base.funnel import CONSEQUENCES, CONSEQUENCES_INPUT, step, write_steps
from rarevar.base.messages import message
from rarevar.errors import InputError
from rarevar.inputs.normalize import set_aside_record

MAX_LISTED = 1000  # listed in candidates.json and the report; all are counted


def input_annotation(vcf: str) -> str | None:
    with pysam.VariantFile(vcf) as handle:
        return detect_source(set(handle.header.info))


def add_consequences(vcf: str, reference: str, genes: str, source: str, out: str, funnel: str) -> str:
    """Write `out` with consequences; return which annotation it carries (CSQ, ANN, EFF or BCSQ)."""
    existing = input_annotation(vcf)
    tmp = temporary_name(out)
    if source == "input" or (source == "auto" and existing):
        if not existing:
            raise InputError(vcf, "consequence.source is 'input' but the VCF has no CSQ, ANN, EFF or BCSQ",
                             "Annotate it first, or set consequence.source to auto")  # fmt: skip
        if existing == "BCSQ":
            # bcftools csq writes no BCSQ outside transcripts: there, none means no consequence (as in our own run).
            bcftools("view", "--no-version", "-Ob", "-o", tmp, "-W", vcf)
            publish_indexed(tmp, out)
            write_steps(funnel, [step(CONSEQUENCES, count_records(out), {"source": existing})])
            return existing
        # VEP and snpEff annotate every record (intergenic ones too): a record without one was not annotated. It
        # is set aside here, counted and listed, rather than vanishing at the impact filter as if assessed.
        set_aside = unannotated(vcf, existing)
        bcftools("view", "--no-version", "-i", f'INFO/{existing}!="."', "-Ob", "-o", tmp, "-W", vcf)
        publish_indexed(tmp, out)
        write_steps(funnel, [step(CONSEQUENCES_INPUT, count_records(out), {"source": existing},
                                  set_aside=set_aside[:MAX_LISTED], set_aside_total=len(set_aside))])  # fmt: skip
        return existing
    # -s - -l: consequences from REF/ALT alone, each record on its own. Without -l csq joins every record
    # into one haplotype, so a frameshift from one parent would hide the other parent's missense in the
    # same gene (the compound heterozygote); with samples (-p a) unphased hets would be joined in cis.
    # Records a sample carries in cis (phased, or homozygous) then get their joint consequence
    # (rarevar.annotate.haplotypes). --force: keep going past transcripts the GFF describes incompletely.
    try:
        bcftools(
            "csq",
            "--no-version",
            "-f",
            reference,
            "-g",
            genes,
            "-s",
            "-",
            "-l",
            "--force",
            "-Ob",
            "-o",
            tmp,
            "-W",
            vcf,
        )
        changed = joint_consequences(tmp, reference, genes)
    except BcftoolsError as error:
        reason = "no usable transcript" if "No usable transcripts" in str(error) else str(error)[-300:]
        raise InputError(
            genes,
            f"bcftools csq could not use these gene models ({reason})",
            "Give an Ensembl-style GFF3 (ID=gene:/transcript:, biotype=), as Ensembl publishes it",
        ) from None
    used = "BCSQ"
    if changed:
        write_joint(tmp, changed)
    publish_indexed(tmp, out)
    write_steps(funnel, [step(CONSEQUENCES, count_records(out), {"source": used})])
    return used


def unannotated(vcf: str, tag: str) -> list[dict]:
    """The records of `vcf` without INFO/`tag`, with where they are and why they are set aside."""
    reason = message("no {tag} annotation in the input VCF: its consequence is not known", tag=tag)
    with tempfile.TemporaryDirectory() as tmp:
        listing = os.path.join(tmp, "unannotated.tsv")
        bcftools("query", "-i", f'INFO/{tag}="."', "-f", "%CHROM\t%POS\t%REF\t%ALT\n", "-o", listing, vcf)
        with open(listing, encoding="utf-8") as handle:
            rows = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    return [set_aside_record(chrom, pos, ref, alt, reason) for chrom, pos, ref, alt in rows]


def write_joint(path: str, changed: dict[tuple, list[str]]) -> None:
    """Rewrite `path` (per-record BCSQ, indexed) with the changed entries of records carried in cis."""
    rewritten = f"{path}.joint.bcf"
    with pysam.VariantFile(path) as source, pysam.VariantFile(rewritten, "wb", header=source.header) as sink:
        for record in source:
            entries = changed.get(record_key(record))
            if entries:
                record.info["BCSQ"] = entries
            elif entries is not None and "BCSQ" in record.info:
                del record.info["BCSQ"]
            sink.write(record)
    bcftools("index", "-f", rewritten)
    publish_indexed(rewritten, path)
