# alog as a package (scripts/install.cmake, man.cmake, package.cmake;
# helper tests/package_test.sh, tests/man_check.py), label `package`:
# the install into a temporary prefix and a consumer built against it both
# ways; the man pages rendered without warnings and equal to --help; the
# .deb installed, run and removed (skipped without dpkg or root).  Not in
# sanitizer or fuzz builds: a consumer built without the sanitizer cannot
# link their instrumented libraries.
if(NOT ALOG_SANITIZE AND NOT ALOG_FUZZ)
  add_test(NAME package_install
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/package_test.sh install
                   ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  add_test(NAME package_man
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/man_check.py ${PROJECT_BINARY_DIR})
  add_test(NAME package_deb
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/package_test.sh deb ${PROJECT_BINARY_DIR})
  set_tests_properties(package_install package_man package_deb PROPERTIES
    LABELS "integration;package" TIMEOUT 300 PROCESSORS 2 SKIP_RETURN_CODE 77
    ENVIRONMENT "${ALOG_TEST_ENV}")
  set_tests_properties(package_man PROPERTIES TIMEOUT 60 PROCESSORS 1)
endif()
