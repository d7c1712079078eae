"""Track 2: cooperation forms, cost-sharing keys and the legitimacy checklist."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reformkit import cooperation as co
from reformkit.errors import ReformkitError


def test_forms_carry_their_legal_basis():
    assert co.form("politisk_rad").legal_basis == "Kommuneloven § 18-1"
    assert co.form("oppgavefellesskap").legal_basis == "Kommuneloven § 19-1"
    assert "§ 20-1" in co.form("vertskommune_nemnd").legal_basis
    assert not co.form("samkommune").in_force
    assert len({f.key for f in co.FORMS}) == len(co.FORMS)
    with pytest.raises(ReformkitError, match="politisk_rad"):
        co.form("fylkesting")


def test_cost_keys():
    assert co.share_per_inhabitant(1000, {"A": 3000, "B": 1000}) == {"A": 750.0, "B": 250.0}
    assert co.share_equal(1000, ["A", "B"]) == {"A": 500.0, "B": 500.0}
    assert co.share_fixed_plus_per_user(1000, {"A": 30, "B": 10}, 0.2) == {"A": 700.0, "B": 300.0}
    assert co.share_fixed_plus_per_user(1000, {"A": 30, "B": 10}, 1.0) == {"A": 500.0, "B": 500.0}
    assert co.share_by_use(90, {"A": 1, "B": 2}) == {"A": 30.0, "B": 60.0}
    with pytest.raises(ReformkitError, match="negative"):
        co.share_by_use(90, {"A": -1, "B": 2})
    with pytest.raises(ReformkitError):
        co.share_fixed_plus_per_user(10, {"A": 1}, 1.5)
    with pytest.raises(ReformkitError):
        co.share_per_inhabitant(10, {})


@given(total=st.floats(0, 1e9), weights=st.dictionaries(st.text(min_size=1, max_size=3),
                                                         st.floats(0.001, 1e6), min_size=1, max_size=6),
       fixed=st.floats(0, 1))
def test_every_key_shares_out_the_whole_cost(total, weights, fixed):
    for shares in (co.share_per_inhabitant(total, weights), co.share_by_use(total, weights),
                   co.share_equal(total, list(weights)), co.share_fixed_plus_per_user(total, weights, fixed)):
        assert set(shares) == set(weights)
        assert sum(shares.values()) == pytest.approx(total, rel=1e-9, abs=1e-6)
        assert all(v >= 0 for v in shares.values())


def test_legitimacy_checklist():
    all_yes = {f"{c}.{i + 1}": True for c, qs in co.LEGITIMACY_CHECKLIST.items() for i in range(len(qs))}
    assert co.assess_legitimacy(all_yes)["balanced"]
    r = co.assess_legitimacy({**all_yes, "radmann_forbigatt": True})
    assert not r["balanced"] and r["pitfalls"] == ["Rådmannsdilemmaet"]
    r = co.assess_legitimacy({"throughput.2": True})
    assert r["criteria"]["throughput"]["share"] == 0.25 and len(r["criteria"]["input"]["open"]) == 3
    assert set(co.LEGITIMACY_CHECKLIST) == {"input", "throughput", "output"}
    with pytest.raises(ReformkitError, match="input.9"):
        co.assess_legitimacy({"input.9": True})
