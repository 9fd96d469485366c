rule qc:
    priority: QC_PRIORITY
    input:
        bcf=normalized_shards(),
        csi=[f"{path}.csi" for path in normalized_shards()],
        ped=family_input("ped"),
    output:
        json=f"{RESULTS}/{{family}}/qc.json",
    params:
        family=pedigree_family,
        build=config["genome_build"],
        settings=json.dumps({k: v for k, v in config["qc"].items() if k != "stop_on_failure"}, sort_keys=True),
        inputs=family_signatures("ped"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/qc/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/qc/{{family}}.tsv",
    shell:
        "rarevar qc --vcf {input.bcf:q} --ped {input.ped:q} --family {params.family:q} --build {params.build}"
        " --settings {params.settings:q} --out {output.json:q} 2> {log:q}"
