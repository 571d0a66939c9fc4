from tests.results.support import results  # noqa: F401  (the results world, a fixture)
