"""Governance indicators: dominance of the largest member and the legitimacy scorecard with its pitfalls.

**Scorecard** (questions and parameters in ``params/cooperation.yaml``, from sources/004): the scenario answers
each question ``ja``, ``nei`` or ``delvis`` (scores from ``scorecard.answers``: 1, 0, 0.5); unanswered
questions are open and score 0. A criterion (input, throughput, output) scores Σ answer scores / number of
questions. Its status is ``met`` when the score reaches ``scorecard.met_share``, ``not_met`` when it cannot
reach it even if every open question were answered ja, else ``open``. The overall score is the weighted mean
of the criteria (``criteria.<c>.weight``); the overall status is ``balanced`` (every criterion met, no
pitfall fires), ``unbalanced`` (a criterion not met or a pitfall fires) or ``open``.

**Pitfalls** (autonomifellen, overstyringsfellen, rådmannsdilemmaet): each names the questions that guard
against it and a threshold. Risk = Σ (1 − answer score) over its answered questions; it ``fires`` when the risk
reaches the threshold, is ``open`` while the open questions (counted as nei) could still make it fire, else
``clear``. Lessons (Norwegian) stay in the data file under ``pitfalls.<key>.lesson``.
"""
from __future__ import annotations

from collections.abc import Mapping

from .params import CooperationParams


def dominance(population: Mapping[str, float], seats: Mapping[str, int] | None,
              params: CooperationParams) -> dict:
    """The largest member's share of the population against its share of the seats in the top body.

    ``seats`` None: the form has no joint body (seat shares None, flag ``no_joint_body``). Flags:
    ``population_majority`` (population share > ``dominance.majority_share``), ``seat_majority`` (its seat
    share > that: it decides alone), ``ratio_above_max`` (population share / seat share >
    ``dominance.max_ratio``).

    >>> from reformkit.cooperation import load_cooperation_params
    >>> d = dominance({"A": 6000, "B": 2000, "C": 2000}, {"A": 1, "B": 1, "C": 1}, load_cooperation_params())
    >>> d["largest"], d["population_share"], d["flags"]
    ('A', 0.6, ['population_majority'])
    """
    total_pop = float(sum(population.values()))
    largest = max(population, key=lambda m: population[m])       # ties: the first listed
    total_seats = float(sum(seats.values())) if seats else 0.0
    share = {m: (p / total_pop if total_pop > 0 else None) for m, p in population.items()}
    seat_share = {m: (seats[m] / total_seats if total_seats > 0 else None) for m in population} if seats else \
        {m: None for m in population}
    pop_l, seat_l = share[largest], seat_share[largest]
    ratio = pop_l / seat_l if pop_l is not None and seat_l else None
    majority, max_ratio = params.get("dominance.majority_share"), params.get("dominance.max_ratio")
    flags = []
    if not seats:
        flags.append("no_joint_body")
    if pop_l is not None and majority is not None and pop_l > majority:
        flags.append("population_majority")
    if seat_l is not None and majority is not None and seat_l > majority:
        flags.append("seat_majority")
    if ratio is not None and max_ratio is not None and ratio > max_ratio:
        flags.append("ratio_above_max")
    return {"largest": largest, "population_share": pop_l, "seat_share": seat_l, "ratio": ratio,
            "members": {m: {"population_share": share[m], "seat_share": seat_share[m]} for m in population},
            "flags": flags}


def _criterion(key: str, spec: Mapping, answers: Mapping[str, str], scores: Mapping[str, float],
               met: float) -> dict:
    ids = [f"{key}.{q}" for q in spec["questions"]]
    got = sum(scores[answers[q]] for q in ids if q in answers)
    open_ = [q for q in ids if q not in answers]
    score, best = got / len(ids), (got + len(open_)) / len(ids)
    status = "met" if score >= met else ("not_met" if best < met else "open")
    return {"score": score, "status": status, "questions": len(ids), "answered": len(ids) - len(open_),
            "open": open_}


def _pitfall(spec: Mapping, answers: Mapping[str, str], scores: Mapping[str, float]) -> dict:
    questions = list(spec["questions"])
    risk = sum(1 - scores[answers[q]] for q in questions if q in answers)
    potential = risk + sum(1 for q in questions if q not in answers)
    threshold = spec["threshold"]
    status = "fires" if risk >= threshold else ("open" if potential >= threshold else "clear")
    return {"status": status, "risk": risk, "threshold": threshold, "questions": questions,
            "answers": {q: answers.get(q) for q in questions}}


def scorecard(answers: Mapping[str, str], params: CooperationParams) -> dict:
    """Score the checklist answers (question id -> ja/nei/delvis) and evaluate the pitfall rules.

    Returns ``{"score", "status", "criteria": {c: {"score", "status", "questions", "answered", "open"}},
    "pitfalls": {p: {"status", "risk", "threshold", "questions", "answers"}}, "fired": [p, ...]}``.

    >>> from reformkit.cooperation import load_cooperation_params
    >>> r = scorecard({"input.2": "nei"}, load_cooperation_params())
    >>> r["pitfalls"]["autonomifellen"]["status"], r["status"]
    ('fires', 'unbalanced')
    """
    card = params.values["scorecard"]
    scores, met = card["answers"], card["met_share"]
    criteria = {c: _criterion(c, spec, answers, scores, met) for c, spec in card["criteria"].items()}
    weights = {c: float(spec["weight"]) for c, spec in card["criteria"].items()}
    total_weight = sum(weights.values())
    score = sum(criteria[c]["score"] * w for c, w in weights.items()) / total_weight if total_weight else None
    pitfalls = {p: _pitfall(spec, answers, scores) for p, spec in params.values["pitfalls"].items()}
    fired = [p for p, r in pitfalls.items() if r["status"] == "fires"]
    if fired or any(c["status"] == "not_met" for c in criteria.values()):
        status = "unbalanced"
    elif all(c["status"] == "met" for c in criteria.values()) and all(
            r["status"] == "clear" for r in pitfalls.values()):
        status = "balanced"
    else:
        status = "open"
    return {"score": score, "status": status, "criteria": criteria, "pitfalls": pitfalls, "fired": fired}
