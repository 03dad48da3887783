"""alogexp - the experiment engine of alog's scripts: scripts/compare and
the bench scripts run on it.

  cli         scripts/compare's option table, parsing, --help, main
  plan        the models (one registry), the parts, the presets, commands
  experiment  one experiment: build, calibration, parts, outputs
  adapt       warm-up and adaptive interleaved repetitions, the budget
  crossover   the keep-up decision and the bisection of the crossover
  runner      one run (process group, timeout), runs.csv, progress
  report      the ONE reader of alog's and the references' reports
  stats       median and its order-statistic interval, rank test,
              bootstrap, outliers, bimodality, verdict lines
  summary     summary.csv, crossover.csv, summary.md's tables and note
  words       the sentences and the short answer
  plot        the gnuplot plots
  diff        --diff: two results folders compared
  env         env.txt: what the figures depend on; the machine's limits
  probe       the core-to-core probe recorded with every run
  bench       the bench scripts' engine: interleaved A/B rounds
  layout      where the programs are: a build tree, or an installed alog

The manual is doc/compare.md.  Python 3 standard library only.
"""
