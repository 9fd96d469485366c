"""The per-family clinician report: one self-contained, offline HTML file from candidates.json.

Everything in the payload is untrusted text from input files. The template escapes it (autoescape
is on and nothing from the payload is marked safe); the only markup built here is the pedigree SVG,
which escapes its own text. The page loads nothing: CSS and JS are inline, and a Content-Security-
Policy forbids any request and any script other than the report's own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from functools import cache
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from rarevar.annotate.scores import LABELS
from rarevar.base.atomic import write_bytes_atomic
from rarevar.base.genome import is_mito
from rarevar.base.messages import N_
from rarevar.family.inheritance import HOMOPLASMY_MIN
from rarevar.family.qc import verdict
from rarevar.report.i18n import Translator
from rarevar.report.long_values import WIDE_PIECE, shown_value
from rarevar.report.pedigree_svg import draw_pedigree

TOP_CARDS = 5
FUNNEL_BAR_PX = 600  # longest bar in the funnel chart
NOT_AVAILABLE = N_("not available")
NOT_IN_POPULATION = N_("not observed in the population database")

INHERITANCE_WORDS = {
    "de_novo": N_("de novo"),
    "autosomal_dominant": N_("autosomal dominant"),
    "autosomal_recessive": N_("autosomal recessive (homozygous)"),
    "homozygous_recessive": N_("autosomal recessive (homozygous)"),
    "compound_het": N_("compound heterozygous"),
    "compound_heterozygous": N_("compound heterozygous"),
    "x_linked": N_("X-linked"),
    "x_linked_recessive": N_("X-linked recessive"),
    "x_linked_dominant": N_("X-linked dominant"),
    "x_linked_de_novo": N_("X-linked de novo"),
    "uniparental_isodisomy": N_("homozygous by uniparental isodisomy"),
    "mitochondrial": N_("mitochondrial"),
}

# Build-dependent resources; a build not listed here gets no position-based links.
BUILDS = {
    "grch38": {"name": "GRCh38", "ucsc": "hg38", "gnomad": "gnomad_r4", "ensembl": "www.ensembl.org"},
    "hg38": {"name": "GRCh38", "ucsc": "hg38", "gnomad": "gnomad_r4", "ensembl": "www.ensembl.org"},
    "grch37": {"name": "GRCh37", "ucsc": "hg19", "gnomad": "gnomad_r2_1", "ensembl": "grch37.ensembl.org"},
    "hg19": {"name": "GRCh37", "ucsc": "hg19", "gnomad": "gnomad_r2_1", "ensembl": "grch37.ensembl.org"},
}


# --- public API ----------------------------------------------------------------------------------


def render_report(payload: dict, language: str = "en", term_labels: dict[str, str] | None = None) -> str:
    """The complete HTML page for one family's candidates.json payload, in English or Chinese ("zh"), HPO term labels
    from `term_labels` (translated: rarevar.report.term_labels) where given."""
    context = build_context(payload if isinstance(payload, dict) else {}, language, term_labels)
    return _template().render(**context)


def write_report(payload: dict, path, language: str = "en", term_labels: dict[str, str] | None = None) -> None:
    """Render and write atomically: a reader never sees a half-written report."""
    # bytes: newline translation would break the CSP hash
    write_bytes_atomic(path, render_report(payload, language, term_labels).encode("utf-8"))


# --- template ------------------------------------------------------------------------------------


def _csp_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script and no injected one."""
    digest = hashlib.sha256(str(script).encode("utf-8")).digest()
    return Markup(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")  # base64 only, safe as is


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("rarevar.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["csp_hash"] = _csp_hash
    # long values as unbreakable pieces (report.html.j2: tokens)
    env.globals.update(shown_value=shown_value, WIDE_PIECE=WIDE_PIECE)
    return env


def _template():
    return environment().get_template("report.html.j2")


# --- context -------------------------------------------------------------------------------------


def build_context(payload: dict, language: str = "en", term_labels: dict[str, str] | None = None) -> dict:
    """Turn the payload into display-ready values, tolerating missing or empty keys."""
    t = Translator(language, term_labels)
    settings = _dict(payload.get("settings"))
    build = _text(settings.get("genome_build"))
    samples = [s for s in _list(payload.get("samples")) if isinstance(s, dict)]
    roles = {_text(s.get("id")): _text(s.get("role")) for s in samples}
    annotation_sources = _dict(_dict(payload.get("versions")).get("annotation_sources"))
    scored = bool(_list(settings.get("scores")) or _list(_dict(annotation_sources.get("scores")).get("input_fields")))
    candidates = [
        {**_candidate(c, samples, roles, build, t), **_evidence(c, scored, t)}
        for c in _ranked(payload.get("candidates"))
    ]
    phenotype = _dict(payload.get("phenotype"))
    return {
        "_": t,
        "t": t,
        "family": _text(payload.get("family")) or t("unnamed family"),
        "generated": _text(payload.get("generated")) or t(NOT_AVAILABLE),
        "genome_build": build or t(NOT_AVAILABLE),
        "versions": _pairs(payload.get("versions")),
        "settings": _pairs(settings),
        "samples": [_sample_row(s, t) for s in samples],
        # Our own markup; every input string inside it was escaped by draw_pedigree.
        "pedigree_svg": Markup(draw_pedigree(samples, t.word)),
        "observed": _terms(phenotype.get("observed"), t),
        "excluded": _terms(phenotype.get("excluded"), t),
        "terms_in_english": _terms_in_english(phenotype, t),
        "replaced_terms": t.said(phenotype, "notes"),
        "candidates": candidates,
        "top": candidates[:TOP_CARDS],
        "funnel": _funnel(payload.get("funnel"), t),
        "set_aside": _set_aside(payload.get("funnel"), t),
        "not_assessed": t.said(payload, "not_assessed"),
        "qc": _qc(payload.get("qc"), t),
    }


def _fmt(value, t: Translator, digits: int = 3) -> str:
    number = _number(value)
    return t(NOT_AVAILABLE) if number is None else f"{number:.{digits}g}"


def _qc(qc, t: Translator) -> dict | None:
    """Sample QC for the page: the verdict, failures first in plain words, what could not be checked, then the
    numbers behind them. A check without enough data shows "not checked", never "pass"."""
    qc = _dict(qc)
    if not qc:
        return None

    def check(ok) -> str:
        return t({True: "pass", False: "FAIL"}.get(ok, "not checked"))

    samples = [
        {"id": _text(sample_id),
         "sex": t("{inferred} (PED: {ped})", inferred=t.word(_text(s.get("inferred_sex"))),
                  ped=t.word(_text(s.get("ped_sex")))),
         "sex_check": check(s.get("sex_ok")), "y_calls": _text(s.get("y_alt_calls", "")),
         "call_rate": _fmt(s.get("call_rate"), t), "het_hom": _fmt(s.get("het_hom_ratio"), t),
         "mean_dp": _fmt(s.get("mean_dp"), t), "mean_gq": _fmt(s.get("mean_gq"), t)}
        for sample_id, s in _dict(qc.get("samples")).items() if isinstance(s, dict)
    ]  # fmt: skip
    pairs = [
        {"pair": f"{_text(r.get('sample_a'))} – {_text(r.get('sample_b'))}",
         "expected": t.word(_text(r.get("expected"))), "inferred": t.word(_text(r.get("inferred"))),
         "kinship": _fmt(r.get("kinship"), t), "check": check(r.get("ok"))}
        for r in _list(qc.get("relatedness")) if isinstance(r, dict)
    ]  # fmt: skip
    trios = [
        {"trio": t("{child} (mother {mother}, father {father})", child=_text(trio.get("child")),
                   mother=_text(trio.get("mother")), father=_text(trio.get("father"))),
         "errors": t("{errors} of {sites}", errors=_text(trio.get("errors")), sites=_text(trio.get("sites"))),
         "rate": _fmt(trio.get("error_rate"), t), "check": check(trio.get("ok"))}
        for trio in _list(qc.get("mendelian")) if isinstance(trio, dict)
    ]  # fmt: skip
    not_checked = t.said(qc, "not_checked")
    return {
        "passed": bool(qc.get("passed")),
        "verdict": verdict(qc),
        "failures": t.said(qc, "failures"),
        "not_checked": not_checked,
        # qc.json lists the checks not made among its warnings too: shown once, under "not checked"
        "warnings": [w for w in t.said(qc, "warnings") if w not in not_checked],
        "samples": samples,
        "pairs": pairs,
        "trios": trios,
    }


def _text(value) -> str:
    return "" if value is None else str(value)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _pairs(mapping) -> list[tuple[str, str]]:
    """Key/value rows for the reproducibility tables; nested values shown as compact JSON."""
    rows = []
    for key, value in _dict(mapping).items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            # e.g. resources: one row per file, "population.vcf.gz (sha256 63e175cb2bcd...)"
            rows.extend((f"{_text(key)}: {_text(name)}", _resource_text(item)) for name, item in value.items())
            continue
        shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
        rows.append((_text(key), shown))
    return rows


def _resource_text(item: dict) -> str:
    if "file" in item and "sha256" in item:
        return f"{item['file']} (sha256 {str(item['sha256'])[:16]}…)"
    return json.dumps(item, sort_keys=True, default=str)


def _terms(items, t: Translator) -> list[dict]:
    terms = []
    for item in _list(items):
        if isinstance(item, dict) and (item.get("id") or item.get("label")):
            term_id = _text(item.get("id"))
            terms.append({"id": term_id, "label": t.term_label(term_id, _text(item.get("label")))})
        elif isinstance(item, str) and item:
            terms.append({"id": item, "label": ""})
    return terms


def _terms_in_english(phenotype: dict, t: Translator) -> str:
    """A note when the report's language is not English and some of the patient's term labels are shown in English."""
    ids = [term["id"] for key in ("observed", "excluded") for term in _terms(phenotype.get(key), t)]
    if t.language == "en" or not ids:
        return ""
    if not t.term_labels:
        return t("HPO term labels are shown in English: no translated labels were configured (resources: hpo_labels).")
    untranslated = sum(term_id not in t.term_labels for term_id in ids)
    if not untranslated:
        return ""
    return t("{n} of {total} HPO term labels have no translation and are shown in English.", n=untranslated,
             total=len(ids))  # fmt: skip


def _sample_row(sample: dict, t: Translator) -> dict:
    sequenced = sample.get("sequenced")
    return {
        "id": _text(sample.get("id")),
        "role": t.word(_text(sample.get("role")) or "not stated"),
        "sex": t.word(_text(sample.get("sex")) or "unknown"),
        "status": t.word(_text(sample.get("phenotype")) or "unknown"),
        "sequenced": t({True: "yes", False: "no"}.get(sequenced, "not stated")),
        "father": _text(sample.get("father")),
        "mother": _text(sample.get("mother")),
    }


def _funnel(steps, t: Translator) -> list[dict]:
    """Bars for the filtering funnel. Lengths are log-scaled so the last, small steps stay visible."""
    rows = [
        (t.message(s.get("message"), _text(s.get("step"))), _number(s.get("variants")))
        for s in _list(steps)
        if isinstance(s, dict) and _number(s.get("variants")) is not None
    ]
    top = max((n for _, n in rows), default=0.0)
    scale = math.log10(top + 1) or 1.0
    return [
        {
            "step": step,
            "count": f"{int(n):,}",
            "width": round(max(2.0, FUNNEL_BAR_PX * math.log10(max(n, 0) + 1) / scale), 1),
        }
        for step, n in rows
    ]


def _set_aside(steps, t: Translator) -> dict:
    """Records set aside as the funnel lists them (symbolic, breakend, '*' alleles, failed FILTER, no consequence
    annotation). A ClinVar (likely) pathogenic one (failed FILTER) is flagged and listed first: never lost."""
    rows, total = [], 0
    for step in _list(steps):
        if isinstance(step, dict) and "set_aside" in step:
            total += int(_number(step.get("set_aside_total")) or 0)
            rows += [{key: _text(r.get(key)) for key in ("chrom", "pos", "ref", "alt")}
                     | {"reason": "".join(t.said(r, "reason"))} | _clinvar_flag(r, t)
                     for r in _list(step.get("set_aside")) if isinstance(r, dict)]  # fmt: skip
    rows.sort(key=lambda row: not row["clinvar"])  # stable: otherwise in the funnel's order
    return {"rows": rows, "total": total, "clinvar": sum(bool(row["clinvar"]) for row in rows)}


def _clinvar_flag(record: dict, t: Translator) -> dict:
    clinvar = _dict(record.get("clinvar"))
    if not clinvar:
        return {"clinvar": None}
    significance = t.word(_text(clinvar.get("significance")).replace("_", " "))
    return {"clinvar": t("ClinVar: {significance} (variation {id})", significance=significance,
                         id=_text(clinvar.get("id")))}  # fmt: skip


# --- candidates ----------------------------------------------------------------------------------


def _ranked(candidates) -> list[dict]:
    """Candidates in rank order; unranked ones keep their order at the end."""
    items = [c for c in _list(candidates) if isinstance(c, dict)]
    return sorted(items, key=lambda c: (_number(c.get("rank")) is None, _number(c.get("rank")) or 0.0))


def _candidate(c: dict, samples: list[dict], roles: dict[str, str], build: str, t: Translator) -> dict:
    disease = _dict(c.get("matched_disease"))
    af_text, af_sort = _population_af(c, t)
    return {
        "rank": _text(c.get("rank")),
        "gene": _text(c.get("gene")) or t("no gene"),
        "variant": _variant_label(c, t),
        "key": ":".join(_text(c.get(k)) for k in ("chrom", "pos", "ref", "alt")),
        "position": _position(c),
        "hgvs": _hgvs(c),
        "consequence": t.consequence(_text(c.get("consequence"))) or t(NOT_AVAILABLE),
        "impact": t.impact(_text(c.get("impact"))),
        "genotypes": _genotypes(c, samples, roles, t),
        "inheritance": [_inheritance(m, t) for m in _list(c.get("inheritance"))],
        "af_text": af_text,
        "af_sort": af_sort,
        "cohort_text": _cohort_text(c, t),
        "cohort_sort": _number(c.get("cohort_families")) if c.get("cohort_families") is not None else -1,
        "clinvar": _clinvar_text(c, t),
        "inheritance_possible": [_inheritance(m, t) for m in _list(c.get("possible_inheritance"))],
        "phenotype_score": _score(c.get("phenotype_score"), t),
        "variant_score": _score(c.get("variant_score"), t),
        "score": _score(c.get("score"), t),
        "disease": {"id": _text(disease.get("id")), "name": _text(disease.get("name"))} if disease else None,
        "disease_url": _omim_url(disease.get("id")),
        "matched_terms": _terms(c.get("matched_terms"), t),
        "why": t.said(c, "why"),
        "acmg": _acmg(c, t),
        "links": [(t(label), url) for label, url in _links(c, build)],
    }


def _acmg(c: dict, t: Translator) -> dict:
    """The ACMG/AMP class by both schemes, the met criteria and the codes left for review, for the card."""
    acmg = _dict(c.get("acmg"))
    if not acmg:
        return {"assessed": False, "class_2015": t("not assessed by this version"), "class_points": "", "criteria": [],
                "for_review": []}  # fmt: skip
    points = int(_number(acmg.get("points")) or 0)
    points_text = t("{points} point" if abs(points) == 1 else "{points} points", points=points)
    criteria = [
        {"label": _text(item.get("label")) or _text(item.get("code")),
         "strength": t.word(_text(item.get("strength")).replace("_", " ").replace("stand alone", "stand-alone")),
         "points": _text(item.get("points")), "evidence": "".join(t.said(item, "evidence"))}
        for item in map(_dict, _list(acmg.get("criteria")))
    ]  # fmt: skip
    review = [
        {"code": _text(item.get("code")), "reason": "".join(t.said(item, "reason"))}
        for item in map(_dict, _list(acmg.get("for_review")))
    ]
    return {
        "assessed": True,
        "class_2015": t.word(_text(acmg.get("class_2015"))),
        "class_points": f"{t.word(_text(acmg.get('class_points')))} ({points_text})",
        "criteria": criteria,
        "for_review": review,
    }


def _cohort_text(c: dict, t: Translator) -> str:
    """'seen in N of M families (H homozygous)': this lab's own earlier families, the analysed one excluded."""
    seen, total = _number(c.get("cohort_families")), _number(c.get("cohort_n_families"))
    if seen is None or total is None:
        return t("local cohort not used")
    counts = {"seen": int(seen), "total": int(total), "hom": int(_number(c.get("cohort_homozygotes")) or 0)}
    hemi = int(_number(c.get("cohort_hemizygotes")) or 0)
    if hemi:
        return t("seen in {seen} of {total} families ({hom} homozygous, {hemi} hemizygous)", hemi=hemi, **counts)
    return t("seen in {seen} of {total} families ({hom} homozygous)", **counts)


def _evidence(c: dict, scores_configured: bool, t: Translator) -> dict:
    """In-silico scores with their PP3/BP4 evidence, gene constraint, and which transcript is shown and why."""
    given = _dict(c.get("score_sources"))
    scores = [f"{LABELS.get(_text(k), _text(k))} {_fmt(v, t)}"
              + (f" ({_source_name(_dict(given[k]), t)})" if _dict(given.get(k)).get("kind") == "input" else "")
              for k, v in _dict(c.get("scores")).items()]  # fmt: skip
    evidence = [
        t("{criterion} {strength} from {source}", criterion=_text(e.get("criterion")),
          strength=t.word(_text(e.get("strength")).replace("_", " ")),
          source=LABELS.get(_text(e.get("source")), _text(e.get("source"))))
        for e in map(_dict, _list(c.get("computational_evidence")))
    ]  # fmt: skip
    if scores and evidence:
        scores_text = t("{scores}; evidence: {evidence}", scores="; ".join(scores), evidence=t.join(evidence))
    elif scores:
        scores_text = "; ".join(scores)
    elif scores_configured:
        scores_text = t("no score for this variant")
    else:
        scores_text = t("not assessed (no score files configured)")
    constraint = _dict(c.get("constraint"))
    constraint_text = t("not assessed")
    if constraint:
        constraint_text = (
            f"pLI {_fmt(constraint.get('pli'), t)}, LOEUF {_fmt(constraint.get('loeuf'), t)}, "
            f"missense Z {_fmt(constraint.get('mis_z'), t)} (gnomAD {_text(constraint.get('version'))})"
            + (f"; {t('intolerant of loss of function')}" if constraint.get("lof_intolerant") else "")
        )
    others = max(len(_list(c.get("transcripts"))) - 1, 0)
    return {
        "scores_text": scores_text,
        "scores_short": "; ".join(scores),
        "constraint_text": constraint_text,
        "transcript_choice": t.word(_text(c.get("transcript_choice"))),
        "other_transcripts": others,
    }


def _clinvar_text(c: dict, t: Translator) -> list[str]:
    """ClinVar lines: the variant's own classification, then pathogenic changes at its codon."""
    lines = []
    own = _dict(c.get("clinvar"))
    if not own and "clinvar_source" in c:
        source = _dict(c.get("clinvar_source"))
        lines.append(t("not in ClinVar (checked: {source})", source=_source_name(source, t)) if source
                     else t("not checked: no ClinVar source (neither a ClinVar store nor the input's own field)"))
    if own and not _text(own.get("id")):  # the input's own annotation: no variation id
        significance = t.word(_text(own.get("significance")).replace("_", " "))
        lines.append(t("{significance} (from the input's own field {field})", significance=significance,
                       field=_text(_dict(own.get("source")).get("name"))))  # fmt: skip
    elif own:
        stars = int(_number(own.get("stars")) or 0)
        conditions = ", ".join(_text(x).replace("_", " ") for x in _list(own.get("conditions")))
        significance = t.word(_text(own.get("significance")).replace("_", " "))
        stars_text = t("{stars} star" if stars == 1 else "{stars} stars", stars=stars)
        lines.append(
            f"{significance} ({stars_text}{', ' + conditions if conditions else ''}; "
            f"{t('variation {id}', id=_text(own.get('id')))})"
        )
    codon = _dict(c.get("clinvar_codon"))
    for kind, label in (("same_amino_acid_change", N_("same amino-acid change")),
                        ("other_change_at_codon", N_("another change at this codon"))):  # fmt: skip
        for hit in _list(codon.get(kind)):
            hit = _dict(hit)
            significance = t.word(_text(hit.get("significance")).replace("_", " "))
            lines.append(f"{t(label)}: {significance} ({t('variation {id}', id=_text(hit.get('id')))})")
    return lines


def _score(value, t: Translator) -> dict:
    number = _number(value)
    return {"text": f"{number:.2f}" if number is not None else t(NOT_AVAILABLE), "sort": number or 0.0}


def _source_name(source: dict, t: Translator) -> str:
    """A source as the report names it: a store's file, or the input's own fields."""
    if source.get("kind") == "input":
        return t("the input's own {fields}", fields=_text(source.get("name")))
    return _text(source.get("name")) or t("the configured file")


def _population_af(c: dict, t: Translator) -> tuple[str, float]:
    """null means the variant is absent from the population sources that cover it, which is evidence, not a gap;
    a candidate no source covers (population_source null) was not assessed."""
    if "population_af" not in c:
        return t(NOT_AVAILABLE), -1.0
    if "population_source" in c and c["population_source"] is None:
        return t("population frequency not assessed"), -1.0
    af = c["population_af"]
    source = _dict(c.get("population_source"))
    if af is None and source.get("kind") == "input":
        return t("not observed in {source}", source=_source_name(source, t)), -1.0
    if af is None:
        return t(NOT_IN_POPULATION), -1.0
    number = _number(af)
    if number is None:
        return _text(af), -1.0
    if number > 0:
        return t("{af} (about 1 in {one_in})", af=f"{number:.3g}", one_in=f"{round(1 / number):,}"), number
    return f"{number:g}", number


def _short_allele(allele: str) -> str:
    # no-break spaces: the label may wrap between position and change, never inside the allele
    return allele if len(allele) <= 12 else f"{allele[:6]}\u2026\u00a0({len(allele)}\u00a0bp)"


def _position(c: dict) -> str:
    chrom, pos = _text(c.get("chrom")), _text(c.get("pos"))
    return f"{chrom}:{pos}" if chrom and pos else chrom or pos


def _variant_label(c: dict, t: Translator) -> str:
    ref, alt = _text(c.get("ref")), _text(c.get("alt"))
    change = f"{_short_allele(ref)}>{_short_allele(alt)}" if ref or alt else ""
    return " ".join(x for x in (_position(c), change) if x) or t(NOT_AVAILABLE)


def _hgvs(c: dict) -> str:
    coding = ":".join(x for x in (_text(c.get("transcript")), _text(c.get("hgvs_c"))) if x)
    protein = _text(c.get("hgvs_p"))
    if coding and protein:
        return f"{coding} ({protein})"
    return coding or protein


def _inheritance(mode, t: Translator) -> str:
    key = _text(mode)
    return t.mode(INHERITANCE_WORDS.get(key.lower(), key.replace("_", " ")))


def _genotype_words(gt: str) -> str:
    """In English; the caller translates."""
    alleles = [a for a in re.split(r"[/|]", gt) if a]
    if not alleles or all(a == "." for a in alleles):
        return N_("no call")
    alt = [a for a in alleles if a not in ("0", ".")]
    if not alt:
        return N_("does not carry the variant")
    if len(alleles) == 1:
        return N_("hemizygous (one copy, carries the variant)")
    if len(alt) == 1:
        return N_("heterozygous (one copy)")
    if len(set(alt)) == 1:
        return N_("homozygous (two copies)")
    return N_("carries two different variant alleles")


def _mito_words(gt: str, level: float | None) -> tuple[str, dict]:
    """An mtDNA call in English (the caller translates): homoplasmic, or heteroplasmic at its level (the alt
    fraction from FORMAT/AF, HF or AD), never copies of a chromosome. Mutect2 writes every call 0/1, so the level
    decides; without one, a hom-alt or haploid call is homoplasmic."""
    words = _genotype_words(gt)
    if words in (N_("no call"), N_("does not carry the variant")):
        return words, {}
    if level is None:
        alleles = [a for a in re.split(r"[/|]", gt) if a]
        uniform = len(set(alleles)) == 1
        return (N_("homoplasmic"), {}) if uniform else (N_("heteroplasmic (level not known)"), {})
    if level >= HOMOPLASMY_MIN:
        return N_("homoplasmic"), {}
    return N_("heteroplasmic ({level})"), {"level": f"{level:.0%}" if level >= 0.01 else f"{level:.1%}"}


def _genotypes(c: dict, samples: list[dict], roles: dict[str, str], t: Translator) -> list[dict]:
    """One row per family member, in pedigree order, plus any genotype for a sample not listed."""
    calls = _dict(c.get("genotypes"))
    ids = [_text(s.get("id")) for s in samples] + [_text(k) for k in calls if _text(k) not in roles]
    sequenced = {_text(s.get("id")): s.get("sequenced") for s in samples}
    mito = bool(is_mito([_text(c.get("chrom"))])[0])
    levels = _dict(c.get("heteroplasmy"))
    rows = []
    for sid in ids:
        fields = {}
        if sid in calls:
            gt = _text(calls[sid])
            words, fields = _mito_words(gt, _number(levels.get(sid))) if mito else (_genotype_words(gt), {})
        else:
            gt = ""
            words = N_("not sequenced") if sequenced.get(sid) is False else N_("no genotype reported")
        rows.append({"sample": sid, "role": t.word(roles.get(sid, "")), "gt": gt, "words": t(words, **fields)})
    return rows


# --- links out -----------------------------------------------------------------------------------


def _omim_url(disease_id) -> str:
    match = re.fullmatch(r"(?:OMIM|MIM):(\d+)", _text(disease_id).strip(), flags=re.IGNORECASE)
    return f"https://omim.org/entry/{match.group(1)}" if match else ""


def _links(c: dict, build: str) -> list[tuple[str, str]]:
    """(label, url) pairs; each input value is URL-quoted so it cannot change the URL's shape."""
    ref = BUILDS.get(build.lower())
    gene = _text(c.get("gene"))
    chrom = re.sub(r"^chr", "", _text(c.get("chrom")), flags=re.IGNORECASE)
    pos = _number(c.get("pos"))
    links = []
    if ref and chrom and pos is not None:
        links += _position_links(ref, chrom, int(pos), _text(c.get("ref")), _text(c.get("alt")))
    if gene:
        term = quote(f"{gene}[gene]", safe="")
        links.append((N_("ClinVar (gene)"), f"https://www.ncbi.nlm.nih.gov/clinvar/?term={term}"))
        links.append(("DECIPHER", f"https://www.deciphergenomics.org/gene/{quote(gene, safe='')}"))
    transcript = _text(c.get("transcript"))
    host = ref["ensembl"] if ref else "www.ensembl.org"
    if transcript.upper().startswith("ENST"):
        query = urlencode({"t": transcript})
        links.append(("Ensembl", f"https://{host}/Homo_sapiens/Transcript/Summary?{query}"))
    elif gene:
        links.append(("Ensembl", f"https://{host}/Homo_sapiens/Gene/Summary?{urlencode({'g': gene})}"))
    return links


def _position_links(ref: dict, chrom: str, pos: int, ref_allele: str, alt: str) -> list[tuple[str, str]]:
    links = []
    if re.fullmatch(r"[ACGTN]+", ref_allele.upper()) and re.fullmatch(r"[ACGTN]+", alt.upper()):
        variant = quote(f"{chrom}-{pos}-{ref_allele}-{alt}", safe="")
        query = urlencode({"dataset": ref["gnomad"]})
        links.append(("gnomAD", f"https://gnomad.broadinstitute.org/variant/{variant}?{query}"))
    clinvar_term = f"{chrom}[Chromosome] AND {pos}[Base Position for Assembly {ref['name']}]"
    clinvar_url = f"https://www.ncbi.nlm.nih.gov/clinvar/?{urlencode({'term': clinvar_term})}"
    links.append((N_("ClinVar (position)"), clinvar_url))
    ucsc_chrom = "chrM" if chrom.upper() in ("M", "MT") else f"chr{chrom}"
    window = f"{ucsc_chrom}:{max(1, pos - 50)}-{pos + max(len(ref_allele), 1) + 50}"
    query = urlencode({"db": ref["ucsc"], "position": window})
    links.append(("UCSC", f"https://genome.ucsc.edu/cgi-bin/hgTracks?{query}"))
    return links
