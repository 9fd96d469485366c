"""Reanalysis: what changed between two runs of one family, from small payloads and from two real demo runs."""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pysam
import pytest
import yaml

from rarevar.annotate.clinvar import is_pathogenic
from rarevar.errors import InputError
from rarevar.report.reanalyze import compare, reanalyze, render_html
from rarevar.report.reanalyze_trace import trace
from tests.conftest import DEMO, REPO, demo_row, rarevar, write_config

HOSTILE_GENE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
MULTIPLE = "criteria_provided,_multiple_submitters,_no_conflicts"


def _candidate(rank, gene, chrom, pos, ref="C", alt="T", **extra):
    return {"rank": rank, "gene": gene, "chrom": chrom, "pos": pos, "ref": ref, "alt": alt, "score": 1.0 / rank,
            "phenotype_score": 0.5, "impact": "MODERATE", "population_af": None, **extra}  # fmt: skip


def _clinvar(significance, stars, review="criteria_provided,_single_submitter"):
    return {"id": "800001", "significance": significance, "review_status": review, "stars": stars, "conditions": []}


def _payload(candidates, **changes):
    payload = {
        "family": "FAM1",
        "versions": {"rarevar": "0.1.0", "hpo_ontology": "2025-01-16",
                     "resources": {"clinvar": {"file": "clinvar.bcf", "sha256": "a" * 64}}},
        "settings": {"max_candidates": 50, "max_population_af": 0.01, "keep_impacts": ["HIGH", "MODERATE"]},
        "phenotype": {"observed": [{"id": "HP:0001639", "label": "Hypertrophic cardiomyopathy"}], "excluded": []},
        "funnel": [{"step": "input records", "variants": 100}],
        "candidates": candidates,
    }  # fmt: skip
    payload.update(changes)
    return payload


@pytest.fixture
def runs():
    previous = _payload([
        _candidate(1, "TNNT2", "chr1", 100),
        _candidate(2, "PEX26", "chr22", 97, clinvar=_clinvar("Uncertain_significance", 1)),
        _candidate(3, "XPC", "chr3", 500),
    ])  # fmt: skip
    current = _payload([
        _candidate(1, "PEX26", "22", 97, ref="c", alt="t", clinvar=_clinvar("Pathogenic", 2, MULTIPLE)),
        _candidate(2, "TNNT2", "chr1", 100),
        _candidate(3, "TLR8", "chrX", 42, ref="T", alt="G"),
    ])  # fmt: skip
    current["versions"]["resources"]["clinvar"]["sha256"] = "b" * 64
    current["versions"]["hpo_ontology"] = "2025-11-24"
    return previous, current


def _by_gene(items):
    return {item["gene"]: item for item in items}


def test_new_gone_moved_and_reclassified(runs):
    result = compare(*runs)
    assert [c["gene"] for c in result["new"]] == ["TLR8"]
    assert [c["gene"] for c in result["gone"]] == ["XPC"]
    moved = _by_gene(result["moved"])
    assert (moved["PEX26"]["rank_before"], moved["PEX26"]["rank_after"], moved["PEX26"]["direction"]) == (2, 1, "up")
    assert (moved["TNNT2"]["rank_before"], moved["TNNT2"]["rank_after"], moved["TNNT2"]["direction"]) == (1, 2, "down")
    assert moved["PEX26"]["reasons"] == ["ClinVar Uncertain significance (1 star) -> Pathogenic (2 stars)"]
    assert moved["TNNT2"]["reasons"][0].startswith("its own scores are unchanged")
    # chr22 vs 22 and lower-case alleles are the same variant, so PEX26 is reclassified, not gone + new.
    [change] = result["reclassified"]
    assert change["gene"] == "PEX26" and change["variant"] == {"chrom": "22", "pos": 97, "ref": "C", "alt": "T"}
    assert change["clinvar_before"]["significance"] == "Uncertain_significance"
    assert change["clinvar_before"]["stars"] == 1
    assert change["clinvar_after"] == {"significance": "Pathogenic", "stars": 2, "id": "800001"}
    assert change["direction"] == "now pathogenic"
    assert change["clinvar_text"] == "Uncertain significance (1 star) -> Pathogenic (2 stars)"
    assert result["counts"] == {"new": 1, "gone": 1, "moved": 2, "reclassified": 1, "phenotype_score_changed": 0}
    assert result["unchanged"] == 0


def test_run_changes_name_the_new_clinvar_checksum_and_hpo_release(runs):
    rows = {row["key"]: row for row in compare(*runs)["run_changes"]}
    assert set(rows) == {"resources.clinvar.sha256", "hpo_ontology"}
    assert rows["resources.clinvar.sha256"]["before"] == "a" * 64
    assert rows["resources.clinvar.sha256"]["after"] == "b" * 64
    assert (rows["hpo_ontology"]["before"], rows["hpo_ontology"]["after"]) == ("2025-01-16", "2025-11-24")


def test_identical_runs_show_no_change(runs):
    previous, _ = runs
    result = compare(previous, copy.deepcopy(previous))
    assert result["counts"] == dict.fromkeys(result["counts"], 0)
    assert result["run_changes"] == [] and result["unchanged"] == 3


def test_gone_reasons_from_settings_when_the_run_has_no_work_files(runs):
    previous, current = runs
    previous["candidates"][2]["population_af"] = 0.004  # XPC, gone
    current["settings"]["max_population_af"] = 0.001
    [gone] = compare(previous, current)["gone"]
    assert gone["reasons"] == ["now filtered by population frequency: AF 0.004 is above the limit 0.001 (was 0.01)"]
    current["settings"].update(max_population_af=0.01, max_candidates=2)
    [gone] = compare(previous, current)["gone"]
    assert gone["reasons"][0] == "no longer within the top 2: it was ranked 3 and the limit is now 2 (was 50)"


def test_gone_reason_says_when_the_two_runs_cannot_tell(runs):
    result = compare(*runs)
    for item in result["gone"] + result["new"]:
        assert item["reasons"][0].startswith("not told by the two runs' outputs")
        assert "resources.clinvar.sha256" in item["reasons"][0]  # what did change is named


def test_new_reasons_from_a_raised_frequency_limit_and_clinvar(runs):
    previous, current = runs
    current["candidates"][2].update(population_af=0.0001, population_af_grpmax=0.004,  # TLR8, new
                                    clinvar=_clinvar("Likely_pathogenic", 1))  # fmt: skip
    previous["settings"]["max_population_af"] = 0.001
    [new] = compare(previous, current)["new"]
    assert new["reasons"] == ["ClinVar classifies it Likely pathogenic (1 star)",
                              "its population AF 0.004 was above the previous limit 0.001"]  # fmt: skip


def test_acmg_class_change_and_its_absence(runs):
    previous, current = runs
    assert all("acmg_text" not in c for c in compare(previous, current)["reclassified"])  # future field, absent
    previous["candidates"][0]["acmg"] = {"classification": "Uncertain significance"}
    current["candidates"][1]["acmg"] = {"classification": "Likely pathogenic"}
    tnnt2 = _by_gene(compare(previous, current)["reclassified"])["TNNT2"]
    assert tnnt2["acmg_text"] == "Uncertain significance -> Likely pathogenic" and "clinvar_text" not in tnnt2


def test_phenotype_score_change_and_new_hpo_terms(runs):
    previous, current = runs
    current["candidates"][1]["phenotype_score"] = 0.9  # TNNT2
    current["phenotype"]["observed"].append({"id": "HP:0001645", "label": "Sudden cardiac death"})
    result = compare(previous, current)
    [score] = result["phenotype_score_changed"]
    assert (score["gene"], score["phenotype_score_before"], score["phenotype_score_after"]) == ("TNNT2", 0.5, 0.9)
    assert result["phenotype_changes"] == [
        {"kind": "observed", "change": "added", "id": "HP:0001645", "label": "Sudden cardiac death"}
    ]


def test_different_families_are_refused(runs):
    previous, current = runs
    current["family"] = "FAM2"
    with pytest.raises(InputError, match="different families .'FAM1' and 'FAM2'."):
        compare(previous, current)


def _tags(html: str) -> list[tuple[str, list]]:
    tags = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append((tag, attrs))
    parser.feed(html)
    return tags


def _write_run(folder: Path, payload: dict) -> Path:
    folder.mkdir(parents=True)
    (folder / "candidates.json").write_text(json.dumps(payload))
    return folder


def test_cli_refuses_a_folder_without_candidates_and_other_families(runs, tmp_path):
    previous = _write_run(tmp_path / "results" / "FAM1", runs[0])
    result = rarevar("reanalyze", "--previous", str(tmp_path / "results"), "--current", str(previous),
                     "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.returncode == 2
    assert f"{tmp_path / 'results'}: has no candidates.json (it holds the families FAM1)" in result.stderr
    other = _write_run(tmp_path / "other", {**runs[1], "family": "FAM2"})
    result = rarevar("reanalyze", "--previous", str(previous), "--current", str(other), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "different families ('FAM1' and 'FAM2')" in result.stderr
    assert not (tmp_path / "out").exists()  # nothing written on refusal


def test_reanalysis_page_in_chinese_from_the_command_line(runs, tmp_path):
    previous, current = runs
    current["candidates"][0]["gene"] = HOSTILE_GENE
    a, b = _write_run(tmp_path / "a", previous), _write_run(tmp_path / "b", current)
    result = rarevar("reanalyze", "--previous", str(a), "--current", str(b), "--out", str(tmp_path / "out"),
                     "--language", "zh")  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "reanalysis.html").read_text()
    assert '<html lang="zh-Hans">' in html and "<h2>新增候选变异</h2>" in html and "<h2>排名变动</h2>" in html
    assert "其自身评分未变" in html  # a moved candidate's reason, translated
    assert "TNNT2" in html and "chr1:100" in html  # genes and positions as they are
    assert HOSTILE_GENE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_gene_names_are_escaped_and_the_page_loads_nothing(runs, tmp_path):
    previous, current = runs
    for candidate in previous["candidates"] + current["candidates"]:
        candidate["gene"] = HOSTILE_GENE
    current["versions"]["resources"]["clinvar"]["file"] = HOSTILE_GENE
    result = reanalyze(_write_run(tmp_path / "a", previous), _write_run(tmp_path / "b", current), tmp_path / "out")
    html = (tmp_path / "out" / "reanalysis.html").read_text()
    assert html == render_html(result)
    assert HOSTILE_GENE not in html and "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") >= 4
    tags = _tags(html)
    assert {tag for tag, _ in tags} <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
                                        "p", "span", "br", "ul", "li", "b", "section", "table", "thead", "tbody", "tr",
                                        "th", "td", "footer"}  # fmt: skip
    assert not [name for _, attrs in tags for name, _ in attrs if name in ("src", "href") or name.startswith("on")]
    policy = next(dict(a)["content"] for t, a in tags if t == "meta" and ("http-equiv", "Content-Security-Policy") in a)
    assert policy.startswith("default-src 'none';") and "script-src" not in policy
    assert not re.search(r"https?:|url\(|@import", html)
    assert json.loads((tmp_path / "out" / "reanalysis.json").read_text())["new"][0]["gene"] == HOSTILE_GENE
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["reanalysis.html", "reanalysis.json"]


# --- the reasons a candidate is gone, traced through a real run's stage files -----------------------------------


def _records(path: Path) -> list:
    with pysam.VariantFile(str(path)) as handle:
        return [(r.chrom, r.pos, r.ref, r.alts[0], dict(r.info)) for r in handle]


def test_trace_follows_a_variant_through_the_run(demo_run, tmp_path):
    folder = demo_run / "DEMO1"
    payload = json.loads((folder / "candidates.json").read_text())
    settings = payload["settings"]
    reported = {(c["chrom"], c["pos"], c["ref"], c["alt"]) for c in payload["candidates"]}
    rare = {r[:4] for r in _records(folder / "work" / "rare.bcf")}
    # A variant the family carries that ClinVar calls benign and the population database common.
    chrom, pos, ref, alt, info = next(r for r in _records(folder / "work" / "population.bcf")
                                      if "Benign" in r[4].get("CLINVAR_SIG", ()))  # fmt: skip
    common = {"chrom": chrom, "pos": pos, "ref": ref, "alt": alt}
    reasons = trace(folder, common, settings)
    assert reasons[0].startswith("ClinVar now classifies it Benign (")
    assert reasons[1].startswith(f"now filtered by population frequency: AF {info['POP_AF'][0]:g}")
    assert reasons[1].endswith("above the limit 0.01 and ClinVar no longer calls it pathogenic")
    # Rare, but dropped later: impact, genotype gates or inheritance.
    chrom, pos, ref, alt = sorted(rare - reported)[0]
    assert trace(folder, {"chrom": chrom, "pos": pos, "ref": ref, "alt": alt}, settings) == [
        "in the current run it fails the impact filter, the genotype gates or every inheritance mode"
    ]
    # Still a candidate of the run, so it can only have been outranked.
    assert trace(folder, payload["candidates"][-1], settings) == [
        f"still a candidate, but no longer ranked within the top {settings['max_candidates']}"
    ]
    absent = {"chrom": chrom, "pos": pos, "ref": ref, "alt": "N" * 7}
    assert trace(folder, absent, settings) == [
        "the current run's input does not hold this variant (after splitting and left-alignment)"
    ]
    copied = tmp_path / "DEMO1"
    copied.mkdir()
    shutil.copy(folder / "candidates.json", copied)
    assert trace(copied, common, settings) == []  # results copied without work files: nothing to trace


# --- two real runs of the demo, the second with a ClinVar store that newly calls a candidate pathogenic --------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reclassify(source: Path, out: Path, candidate: dict) -> None:
    """A copy of the demo's ClinVar-format file in which the candidate's own entry now reads Pathogenic, 2 stars."""
    chrom = candidate["chrom"].removeprefix("chr")
    lines = []
    with gzip.open(source, "rt") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#") and (fields[0], int(fields[1]), fields[3], fields[4]) == (
                chrom, candidate["pos"], candidate["ref"], candidate["alt"]
            ):  # fmt: skip
                fields[7] = re.sub(r"CLNSIG=[^;]*", "CLNSIG=Pathogenic", fields[7])
                fields[7] = re.sub(r"CLNREVSTAT=[^;]*", f"CLNREVSTAT={MULTIPLE}", fields[7])
            lines.append("\t".join(fields))
    plain = out.with_suffix("")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    plain.unlink()


def test_demo_reanalysis_shows_a_planted_clinvar_reclassification(demo_run, tmp_path):
    previous_dir = demo_run / "DEMO1"
    previous = json.loads((previous_dir / "candidates.json").read_text())
    # The demo's best-ranked candidate that ClinVar holds as not pathogenic is reclassified Pathogenic.
    held = [c for c in previous["candidates"] if c.get("clinvar")]
    target = next(c for c in held if not is_pathogenic(c["clinvar"]["significance"]))
    resources = tmp_path / "resources"
    shutil.copytree(DEMO, resources)
    _reclassify(DEMO / "clinvar_source.vcf.gz", resources / "clinvar_source.vcf.gz", target)
    built = rarevar("resources", "build-clinvar", "--vcf", str(resources / "clinvar_source.vcf.gz"),
                    "--reference", str(resources / "reference.fa"), "--genes", str(resources / "genes.gff3.gz"),
                    "--out", str(resources / "clinvar.bcf"))  # fmt: skip
    assert built.returncode == 0, built.stderr
    manifest = json.loads((resources / "manifest.json").read_text())
    for entry in manifest["files"]:  # the ClinVar files changed: record their new checksums
        entry["sha256"] = _sha256(resources / entry["name"])
    (resources / "manifest.json").write_text(json.dumps(manifest))
    shipped = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    top = len(previous["candidates"]) - 1  # one candidate fewer reported: it must be listed as gone, with why
    config = write_config(tmp_path, [demo_row()], resources={**shipped["resources"], "dir": str(resources)},
                          thresholds={**shipped["thresholds"], "max_candidates": top})  # fmt: skip
    run = rarevar("run", "--config", str(config), "--cores", "2")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    out = tmp_path / "reanalysis"
    result = rarevar("reanalyze", "--previous", str(previous_dir), "--current", str(tmp_path / "results" / "DEMO1"),
                     "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "reanalysis.json").read_text())
    [change] = [c for c in report["reclassified"] if c["variant"]["pos"] == target["pos"]]
    assert change["gene"] == target["gene"]
    assert change["clinvar_before"]["significance"] == target["clinvar"]["significance"]
    assert change["clinvar_before"]["stars"] == target["clinvar"]["stars"]
    assert change["clinvar_after"]["significance"] == "Pathogenic" and change["clinvar_after"]["stars"] == 2
    assert change["rank_after"] < change["rank_before"]  # a pathogenic classification lifts it
    rows = {row["key"]: row for row in report["run_changes"]}
    assert rows["resources.clinvar.sha256"]["before"] == previous["versions"]["resources"]["clinvar"]["sha256"]
    assert rows["resources.clinvar.sha256"]["after"] == _sha256(resources / "clinvar.bcf")
    assert rows["max_candidates"]["after"] == str(top)
    assert "resources.population.sha256" not in rows  # unchanged resources are not reported
    [gone] = report["gone"]
    assert gone["reasons"] == [f"still a candidate, but no longer ranked within the top {top}"]
    html = (out / "reanalysis.html").read_text()
    section = html[html.index('id="reclassified"') : html.index('id="new"')]
    assert target["gene"] in section and f":{target['pos']} " in section
    assert f"{target['clinvar']['significance'].replace('_', ' ')} ({target['clinvar']['stars']} star" in section
    assert "-&gt; Pathogenic (2 stars)" in section
    assert _sha256(resources / "clinvar.bcf") in html
