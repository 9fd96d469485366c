rule normalize:
    input:
        vcf=family_input("vcf"),
        reference=resource("reference"),
    output:
        bcf=f"{WORK}/normalized.bcf",
        csi=f"{WORK}/normalized.bcf.csi",
        funnel=f"{WORK}/funnel/1_normalize.json",
    params:
        samples=family_samples,
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/normalize/{{family}}.log",
    shell:
        "rarevar normalize --vcf {input.vcf:q} --samples {params.samples:q} --reference {input.reference:q}"
        " --out {output.bcf:q} --funnel {output.funnel:q} 2> {log:q}"
