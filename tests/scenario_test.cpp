#include "negsim/scenario.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace negsim {
namespace {

TEST(Param, SupportOfEachKind) {
  EXPECT_EQ(Param(0.3).support_min(), 0.3);
  EXPECT_EQ(Param(0.3).support_max(), 0.3);
  const Param u = Param::of(Uniform{0.2, 0.4});
  EXPECT_EQ(u.support_min(), 0.2);
  EXPECT_EQ(u.support_max(), 0.4);
  const Param n = Param::of(Normal{0, 1, std::nullopt, 2.0});
  EXPECT_TRUE(std::isinf(n.support_min()) && n.support_min() < 0);
  EXPECT_EQ(n.support_max(), 2.0);
  const Param b = Param::of(Beta{2, 3, 10, 20});
  EXPECT_EQ(b.support_min(), 10);
  EXPECT_EQ(b.support_max(), 20);
  const Param t = Param::of(Triangular{1, 2, 5});
  EXPECT_EQ(t.support_min(), 1);
  EXPECT_EQ(t.support_max(), 5);
  const Param c = Param::of(Choice{{3, -1, 7}, {}});
  EXPECT_EQ(c.support_min(), -1);
  EXPECT_EQ(c.support_max(), 7);
}

TEST(Param, KindNames) {
  EXPECT_STREQ(Param(1).kind_name(), "constant");
  EXPECT_STREQ(Param::of(Uniform{}).kind_name(), "uniform");
  EXPECT_STREQ(Param::of(Normal{}).kind_name(), "normal");
  EXPECT_STREQ(Param::of(Beta{}).kind_name(), "beta");
  EXPECT_STREQ(Param::of(Triangular{}).kind_name(), "triangular");
  EXPECT_STREQ(Param::of(Choice{}).kind_name(), "choice");
}

TEST(Param, EqualityIgnoresLocationButNotValue) {
  Param a(0.5), b(0.5);
  a.loc = SourceLoc{"a.yaml", 3, 4};
  b.loc = SourceLoc{"b.yaml", 9, 1};
  EXPECT_EQ(a, b);
  EXPECT_NE(a.loc.where(), b.loc.where());  // the locations themselves do differ
  EXPECT_NE(Param(0.5), Param(0.6));
  EXPECT_NE(Param(0.5), Param::of(Uniform{0.5, 0.5}));
}

TEST(SourceLoc, ComparesFileLineAndColumn) {
  const SourceLoc here{"s.yaml", 3, 4};
  EXPECT_EQ(here, (SourceLoc{"s.yaml", 3, 4}));
  EXPECT_NE(here, (SourceLoc{"t.yaml", 3, 4}));
  EXPECT_NE(here, (SourceLoc{"s.yaml", 2, 4}));
  EXPECT_NE(here, (SourceLoc{"s.yaml", 3, 5}));
  // Diagnostics compare by their locations too (tests rely on it).
  EXPECT_NE((Diagnostic{here, "a", "m"}.loc),
            (Diagnostic{SourceLoc{"s.yaml", 9, 9}, "a", "m"}.loc));
}

TEST(Diagnostic, FormatsWithAndWithoutPosition) {
  Diagnostic d;
  d.loc.file = "s.yaml";
  d.loc.line = 12;
  d.loc.column = 5;
  d.path = "agents.us.trust";
  d.message = "out of range";
  EXPECT_EQ(d.str(), "s.yaml:12:5: agents.us.trust: out of range");
  d.loc.line = 0;
  d.path.clear();
  d.message = "file does not exist";
  EXPECT_EQ(d.str(), "s.yaml: file does not exist");
}

TEST(Scenario, LooksUpByName) {
  Scenario s;
  s.issues.push_back(Issue{"enrichment", "%", "", 0, 60, 60, {}, {}});
  Agent us;
  us.name = "us";
  s.agents.push_back(us);
  EXPECT_EQ(s.issue_index("enrichment"), 0u);
  EXPECT_EQ(s.issue_index("missiles"), std::nullopt);
  EXPECT_EQ(s.agent_index("us"), 0u);
  EXPECT_EQ(s.agent_index("iran"), std::nullopt);
}

}  // namespace
}  // namespace negsim
