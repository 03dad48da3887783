# Unit tests of the core data modules (record, decoder, lists, merge,
# pacing, stats, result, sink).  --wrap fails allocations, sleeps and
# vmsplice on purpose.
alog_add_unit(test_record ${CMAKE_CURRENT_SOURCE_DIR}/test_record.c LABELS core)
alog_add_unit(test_decoder ${CMAKE_CURRENT_SOURCE_DIR}/test_decoder.c
              WRAP realloc LABELS core)
alog_add_unit(test_reclist ${CMAKE_CURRENT_SOURCE_DIR}/test_reclist.c
              WRAP malloc realloc calloc LABELS core)
alog_add_unit(test_merge ${CMAKE_CURRENT_SOURCE_DIR}/test_merge.c
              WRAP malloc calloc LABELS core)
alog_add_unit(test_pace ${CMAKE_CURRENT_SOURCE_DIR}/test_pace.c
              WRAP clock_nanosleep LABELS core)
alog_add_unit(test_clock ${CMAKE_CURRENT_SOURCE_DIR}/test_clock.c LABELS core)
alog_add_unit(test_stats ${CMAKE_CURRENT_SOURCE_DIR}/test_stats.c
              WRAP malloc LABELS core)
alog_add_unit(test_result ${CMAKE_CURRENT_SOURCE_DIR}/test_result.c
              WRAP malloc calloc realloc LABELS core)
alog_add_unit(test_sink ${CMAKE_CURRENT_SOURCE_DIR}/test_sink.c
              WRAP vmsplice fcntl LABELS core)
