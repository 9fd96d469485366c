rule frequency:
    priority: CRITICAL_PATH
    input:
        bcf=rules.normalize.output.bcf,
        csi=rules.normalize.output.csi,
        population=optional_resource("population"),
        clinvar=optional_resource("clinvar"),
    output:
        annotated=shard_file(f"{SHARD_WORK}/population.bcf"),
        annotated_csi=shard_file(f"{SHARD_WORK}/population.bcf.csi"),
        rare=shard_file(f"{SHARD_WORK}/rare.bcf"),
        rare_csi=shard_file(f"{SHARD_WORK}/rare.bcf.csi"),
        funnel=f"{SHARD_WORK}/funnel/2_frequency.json",
    params:
        max_af=config["thresholds"]["max_population_af"],
        clinvar=optional_flag("--clinvar", "clinvar"),
        population=optional_flag("--population", "population"),
        annotations=json.dumps(config.get("annotations") or {}, sort_keys=True),
        resources=resource_signatures("population", "clinvar"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/frequency/{{family}}{'.{shard}' if SHARDS > 1 else ''}.log",
    benchmark:
        f"{RESULTS}/benchmarks/frequency/{{family}}{'.{shard}' if SHARDS > 1 else ''}.tsv"
    shell:
        "rarevar frequency --vcf {input.bcf:q} {params.population} --max-af {params.max_af} {params.clinvar}"
        " --annotations {params.annotations:q}"
        " --annotated {output.annotated:q} --rare {output.rare:q} --funnel {output.funnel:q} 2> {log:q}"
