# Man pages: alog-man (src/man/alog_man.c) writes each program's page from
# the option rows and text its --help prints, so the two cannot drift;
# the pages land in <build>/man/<program>.1 (target "man", part of all)
# and are installed under share/man/man1 (scripts/install.cmake).
add_executable(alog-man src/man/alog_man.c)
target_link_libraries(alog-man PRIVATE alog_core)
set(ALOG_MAN_PROGRAMS alog-async alog-producer)
if(ALOG_HAVE_MPI)
  target_compile_definitions(alog-man PRIVATE ALOG_MAN_MPI)
  target_link_libraries(alog-man PRIVATE alog_mpi)
  list(APPEND ALOG_MAN_PROGRAMS alog-mpi)
endif()
if(ALOG_HAVE_OPENMP)
  target_compile_definitions(alog-man PRIVATE ALOG_MAN_OMP)
  target_link_libraries(alog-man PRIVATE alog_omp)
  list(APPEND ALOG_MAN_PROGRAMS alog-omp)
endif()

set(ALOG_MAN_PAGES "")
foreach(prog ${ALOG_MAN_PROGRAMS})
  set(page ${PROJECT_BINARY_DIR}/man/${prog}.1)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND alog-man ${prog} ${page}
    DEPENDS alog-man
    COMMENT "Man page ${prog}(1)" VERBATIM)
  list(APPEND ALOG_MAN_PAGES ${page})
endforeach()
add_custom_target(man ALL DEPENDS ${ALOG_MAN_PAGES})
