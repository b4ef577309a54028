#include "negsim/detail/text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>

namespace negsim::detail {
namespace {

TEST(FormatNumber, ShortestFormThatReadsBackExactly) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(3.67), "3.67");
  EXPECT_EQ(format_number(60), "60");
  EXPECT_EQ(format_number(100000), "100000");
  EXPECT_EQ(format_number(-2.5), "-2.5");
  EXPECT_EQ(format_number(1e-9), "1e-09");
  for (double x : {1.0 / 3.0, 0.30000000000000004, 1e-300, 9250.5, 123456789.123}) {
    EXPECT_EQ(std::strtod(format_number(x).c_str(), nullptr), x) << format_number(x);
  }
}

TEST(FormatNumber, NonFiniteUseYamlSpelling) {
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), ".inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-.inf");
  EXPECT_EQ(format_number(std::nan("")), ".nan");
}

TEST(EditDistance, CountsTypistsEdits) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("trust", "trust"), 0u);
  EXPECT_EQ(edit_distance("trst", "trust"), 1u);
  EXPECT_EQ(edit_distance("agnets", "agents"), 1u);  // a swap is one edit
  EXPECT_EQ(edit_distance("trsut", "trust"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(ClosestMatch, SuggestsLikelyTyposOnly) {
  const std::vector<std::string> keys{"trust", "role", "salience", "agents"};
  EXPECT_EQ(closest_match("trst", keys), "trust");
  EXPECT_EQ(closest_match("agnets", keys), "agents");
  EXPECT_EQ(closest_match("colour", keys), std::nullopt);
  EXPECT_EQ(closest_match("ro", keys), std::nullopt);  // too short to guess
}

TEST(InvalidUtf8, FindsTheFirstBadByte) {
  EXPECT_EQ(invalid_utf8("plain ascii"), std::nullopt);
  EXPECT_EQ(invalid_utf8("unicode \u2014 \u00e9 \U0001F600"), std::nullopt);
  EXPECT_EQ(invalid_utf8("bad \xFF here"), 4u);
  EXPECT_EQ(invalid_utf8("cut \xE2\x80"), 4u);       // truncated sequence
  EXPECT_EQ(invalid_utf8("over \xC0\xAF"), 5u);      // overlong '/'
  EXPECT_EQ(invalid_utf8("half \xED\xA0\x80"), 5u);  // a UTF-16 surrogate
}

TEST(JoinAlternatives, ReadsAsAList) {
  EXPECT_EQ(join_alternatives({}), "");
  EXPECT_EQ(join_alternatives({"a"}), "a");
  EXPECT_EQ(join_alternatives({"a", "b"}), "a or b");
  EXPECT_EQ(join_alternatives({"a", "b", "c"}), "a, b or c");
}

}  // namespace
}  // namespace negsim::detail
