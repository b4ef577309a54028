#include "negsim/rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <set>
#include <vector>

namespace negsim {
namespace {

// Known-answer vectors of Random123 (kat_vectors, philox4x64 with 10 rounds).
TEST(Philox, KnownAnswers) {
  using G = Rng::Generator;
  struct Case {
    G::ctr_type ctr;
    G::key_type key;
    G::ctr_type expected;
  };
  const std::vector<Case> cases{
      {{{0, 0, 0, 0}},
       {{0, 0}},
       {{0x16554d9eca36314cULL, 0xdb20fe9d672d0fdcULL, 0xd7e772cee186176bULL,
         0x7e68b68aec7ba23bULL}}},
      {{{~0ULL, ~0ULL, ~0ULL, ~0ULL}},
       {{~0ULL, ~0ULL}},
       {{0x87b092c3013fe90bULL, 0x438c3c67be8d0224ULL, 0x9cc7d7c69cd777b6ULL,
         0xa09caebf594f0ba0ULL}}},
      {{{0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
         0x082efa98ec4e6c89ULL}},
       {{0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL}},
       {{0xa528f45403e61d95ULL, 0x38c72dbd566e9788ULL, 0xa5a1610e72fd18b5ULL,
         0x57bd43b5e52b7fe6ULL}}},
  };
  G g;
  for (const auto& c : cases) {
    const auto out = g(c.ctr, c.key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], c.expected[i]) << i;
  }
}

// Known answers for negsim's own stream layout: the first draws of each
// purpose for one fixed key (seed 20250426, point 3, run 17). The key words,
// the purpose numbers and the substream packing are part of the output
// format: a change here changes every result, and must say so.
TEST(Rng, KnownAnswersOfEachPurpose) {
  struct Case {
    Purpose purpose;
    std::array<std::uint64_t, 3> first;
  };
  const std::vector<Case> cases{
      {Purpose::params, {0x93c6c23f4c6b68b4ULL, 0xb41ab0588b3f0689ULL, 0x2ef38385428330e2ULL}},
      {Purpose::text_noise, {0xde884ffc516dfb50ULL, 0xd2eb2b22a68127a6ULL, 0x68cf4a941305be6dULL}},
      {Purpose::strike, {0x6ce8ed84fc6b0d7dULL, 0xc5c6cf305faf0283ULL, 0x4a16371a8a7310c6ULL}},
      {Purpose::snapback, {0x0af002ff7b9f5264ULL, 0x5f3ca51e0f9282f2ULL, 0xb93fcd70c88136c5ULL}},
      {Purpose::domestic, {0x26f6dcfe2abb55c2ULL, 0x49d2c9c3bfc16212ULL, 0x9ce4c72b9a888e10ULL}},
      {Purpose::ratification,
       {0x540e7c744e689612ULL, 0x81057e730919dbd4ULL, 0x8eb2d8f6e63072ccULL}},
      {Purpose::walkout, {0x24483ba9e8ec03e7ULL, 0xe109ea242add730fULL, 0x0b85a9ab68ab7f59ULL}},
  };
  for (const Case& c : cases) {
    Rng rng(20250426, 3, 17, c.purpose);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(rng.next_u64(), c.first[i]) << "purpose " << static_cast<int>(c.purpose);
    }
  }
  // Names key the substreams of parameters and of later mechanisms:
  // FNV-1a (its offset basis for the empty name), then the streams.
  EXPECT_EQ(substream_of(""), 2166136261u);
  EXPECT_EQ(substream_of("us.reservation"), 3212240073u);
  EXPECT_EQ(substream_of("fatigue"), 2186877534u);
  Rng mechanism(20250426, 3, 17, Purpose::mechanism, substream_of("fatigue"));
  for (std::uint64_t expected :
       {0xc8e8762566af5e82ULL, 0x70cda542d581ab17ULL, 0xcd4276997d9a6e1fULL}) {
    EXPECT_EQ(mechanism.next_u64(), expected);
  }
  Rng parameter(20250426, 3, 17, Purpose::params, substream_of("us.reservation"));
  EXPECT_EQ(parameter.uniform(), 0.00083125951779255969);
  // A substream of the parameter draws, and the transforms.
  Rng agent(20250426, 3, 17, Purpose::params, 2);
  EXPECT_EQ(agent.next_u64(), 0xc9b9f722c6f5bfccULL);
  EXPECT_EQ(agent.uniform(), 0.17866351452670742);
  Rng global(20250426, 3, 17, Purpose::params);
  EXPECT_EQ(global.uniform(), 0.57725156827329527);
  EXPECT_EQ(global.uniform(), 0.70353223954884569);
  EXPECT_EQ(global.normal(), -0.90247150828536959);
}

TEST(Rng, SameKeySameNumbers) {
  Rng a(42, 3, 17, Purpose::strike), b(42, 3, 17, Purpose::strike);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, EveryKeyWordSelectsItsOwnStream) {
  std::set<std::uint64_t> firsts;
  firsts.insert(Rng(1, 0, 0, Purpose::params).next_u64());
  firsts.insert(Rng(2, 0, 0, Purpose::params).next_u64());
  firsts.insert(Rng(1, 1, 0, Purpose::params).next_u64());
  firsts.insert(Rng(1, 0, 1, Purpose::params).next_u64());
  firsts.insert(Rng(1, 0, 0, Purpose::strike).next_u64());
  firsts.insert(Rng(1, 0, 0, Purpose::params, 1).next_u64());
  EXPECT_EQ(firsts.size(), 6u);
}

TEST(Rng, UniformIsOpenAndUniform) {
  Rng rng(7, 0, 0, Purpose::params);
  const int n = 200000, bins = 20;
  std::vector<int> counts(bins);
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    ++counts[static_cast<std::size_t>(u * bins)];
  }
  // Chi-square with 19 degrees of freedom: 43.8 is its 0.999 quantile.
  double chi2 = 0;
  const double expected = double(n) / bins;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 43.8);
}

TEST(NormalQuantile, MatchesBoostToNearMachinePrecision) {
  boost::math::normal_distribution<double> normal;
  for (double p : {1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999999,
                   1 - 1e-12}) {
    const double expected = boost::math::quantile(normal, p);
    EXPECT_NEAR(normal_quantile(p), expected, 1e-14 * std::max(1.0, std::fabs(expected))) << p;
  }
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_NEAR(normal_quantile(0.2), -normal_quantile(0.8), 1e-15);  // symmetric
}

double sample_mean(const Param& p, int n = 100000) {
  Rng rng(11, 0, 0, Purpose::params);
  double total = 0;
  for (int i = 0; i < n; ++i) total += sample(p, rng);
  return total / n;
}

TEST(Quantile, EachKindHasItsTheoreticalMean) {
  EXPECT_DOUBLE_EQ(sample_mean(Param(0.3), 10), 0.3);
  EXPECT_NEAR(sample_mean(Param::of(Uniform{2, 4})), 3.0, 0.01);
  EXPECT_NEAR(sample_mean(Param::of(Beta{2, 6, 0, 1})), 0.25, 0.003);
  EXPECT_NEAR(sample_mean(Param::of(Beta{2, 2, 10, 20})), 15.0, 0.03);
  EXPECT_NEAR(sample_mean(Param::of(Triangular{0, 1, 5})), 2.0, 0.02);
  EXPECT_NEAR(sample_mean(Param::of(Normal{1, 2, std::nullopt, std::nullopt})), 1.0, 0.03);
  // A normal truncated symmetrically keeps its mean; one-sided truncation at
  // the mean gives the half-normal mean, mean + sd sqrt(2/pi).
  EXPECT_NEAR(sample_mean(Param::of(Normal{0.5, 0.2, 0.3, 0.7})), 0.5, 0.002);
  EXPECT_NEAR(sample_mean(Param::of(Normal{0, 1, 0.0, std::nullopt})), std::sqrt(2 / M_PI), 0.01);
  EXPECT_NEAR(sample_mean(Param::of(Choice{{1, 2, 3}, {}})), 2.0, 0.01);
  EXPECT_NEAR(sample_mean(Param::of(Choice{{0, 10}, {3, 1}})), 2.5, 0.05);
}

TEST(Quantile, DrawsStayInsideTheSupport) {
  const std::vector<Param> params{Param::of(Normal{0.5, 5, 0.0, 1.0}),
                                  Param::of(Beta{0.5, 0.5, 2, 3}), Param::of(Triangular{1, 1, 2}),
                                  Param::of(Uniform{-1, 1})};
  for (const Param& p : params) {
    for (double u : {1e-16, 1e-9, 0.25, 0.5, 0.75, 1 - 1e-9, 1 - 1e-16}) {
      const double x = quantile(p, u);
      EXPECT_GE(x, p.support_min()) << p.kind_name() << " u=" << u;
      EXPECT_LE(x, p.support_max()) << p.kind_name() << " u=" << u;
    }
  }
}

TEST(Quantile, IsMonotoneInTheUniform) {
  // Inversion: a larger uniform never gives a smaller draw, which is what
  // keeps draws comparable across design points (common random numbers).
  const std::vector<Param> params{Param::of(Normal{0, 1, -1.0, 2.0}), Param::of(Beta{2, 5, 0, 1}),
                                  Param::of(Triangular{0, 0.2, 1}), Param::of(Uniform{-3, 7}),
                                  Param::of(Choice{{1, 3, 5}, {1, 2, 1}})};
  for (const Param& p : params) {
    double last = -1e300;
    for (int i = 1; i < 1000; ++i) {
      const double x = quantile(p, i / 1000.0);
      EXPECT_GE(x, last) << p.kind_name() << " u=" << i / 1000.0;
      last = x;
    }
  }
}

TEST(Quantile, ChoiceTakesItsValuesInTheOrderWritten) {
  // A choice is not sorted: the uniform walks its values as listed, each
  // over a share of (0, 1) equal to its weight.
  const Param p = Param::of(Choice{{1, 5, 3}, {1, 1, 2}});
  for (int i = 1; i < 1000; ++i) {
    const double u = i / 1000.0;
    const double expected = u < 0.25 ? 1 : u < 0.5 ? 5 : 3;
    EXPECT_EQ(quantile(p, u), expected) << "u=" << u;
  }
  const Param equal = Param::of(Choice{{4, 2}, {}});
  EXPECT_EQ(quantile(equal, 0.49), 4);
  EXPECT_EQ(quantile(equal, 0.51), 2);
}

TEST(Quantile, ChoiceFollowsItsWeights) {
  const Param p = Param::of(Choice{{1, 2, 3}, {1, 0, 3}});
  Rng rng(5, 0, 0, Purpose::params);
  int counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 40000; ++i) ++counts[static_cast<int>(sample(p, rng))];
  EXPECT_EQ(counts[2], 0);  // weight zero: never
  EXPECT_NEAR(counts[3] / 40000.0, 0.75, 0.01);
}

}  // namespace
}  // namespace negsim
