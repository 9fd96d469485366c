rule report:
    input:
        json=rules.rank.output.json,
    output:
        html=f"{RESULTS}/{{family}}/report.html",
    log:
        f"{RESULTS}/logs/report/{{family}}.log",
    shell:
        "{RAREVAR} report --candidates {input.json:q} --out {output.html:q} 2> {log:q}"
