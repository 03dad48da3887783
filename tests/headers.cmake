# Every public header stands alone: one translation unit each that
# includes only it, compiled with the project's warnings (a header that
# leans on another's includes fails the build, not a user's).
file(GLOB ALOG_PUBLIC_HEADERS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/alog/*.h)
set(ALOG_HEADER_UNITS)
foreach(h ${ALOG_PUBLIC_HEADERS} ${PROJECT_SOURCE_DIR}/src/alog.h)
  get_filename_component(base ${h} NAME_WE)
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR}/src ${h})
  set(unit ${CMAKE_CURRENT_BINARY_DIR}/header_${base}.c)
  file(WRITE ${unit}.in "#include \"${rel}\"\nint alog_header_${base}_alone;\n")
  configure_file(${unit}.in ${unit} COPYONLY)
  list(APPEND ALOG_HEADER_UNITS ${unit})
endforeach()
add_library(alog_header_check OBJECT ${ALOG_HEADER_UNITS})
target_include_directories(alog_header_check PRIVATE ${PROJECT_SOURCE_DIR}/src)
