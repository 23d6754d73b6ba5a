"""Prints scipy.stats.spearmanr on the small tied examples pinned in Tests/AnalysisTests/SpearmanTests.swift.

Run: python3 scripts/spearman_fixture.py   (needs scipy)
"""
from scipy.stats import rankdata, spearmanr

EXAMPLES = {
    "tiesBothSides": ([1, 2, 2, 3, 4, 4, 4, 5], [2.5, 1, 3, 3, 7, 6, 6, 9]),
    "negativeWithTies": ([10, 20, 20, 30, 40, 50], [0.9, 0.8, 0.8, 0.1, 0.3, -0.2]),
    "manyTies": ([1, 1, 1, 2, 2, 3, 3, 3, 3, 4], [5, 3, 5, 2, 2, 1, 4, 4, 1, 0]),
}

for name, (x, y) in EXAMPLES.items():
    print(f"{name}: rho = {float(spearmanr(x, y).statistic)!r}  ranks(x) = {[float(r) for r in rankdata(x)]}")
