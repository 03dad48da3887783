# API documentation: Doxygen HTML of the public headers, into
# <build>/docs/html (target "docs").  Any warning fails the build, an
# undocumented public name included.  Settings live here, not in a
# committed Doxyfile: FindDoxygen writes the Doxyfile into the build tree.
find_package(Doxygen 1.9 REQUIRED)

file(GLOB ALOG_CONCEPT_HEADERS RELATIVE ${PROJECT_SOURCE_DIR}
     ${PROJECT_SOURCE_DIR}/src/alog/*.h)
set(ALOG_PUBLIC_HEADERS
    src/alog.h ${ALOG_CONCEPT_HEADERS}
    src/transport.h src/produce.h src/option.h src/options.h src/program.h
    mpi/mpi_model.h mpi/wire_mpi.h mpi/options_mpi.h
    omp/omp_model.h omp/options_omp.h src/async/options_async.h)

set(DOXYGEN_PROJECT_NAME "alog")
set(DOXYGEN_PROJECT_BRIEF "${PROJECT_DESCRIPTION}")
set(DOXYGEN_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/docs")
set(DOXYGEN_STRIP_FROM_PATH "${PROJECT_SOURCE_DIR}")
set(DOXYGEN_OPTIMIZE_OUTPUT_FOR_C YES)
set(DOXYGEN_JAVADOC_AUTOBRIEF YES)
set(DOXYGEN_TYPEDEF_HIDES_STRUCT YES)
# Every name of the API is documented in its header; the static inline
# functions (produce.h, transport.h) are API too.
set(DOXYGEN_EXTRACT_ALL NO)
set(DOXYGEN_EXTRACT_STATIC YES)
set(DOXYGEN_WARN_IF_UNDOCUMENTED YES)
set(DOXYGEN_WARN_IF_DOC_ERROR YES)
set(DOXYGEN_WARN_NO_PARAMDOC NO)
set(DOXYGEN_WARN_AS_ERROR FAIL_ON_WARNINGS)
set(DOXYGEN_QUIET YES)
set(DOXYGEN_GENERATE_HTML YES)
set(DOXYGEN_GENERATE_LATEX NO)
set(DOXYGEN_HAVE_DOT NO)
# XML only for .ci/docs to count what is documented.
set(DOXYGEN_GENERATE_XML YES)
# Compiler attributes are no part of a prototype's documentation.
set(DOXYGEN_ENABLE_PREPROCESSING YES)
set(DOXYGEN_MACRO_EXPANSION YES)
set(DOXYGEN_EXPAND_ONLY_PREDEF YES)
set(DOXYGEN_PREDEFINED "__attribute__(x)=" "_Noreturn=")

doxygen_add_docs(docs ${ALOG_PUBLIC_HEADERS}
                 WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                 COMMENT "API documentation (Doxygen) in ${DOXYGEN_OUTPUT_DIRECTORY}/html")
