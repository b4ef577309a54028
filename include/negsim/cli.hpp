// The command-line interface, as a library function so tests can drive it
// in-process; src/cli/main.cpp only forwards argv and the standard streams.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace negsim::cli {

/// Exit codes shared by every command.
enum ExitCode : int {
  kOk = 0,               ///< success; for validate, the scenario is valid
  kInvalidInput = 1,     ///< the scenario (or another input file) is wrong
  kUsage = 2,            ///< bad command line
  kInternalError = 3,    ///< a bug in negsim: please report it
  kNoPointSurvives = 4,  ///< calibrate: no point of the priors meets every target
  kTryAgain = 75,        ///< calibrate --shard: other shards still running (EX_TEMPFAIL)
};

/// Runs `negsim ARGS...` (args excludes the program name).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace negsim::cli
