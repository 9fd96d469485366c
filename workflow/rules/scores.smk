rule scores:
    priority: CRITICAL_PATH
    input:
        bcf=rules.regenotype.output.bcf,
        sources=score_files(),
    output:
        bcf=f"{WORK}/scores.bcf",
        csi=f"{WORK}/scores.bcf.csi",
        summary=f"{WORK}/scores.json",
    params:
        sources=score_sources_json(),
        resources=score_signatures(),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/scores/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/scores/{{family}}.tsv",
    shell:
        "rarevar scores --vcf {input.bcf:q} --sources {params.sources:q} --out {output.bcf:q}"
        " --summary {output.summary:q} 2> {log:q}"
