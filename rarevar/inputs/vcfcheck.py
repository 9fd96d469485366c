"""Checks on a VCF before any work: readable, genotyped, the right samples, the configured reference."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pysam

from rarevar.base.bcftools import BcftoolsError, bcftools
from rarevar.base.genome import strip_chr
from rarevar.base.text_input import BOM
from rarevar.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

VCF_SUFFIXES = (".vcf", ".vcf.gz", ".vcf.bgz", ".bcf")


def _is_plain_gzip(path: Path) -> bool:
    # BGZF is gzip with an extra field tagged 'BC' in every block header; plain gzip has none (flag bit 2 unset).
    with open(path, "rb") as handle:
        head = handle.read(16)
    return head[:2] == b"\x1f\x8b" and not (head[3] & 4 and head[12:14] == b"BC")


def open_vcf(path: str | Path) -> pysam.VariantFile:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "VCF does not exist", "Check the `vcf` path in the families sheet")
    if path.stat().st_size == 0:
        raise InputError(path, "VCF is an empty (0-byte) file", "Re-export the VCF")
    if not path.name.endswith(VCF_SUFFIXES):
        raise InputError(path, "is not named like a VCF", f"Give a file ending in {', '.join(VCF_SUFFIXES)}")
    if _is_plain_gzip(path):
        raise InputError(
            path, "is compressed with plain gzip, not bgzip (htslib needs BGZF blocks)",
            f"Recompress it: gzip -dc {path} | bgzip -c > fixed.vcf.gz",
        )  # fmt: skip
    check_header_text(path)
    previous = pysam.set_verbosity(0)  # htslib's own messages would bury ours
    try:
        return pysam.VariantFile(str(path))
    except (OSError, ValueError) as error:
        reason = str(error)
        if "does not have valid header" in reason:
            reason = _header_problem(path) or "no valid VCF header: is the #CHROM line missing?"
        fix = "Re-copy or re-export the file" if "truncated" in reason else "Fix the header or re-export the VCF"
        raise InputError(path, f"cannot be read as VCF/BCF ({reason})", fix) from None
    finally:
        pysam.set_verbosity(previous)


def _header_lines(path: Path):
    """The raw header lines of a text VCF (plain or BGZF), as bytes, numbered from 1; nothing for a BCF."""
    import gzip

    with open(path, "rb") as raw:
        opener = gzip.open if raw.read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        if handle.read(3) == b"BCF":
            return
        handle.seek(0)
        for number, line in enumerate(handle, start=1):
            if not line.startswith(b"#") and not (number == 1 and line.startswith(BOM)):
                return
            yield number, line


def check_header_text(path: Path) -> None:
    """What htslib reads without a word or refuses with a vague one ("no valid header"): a byte-order mark, header
    bytes that are not UTF-8 (Python would fail on them later), no ##fileformat first line, a header line with a
    single '#', and an empty, repeated or comma-holding sample name in the #CHROM line. Text VCFs only (a BCF's
    header was written by htslib)."""
    try:
        for number, line in _header_lines(path):
            where = f"header line {number}"
            if number == 1 and line.startswith(BOM):
                raise InputError(path, "starts with a UTF-8 byte-order mark (bytes EF BB BF) before ##fileformat",
                                 "Save it without the byte-order mark (e.g. sed '1s/^\\xEF\\xBB\\xBF//'), then "
                                 "bgzip it again", "line 1")  # fmt: skip
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as error:
                bad = line[max(0, error.start - 10): error.end + 10]
                raise InputError(path, f"holds bytes that are not UTF-8 ({bad!r})",
                                 "Convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8), then bgzip it again",
                                 where) from None  # fmt: skip
            if number == 1 and not text.startswith("##fileformat=VCF"):
                raise InputError(path, f"the first line is not ##fileformat=VCFv4.x but {text.strip()[:40]!r}",
                                 "Start the file with its ##fileformat=VCFv4.2 line (re-export it)", where)  # fmt: skip
            if text.startswith("#CHROM"):
                line_end = text.rstrip("\r\n")
                if line_end == line_end.rstrip():  # trailing whitespace: htslib's refusal is explained later
                    _check_sample_names(path, line_end.split("\t")[9:], where)
            elif not text.startswith("##"):
                raise InputError(path, f"a header line starts with a single '#' ({text.strip()[:40]!r}): only "
                                 "##key=value lines may come before #CHROM", "Remove it or write it as ##key=value",
                                 where)  # fmt: skip
    except (OSError, EOFError):
        return  # a damaged file: htslib's own error names it when it is opened


def _check_sample_names(path: Path, samples: list[str], where: str) -> None:
    seen: set[str] = set()
    for sample in samples:
        if not sample.strip():
            raise InputError(path, "the #CHROM line has an empty sample name (two tabs in a row?)",
                             "Give every sample column a name (bcftools reheader -s)", where)  # fmt: skip
        if sample in seen:
            raise InputError(path, f"sample {sample!r} is named twice in the #CHROM line",
                             "Give each sample its own id (bcftools reheader -s), as in the PED", where)  # fmt: skip
        if "," in sample:
            raise InputError(path, f"sample id {sample!r} holds a comma, which bcftools reads as a list of samples",
                             "Rename it without a comma (bcftools reheader -s) and in the PED", where)  # fmt: skip
        seen.add(sample)


def _header_problem(path: Path) -> str | None:
    """Say what is wrong with a #CHROM line htslib refused (it only says the header is invalid)."""
    try:
        for number, line in _header_lines(path):
            if line.startswith(b"#CHROM"):
                text = line.decode("utf-8", errors="replace").rstrip("\n").rstrip("\r")
                if text != text.rstrip():
                    return f"the #CHROM header line (line {number}) ends in whitespace (a trailing tab?)"
                if " " in text and "\t" not in text:
                    return f"the #CHROM header line (line {number}) is separated by spaces, not tabs"
                return None
    except (OSError, EOFError):
        return None
    return "no #CHROM header line before the first record"


def scan_records(path: str | Path, reference: Path | None = None, source: str = "auto",
                 samples: list[str] | None = None) -> int:  # fmt: skip
    """Read every record once: unparsable lines, a truncated end, unsorted or duplicated records, alleles that are
    not DNA, POS 0 or past the contig's end, contigs missing from the header or the reference, genotypes of more
    than two alleles or naming an allele the record lacks, INFO/FORMAT keys the header does not declare, and
    VEP/snpEff entries whose field count differs from their header's stop here, named by record number and
    position, instead of failing (or silently misbehaving) in a later stage.
    CHROM/POS/REF/ALT are read by htslib into Arrow and checked as arrays (a genome in seconds); the genotypes
    and INFO, slower to decode, are filtered by htslib in a parallel process that prints only suspect records.
    A file htslib cannot read through is read again record by record, to name the record that fails.
    `reference`: its .fai gives the contigs and their lengths; `source`: consequence.source of the config;
    `samples`: the family's samples, whose genotypes are checked (None: all)."""
    import pyarrow as pa  # slow to import: only where a whole file is read
    import pyarrow.compute as pc

    from rarevar.base.bcftools import query_table

    path = Path(path)
    with open_vcf(path) as vcf:  # quietly: htslib's header warnings were told (or not worth telling) already
        header_contigs = set(vcf.header.contigs)
        annotation = _declared_annotation(path, vcf.header, source)
    lengths = read_fai(reference) if reference is not None else None
    with SamplePass(path, annotation, samples) as sample_pass:
        previous = pysam.set_verbosity(0)  # htslib's own messages would bury ours
        try:
            table = query_table(str(path), "%CHROM\t%POS\t%REF\t%ALT\n", ["chrom", "pos", "ref", "alt"],
                                {"chrom": pa.string(), "pos": pa.int64(), "ref": pa.string(), "alt": pa.string()})
        except (BcftoolsError, pa.ArrowInvalid):
            return _scan_one_by_one(path)
        finally:
            pysam.set_verbosity(previous)
        contigs = pc.dictionary_encode(table["chrom"]).combine_chunks()  # one code per contig, shared below
        first_bad = _first_out_of_order(table, contigs)
        if first_bad is not None:
            here, last = _record_at(table, first_bad), _record_at(table, first_bad - 1)
            earlier = set(table["chrom"].slice(0, first_bad).to_pylist()) - {last[0]}
            _check_order(path, first_bad + 1, here, last, earlier)
        _check_contigs_used(path, table, contigs.dictionary.to_pylist(), header_contigs, lengths)
        _check_alleles(path, table)
        if lengths is not None:
            _check_positions(path, table, contigs, lengths)
        sample_pass.check(table)
    return table.num_rows


def _where(table: pa.Table, row: int) -> str:
    return f"record {row + 1} ({table['chrom'][row].as_py()}:{table['pos'][row].as_py()})"


def _check_contigs_used(path: Path, table: pa.Table, used: list[str], header: set[str],
                        lengths: dict[str, int] | None) -> None:  # fmt: skip
    """Every contig a record names is declared in the header (htslib would add it on the fly, and a BCF written
    from it may not be readable) and is in the reference (normalisation reads its sequence)."""
    import pyarrow.compute as pc

    for contig in used:
        problem = fix = None
        if lengths is not None and contig not in lengths:
            problem = f"contig {contig!r} is not in the reference ({len(lengths)} contigs)"
            fix = "Remove its records (bcftools view -t ^NAME) or use the reference the VCF was called on"
        elif contig not in header:
            problem = f"contig {contig!r} is used by records but not declared in the header (no ##contig line)"
            fix = "Add the contig lines from the reference: bcftools reheader --fai <reference>.fai"
        if problem:
            row = pc.index(table["chrom"], contig).as_py()
            raise InputError(path, problem, fix, _where(table, row))


# REF: the bases A, C, G, T (N is refused: normalisation cannot check it against the reference). ALT: a list of
# bases or '*', or '.'; symbolic alleles (<DEL>) are removed first, and breakends ('[', ']', or a '.' beside the
# bases) are not checked. Each column is first checked byte by byte as one array, then by regular expression only
# where a byte outside the plain bases occurs (symbolic alleles, breakends, or a problem).
REF_BYTES = b"ACGTacgt"
ALT_BYTES = b"ACGTacgt,*."
ALT_ALLELE = r"(\*|[ACGTacgt]*)"
ALT_LETTERS = rf"^(\.|{ALT_ALLELE}(,{ALT_ALLELE})*)$"
BREAKEND = r"[\[\]]|^\.[ACGTNacgtn]+$|^[ACGTNacgtn]+\.$"
IUPAC = set("RYSWKMBDHVNrysw kmbdhvn".replace(" ", ""))


def rows_with_other_bytes(column: pa.ChunkedArray, allowed: bytes) -> np.ndarray:
    """Rows of a string column holding a byte outside `allowed` (or empty), found on the column's data buffer."""
    permitted = np.zeros(256, dtype=bool)
    permitted[list(allowed)] = True
    rows, first_row = [], 0
    for chunk in column.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset: chunk.offset + len(chunk) + 1]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8) if len(chunk) else np.zeros(0, np.uint8)
        bad_bytes = np.flatnonzero(~permitted[data[offsets[0]: offsets[-1]]]) + offsets[0]
        bad = np.searchsorted(offsets, bad_bytes, side="right") - 1
        rows.append(np.union1d(bad, np.flatnonzero(np.diff(offsets) == 0)) + first_row)
        first_row += len(chunk)
    return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)


def _check_alleles(path: Path, table: pa.Table) -> None:
    import pyarrow.compute as pc

    ref_bad = rows_with_other_bytes(table["ref"], REF_BYTES)
    suspect = rows_with_other_bytes(table["alt"], ALT_BYTES)
    alt_bad = suspect[:0]
    if len(suspect):
        alt = table["alt"].take(suspect)
        letters = pc.match_substring_regex(pc.replace_substring_regex(alt, r"<[^<>]*>", ""), ALT_LETTERS)
        ok = pc.or_(letters, pc.match_substring_regex(alt, BREAKEND)).to_numpy(zero_copy_only=False)
        alt_bad = suspect[~ok]
    if not len(ref_bad) and not len(alt_bad):
        return
    row = int(min(ref_bad[:1].tolist() + alt_bad[:1].tolist()))
    ref, alt = table["ref"][row].as_py(), table["alt"][row].as_py()
    if row in ref_bad[:1]:
        what = _letters_problem("REF", ref)
        fix = "Set REF from the reference (bcftools norm -c s -f <reference>), or remove the record"
    else:
        what = _letters_problem("ALT", alt)
        fix = "Correct or remove the record: rarevar assesses alleles of the bases A, C, G and T only"
    raise InputError(path, what, fix, _where(table, row))


def _letters_problem(column: str, allele: str) -> str:
    letters = sorted({c for c in allele if c not in "ACGTacgt,*.<>"})
    if not allele:
        return f"{column} is empty"
    if letters and all(c in IUPAC for c in letters):
        unknown = " (an unknown base)" if {c.upper() for c in letters} == {"N"} else ""
        codes = ", ".join(repr(c) for c in letters)
        plural = "s" if len(letters) > 1 else ""
        return f"{column} {allele[:50]!r} holds the IUPAC code{plural} {codes}{unknown}, not a base"
    return f"{column} {allele[:50]!r} is not a DNA allele (characters {''.join(letters)[:20]!r})"


def _check_positions(path: Path, table: pa.Table, chrom: pa.DictionaryArray, lengths: dict[str, int]) -> None:
    """POS 0 (htslib reads it, the reference has no base 0) or a REF reaching past the contig's end."""
    import pyarrow.compute as pc

    contig_length = np.array([lengths.get(c, np.iinfo(np.int64).max) for c in chrom.dictionary.to_pylist()],
                             dtype=np.int64)  # fmt: skip
    length = contig_length[chrom.indices.to_numpy(zero_copy_only=False)] if len(contig_length) else np.zeros(0)
    pos = table["pos"].to_numpy()
    end = pos + pc.utf8_length(table["ref"]).to_numpy(zero_copy_only=False) - 1
    bad = np.flatnonzero((pos < 1) | (end > length))
    if not len(bad):
        return
    row = int(bad[0])
    contig = table["chrom"][row].as_py()
    if pos[row] < 1:
        problem = f"POS is {pos[row]}: positions count from 1"
    else:
        problem = (f"the record reaches position {end[row]:,}, past the end of {contig} ({lengths[contig]:,} bp "
                   "in the reference)")  # fmt: skip
    raise InputError(path, problem, "Correct or remove the record, or use the reference the VCF was called on",
                     _where(table, row))  # fmt: skip


def _row_of(table: pa.Table, chrom: str, pos: int, alt: str | None = None) -> int:
    """The first record at CHROM:POS (with this ALT, when one is), to name it by number."""
    import pyarrow.compute as pc

    at = pc.and_(pc.equal(table["chrom"], chrom), pc.equal(table["pos"], pos))
    if alt is not None:
        same_alt = pc.and_(at, pc.equal(table["alt"], alt))
        at = same_alt if pc.any(same_alt).as_py() else at
    rows = np.flatnonzero(at.combine_chunks().to_numpy(zero_copy_only=False))
    return int(rows[0]) if len(rows) else -1


HTSLIB_ERROR = re.compile(r"\[E::[^\]]*\] (.*?) at (\S+):(\d+)")
UNDECLARED = re.compile(r"(INFO|FORMAT) '([^']*)' at (\S+):(\d+) is not defined in the header")


class SamplePass:
    """The genotype and INFO checks, run by htslib in a forked process while the main scan reads positions:
    decoding every sample's FORMAT costs about as much again as the positions, and prints only suspect records.
    htslib's warnings (kept at warning level there) name INFO/FORMAT keys the header does not declare."""

    def __init__(self, path: Path, annotation: tuple[str, int] | None, samples: list[str] | None):
        self.path, self.annotation, self.samples = path, annotation, samples
        self.pid: int | None = None

    def __enter__(self) -> SamplePass:
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="rarevar-scan-"))
        self.pid = os.fork()
        if self.pid == 0:
            self._child()
        return self

    def _child(self) -> None:
        code = 1
        try:
            os.dup2(os.open(self.folder / "stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
            pysam.set_verbosity(3)
            subset = ("-s", ",".join(self.samples)) if self.samples is not None else ()
            # every record's genotypes, one column (the family has few distinct ones: decoded once each)
            (self.folder / "genotypes").touch()
            if self.samples != []:
                bcftools("query", *subset, "-f", "[%GT,]\n", "-o", str(self.folder / "genotypes"), str(self.path))
            if self.annotation:
                bcftools("query", "-i", _wrong_field_count(*self.annotation), "-f", "%CHROM\t%POS\t%ALT\n",
                         "-o", str(self.folder / "annotation"), str(self.path))  # fmt: skip
            code = 0
        except BaseException as error:  # noqa: BLE001 - a forked child must never return into the caller
            (self.folder / "error").write_text(str(error)[-500:], encoding="utf-8", errors="replace")
        finally:
            os._exit(code)

    def __exit__(self, *exc) -> None:
        import shutil

        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def check(self, table: pa.Table) -> None:
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        warnings = (self.folder / "stderr").read_text(encoding="utf-8", errors="replace")
        for kind, key, chrom, pos in UNDECLARED.findall(warnings):
            where = _where(table, _row_of(table, chrom, int(pos)))
            if ";" not in key and kind == "INFO" and not key[:1].isalpha():
                problem = f"INFO holds a key {key!r} not declared in the header (a raw ';' inside a value?)"
            else:
                problem = f"{kind} key {key!r} is not declared in the header (htslib would drop or mistype it)"
            raise InputError(self.path, problem, f"Declare it with a ##{kind}=<ID={key},...> header line, or remove "
                             "it (bcftools annotate -x); a ';' inside a value must be written %3B", where)  # fmt: skip
        if status != 0:
            # htslib names the field and the record it could not parse ("... FORMAT field at chr1:365")
            located = HTSLIB_ERROR.findall(warnings)
            if located:
                problem, chrom, pos = located[-1]
                raise InputError(self.path, f"a genotype (FORMAT) or INFO field cannot be read: {problem}",
                                 "Correct or remove the record", _where(table, _row_of(table, chrom, int(pos))))
            reason = (self.folder / "error").read_text(encoding="utf-8") if (self.folder / "error").exists() else ""
            raise InputError(self.path, f"genotype or INFO fields cannot be read ({reason.strip()[-300:]})",
                             "Fix or re-export the VCF")  # fmt: skip
        self._check_genotypes(table)
        self._check_annotation(table)

    def _check_genotypes(self, table: pa.Table) -> None:
        """A genotype of more than two alleles, or naming an allele the record lacks: decoded once per distinct
        row of genotypes, compared with each record's ALT count as arrays."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv

        path = self.folder / "genotypes"
        if not path.stat().st_size:  # no records, or no sample to check
            return
        calls = pacsv.read_csv(path, read_options=pacsv.ReadOptions(column_names=["gt"], block_size=1 << 24),
                               parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
                               convert_options=pacsv.ConvertOptions(column_types={"gt": pa.string()},
                                                                    strings_can_be_null=False))["gt"]  # fmt: skip
        encoded = pc.dictionary_encode(calls).combine_chunks()
        rows = encoded.dictionary.to_pylist()
        ploidy = np.array([max(len(re.split(r"[/|]", gt)) for gt in row.rstrip(",").split(",")) for row in rows])
        highest = np.array([max((int(a) for a in re.split(r"[/,|]", row) if a.isdigit()), default=0) for row in rows])
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        if len(codes) != table.num_rows:  # both reads are of every record: a difference is a damaged file
            raise InputError(self.path, f"its genotypes were read for {len(codes)} records, its positions for "
                             f"{table.num_rows}", "Re-export the VCF")  # fmt: skip
        alt = table["alt"]
        n_alt = pc.add(pc.count_substring(alt, ","), 1).to_numpy(zero_copy_only=False)
        n_alt = np.where(pc.equal(alt, ".").to_numpy(zero_copy_only=False), 0, n_alt)
        bad = np.flatnonzero((ploidy[codes] > 2) | (highest[codes] > n_alt))
        if not len(bad):
            return
        row = int(bad[0])
        samples = self.samples if self.samples is not None else []
        for index, gt in enumerate(rows[codes[row]].rstrip(",").split(",")):
            problem = _genotype_problem(gt, int(n_alt[row]))
            if problem:
                sample = f"sample {samples[index]!r}: " if index < len(samples) else ""
                raise InputError(self.path, f"{sample}{problem}", GENOTYPE_FIX, _where(table, row))

    def _check_annotation(self, table: pa.Table) -> None:
        if not self.annotation:
            return
        with open(self.folder / "annotation", encoding="utf-8", errors="replace") as handle:
            line = handle.readline()
        if line:
            key, fields = self.annotation
            chrom, pos, alt = line.rstrip("\n").split("\t")
            raise InputError(
                self.path,
                f"one {key} entry has a different number of '|'-separated values than the {fields} fields its "
                f"##INFO=<ID={key}> header line declares (the columns would shift: a gene read as an impact)",
                f"Re-annotate the VCF, or give the {key} header line the field list the annotator wrote",
                _where(table, _row_of(table, chrom, int(pos), alt)),
            )


def _wrong_field_count(key: str, fields: int) -> str:
    """A bcftools expression true where an entry of INFO/key (a comma-separated list, which bcftools tests entry by
    entry with '~') has fewer or more '|'-separated values than `fields`. bcftools regular expressions are POSIX
    basic ones: groups and counts are written \\( \\) \\{ \\}, and '|' is a plain character."""
    fewer = r"^[^|]*\([|][^|]*\)\{0," + str(fields - 2) + r"\}$"
    more = r"^[^|]*\([|][^|]*\)\{" + str(fields) + r"\}"
    return f'INFO/{key}~"{fewer}" || INFO/{key}~"{more}"'


GENOTYPE_FIX = "Correct or remove the record: rarevar reads diploid and haploid calls naming the record's alleles"


def _genotype_problem(gt: str, n_alt: int) -> str | None:
    alleles = re.split(r"[/|]", gt)
    if len(alleles) > 2:
        return (f"genotype {gt!r} has {len(alleles)} alleles; rarevar reads only diploid and haploid calls "
                "(a polyploid call would be misread as another genotype)")  # fmt: skip
    indices = [int(a) for a in alleles if a.isdigit()]
    if indices and max(indices) > n_alt:
        return f"genotype {gt!r} names allele {max(indices)} but the record has {n_alt} ALT allele(s)"
    return None


def _declared_annotation(path: Path, header: pysam.VariantHeader, source: str) -> tuple[str, int] | None:
    """The VEP CSQ or snpEff ANN field the candidate stage will parse, with the field count its header declares."""
    from rarevar.inputs.annotation_header import ann_fields, detect_source, vep_fields

    key = None if source == "bcftools-csq" else detect_source(set(header.info))
    if key not in ("CSQ", "ANN"):
        return None
    description = header.info[key].description or ""
    fields = vep_fields(description) if key == "CSQ" else ann_fields(description)
    if len(fields) < 2:
        expected = "Format: Allele|Consequence|..." if key == "CSQ" else "'Allele | Annotation | ...'"
        raise InputError(path, f"the ##INFO=<ID={key}> header line does not list its fields ('{description[:80]}')",
                         f"Keep the header line the annotator wrote ({expected})", f"##INFO=<ID={key}> header line")
    return key, len(fields)


def _record_at(table: pa.Table, i: int) -> tuple:
    alt = table["alt"][i].as_py()
    return table["chrom"][i].as_py(), table["pos"][i].as_py(), table["ref"][i].as_py(), \
        (None if alt == "." else tuple(alt.split(",")))


def _first_out_of_order(table: pa.Table, contigs: pa.DictionaryArray) -> int | None:
    """Row of the first record that comes before its predecessor, repeats it, or returns to a finished contig."""
    import pyarrow.compute as pc

    if table.num_rows < 2:
        return None
    contig = contigs.indices.to_numpy(zero_copy_only=False)
    pos = table["pos"].to_numpy()
    same_contig = contig[1:] == contig[:-1]
    backwards = same_contig & (pos[1:] < pos[:-1])
    same_site = same_contig & (pos[1:] == pos[:-1])
    for allele in ("ref", "alt"):
        values = table[allele].combine_chunks()
        same_site &= pc.equal(values.slice(1), values.slice(0, len(values) - 1)).to_numpy(zero_copy_only=False)
    run_starts = np.flatnonzero(np.concatenate([[True], ~same_contig]))
    _, first_run = np.unique(contig[run_starts], return_index=True)
    returning = np.zeros(len(contig), dtype=bool)
    returning[np.setdiff1d(run_starts, run_starts[first_run])] = True
    bad = np.flatnonzero(np.concatenate([[False], backwards | same_site]) | returning)
    return int(bad[0]) if len(bad) else None


def _scan_one_by_one(path: Path) -> int:
    previous = pysam.set_verbosity(0)  # htslib's own messages would bury ours
    seen_contigs: set[str] = set()
    last: tuple | None = None
    count = 0
    try:
        with open_vcf(path) as vcf:
            iterator = iter(vcf)
            while True:
                try:
                    record = next(iterator)
                except StopIteration:
                    break
                except (OSError, ValueError) as error:
                    after = f"after record {count} ({last[0]}:{last[1]})" if last else "at the first record"
                    raise InputError(path, f"a record cannot be read ({error})", "Fix or re-export the VCF",
                                     f"record {count + 1}, {after}") from None  # fmt: skip
                count += 1
                here = (record.chrom, record.pos, record.ref, record.alts)
                _check_order(path, count, here, last, seen_contigs)
                last = here
    finally:
        pysam.set_verbosity(previous)
    return count


def _check_order(path: Path, count: int, here: tuple, last: tuple | None, seen_contigs: set[str]) -> None:
    where = f"record {count} ({here[0]}:{here[1]})"
    if last and here[0] == last[0] and here[1] < last[1]:
        raise InputError(path, f"records are not sorted: {here[0]}:{here[1]} comes after {last[0]}:{last[1]}",
                         "Sort it: bcftools sort -Oz -o sorted.vcf.gz", where)  # fmt: skip
    if last and here[0] != last[0]:
        if here[0] in seen_contigs:
            raise InputError(path, f"records are not sorted: contig {here[0]} appears again after {last[0]}",
                             "Sort it: bcftools sort -Oz -o sorted.vcf.gz", where)  # fmt: skip
        seen_contigs.add(last[0])
    if last == here:
        raise InputError(path, f"record {here[0]}:{here[1]} {here[2]}>{','.join(here[3] or ())} is duplicated",
                         "Remove duplicates: bcftools norm -d exact", where)  # fmt: skip


def read_fai(reference: Path) -> dict[str, int]:
    fai = Path(f"{reference}.fai")
    if not fai.is_file():
        raise InputError(reference, "reference FASTA has no .fai index", f"Run `samtools faidx {reference}`")
    lengths = {}
    with open(fai, encoding="utf-8") as handle:
        for line in handle:
            name, length = line.split("\t")[:2]
            lengths[name] = int(length)
    return lengths


def check_vcf(path: str | Path, ped_samples: list[str], reference: Path | None, source: str = "auto") -> list[str]:
    """Raise InputError on the first problem; return the VCF's sample ids. `source`: consequence.source. Without a
    `reference` its contigs are not compared with one (rarevar.inputs.vcf_build checks the build instead)."""
    from rarevar.inputs.annotation_header import detect_source

    with open_vcf(path) as vcf:
        header = vcf.header
        if "GT" not in header.formats:
            raise InputError(path, "has no FORMAT/GT (genotype) field", "Give a genotyped VCF, not a sites-only file")
        gt = header.formats["GT"]
        if gt.type != "String" or str(gt.number) != "1":
            raise InputError(path, f"FORMAT/GT is declared Number={gt.number},Type={gt.type}; htslib reads genotypes "
                             "only as Number=1,Type=String", 'Declare it ##FORMAT=<ID=GT,Number=1,Type=String,'
                             'Description="Genotype">', "the ##FORMAT=<ID=GT> header line")  # fmt: skip
        if source == "input" and detect_source(set(header.info)) is None:
            raise InputError(path, "consequence.source is 'input' but the VCF carries no CSQ, ANN, EFF or BCSQ "
                             "annotation (no such ##INFO header line)", "Annotate it (VEP, snpEff or bcftools csq), "
                             "or set consequence.source: auto to let rarevar run bcftools csq")  # fmt: skip
        samples = list(header.samples)
        missing = [s for s in ped_samples if s not in samples]
        if missing:
            raise InputError(
                path,
                f"sample(s) {', '.join(repr(s) for s in missing)} of the PED are not in the VCF "
                f"(VCF samples: {', '.join(samples) or 'none'})",
                "Make the PED sample ids match the VCF, or set a parent that was not sequenced to 0",
            )
        contigs = {name: header.contigs[name].length for name in header.contigs}
        if not contigs:
            contigs = {record.chrom: None for _, record in zip(range(1000), vcf, strict=False)}
    if reference is not None:
        check_contigs(path, contigs, reference)
    return samples


# chr1 (and chrX) lengths name the build a VCF was called on.
BUILD_LENGTHS = {
    ("1", 249_250_621): "GRCh37",
    ("1", 248_956_422): "GRCh38",
    ("X", 155_270_560): "GRCh37",
    ("X", 156_040_895): "GRCh38",
}


def build_of(name: str, length: int | None) -> str | None:
    return BUILD_LENGTHS.get((strip_chr(name).upper(), length))


def check_contigs(path, contigs: dict[str, int | None], reference: Path) -> None:
    """VCF contig names and lengths must be those of the reference (naming, and the genome build)."""
    ref = read_fai(reference)
    shared = [name for name in contigs if name in ref]
    for name in shared:
        if contigs[name] is not None and contigs[name] != ref[name]:
            vcf_build, ref_build = build_of(name, contigs[name]), build_of(name, ref[name])
            builds = (
                f": the VCF is {vcf_build}, the reference {ref_build}"
                if vcf_build and ref_build
                else " (a different genome build?)"
            )
            raise InputError(
                path,
                f"contig {name} is {contigs[name]:,} bp in the VCF but {ref[name]:,} bp in the reference "
                f"{reference}{builds}",
                "Use a reference and resources of the VCF's genome build (genome_build in the config)",
            )
    if contigs and not shared:
        renamed = [name for name in contigs if _toggle_chr(name) in ref]
        hint = (
            f"the VCF names contigs like '{renamed[0]}' and the reference like '{_toggle_chr(renamed[0])}'"
            if renamed
            else f"none of its contigs ({', '.join(list(contigs)[:5])}) is in the reference"
        )
        raise InputError(
            path,
            f"contigs do not match the reference {reference}: {hint}",
            "Rename the contigs (bcftools annotate --rename-chrs) or use the matching reference",
        )


def _toggle_chr(name: str) -> str:
    return strip_chr(name) if name.lower().startswith("chr") else f"chr{name}"
