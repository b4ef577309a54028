#include "negsim/model_text.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "negsim/rng.hpp"

namespace negsim::model {
namespace {

IssueVec vec(std::initializer_list<double> values) {
  IssueVec v{};
  std::size_t k = 0;
  for (double x : values) v[k++] = x;
  return v;
}

TextSpace open_space(std::size_t n) {
  TextSpace s;
  s.n = n;
  for (std::size_t k = 0; k < n; ++k) {
    s.lo[k] = 0;
    s.hi[k] = 1;
    s.settles[k] = true;
  }
  return s;
}

TEST(Utility, IsOneMinusWeightedDistance) {
  const IssueVec ideal = vec({0.2, 0.8}), salience = vec({0.75, 0.25});
  const Preferences linear{&ideal, &salience, 1}, quadratic{&ideal, &salience, 2};
  EXPECT_DOUBLE_EQ(utility(linear, ideal, 2), 1.0);
  EXPECT_DOUBLE_EQ(utility(linear, vec({0.6, 0.4}), 2), 1 - 0.75 * 0.4 - 0.25 * 0.4);
  EXPECT_DOUBLE_EQ(utility(quadratic, vec({0.6, 0.4}), 2), 1 - 0.75 * 0.16 - 0.25 * 0.16);
}

TEST(PerceivedValue, TrustWeighsTheTextAgainstItsRenegedVersion) {
  // Agent wants issue 0 high (the other side gives it) and concedes issue 1.
  const IssueVec ideal = vec({1, 1}), salience = vec({0.5, 0.5}), sq = vec({0, 1});
  const Preferences p{&ideal, &salience, 1};
  const IssueVec x = vec({0.8, 0.6});
  // Reneged: the gain on issue 0 reverts to the status quo; the concession on 1 stands.
  const IssueVec r = reneged(p, x, sq, 2);
  EXPECT_EQ(r[0], 0.0);
  EXPECT_EQ(r[1], 0.6);
  const double full = utility(p, x, 2), fooled = utility(p, r, 2);
  EXPECT_DOUBLE_EQ(perceived_value(p, 1.0, x, sq, 2), full);
  EXPECT_DOUBLE_EQ(perceived_value(p, 0.0, x, sq, 2), fooled);
  EXPECT_DOUBLE_EQ(perceived_value(p, 0.3, x, sq, 2), 0.3 * full + 0.7 * fooled);
  EXPECT_LT(perceived_value(p, 0.3, x, sq, 2), full);  // mistrust discounts a deal
}

TEST(SegmentValue, GivesPerceivedValuesDigitsAlongTheSegment) {
  // The bisections read perceived values through SegmentValue: it must give
  // perceived_value's digits exactly (EXPECT_EQ, not near) at every point of
  // the segment, for every exponent, at whole trust and below, with issues
  // nobody on this side cares about and issues the segment leaves alone.
  Rng rng(20250426, 0, 7, Purpose::params);
  constexpr std::size_t n = 6;
  for (int trial = 0; trial < 200; ++trial) {
    IssueVec ideal{}, salience{}, sq{}, from{}, to{};
    IssueMask moves{};
    for (std::size_t k = 0; k < n; ++k) {
      ideal[k] = rng.uniform();
      salience[k] = k == 2 ? 0.0 : rng.uniform();
      sq[k] = rng.uniform() < 0.3 ? ideal[k] : rng.uniform();
      from[k] = rng.uniform();
      to[k] = rng.uniform();
      moves[k] = k != 4;
    }
    const double gammas[] = {1, 2, 1.5, 0.7};
    const double gamma = gammas[trial % 4];
    const double trust = trial % 5 == 0 ? 1.0 : rng.uniform();
    const Preferences p{&ideal, &salience, gamma};
    SegmentValue along;
    along.set(p, trust, from, to, moves, sq, n);
    for (int j = 0; j <= 64; ++j) {
      const double lambda = j / 64.0 + (j % 3 == 1 ? rng.uniform() / 64 : 0.0);
      IssueVec x = from;
      for (std::size_t k = 0; k < n; ++k) {
        if (moves[k]) x[k] = from[k] + lambda * (to[k] - from[k]);
      }
      ASSERT_EQ(along(lambda), perceived_value(p, trust, x, sq, n))
          << "trial " << trial << ", lambda " << lambda;
    }
  }
}

TEST(NashText, SymmetricAgentsMeetAtTheMidpoint) {
  // For gamma >= 1 the Nash product is concave and its maximum unique. (Below
  // 1 it is not, and the midpoint is not the maximum: see docs/MODEL.md.)
  for (double gamma : {1.0, 1.5, 2.0, 3.0}) {
    const IssueVec a = vec({0}), b = vec({1}), s = vec({1});
    const Party parties[] = {{{&a, &s, gamma}, 1, 0.1}, {{&b, &s, gamma}, 1, 0.1}};
    const auto r = nash_text(parties, open_space(1), vec({0.2}));
    EXPECT_NEAR(r.text[0], 0.5, 1e-6) << "gamma " << gamma;
  }
}

TEST(NashText, WeightsShiftTheSolutionAsTheFirstOrderConditionSays) {
  // Quadratic utilities, weights 2:1, d = 0. The optimum solves
  // 2 * (-2x)/(1 - x^2) + 2(1 - x)/(1 - (1 - x)^2) = 0; find it by bisection.
  auto foc = [](double x) { return -4 * x / (1 - x * x) + 2 * (1 - x) / (1 - (1 - x) * (1 - x)); };
  double lo = 1e-9, hi = 1 - 1e-9;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (foc(mid) > 0 ? lo : hi) = mid;
  }
  const IssueVec a = vec({0}), b = vec({1}), s = vec({1});
  const Party parties[] = {{{&a, &s, 2}, 2, 0}, {{&b, &s, 2}, 1, 0}};
  const auto r = nash_text(parties, open_space(1), vec({0.5}));
  EXPECT_NEAR(r.text[0], lo, 1e-6);
  EXPECT_LT(r.text[0], 0.5);  // the heavier party gets closer to its ideal
}

TEST(NashText, LogrollsWhenEachSideCaresAboutADifferentIssue) {
  // Linear utilities over two issues, each party caring only about one: the
  // Nash product gives each its ideal on the issue it cares about.
  const IssueVec a = vec({0.1, 0.9}), b = vec({0.9, 0.2});
  const IssueVec sa = vec({1, 0}), sb = vec({0, 1});
  const Party parties[] = {{{&a, &sa, 1}, 1, 0.2}, {{&b, &sb, 1}, 1, 0.2}};
  const auto r = nash_text(parties, open_space(2), vec({0.5, 0.5}));
  EXPECT_NEAR(r.text[0], 0.1, 0.01);
  EXPECT_NEAR(r.text[1], 0.2, 0.01);
}

TEST(NashText, WarmStartGivesTheSameText) {
  const IssueVec a = vec({0.1, 0.7, 0.3}), b = vec({0.8, 0.1, 0.9});
  const IssueVec sa = vec({0.5, 0.3, 0.2}), sb = vec({0.2, 0.3, 0.5});
  const Party parties[] = {{{&a, &sa, 1.5}, 1, 0.3}, {{&b, &sb, 1.5}, 0.6, 0.2}};
  const auto cold = nash_text(parties, open_space(3), vec({0.5, 0.5, 0.5}));
  const auto warm = nash_text(parties, open_space(3), vec({0.5, 0.5, 0.5}), &cold.text);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(warm.text[k], cold.text[k], 1e-6);
  EXPECT_LE(warm.iterations, 2);
}

TEST(NashText, LowersClaimsWhenNoTextSatisfiesEveryone) {
  const IssueVec a = vec({0}), b = vec({1}), s = vec({1});
  const Party parties[] = {{{&a, &s, 1}, 1, 0.9}, {{&b, &s, 1}, 1, 0.9}};
  const auto r = nash_text(parties, open_space(1), vec({0.5}));
  EXPECT_TRUE(r.claims_lowered);
  EXPECT_NEAR(r.text[0], 0.5, 1e-6);
}

TEST(CompromiseText, IsTheCapabilityTimesSalienceWeightedMean) {
  const IssueVec p1 = vec({0.0, 1.0}), p2 = vec({1.0, 0.0}), p3 = vec({0.5, 0.5});
  const IssueVec s1 = vec({0.5, 0.5}), s2 = vec({0.2, 0.8}), s3 = vec({1.0, 0.0});
  const Voice voices[] = {{&p1, &s1, 1.0}, {&p2, &s2, 2.0}, {&p3, &s3, 0.5}};
  const IssueVec x = compromise_text(voices, open_space(2));
  const double w0[] = {1.0 * 0.5, 2.0 * 0.2, 0.5 * 1.0};
  const double w1[] = {1.0 * 0.5, 2.0 * 0.8, 0.5 * 0.0};
  EXPECT_DOUBLE_EQ(x[0], (w0[0] * 0 + w0[1] * 1 + w0[2] * 0.5) / (w0[0] + w0[1] + w0[2]));
  EXPECT_DOUBLE_EQ(x[1], (w1[0] * 1 + w1[1] * 0 + w1[2] * 0.5) / (w1[0] + w1[1] + w1[2]));
}

TEST(CompromiseText, IsProjectedOntoTheRedLinesAndLeavesUnsettledIssues) {
  const IssueVec p1 = vec({0.0, 0.0}), s1 = vec({0.5, 0.5});
  const Voice voices[] = {{&p1, &s1, 1.0}};
  TextSpace space = open_space(2);
  space.lo[0] = 0.3;         // someone's red line: at least 0.3
  space.settles[1] = false;  // interim text: issue 1 stays at the status quo
  space.fixed[1] = 0.9;
  const IssueVec x = compromise_text(voices, space);
  EXPECT_EQ(x[0], 0.3);
  EXPECT_EQ(x[1], 0.9);
}

TEST(Texts, NeverCrossARedLineWhereAZoneExists) {
  Rng rng(3, 0, 0, Purpose::params);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = 4;
    IssueVec a{}, b{}, sa{}, sb{};
    TextSpace space = open_space(n);
    for (std::size_t k = 0; k < n; ++k) {
      a[k] = rng.uniform();
      b[k] = rng.uniform();
      sa[k] = rng.uniform();
      sb[k] = rng.uniform();
      const double u = rng.uniform(), v = rng.uniform();
      space.lo[k] = std::min(u, v) * 0.8;
      space.hi[k] = std::max(u, v) * 0.8 + 0.2;
    }
    const double gamma = 0.5 + 2 * rng.uniform();
    const Party parties[] = {{{&a, &sa, gamma}, rng.uniform(), 0.3 * rng.uniform()},
                             {{&b, &sb, gamma}, rng.uniform(), 0.3 * rng.uniform()}};
    const Voice voices[] = {{&a, &sa, 1}, {&b, &sb, 1}};
    const IssueVec start = compromise_text(voices, space);
    const IssueVec x = nash_text(parties, space, start).text;
    EXPECT_TRUE(within(start, space.lo, space.hi, n)) << trial;
    EXPECT_TRUE(within(x, space.lo, space.hi, n)) << trial;
  }
}

TEST(Texts, WithNoZoneLieBetweenTheConflictingRedLines) {
  TextSpace space = open_space(1);
  space.lo[0] = 0.7;  // one side: at least 0.7
  space.hi[0] = 0.3;  // the other: at most 0.3
  EXPECT_FALSE(space.has_zone(0));
  IssueVec x = vec({0.0});
  space.project(x);
  EXPECT_EQ(x[0], 0.3);
  x = vec({1.0});
  space.project(x);
  EXPECT_EQ(x[0], 0.7);
}

}  // namespace
}  // namespace negsim::model
