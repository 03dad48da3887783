# The scripts' statistics (scripts/alog_stats.py), tested as a Python
# unittest; registered only where a Python 3 interpreter is found (the
# sanitizer CI images have none).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME scripts_alog_stats
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_alog_stats.py)
  # No __pycache__ written into the source tree.
  set_tests_properties(scripts_alog_stats PROPERTIES
    LABELS "unit;scripts" PROCESSORS 1 TIMEOUT 60
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
else()
  message(STATUS "python3 not found: the scripts_alog_stats test is not registered")
endif()
