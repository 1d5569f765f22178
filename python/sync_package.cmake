# cmake -DSRC=<python/sluice> -DDST=<build>/python/sluice -P sync_package.cmake
# Makes DST's Python files those of SRC: copies them and deletes the ones
# SRC no longer has (a module moved or removed must not linger in the build
# tree, where tests would still import it). Leaves the built module alone.
file(GLOB_RECURSE _dst_files RELATIVE ${DST} ${DST}/*.py)
foreach(f ${_dst_files})
  if(NOT EXISTS ${SRC}/${f})
    file(REMOVE ${DST}/${f})
  endif()
endforeach()
file(COPY ${SRC}/ DESTINATION ${DST} PATTERN "__pycache__" EXCLUDE)
