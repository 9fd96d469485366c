rule consequence:
    priority: CRITICAL_PATH
    input:
        bcf=rare_variants(),
        reference=resource("reference"),
        genes=resource("genes"),
    output:
        bcf=f"{WORK}/consequence.bcf",
        csi=f"{WORK}/consequence.bcf.csi",
        funnel=f"{WORK}/funnel/3_consequence.json",
    params:
        source=config["consequence"]["source"],
        resources=resource_signatures("reference", "genes"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/consequence/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/consequence/{{family}}.tsv",
    shell:
        "rarevar consequence --vcf {input.bcf:q} --reference {input.reference:q} --genes {input.genes:q}"
        " --source {params.source} --out {output.bcf:q} --funnel {output.funnel:q} 2> {log:q}"
