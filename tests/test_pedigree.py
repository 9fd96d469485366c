"""PED parsing and validation on peddy's and genmod's real pedigrees, and on broken ones."""

from __future__ import annotations

import pytest

from rarevar.errors import InputError
from rarevar.inputs.pedigree import family_for, read_ped


def test_mother_coded_male_is_found_in_peddy_pedigree(shared):
    # test-unknown-gma.ped codes 'aunt' (mother of cousin1) as male: a real inconsistency, reported by line.
    with pytest.raises(InputError, match="line 4: 'aunt' is the mother of 'cousin1' but is coded male"):
        read_ped(shared / "peddy" / "test-unknown-gma.ped")


def test_sample_as_its_own_mother_in_a6_is_rejected(shared):
    # peddy tolerates it (a6.ped: 14 samples); a parent loop would corrupt every inheritance test, so stop.
    with pytest.raises(InputError, match="'mom_4' is its own parent"):
        read_ped(shared / "peddy" / "a6.ped")


def test_sample_listed_as_its_own_mother_is_rejected(shared):
    # peddy's a.ped deliberately lists mom_4 as her own mother.
    with pytest.raises(InputError, match=r"a\.ped, line 13: sample 'mom_4' is its own parent"):
        read_ped(shared / "peddy" / "a.ped")


def test_trio_roles(shared):
    family = family_for(shared / "genmod" / "recessive_trio.ped", "1")
    assert family.roles() == {"proband": "proband", "mother": "mother", "father": "father"}
    assert [ind.sample for ind in family.affected] == ["proband"]
    assert family["proband"].sex == "male"


def test_large_real_pedigree(shared):
    families = read_ped(shared / "peddy" / "h1k.ped")
    assert len(families) == 89


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["F\tkid\tdad\tmom\t1\t2", "F\tdad\t0\t0\t2\t1", "F\tmom\t0\t0\t2\t1"],
            "'dad' is the father of 'kid' but is coded female",
        ),
        (["F\tkid\t0\t0\t1\t2", "G\tkid\t0\t0\t1\t2"], "sample 'kid' is listed in two families"),
        (["F\tkid\t0\t0\t1"], "expected 6 columns"),
        (["F\ta\tb\t0\t1\t2", "F\tb\ta\t0\t1\t1"], "cycle"),
    ],
)
def test_broken_pedigrees(tmp_path, lines, message):
    ped = tmp_path / "bad.ped"
    ped.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=message) as error:
        read_ped(ped)
    assert str(ped) in str(error.value)


def test_consanguinity_is_not_a_cycle(tmp_path):
    ped = tmp_path / "cousins.ped"
    ped.write_text(
        "F\tgf\t0\t0\t1\t1\nF\tgm\t0\t0\t2\t1\nF\tdad\tgf\tgm\t1\t1\nF\taunt\tgf\tgm\t2\t1\n"
        "F\tmom\t0\taunt\t2\t1\nF\tkid\tdad\tmom\t1\t2\n"
    )
    assert len(read_ped(ped)["F"].individuals) == 6
