"""A Proposal in words: as a scenario file (block names, description), a terminal summary, the sweep table."""
from __future__ import annotations

import pandas as pd

from ..fmt import nb_float, nb_int
from ..scenario.model import DEFAULT_HORIZON, DEFAULT_PROJECTION
from .labels import BLOCK_NAME, SOLVER_METHOD, SOLVER_METHOD_SHORT, SOLVER_STATUS, TRACK, sweep_label


def _display_names(atlas, codes) -> dict[str, str]:
    """Short name per kommune, qualified with the fylke ("Herøy (15)") where the name is not unique."""
    k = atlas.kommuner
    counts = k["kommunenavn_kort"].value_counts()
    return {c: (k.loc[c, "kommunenavn_kort"] if counts[k.loc[c, "kommunenavn_kort"]] == 1
                else f"{k.loc[c, 'kommunenavn_kort']} ({k.loc[c, 'fylkesnummer']})") for c in codes}


def block_names(prop) -> dict[str, str]:
    """Each proposed block's name by its centre (kommunenummer): "<centre>-blokka"."""
    return {c: BLOCK_NAME.format(centre=n) for c, n in prop.blocks["centre_name"].items()}


def proposal_scenario(prop, atlas) -> dict:
    """The scenario document of a Proposal: kommune names as members, default tracks, the proposal's area,
    a Norwegian name and a description of how it was made (write it with ``Scenario.from_dict(...).to_yaml``)."""
    kom = prop.kommuner
    names = _display_names(atlas, kom.index)
    fylke_names = sorted(set(atlas.kommuner.loc[kom.index, "fylkesnavn"].astype(str)))
    blocks, block_name = [], block_names(prop)
    for centre in prop.blocks.index:
        members = kom[kom["centre"] == centre].sort_values(["track", "population"], ascending=[False, False])
        members = members.loc[[centre] + [c for c in members.index if c != centre]]
        blocks.append({"name": block_name[centre], "centre": names[centre],
                       "members": {names[c]: str(t) for c, t in members["track"].items()}})
    cons = prop.constraints
    parts = [f"Forslag fra `reformkit propose`: {prop.k} tyngdepunkter som minimerer befolkningsvektet reisetid "
             f"til senteret, med sammenhengende blokker.",
             f"Løst med {SOLVER_METHOD.get(prop.method, prop.method)}; status {SOLVER_STATUS.get(prop.status, prop.status)}; "
             f"gjennomsnittlig vektet reisetid {nb_float(prop.mean_weighted_minutes)} min"
             + (f"; optimalitetsgap {prop.gap:.2g}." if prop.gap is not None else ".")]
    if cons.get("min_population") is not None:
        parts.append(f"Minste blokkstørrelse {nb_int(cons['min_population'])} innbyggere.")
    if cons.get("max_travel_minutes") is not None:
        parts.append(f"Lengste reisetid til senteret {nb_float(cons['max_travel_minutes'], 0)} min.")
    if cons.get("fixed_centres"):
        parts.append("Faste sentre: " + ", ".join(names[c] for c in cons["fixed_centres"]) + ".")
    parts.append("Spor: senteret og små kommuner nær senteret slås sammen (merge), de andre samarbeider "
                 "(cooperate); regelen står i data/params/propose.yaml.")
    return {
        "name": f"{' og '.join(fylke_names)} – {prop.k} tyngdepunkter (forslag)",
        "description": " ".join(parts),
        "borders": int(atlas.borders),
        "base_year": int(prop.year),
        "horizon": DEFAULT_HORIZON,
        "projection": DEFAULT_PROJECTION,
        "area": list(prop.area),
        "blocks": blocks,
        "assumptions": {},
    }


def proposal_summary(prop) -> str:
    """Blocks, members and solver figures in Norwegian, for the terminal."""
    names = block_names(prop)
    lines = [f"{prop.k} tyngdepunkter i {'fylke' if all(len(a) == 2 for a in prop.area) else 'området'} {', '.join(prop.area)} "
             f"({len(prop.kommuner)} kommuner, {nb_int(prop.kommuner['population'].sum())} innbyggere):"]
    for centre, b in prop.blocks.iterrows():
        members = prop.kommuner[prop.kommuner["centre"] == centre]
        lines.append(f"  {names[centre]}: {b['kommuner']} kommuner, {nb_int(b['population'])} innbyggere, "
                     f"lengste reisetid {nb_float(b['max_minutes'], 0)} min")
        lines.append("    " + ", ".join(f"{r.kommunenavn}{'' if r.track == 'merge' else f' ({TRACK[r.track]})'}"
                                        for r in members.sort_values("minutes").itertuples()))
    gap = "–" if prop.gap is None else f"{nb_float(prop.gap * 100, 4)} %"
    lines.append(f"Metode: {SOLVER_METHOD.get(prop.method, prop.method)}, "
                 f"status: {SOLVER_STATUS.get(prop.status, prop.status)}, "
                 f"{nb_float(prop.seconds, 2)} s")
    lines.append(f"Målfunksjon: {nb_int(prop.objective)} personminutter "
                 f"(gj.sn. {nb_float(prop.mean_weighted_minutes)} min per innbygger), optimalitetsgap {gap}")
    return "\n".join(lines)


def sweep_display(df: pd.DataFrame) -> pd.DataFrame:
    """The sweep table formatted for people: Norwegian labels and number formats, '–' where infeasible."""
    def fmt(col, f):
        return [("–" if pd.isna(v) else f(v)) for v in df[col]]

    out = pd.DataFrame({"k": df["k"].astype(int)})
    for col in df.columns:
        if col in ("k", "objective", "centres", "note"):
            continue
        if col == "min_block_population" or col.startswith("blocks_under_"):
            out[col] = fmt(col, nb_int)
        elif col in ("max_travel_minutes", "mean_weighted_travel_minutes"):
            out[col] = fmt(col, nb_float)
        elif col == "gap":
            out[col] = fmt(col, lambda v: f"{nb_float(v * 100, 4)} %")
        elif col == "seconds":
            out[col] = fmt(col, lambda v: nb_float(v, 2))
        elif col == "method":
            out[col] = [SOLVER_METHOD_SHORT.get(v, "") for v in df[col]]
        elif col == "status":
            out[col] = [SOLVER_STATUS.get(v, v) for v in df[col]]
    return out.rename(columns=sweep_label)
