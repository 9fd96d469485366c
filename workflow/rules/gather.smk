# A family's whole-genome shards joined. On the critical path only what the later stages read: the rare records
# and the funnel steps. The normalised and annotated genome (for the cohort database and reanalysis) are joined
# beside it; QC reads the normalised shards themselves.
if SHARDS > 1:

    rule gather:
        priority: CRITICAL_PATH
        input:
            rare=shard_files("rare.bcf"),
            rare_csi=shard_files("rare.bcf.csi"),
            normalize_funnel=shard_files("funnel/1_normalize.json"),
            frequency_funnel=shard_files("funnel/2_frequency.json"),
        output:
            rare=RARE,
            rare_csi=f"{RARE}.csi",
            normalize_funnel=FUNNEL_NORMALIZE,
            frequency_funnel=FUNNEL_FREQUENCY,
        conda:
            "../envs/rarevar.yaml"
        log:
            f"{RESULTS}/logs/gather/{{family}}.log",
        benchmark:
            f"{RESULTS}/benchmarks/gather/{{family}}.tsv"
        shell:
            "rarevar gather --bcf {output.rare:q} {input.rare:q} --funnel {output.normalize_funnel:q} {input.normalize_funnel:q}"
            " --funnel {output.frequency_funnel:q} {input.frequency_funnel:q} 2> {log:q}"

    rule gather_genome:
        input:
            normalized=shard_files("normalized.bcf"),
            normalized_csi=shard_files("normalized.bcf.csi"),
            annotated=shard_files("population.bcf"),
            annotated_csi=shard_files("population.bcf.csi"),
        output:
            normalized=NORMALIZED,
            normalized_csi=f"{NORMALIZED}.csi",
            annotated=f"{WORK}/population.bcf",
            annotated_csi=f"{WORK}/population.bcf.csi",
        conda:
            "../envs/rarevar.yaml"
        log:
            f"{RESULTS}/logs/gather_genome/{{family}}.log",
        benchmark:
            f"{RESULTS}/benchmarks/gather_genome/{{family}}.tsv"
        shell:
            "rarevar gather --bcf {output.normalized:q} {input.normalized:q} --bcf {output.annotated:q} {input.annotated:q}"
            " 2> {log:q}"
