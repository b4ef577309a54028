#include "negsim/sweep.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "test_util.hpp"

namespace negsim {
namespace {

DesignSpec spec_of(const std::string& yaml) { return load_design_text(yaml, "design.yaml"); }

std::vector<std::string> problems(const std::string& yaml) {
  try {
    spec_of(yaml);
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.str());
    return out;
  }
  ADD_FAILURE() << "expected a ScenarioError for\n" << yaml;
  return {};
}

TEST(Design, GridIsTheCartesianProductFirstParameterSlowest) {
  const Design d = generate(spec_of(R"(design: grid
parameters:
  a: {values: [1, 2]}
  b: {range: [0, 1], steps: 3}
)"));
  ASSERT_EQ(d.points.size(), 6u);
  EXPECT_EQ(d.points[0], (std::vector<double>{1, 0}));
  EXPECT_EQ(d.points[1], (std::vector<double>{1, 0.5}));
  EXPECT_EQ(d.points[2], (std::vector<double>{1, 1}));
  EXPECT_EQ(d.points[3], (std::vector<double>{2, 0}));
  EXPECT_EQ(d.paths, (std::vector<std::string>{"a", "b"}));
}

TEST(Design, OneAtATimeMovesOneParameterFromTheBaseline) {
  const Design d =
      generate(spec_of("design: oat\nparameters: {a: {range: [1, 3]}, b: {range: [10, 20]}}\n"));
  ASSERT_EQ(d.points.size(), 5u);
  EXPECT_TRUE(std::isnan(d.points[0][0]) && std::isnan(d.points[0][1]));  // the scenario as written
  EXPECT_EQ(d.points[1][0], 1.0);
  EXPECT_TRUE(std::isnan(d.points[1][1]));
  EXPECT_EQ(d.points[2][0], 3.0);
  EXPECT_EQ(d.points[3][1], 10.0);
  EXPECT_EQ(d.points[4][1], 20.0);
}

TEST(Design, LatinHypercubeUsesEveryStratumOnce) {
  const DesignSpec spec = spec_of(
      "design: lhs\npoints: 50\nseed: 3\nparameters: {a: {range: [0, 10]}, b: {range: [-1, 1]}, c: "
      "{range: [5, 6]}}\n");
  const Design d = generate(spec);
  ASSERT_EQ(d.points.size(), 50u);
  for (std::size_t j = 0; j < 3; ++j) {
    std::set<int> strata;
    for (const auto& u : d.unit) strata.insert(static_cast<int>(u[j] * 50));
    EXPECT_EQ(strata.size(), 50u) << "parameter " << j;
  }
  for (const auto& p : d.points) {
    EXPECT_GE(p[0], 0);
    EXPECT_LE(p[0], 10);
    EXPECT_GE(p[1], -1);
    EXPECT_LE(p[1], 1);
  }
  EXPECT_EQ(generate(spec).points, d.points) << "deterministic in the seed";
  DesignSpec other = spec;
  other.seed = 4;
  EXPECT_NE(generate(other).points, d.points);
}

TEST(Design, SaltelliMatricesFollowTheScheme) {
  const Design d =
      generate(spec_of("design: sobol\npoints: 16\nparameters: {a: {range: [0, 1]}, b: {range: [0, "
                       "1]}, c: {range: [0, 1]}}\n"));
  const std::size_t n = 16, k = 3;
  ASSERT_EQ(d.unit.size(), n * (k + 2));
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t r = 0; r < n; ++r) {
      const auto& a = d.unit[r];
      const auto& b = d.unit[n + r];
      const auto& ab = d.unit[(2 + i) * n + r];
      for (std::size_t j = 0; j < k; ++j) EXPECT_EQ(ab[j], j == i ? b[j] : a[j]);
    }
  }
  for (const auto& u : d.unit) {
    for (double x : u) {
      EXPECT_GT(x, 0.0);
      EXPECT_LT(x, 1.0);
    }
  }
}

TEST(Design, SobolBaseSizeNotAPowerOfTwoIsWarned) {
  EXPECT_TRUE(
      spec_of("design: sobol\npoints: 16\nparameters: {a: {range: [0, 1]}}\n").warnings.empty());
  const auto warned =
      spec_of("design: sobol\npoints: 100\nparameters: {a: {range: [0, 1]}}\n").warnings;
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_NE(warned[0].find("prefer 128"), std::string::npos);
}

TEST(Design, MorrisTrajectoriesMoveEachFactorOnceByDelta) {
  const Design d =
      generate(spec_of("design: morris\npoints: 10\nlevels: 4\nparameters: {a: {range: [0, 1]}, b: "
                       "{range: [0, 1]}, c: {range: [0, 1]}}\n"));
  const std::size_t k = 3;
  const double delta = 4 / (2.0 * 3);
  ASSERT_EQ(d.unit.size(), 10 * (k + 1));
  for (std::size_t t = 0; t < 10; ++t) {
    std::set<std::size_t> moved;
    for (std::size_t m = 1; m <= k; ++m) {
      const auto& a = d.unit[t * (k + 1) + m - 1];
      const auto& b = d.unit[t * (k + 1) + m];
      int changed = 0;
      for (std::size_t j = 0; j < k; ++j) {
        if (a[j] != b[j]) {
          ++changed;
          moved.insert(j);
          EXPECT_NEAR(std::fabs(b[j] - a[j]), delta, 1e-12);
        }
        EXPECT_GE(b[j], 0.0);
        EXPECT_LE(b[j], 1.0);
      }
      EXPECT_EQ(changed, 1);
    }
    EXPECT_EQ(moved.size(), k);
  }
}

TEST(Sensitivity, SobolIndicesOfTheIshigamiFunction) {
  // f = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 on [-pi, pi]^3 (Ishigami &
  // Homma 1990): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
  const Design d = generate(spec_of(R"(design: sobol
points: 8192
seed: 1
parameters:
  x1: {range: [-3.141592653589793, 3.141592653589793]}
  x2: {range: [-3.141592653589793, 3.141592653589793]}
  x3: {range: [-3.141592653589793, 3.141592653589793]}
)"));
  std::vector<double> f;
  for (const auto& p : d.points) {
    f.push_back(std::sin(p[0]) + 7 * std::pow(std::sin(p[1]), 2) +
                0.1 * std::pow(p[2], 4) * std::sin(p[0]));
  }
  const SobolIndices s = sobol_indices(f, 8192, 3, 1, 200);
  const double first[] = {0.3139, 0.4424, 0.0}, total[] = {0.5576, 0.4424, 0.2437};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.first[i].value, first[i], 0.03) << "S1 of x" << i + 1;
    EXPECT_NEAR(s.total[i].value, total[i], 0.03) << "ST of x" << i + 1;
    EXPECT_LE(s.first[i].lo, s.first[i].value);
    EXPECT_GE(s.first[i].hi, s.first[i].value);
    EXPECT_LT(s.total[i].hi - s.total[i].lo, 0.1);
  }
}

TEST(Sensitivity, MorrisOnALinearFunction) {
  // f = 2 a + 0 b: every elementary effect of a is 2 x its range; b has none.
  const Design d = generate(spec_of(
      "design: morris\npoints: 20\nparameters: {a: {range: [0, 5]}, b: {range: [0, 1]}}\n"));
  std::vector<double> f;
  for (const auto& p : d.points) f.push_back(2 * p[0]);
  const MorrisIndices m = morris_indices(d, f);
  EXPECT_NEAR(m.mu_star[0], 10.0, 1e-9);
  EXPECT_NEAR(m.mu[0], 10.0, 1e-9);  // f rises with a: a positive mean effect
  EXPECT_NEAR(m.sigma[0], 0.0, 1e-9);
  EXPECT_NEAR(m.mu_star[1], 0.0, 1e-12);
  EXPECT_EQ(m.effects, (std::vector<std::size_t>{20, 20}));
  // f = -3 b: a falling output has a negative mu and the same mu*.
  std::vector<double> g;
  for (const auto& p : d.points) g.push_back(-3 * p[1]);
  const MorrisIndices n = morris_indices(d, g);
  EXPECT_NEAR(n.mu[1], -3.0, 1e-9);
  EXPECT_NEAR(n.mu_star[1], 3.0, 1e-9);
}

TEST(Sensitivity, MorrisOfAParameterThatNeverMovesIsZeroNotNan) {
  // A design in which b's column is constant (as when a trajectory's step
  // leaves it, or a hand-made table holds it): no effect is measured.
  Design d = generate(
      spec_of("design: morris\npoints: 4\nparameters: {a: {range: [0, 1]}, b: {range: [0, 1]}}\n"));
  for (auto& u : d.unit) u[1] = 0.5;
  std::vector<double> f;
  for (const auto& u : d.unit) f.push_back(u[0]);
  const MorrisIndices m = morris_indices(d, f);
  EXPECT_EQ(m.effects[1], 0u);
  EXPECT_EQ(m.mu[1], 0.0);
  EXPECT_EQ(m.mu_star[1], 0.0);
  EXPECT_EQ(m.sigma[1], 0.0);
  EXPECT_GT(m.effects[0], 0u);
  EXPECT_FALSE(std::isnan(m.mu[0]));
}

TEST(Sensitivity, OatSwings) {
  const Design d = generate(spec_of("design: oat\nparameters: {a: {range: [1, 3]}}\n"));
  const auto s = oat_swings(d, {5, 4, 9});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].baseline, 5);
  EXPECT_EQ(s[0].low, 4);
  EXPECT_EQ(s[0].high, 9);
}

TEST(DesignSpec, MalformedSpecsGetPreciseErrors) {
  EXPECT_EQ(problems("design: lhc\npoints: 4\nparameters: {a: {range: [0, 1]}}\n"),
            (std::vector<std::string>{
                "design.yaml:1:9: design: unknown design (got \"lhc\", did you mean \"lhs\"?)"}));
  EXPECT_EQ(
      problems("design: lhs\nparameters: {a: {range: [0, 1]}}\n"),
      (std::vector<std::string>{
          "design.yaml:1:1: missing required field \"points\" (expected the number of points)"}));
  EXPECT_EQ(problems("design: lhs\npoints: 4\nparameters: {a: {range: [2, 1]}}\n"),
            (std::vector<std::string>{
                "design.yaml:3:25: parameters.a.range: lo >= hi (got [2, 1], expected lo < hi)"}));
  EXPECT_EQ(
      problems("design: sobol\npoints: 4\nparameters: {a: {values: [1, 2]}}\n"),
      (std::vector<std::string>{
          "design.yaml:3:26: parameters.a.values: a sobol design takes a range, not values"}));
  EXPECT_EQ(problems("design: grid\nparameters: {a: {range: [0, 1]}}\n"),
            (std::vector<std::string>{"design.yaml:2:17: parameters.a: missing required field "
                                      "\"steps\" (expected the number of values over the range)"}));
  EXPECT_EQ(problems("design: grid\nparameters: {a: {values: [1]}, a: {values: [2]}}\n"),
            (std::vector<std::string>{"design.yaml:2:32: parameters.a: parameter listed twice"}));
  EXPECT_EQ(problems("design: grid\npoints: 3\nparameters: {a: {values: [1]}}\ncolour: red\n"),
            (std::vector<std::string>{"design.yaml:2:9: points: not used by a grid design",
                                      "design.yaml:4:1: colour: unknown key (expected one of "
                                      "design, parameters, seed, points, levels or file)"}));
  EXPECT_EQ(problems(""),
            (std::vector<std::string>{"design.yaml:1:1: file is empty (expected a design)"}));
}

}  // namespace
}  // namespace negsim
