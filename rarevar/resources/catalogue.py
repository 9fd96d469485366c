"""The public resources rarevar can fetch, per genome build: data only, read by `rarevar.resources.download`.

Each entry names one resource; its `url` may hold `{chrom}`, in which case `md5` maps each chromosome to the
checksum the provider publishes for that file and one file per chromosome is fetched. Fields:

    key          name used by `rarevar resources download --only`
    build        GRCh38 or GRCh37: the CATALOGUE key the entry sits under
    kind         reference | genes | population | clinvar | constraint
    url          primary https URL
    mirrors      other URLs serving the same bytes, tried in order when the primary fails
    md5          provider-published md5 (a string, or {chrom: md5} for per-chromosome URLs), else None
    md5_url      a provider checksum file (`md5sum` format) to fetch at download time, else None
    sha256       a sha256 the project has recorded itself, else None
    companions   suffixes of files fetched beside each file (indexes); they carry no published checksum
    version      release recorded in the manifest (None: use the server's Last-Modified date)
    chrom_names  "chr" (chr1..chrY) or "plain" (1..Y): VCF, FASTA and GFF3 must agree, or be renamed
    approx_size  total bytes, rough, for planning disk space (None: not published); the manifest records the exact size
    default      fetched when `--only` is not given (the gnomAD genomes are opt-in: half a terabyte)
    description, license, note

URLs follow the providers' documented layouts as of the releases named here; providers move files, so they are
checked at download time: an HTTP error names the URL, a published checksum is verified, and otherwise the sha256
computed on arrival is recorded in the manifest. Ensembl's CHECKSUMS files use the Unix `sum` algorithm, not md5,
so no checksum is taken from them. gnomAD md5s and sizes are those on the gnomAD downloads page.
"""

from __future__ import annotations

GIB = 1 << 30
CHROMOSOMES = tuple(str(n) for n in range(1, 23)) + ("X", "Y")

GNOMAD_GCS = "https://storage.googleapis.com/gcp-public-data--gnomad"
GNOMAD_AWS = "https://gnomad-public-us-east-1.s3.amazonaws.com"
GNOMAD_LICENSE = "open, no restrictions on publication of results; see https://gnomad.broadinstitute.org/policies"
NCBI_ANALYSIS_SET = "https://ftp.ncbi.nlm.nih.gov/genomes/all/GCA/000/001/405/GCA_000001405.15_GRCh38/seqs_for_alignment_pipelines.ucsc_ids"
NCBI_LICENSE = "public domain (US government work); see https://www.ncbi.nlm.nih.gov/home/about/policies/"
ENSEMBL = "https://ftp.ensembl.org/pub"
ENSEMBL_LICENSE = "no restrictions; see https://www.ensembl.org/info/about/legal/disclaimer.html"
CLINVAR = "https://ftp.ncbi.nlm.nih.gov/pub/clinvar"
CLINVAR_LICENSE = "public domain; see https://www.ncbi.nlm.nih.gov/clinvar/docs/maintenance_use/"
GZIP_FASTA_NOTE = (
    "gzip, not bgzip: decompress (or recompress with bgzip) and index with `samtools faidx` before use as reference"
)

GNOMAD_V41_EXOMES_MD5 = {
    "1": "848be4d85c953bc73a8e4f0c97026a72",
    "2": "e2f5d891a3374e88d1c3136f94bed0ea",
    "3": "a35b949b32453b4b5abd7b1de42e298a",
    "4": "c7c7008a73acbb8fea68b82951842832",
    "5": "c1016f56be62deb2e947fed4d31302dd",
    "6": "f96bc8711ed085d63b8bd5396664adbc",
    "7": "c41cd52571b001cf7d3e388a668e4dff",
    "8": "a47777fe141c01876cb170f2c2f2e6b6",
    "9": "c5abd4d8aff12f2bf8b4ec844769782f",
    "10": "4befc8dc50ead888e8af24f556c9fdd6",
    "11": "3833ce3ab046afe92c9b55df93a61ec8",
    "12": "e530a9ed203cdcc914621ab7430774bb",
    "13": "af1eab40c8be47c8c7c04dc73e0333e4",
    "14": "d0e0fa71d94bf016a061ba4dc0bd869f",
    "15": "01b116e34b3815cfd1d3afa53a29a41b",
    "16": "44137843b2df39c8a654427181bda919",
    "17": "c61978218ab3eaa07b571eb9959f39d2",
    "18": "1ec708d5cae9657ccee0626763ed9946",
    "19": "50a37cfa9a9a3e030388bcf15bdabb79",
    "20": "605680cd99e469bdf5f0045bd22359c9",
    "21": "7ca6d51a42425b857eddb46d7bc5832d",
    "22": "dcf191563e69054a71bd4dc77862799a",
    "X": "5b7b17d3d4cff22c20480a908c861a28",
    "Y": "d500cf5a73c53f02d1b95f1e092f2e49",
}

GNOMAD_V41_GENOMES_MD5 = {
    "1": "328b4578212afec2cde394a1b02d544f",
    "2": "518ca01e6757a68bc0abe76f85af644d",
    "3": "716c181431a3c11a2eb18c5f50a3542d",
    "4": "d9b913f3e30c8f410f9ce7dee5dee6d4",
    "5": "a2a3b9014af5c8f9bbaaf743968e48f8",
    "6": "e65c2aa321c5e272548fb3d901bae382",
    "7": "58ee22cf3dcc8cb8b493d218e19432cc",
    "8": "9854d9df22977cf5bac0f9fc05f4e8f5",
    "9": "6adfc9c47000cf66d1305392051b391d",
    "10": "c2cd760130d2339f7135fc70700db1e1",
    "11": "d1e7a4dcf3ff62eeffca57afefc5a33a",
    "12": "644bdbc5c53d9112edbacad401a28d1a",
    "13": "84b12f299210d2a7e390c56a234b7b68",
    "14": "0e524b414faf5a51b74d153939b3ddcd",
    "15": "00d1386eadbfcb653eb810a6c08ed250",
    "16": "2b106c12ca8cca9bd58e98d2c248ef4d",
    "17": "9d58b459e75312b487c660666ea540c4",
    "18": "b95d30a6f5a45242d834fc7351afd760",
    "19": "73fa1c7c09072e8ca5e26a1443f0af2a",
    "20": "6c6f326c67b288ec99932905da72c1e6",
    "21": "9b6584cfe62f6e8bd0c3cea90a4ce56a",
    "22": "a7bcf712a6b8d29e690468bf1dd8913d",
    "X": "8b91766906865b0795c653af51cb73b8",
    "Y": "1ffb9c683674f41ff7cf524e5bb56bb8",
}

GRCH38 = (
    {
        "key": "reference",
        "kind": "reference",
        "url": f"{NCBI_ANALYSIS_SET}/GCA_000001405.15_GRCh38_no_alt_analysis_set.fna.gz",
        "md5_url": f"{NCBI_ANALYSIS_SET}/md5checksums.txt",
        "version": "GRCh38 no-alt analysis set (GCA_000001405.15)",
        "chrom_names": "chr",
        "approx_size": 1 * GIB,
        "default": True,
        "description": "GRCh38 primary assembly without alt contigs, PAR on chrY and centromeres masked (NCBI "
        "analysis set, UCSC-style names): the usual alignment reference for GRCh38 clinical VCFs",
        "license": NCBI_LICENSE,
        "note": GZIP_FASTA_NOTE,
    },
    {
        "key": "reference_ensembl",
        "kind": "reference",
        "url": f"{ENSEMBL}/release-113/fasta/homo_sapiens/dna/Homo_sapiens.GRCh38.dna.primary_assembly.fa.gz",
        "version": "Ensembl release 113",
        "chrom_names": "plain",
        "approx_size": 1 * GIB,
        "default": False,
        "description": "GRCh38 primary assembly from Ensembl (names 1..22, X, Y, MT): for VCFs with plain names",
        "license": ENSEMBL_LICENSE,
        "note": GZIP_FASTA_NOTE,
    },
    {
        "key": "genes",
        "kind": "genes",
        "url": f"{ENSEMBL}/release-113/gff3/homo_sapiens/Homo_sapiens.GRCh38.113.gff3.gz",
        "version": "Ensembl release 113",
        "chrom_names": "plain",
        "approx_size": None,
        "default": True,
        "description": "Ensembl GRCh38 gene models in GFF3, the format `bcftools csq` reads",
        "license": ENSEMBL_LICENSE,
    },
    {
        "key": "gnomad_exomes",
        "kind": "population",
        "url": f"{GNOMAD_GCS}/release/4.1/vcf/exomes/gnomad.exomes.v4.1.sites.chr{{chrom}}.vcf.bgz",
        "mirrors": (f"{GNOMAD_AWS}/release/4.1/vcf/exomes/gnomad.exomes.v4.1.sites.chr{{chrom}}.vcf.bgz",),
        "md5": GNOMAD_V41_EXOMES_MD5,
        "companions": (".tbi",),
        "version": "gnomAD v4.1",
        "chrom_names": "chr",
        "approx_size": 185 * GIB,
        "default": True,
        "description": "gnomAD v4.1 exome sites VCFs (730,947 exomes), one per chromosome; build the compact "
        "frequency store from them with `rarevar resources build-frequency`",
        "license": GNOMAD_LICENSE,
    },
    {
        "key": "gnomad_genomes",
        "kind": "population",
        "url": f"{GNOMAD_GCS}/release/4.1/vcf/genomes/gnomad.genomes.v4.1.sites.chr{{chrom}}.vcf.bgz",
        "mirrors": (f"{GNOMAD_AWS}/release/4.1/vcf/genomes/gnomad.genomes.v4.1.sites.chr{{chrom}}.vcf.bgz",),
        "md5": GNOMAD_V41_GENOMES_MD5,
        "companions": (".tbi",),
        "version": "gnomAD v4.1",
        "chrom_names": "chr",
        "approx_size": 524 * GIB,
        "default": False,
        "description": "gnomAD v4.1 genome sites VCFs (76,215 genomes), one per chromosome",
        "license": GNOMAD_LICENSE,
    },
    {
        "key": "clinvar",
        "kind": "clinvar",
        "url": f"{CLINVAR}/vcf_GRCh38/clinvar.vcf.gz",
        "md5_url": f"{CLINVAR}/vcf_GRCh38/clinvar.vcf.gz.md5",
        "companions": (".tbi",),
        "version": None,
        "chrom_names": "plain",
        "approx_size": None,
        "default": True,
        "description": "ClinVar variants with clinical assertions, GRCh38 (the rolling latest release; the "
        "manifest records the server's date)",
        "license": CLINVAR_LICENSE,
    },
    {
        "key": "constraint",
        "kind": "constraint",
        "url": f"{GNOMAD_GCS}/release/4.1/constraint/gnomad.v4.1.constraint_metrics.tsv",
        "mirrors": (f"{GNOMAD_AWS}/release/4.1/constraint/gnomad.v4.1.constraint_metrics.tsv",),
        "version": "gnomAD v4.1",
        "chrom_names": None,
        "approx_size": None,
        "default": True,
        "description": "gnomAD v4.1 gene constraint metrics (LOEUF, pLI, missense Z) per transcript",
        "license": GNOMAD_LICENSE,
    },
)

GRCH37 = (
    {
        "key": "reference",
        "kind": "reference",
        "url": f"{ENSEMBL}/grch37/release-87/fasta/homo_sapiens/dna/Homo_sapiens.GRCh37.dna.primary_assembly.fa.gz",
        "version": "Ensembl GRCh37 release 87",
        "chrom_names": "plain",
        "approx_size": 1 * GIB,
        "default": True,
        "description": "GRCh37 primary assembly from Ensembl (names 1..22, X, Y, MT, as in b37 and gnomAD v2)",
        "license": ENSEMBL_LICENSE,
        "note": GZIP_FASTA_NOTE,
    },
    {
        "key": "genes",
        "kind": "genes",
        "url": f"{ENSEMBL}/grch37/release-87/gff3/homo_sapiens/Homo_sapiens.GRCh37.87.gff3.gz",
        "version": "Ensembl GRCh37 release 87",
        "chrom_names": "plain",
        "approx_size": None,
        "default": True,
        "description": "Ensembl GRCh37 gene models in GFF3 (the last GRCh37 gene set), for `bcftools csq`",
        "license": ENSEMBL_LICENSE,
    },
    {
        "key": "gnomad_exomes",
        "kind": "population",
        "url": f"{GNOMAD_GCS}/release/2.1.1/vcf/exomes/gnomad.exomes.r2.1.1.sites.vcf.bgz",
        "mirrors": (f"{GNOMAD_AWS}/release/2.1.1/vcf/exomes/gnomad.exomes.r2.1.1.sites.vcf.bgz",),
        "md5": "f034173bf6e57fbb5e8ce680e95134f2",
        "companions": (".tbi",),
        "version": "gnomAD v2.1.1",
        "chrom_names": "plain",
        "approx_size": int(58.81 * GIB),
        "default": True,
        "description": "gnomAD v2.1.1 exome sites VCF (125,748 exomes), all chromosomes",
        "license": GNOMAD_LICENSE,
    },
    {
        "key": "gnomad_genomes",
        "kind": "population",
        "url": f"{GNOMAD_GCS}/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.vcf.bgz",
        "mirrors": (f"{GNOMAD_AWS}/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.vcf.bgz",),
        "md5": "e6eadf5ac7b2821b40f350da6e1279a2",
        "companions": (".tbi",),
        "version": "gnomAD v2.1.1",
        "chrom_names": "plain",
        "approx_size": int(460.93 * GIB),
        "default": False,
        "description": "gnomAD v2.1.1 genome sites VCF (15,708 genomes), all chromosomes",
        "license": GNOMAD_LICENSE,
    },
    {
        "key": "clinvar",
        "kind": "clinvar",
        "url": f"{CLINVAR}/vcf_GRCh37/clinvar.vcf.gz",
        "md5_url": f"{CLINVAR}/vcf_GRCh37/clinvar.vcf.gz.md5",
        "companions": (".tbi",),
        "version": None,
        "chrom_names": "plain",
        "approx_size": None,
        "default": True,
        "description": "ClinVar variants with clinical assertions, GRCh37 (the rolling latest release; the "
        "manifest records the server's date)",
        "license": CLINVAR_LICENSE,
    },
    {
        "key": "constraint",
        "kind": "constraint",
        "url": f"{GNOMAD_GCS}/release/2.1.1/constraint/gnomad.v2.1.1.lof_metrics.by_gene.txt.bgz",
        "mirrors": (f"{GNOMAD_AWS}/release/2.1.1/constraint/gnomad.v2.1.1.lof_metrics.by_gene.txt.bgz",),
        "version": "gnomAD v2.1.1",
        "chrom_names": None,
        "approx_size": None,
        "default": True,
        "description": "gnomAD v2.1.1 pLoF metrics by gene (LOEUF, pLI)",
        "license": GNOMAD_LICENSE,
    },
)

CATALOGUE = {"GRCh38": GRCH38, "GRCh37": GRCH37}
