"""The machinery that runs a suite: the pytest plugin (run.plugin) and what it drives. The recorder writes the report,
the isolating runner contains crashes, the guard keeps checks apart, expectations hold the declared divergences, and
options holds what these parts share. Clause authors need none of it."""
