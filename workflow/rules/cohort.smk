# The local cohort (a lab's own database of processed families): counts joined to the rare survivors and a
# recurrence filter; and, with cohort.update, the family added once its results are final.
if config.get("cohort"):

    rule cohort_annotate:
        input:
            bcf=RARE,
        output:
            annotated=f"{WORK}/cohort.bcf",
            annotated_csi=f"{WORK}/cohort.bcf.csi",
            rare=f"{WORK}/cohort_rare.bcf",
            rare_csi=f"{WORK}/cohort_rare.bcf.csi",
            funnel=f"{WORK}/funnel/2_cohort.json",
        params:
            db=config["cohort"]["db"],
            exclude=cohort_exclude,
            limits=cohort_limits(),
        conda:
            "../envs/rarevar.yaml"
        log:
            f"{RESULTS}/logs/cohort_annotate/{{family}}.log",
        benchmark:
            f"{RESULTS}/benchmarks/cohort_annotate/{{family}}.tsv",
        shell:
            "rarevar cohort-annotate --vcf {input.bcf:q} --db {params.db:q} --exclude {params.exclude:q} {params.limits}"
            " --annotated {output.annotated:q} --out {output.rare:q} --funnel {output.funnel:q} 2> {log:q}"

    rule cohort_update:
        input:
            bcf=NORMALIZED,
            ped=family_input("ped"),
            final=f"{RESULTS}/{{family}}/candidates.json",
        output:
            summary=f"{WORK}/cohort_update.json",
        params:
            db=config["cohort"]["db"],
            build=config["genome_build"],
            min_gq=config["cohort"]["min_gq"],
        conda:
            "../envs/rarevar.yaml"
        log:
            f"{RESULTS}/logs/cohort_update/{{family}}.log",
        benchmark:
            f"{RESULTS}/benchmarks/cohort_update/{{family}}.tsv",
        shell:
            "rarevar cohort add --db {params.db:q} --vcf {input.bcf:q} --ped {input.ped:q} --family {wildcards.family:q}"
            " --build {params.build} --min-gq {params.min_gq} --summary {output.summary:q} > {log:q} 2>&1"
