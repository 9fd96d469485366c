rule candidates:
    priority: CRITICAL_PATH
    input:
        bcf=rules.scores.output.bcf,
        constraint=optional_resource("constraint"),
        ped=family_input("ped"),
        genes=optional_resource("genes"),
        reference=optional_resource("reference"),
    output:
        table=f"{WORK}/candidates.parquet",
        modes=f"{WORK}/inheritance.json",
        funnel=f"{WORK}/funnel/4_candidates.json",
    params:
        family=pedigree_family,
        build=config["genome_build"],
        settings=settings_json(),
        source=config["consequence"]["source"],
        constraint=optional_flag("--constraint", "constraint"),
        models=optional_flags("genes", "reference"),
        resources=resource_signatures("constraint", "genes", "reference"),
        inputs=family_signatures("ped"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/candidates/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/candidates/{{family}}.tsv",
    shell:
        "rarevar candidates --vcf {input.bcf:q} --ped {input.ped:q} --family {params.family:q}"
        " {params.models} --build {params.build} --settings {params.settings:q} --source {params.source} {params.constraint}"
        " --out {output.table:q} --modes {output.modes:q} --funnel {output.funnel:q} 2> {log:q}"
