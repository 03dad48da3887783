# The documentation: every relative link in README.md and doc/*.md names
# a file that exists, and a heading there where it names an #anchor
# (tests/doc_links.py, Python 3 standard library).  Registered only where
# a Python 3 interpreter is found, like compare.cmake.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(STATUS "python3 not found: the doc_links test is not registered")
  return()
endif()

add_test(NAME doc_links
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/doc_links.py
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(doc_links PROPERTIES
  LABELS "unit;docs" PROCESSORS 1 TIMEOUT 30
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
