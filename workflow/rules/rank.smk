rule rank:
    priority: CRITICAL_PATH
    input:
        table=rules.candidates.output.table,
        modes=rules.candidates.output.modes,
        annotated=rules.scores.output.bcf,
        scores=rules.scores.output.summary,
        ped=family_input("ped"),
        qc=rules.qc.output.json,
        funnel=[
            FUNNEL_NORMALIZE,
            FUNNEL_FREQUENCY,
            *cohort_funnel(),
            rules.consequence.output.funnel,
            rules.regenotype.output.funnel,
            rules.candidates.output.funnel,
        ],
    output:
        json=f"{RESULTS}/{{family}}/candidates.json",
        tsv=f"{RESULTS}/{{family}}/candidates.tsv",
        vcf=f"{RESULTS}/{{family}}/candidates.vcf.gz",
        tbi=f"{RESULTS}/{{family}}/candidates.vcf.gz.tbi",
    params:
        family=pedigree_family,
        hpo=family_input("hpo"),
        settings=settings_json(),
        resources=resources_json(),
        inputs=family_signatures("ped", "hpo"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/rank/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/rank/{{family}}.tsv",
    shell:
        "rarevar rank --candidates {input.table:q} --modes {input.modes:q} --annotated {input.annotated:q}"
        " --family {wildcards.family:q} --ped-family {params.family:q} --ped {input.ped:q} --hpo {params.hpo:q} --qc {input.qc:q} --scores {input.scores:q} --settings {params.settings:q}"
        " --resources {params.resources:q} --funnel {input.funnel:q} --out-json {output.json:q}"
        " --out-tsv {output.tsv:q} --out-vcf {output.vcf:q} 2> {log:q}"
