// The bad-input corpus: each tests/data/bad/NN-name.yaml is paired with
// NN-name.expected, holding the exit code and the exact messages negsim
// must print ({file} stands for the path, {dir} for its directory). A changed message, line, column
// or exit code fails the test. After an intended change of wording, rerun
// with NEGSIM_UPDATE_EXPECTED=1 and review the diff before committing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace negsim {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> corpus() { return test::yaml_stems(test::kDataDir + "/bad"); }

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST(BadScenarioCorpus, HasAtLeastFortyCasesEachWithExpectedOutput) {
  const auto names = corpus();
  EXPECT_GE(names.size(), 40u);
  for (const auto& name : names) {
    EXPECT_TRUE(fs::exists(test::kDataDir + "/bad/" + name + ".expected")) << name;
  }
}

class BadScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(BadScenario, FailsWithExactlyTheExpectedMessages) {
  const fs::path dir = test::kDataDir + "/bad";
  const std::string file = (dir / (GetParam() + ".yaml")).string();
  const test::CliResult r = test::run_cli({"validate", file});
  const std::string actual = "exit " + std::to_string(r.code) + "\n" +
                             replace_all(replace_all(r.err, file, "{file}"), dir.string(), "{dir}");
  const fs::path expected_path = dir / (GetParam() + ".expected");
  if (std::getenv("NEGSIM_UPDATE_EXPECTED")) {
    std::ofstream(expected_path) << actual;
    GTEST_SKIP() << "updated " << expected_path;
  }
  EXPECT_EQ(actual, read(expected_path));
  EXPECT_EQ(r.code, 1) << "an invalid scenario exits 1";
  EXPECT_TRUE(r.out.empty()) << "nothing is printed to stdout for an invalid scenario";
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadScenario, ::testing::ValuesIn(corpus()),
                         [](const auto& param_info) { return test::test_name(param_info.param); });

}  // namespace
}  // namespace negsim
