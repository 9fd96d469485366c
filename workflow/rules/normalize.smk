rule normalize:
    priority: CRITICAL_PATH
    input:
        vcf=family_input("vcf"),
        reference=optional_resource("reference"),
        clinvar=optional_resource("clinvar"),
    output:
        bcf=shard_file(f"{SHARD_WORK}/normalized.bcf"),
        csi=shard_file(f"{SHARD_WORK}/normalized.bcf.csi"),
        funnel=f"{SHARD_WORK}/funnel/1_normalize.json",
    params:
        samples=family_samples,
        shard=shard_option,
        filters=" ".join(f"--allow-filter {shlex.quote(name)}" for name in config["filters"]["allow"]),
        clinvar=optional_flag("--clinvar", "clinvar"),
        reference=optional_flags("reference"),
        resources=resource_signatures("reference", "clinvar"),
        inputs=family_signatures("vcf"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/normalize/{{family}}{'.{shard}' if SHARDS > 1 else ''}.log",
    benchmark:
        f"{RESULTS}/benchmarks/normalize/{{family}}{'.{shard}' if SHARDS > 1 else ''}.tsv"
    shell:
        "rarevar normalize --vcf {input.vcf:q} --samples {params.samples:q} {params.reference} {params.shard}"
        " {params.filters} {params.clinvar} --out {output.bcf:q} --funnel {output.funnel:q} 2> {log:q}"
