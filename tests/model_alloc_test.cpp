// The round loop must not touch the heap (DESIGN §3.2): this binary counts
// every allocation and checks that playing a run, once its parameters are
// drawn, makes none. It has its own executable because it replaces the
// global operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "negsim/model.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace negsim::model {
namespace {

TEST(RoundLoop, PlaysARunWithoutAllocating) {
  for (const std::string& file : {test::kDefaultScenario, test::kDataDir + "/good/talks.yaml"}) {
    for (const char* rule : {"nash", "compromise"}) {
      LoadOptions options;
      options.overrides.push_back(parse_override(std::string("protocol.rule=") + rule));
      const Scenario s = load_scenario(file, options);
      const Negotiation negotiation(s);
      Draw draw;
      const long at_start = allocations.load();
      negotiation.draw(s.seed, 0, 0, draw);  // sizes the values
      ASSERT_GT(allocations.load(), at_start) << "the allocation counter must see allocations";
      long during = 0;
      int rounds = 0;
      for (std::uint64_t run = 0; run < 200; ++run) {
        negotiation.draw(s.seed, 0, run, draw);
        RunStreams streams(negotiation, s.seed, 0, run);
        const long before = allocations.load();
        const RunResult r = negotiation.play(draw, streams);
        during += allocations.load() - before;
        rounds += r.round;
      }
      EXPECT_EQ(during, 0) << file << " " << rule;
      EXPECT_GT(rounds, 200) << "the runs must actually play rounds";
    }
  }
}

}  // namespace
}  // namespace negsim::model
