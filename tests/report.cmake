# Options, report writers and the atomic output file (helper "report").
alog_add_unit(test_options test_options.c LABELS report)
alog_add_unit(test_report test_report.c LABELS report)
alog_add_unit(test_output test_output.c LABELS report)
