rule consequence:
    priority: CRITICAL_PATH
    input:
        bcf=rare_variants(),
        reference=optional_resource("reference"),
        genes=optional_resource("genes"),
    output:
        bcf=f"{WORK}/consequence.bcf",
        csi=f"{WORK}/consequence.bcf.csi",
        funnel=f"{WORK}/funnel/3_consequence.json",
    params:
        source=config["consequence"]["source"],
        models=optional_flags("reference", "genes"),
        resources=resource_signatures("reference", "genes"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/consequence/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/consequence/{{family}}.tsv",
    shell:
        "rarevar consequence --vcf {input.bcf:q} {params.models}"
        " --source {params.source} --out {output.bcf:q} --funnel {output.funnel:q} 2> {log:q}"
