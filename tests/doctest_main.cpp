// The main of every doctest binary. One addition to doctest's own: a run asked for named test
// cases (--test-case=..., as each ctest test is) that runs none of them fails. doctest exits 0
// when a filter matches nothing, so a test whose name ctest passes on wrongly (a ';' or ','
// that a discovery script split or escaped differently) would pass without running.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <cstring>

namespace {

std::atomic<int> test_cases_started{0};

struct StartedCounter : doctest::IReporter {
  explicit StartedCounter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { ++test_cases_started; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
REGISTER_LISTENER("started_counter", 1, StartedCounter);

bool names_test_cases(int argc, char** argv) {
  bool filtered = false, listing = false;
  for (int i = 1; i < argc; ++i) {
    filtered |= std::strncmp(argv[i], "--test-case=", 12) == 0 || std::strncmp(argv[i], "-tc=", 4) == 0;
    listing |= std::strncmp(argv[i], "--list", 6) == 0 || std::strncmp(argv[i], "-l", 2) == 0 ||
               std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "-?") == 0;
  }
  return filtered && !listing;
}

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  int result = context.run();
  if (context.shouldExit()) return result;
  if (result == 0 && names_test_cases(argc, argv) && test_cases_started == 0) {
    std::fprintf(stderr, "no test case matched the --test-case filter: nothing ran\n");
    return 1;
  }
  return result;
}
