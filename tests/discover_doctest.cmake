# Writes the ctest file of one doctest binary: one ctest test per TEST_CASE (cmake -P, run after
# each link). Ours rather than doctest's doctestAddTests.cmake, which turns the listing into a
# CMake list by its lines, so a test name holding ';' became two names that matched nothing
# and passed without running (66 cases did). Here a ';' or ',' in a name (doctest's filter
# separators) is a '?' (its one-character wildcard) in the filter, and a ',' in the ctest name.
# In: TEST_EXECUTABLE, TEST_PREFIX, TEST_TIMEOUT, TEST_WORKING_DIR, CTEST_FILE.
execute_process(COMMAND "${TEST_EXECUTABLE}" --list-test-cases --no-version
                OUTPUT_VARIABLE listing RESULT_VARIABLE result WORKING_DIRECTORY "${TEST_WORKING_DIR}")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --list-test-cases failed (${result}): ${listing}")
endif()
string(REPLACE ";" "<semicolon>" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(script "")
foreach(line IN LISTS lines)
  if(line STREQUAL "" OR line MATCHES "^=+$" OR line MATCHES "^\\[doctest\\] ")
    continue()
  endif()
  string(REPLACE "<semicolon>" "," name "${line}")
  string(REPLACE "<semicolon>" "?" filter "${line}")
  string(REPLACE "," "?" filter "${filter}")
  string(APPEND script "add_test([==[${TEST_PREFIX}: ${name}]==] [==[${TEST_EXECUTABLE}]==] [==[--test-case=${filter}]==])\n")
  string(APPEND script "set_tests_properties([==[${TEST_PREFIX}: ${name}]==] PROPERTIES TIMEOUT ${TEST_TIMEOUT} "
                       "WORKING_DIRECTORY [==[${TEST_WORKING_DIR}]==])\n")
endforeach()
file(WRITE "${CTEST_FILE}" "${script}")
