# Runs EXE with ARGS and checks its exit code and a fragment of its stderr.
# Usage: cmake -DEXE=... -DARGS=a|b -DEXPECT_CODE=N -DEXPECT_STDERR=text -P expect_exit.cmake
# (arguments separated by '|', since add_test would split a ';' list)
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${EXE} ${args} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL EXPECT_CODE)
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_CODE}\nstdout:\n${out}\nstderr:\n${err}")
endif()
string(FIND "${err}" "${EXPECT_STDERR}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stderr lacks \"${EXPECT_STDERR}\":\n${err}")
endif()
