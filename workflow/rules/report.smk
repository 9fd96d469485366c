rule report:
    input:
        json=rules.rank.output.json,
    output:
        html=f"{RESULTS}/{{family}}/report.html",
    conda:
        "../envs/rarevar.yaml"
    log:
        f"{RESULTS}/logs/report/{{family}}.log",
    shell:
        "rarevar report --candidates {input.json:q} --out {output.html:q} 2> {log:q}"
