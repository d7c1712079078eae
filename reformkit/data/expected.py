"""Reference figures the data must reproduce (SSB): numbers of units and the national population."""

EXPECTED = {
    2024: {"kommuner": 357, "fylker": 15, "population": {2024: 5_550_203}},
    2019: {"kommuner": 422, "fylker": 18, "population": {}},
}
