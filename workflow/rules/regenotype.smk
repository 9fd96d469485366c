rule regenotype:
    priority: CRITICAL_PATH
    input:
        bcf=rules.consequence.output.bcf,
        gvcfs=family_gvcfs,
    output:
        bcf=f"{WORK}/regenotype.bcf",
        csi=f"{WORK}/regenotype.bcf.csi",
        summary=f"{WORK}/regenotype.json",
        funnel=f"{WORK}/funnel/3b_regenotype.json",
    params:
        inputs=family_signatures("gvcf"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/regenotype/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/regenotype/{{family}}.tsv",
    shell:
        "rarevar regenotype --vcf {input.bcf:q} --gvcf {input.gvcfs:q} --out {output.bcf:q}"
        " --summary {output.summary:q} --funnel {output.funnel:q} 2> {log:q}"
