# Finds a python3 that has h5py and pandas (for analysis scripts and their tests).
# Debian installs python3-h5py/pandas for /usr/bin/python3; a pyenv python3 that
# comes first on PATH may lack them, so candidates are tried in order.
set(_crmsim_python_candidates /usr/bin/python3)
find_program(_crmsim_path_python python3)
if(_crmsim_path_python)
  list(APPEND _crmsim_python_candidates ${_crmsim_path_python})
endif()
set(CRMSIM_PYTHON "" CACHE FILEPATH "python3 with h5py and pandas")
if(NOT CRMSIM_PYTHON)
  foreach(candidate IN LISTS _crmsim_python_candidates)
    if(EXISTS ${candidate})
      execute_process(COMMAND ${candidate} -c "import h5py, pandas"
                      RESULT_VARIABLE _crmsim_py_ok OUTPUT_QUIET ERROR_QUIET)
      if(_crmsim_py_ok EQUAL 0)
        set(CRMSIM_PYTHON ${candidate} CACHE FILEPATH "python3 with h5py and pandas" FORCE)
        break()
      endif()
    endif()
  endforeach()
endif()
if(CRMSIM_PYTHON)
  message(STATUS "Analysis python: ${CRMSIM_PYTHON}")
else()
  message(WARNING "No python3 with h5py and pandas found: Python tests are skipped. "
                  "Install python3-h5py python3-pandas.")
endif()
