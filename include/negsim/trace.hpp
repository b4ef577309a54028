// One run told round by round: `negsim trace` (text for people, JSON for
// tools). Both writers read the names of what they show from the
// negotiation's Catalog, so they show the same fields.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "negsim/model.hpp"

namespace negsim {

/// Everything `negsim trace` shows about one run.
struct TracedRun {
  const model::Negotiation* negotiation = nullptr;
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
  model::Draw draw;
  model::Trace trace;
  model::RunResult result;
};

/// Plays run `run` of the scenario with its trace recorded.
TracedRun trace_run(const model::Negotiation& negotiation, std::uint64_t seed, std::uint64_t run);

/// The run told round by round, for an analyst.
void write_trace_text(std::ostream& out, const TracedRun& traced);

/// The same as JSON, for tools: every value the text shows, by name.
void write_trace_json(std::ostream& out, const TracedRun& traced);

}  // namespace negsim
