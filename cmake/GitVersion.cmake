# Generates generated/crmsim/GitVersion.hpp at build time (not configure time),
# so the commit recorded in every output file is the one actually built.
set(CRMSIM_GIT_VERSION_HEADER ${CMAKE_BINARY_DIR}/generated/crmsim/GitVersion.hpp)
add_custom_target(crmsim_git_version
  COMMAND ${CMAKE_COMMAND}
          -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUTPUT=${CRMSIM_GIT_VERSION_HEADER}
          -DVERSION=${PROJECT_VERSION}
          -P ${PROJECT_SOURCE_DIR}/cmake/WriteGitVersion.cmake
  BYPRODUCTS ${CRMSIM_GIT_VERSION_HEADER}
  COMMENT "Recording git commit")
