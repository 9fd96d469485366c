rule normalize:
    priority: CRITICAL_PATH
    input:
        vcf=family_input("vcf"),
        reference=resource("reference"),
    output:
        bcf=shard_file(f"{SHARD_WORK}/normalized.bcf"),
        csi=shard_file(f"{SHARD_WORK}/normalized.bcf.csi"),
        funnel=f"{SHARD_WORK}/funnel/1_normalize.json",
    params:
        samples=family_samples,
        shard=shard_option,
        resources=resource_signatures("reference"),
        inputs=family_signatures("vcf"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/normalize/{{family}}{'.{shard}' if SHARDS > 1 else ''}.log",
    benchmark:
        f"{RESULTS}/benchmarks/normalize/{{family}}{'.{shard}' if SHARDS > 1 else ''}.tsv"
    shell:
        "rarevar normalize --vcf {input.vcf:q} --samples {params.samples:q} --reference {input.reference:q} {params.shard}"
        " --out {output.bcf:q} --funnel {output.funnel:q} 2> {log:q}"
