rule report:
    input:
        json=rules.rank.output.json,
        hpo_labels=optional_resource("hpo_labels"),
    output:
        html=f"{RESULTS}/{{family}}/report.html",
        xlsx=f"{RESULTS}/{{family}}/candidates.xlsx",
        phenopacket=f"{RESULTS}/{{family}}/phenopacket.json",
    params:
        language=config["report"]["language"],
        hpo_labels=optional_flag("--hpo-labels", "hpo_labels"),
        resources=resource_signatures("hpo_labels"),
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/report/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/report/{{family}}.tsv",
    shell:
        "rarevar report --candidates {input.json:q} --out {output.html:q} --xlsx {output.xlsx:q}"
        " --phenopacket {output.phenopacket:q} --language {params.language:q} {params.hpo_labels} 2> {log:q}"


rule pdf:
    input:
        html=rules.report.output.html,
    output:
        pdf=f"{RESULTS}/{{family}}/report.pdf",
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/pdf/{{family}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/pdf/{{family}}.tsv",
    shell:
        "rarevar pdf --html {input.html:q} --out {output.pdf:q} 2> {log:q}"


rule summary:
    input:
        json=expand(rules.rank.output.json, family=sorted(FAMILIES)),
        html=expand(rules.report.output.html, family=sorted(FAMILIES)),
    output:
        html=f"{RESULTS}/summary.html",
    params:
        results=lambda wildcards, output: os.path.dirname(output.html),
        language=config["report"]["language"],
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/summary/summary.log",
    benchmark:
        f"{RESULTS}/benchmarks/summary/summary.tsv",
    shell:
        "rarevar summary --candidates {input.json:q} --results {params.results:q} --out {output.html:q}"
        " --language {params.language:q} 2> {log:q}"
