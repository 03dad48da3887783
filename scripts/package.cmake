# The Debian package: `cd build && cpack -G DEB` makes alog_<version>_<arch>.deb
# of what scripts/install.cmake installs, under /usr.  Its Depends are the
# shared libraries the programs link (dpkg-shlibdeps: libc, libopenmpi3,
# libgomp1, liburing2...) and what the programs and scripts run: mpirun
# (openmpi-bin) and python3; gnuplot draws the comparison's plots.
set(CPACK_PACKAGE_NAME alog)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# one string (set() with several would make a ;-list); CPack indents the
# lines for the control file
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "alog runs one job (producers of timestamped records, one collector) as\n"
    "async I/O (epoll, threads, io_uring), MPI ranks and OpenMP threads, and\n"
    "a CPU-bound primes job in each, and measures them against each other.")
set(CPACK_PACKAGE_CONTACT "alog maintainers <alog@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES OFF)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The package's own libalog.so.1 is found in the staging tree.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    ${PROJECT_BINARY_DIR}/_CPack_Packages/Linux/DEB/alog-${PROJECT_VERSION}-Linux/usr/${CMAKE_INSTALL_LIBDIR})
set(ALOG_DEB_DEPENDS python3)
if(ALOG_HAVE_MPI)
  list(APPEND ALOG_DEB_DEPENDS openmpi-bin)
endif()
list(JOIN ALOG_DEB_DEPENDS ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnuplot-nox")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "slurm-wlm, munge, iproute2")
set(CPACK_GENERATOR DEB)
include(CPack)
