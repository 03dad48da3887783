# What `cmake --install build --prefix P` puts under P (doc/install.md):
#   bin/                  the programs, and alog-compare, alog-demo,
#                         alog-cluster: the user scripts' front doors
#   lib/                  libalog.so (shared) and libalog.a (static: the
#                         core, alog_core), libalog_mpi.a, libalog_omp.a;
#                         pkgconfig/alog.pc; cmake/alog/ (find_package)
#   include/alog/         the public headers (#include <alog/alog.h>)
#   libexec/alog/         the programs only the scripts run (alog-ref-c2c,
#                         alog-ref-mpi)
#   share/alog/scripts/   the scripts, their package and references, and
#                         `layout`: where the programs are from there
#   share/man/man1/       the man pages (scripts/man.cmake)
#   share/doc/alog/       README, the manual, examples/ (hostfile, sbatch)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The core shared too, from the same sources (libuv's uv and uv_a):
# alog_core is the static one the programs and tests link (libalog.a),
# alog_shared the shared one (libalog.so.1) for other programs.
add_library(alog_shared SHARED ${ALOG_CORE_SOURCES})
set_target_properties(alog_core PROPERTIES OUTPUT_NAME alog
                      EXPORT_NAME alog_static)
set_target_properties(alog_shared PROPERTIES OUTPUT_NAME alog EXPORT_NAME alog
                      VERSION ${PROJECT_VERSION}
                      SOVERSION ${PROJECT_VERSION_MAJOR})
target_include_directories(alog_shared
  PRIVATE $<TARGET_PROPERTY:alog_core,INCLUDE_DIRECTORIES>
  INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_definitions(alog_shared
  PRIVATE $<TARGET_PROPERTY:alog_core,COMPILE_DEFINITIONS>)
target_link_libraries(alog_shared PUBLIC Threads::Threads m)
if(ALOG_HAVE_URING)
  target_link_libraries(alog_shared PRIVATE PkgConfig::URING)
endif()

# ---- the programs ----------------------------------------------------------
set(ALOG_INSTALL_PROGRAMS alog-async alog-producer)
if(ALOG_HAVE_MPI)
  list(APPEND ALOG_INSTALL_PROGRAMS alog-mpi)
endif()
if(ALOG_HAVE_OPENMP)
  list(APPEND ALOG_INSTALL_PROGRAMS alog-omp)
endif()
install(TARGETS ${ALOG_INSTALL_PROGRAMS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set(ALOG_LIBEXEC ${CMAKE_INSTALL_LIBEXECDIR}/alog)
install(TARGETS alog-ref-c2c RUNTIME DESTINATION ${ALOG_LIBEXEC})

# ---- the libraries, their headers, pkg-config and the CMake package --------
set(ALOG_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/alog)
set(ALOG_INCLUDE_DIR ${CMAKE_INSTALL_INCLUDEDIR}/alog)
install(TARGETS alog_core alog_shared EXPORT alogTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT alogTargets NAMESPACE alog:: DESTINATION ${ALOG_CMAKE_DIR})
# The umbrella, one header per concept, and the frame and model interfaces
# the API documentation covers (scripts/docs.cmake), with journal.h, which
# transport.h includes.  They include each other by "name.h" and
# "alog/name.h", which both resolve under include/alog/.
file(GLOB ALOG_INSTALL_HEADERS ${PROJECT_SOURCE_DIR}/src/alog/*.h)
install(FILES src/alog.h ${ALOG_INSTALL_HEADERS} src/option.h src/options.h
        src/program.h src/transport.h src/produce.h src/journal.h
        src/async/options_async.h src/primes/primes.h
        DESTINATION ${ALOG_INCLUDE_DIR})
# The model libraries (static, over the core's static one), each its own
# export set: a consumer without MPI or OpenMP still finds the core.
if(ALOG_HAVE_MPI)
  set_target_properties(alog_mpi PROPERTIES EXPORT_NAME mpi)
  install(TARGETS alog_mpi EXPORT alogMpiTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT alogMpiTargets NAMESPACE alog:: DESTINATION ${ALOG_CMAKE_DIR})
  install(FILES mpi/mpi_model.h mpi/options_mpi.h mpi/wire_mpi.h
          mpi/primes_mpi.h DESTINATION ${ALOG_INCLUDE_DIR})
endif()
if(ALOG_HAVE_OPENMP)
  set_target_properties(alog_omp PROPERTIES EXPORT_NAME omp)
  install(TARGETS alog_omp EXPORT alogOmpTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT alogOmpTargets NAMESPACE alog:: DESTINATION ${ALOG_CMAKE_DIR})
  install(FILES omp/omp_model.h omp/options_omp.h omp/primes_omp.h
          DESTINATION ${ALOG_INCLUDE_DIR})
endif()

configure_package_config_file(scripts/alogConfig.cmake.in
  ${PROJECT_BINARY_DIR}/alogConfig.cmake INSTALL_DESTINATION ${ALOG_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/alogConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/alogConfig.cmake
        ${PROJECT_BINARY_DIR}/alogConfigVersion.cmake
        DESTINATION ${ALOG_CMAKE_DIR})

# alog.pc names its prefix relative to itself, so that any --prefix (and
# the .deb's /usr) gets a right one.
file(RELATIVE_PATH ALOG_PC_UP /alog/${CMAKE_INSTALL_LIBDIR}/pkgconfig /alog)
# A static link needs liburing too: named in Libs.private, not as a
# Requires.private, which would make pkg-config want liburing's own .pc
# (liburing-dev) for every use.
set(ALOG_PC_LIBS_PRIVATE "-lpthread -lm")
if(ALOG_HAVE_URING)
  string(APPEND ALOG_PC_LIBS_PRIVATE " -luring")
endif()
configure_file(scripts/alog.pc.in ${PROJECT_BINARY_DIR}/alog.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/alog.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# ---- man pages and documents -----------------------------------------------
install(FILES ${ALOG_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
set(ALOG_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/alog)
file(GLOB ALOG_DOC_PAGES ${PROJECT_SOURCE_DIR}/doc/*.md)
install(FILES README.md DESTINATION ${ALOG_DOC_DIR})
install(FILES ${ALOG_DOC_PAGES} DESTINATION ${ALOG_DOC_DIR}/doc)
install(FILES scripts/hostfile.example DESTINATION ${ALOG_DOC_DIR}/examples)
install(PROGRAMS scripts/alog.sbatch DESTINATION ${ALOG_DOC_DIR}/examples)

# ---- the user scripts --------------------------------------------------------
# Installed as they are in the tree (scripts/ under share/alog, so that
# each finds lib.sh, alogexp/ and ref/ beside it), with `layout` telling
# lib.sh and alogexp where the programs are instead of a build directory.
set(ALOG_SCRIPTS_DIR ${CMAKE_INSTALL_DATADIR}/alog/scripts)
set(ALOG_USER_SCRIPTS compare demo cluster)
if(EXISTS ${PROJECT_SOURCE_DIR}/scripts/simulate)
  list(APPEND ALOG_USER_SCRIPTS simulate)
endif()
list(TRANSFORM ALOG_USER_SCRIPTS PREPEND scripts/ OUTPUT_VARIABLE paths)
install(PROGRAMS ${paths} scripts/alog_stats.py DESTINATION ${ALOG_SCRIPTS_DIR})
install(FILES scripts/lib.sh DESTINATION ${ALOG_SCRIPTS_DIR})
install(DIRECTORY scripts/alogexp scripts/ref DESTINATION ${ALOG_SCRIPTS_DIR}
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
file(RELATIVE_PATH ALOG_LAYOUT_BIN /alog/${ALOG_SCRIPTS_DIR}
     /alog/${CMAKE_INSTALL_BINDIR})
file(RELATIVE_PATH ALOG_LAYOUT_LIBEXEC /alog/${ALOG_SCRIPTS_DIR}
     /alog/${ALOG_LIBEXEC})
file(WRITE ${PROJECT_BINARY_DIR}/install/layout
     "# Where an installed alog's programs are, from this folder\n"
     "# (scripts/install.cmake; lib.sh and alogexp/layout.py read it).\n"
     "bin=${ALOG_LAYOUT_BIN}\nlibexec=${ALOG_LAYOUT_LIBEXEC}\n")
install(FILES ${PROJECT_BINARY_DIR}/install/layout DESTINATION ${ALOG_SCRIPTS_DIR})
# bin/alog-<script>: runs share/alog/scripts/<script>, found from itself.
file(RELATIVE_PATH ALOG_BIN_TO_SCRIPTS /alog/${CMAKE_INSTALL_BINDIR}
     /alog/${ALOG_SCRIPTS_DIR})
foreach(script ${ALOG_USER_SCRIPTS})
  file(WRITE ${PROJECT_BINARY_DIR}/install/alog-${script}
       "#!/bin/sh\n# alog-${script}: scripts/${script} of an installed alog.\n"
       "exec \"$(dirname \"$(readlink -f \"$0\")\")/${ALOG_BIN_TO_SCRIPTS}/${script}\" \"$@\"\n")
  install(PROGRAMS ${PROJECT_BINARY_DIR}/install/alog-${script}
          DESTINATION ${CMAKE_INSTALL_BINDIR})
endforeach()
