#include "negsim/cli.hpp"

#include <functional>
#include <ostream>

#include "negsim/detail/cli_common.hpp"
#include "negsim/version.hpp"

namespace negsim::cli {
namespace {

constexpr const char* kOverview = R"(negsim: Monte Carlo simulation of multi-party negotiations

Usage: negsim COMMAND [OPTIONS]
       negsim COMMAND --help     options of one command

Commands:
  run [FILE]      simulate many negotiations: outcome probabilities with
                  intervals, in summary.json and report.md (default scenario:
                  scenarios/muscat-2025.yaml)
  score FILE --observed OBS.yaml
                  score the scenario's forecast against what happened: the
                  probability of the observed outcome, Brier, log and ranked
                  probability scores, skill against reference forecasts
  sweep FILE --design SPEC
                  run the scenario at every point of a design (grid, one at a
                  time, Latin hypercube, Sobol', Morris): results in SQLite,
                  resumable, shardable across a cluster; sensitivity indices
  calibrate FILE --targets TARGETS.yaml
                  find the free parameters' values whose forecasts agree with
                  stated beliefs (history matching in waves); writes the
                  region kept and a calibrated variant of the scenario
  classic MODEL FILE
                  a classic forecasting model (compromise) on an actor table
                  (KTAB, BDM or decide formats) or a scenario
  merge DIR...    combine the shard files of a sweep into one
  report DIR      plots and an HTML report of a run's outputs
  validate FILE   check a scenario file and print it fully resolved
  trace FILE      play one negotiation and tell it round by round
  utilities FILE  each agent's utility of the status quo, of the agents'
                  ideals and of given texts, and each reservation

Options:
  -h, --help      show this help
  --version       print negsim's version

Exit codes: 0 success, 1 invalid scenario, unreadable input or unwritable
output, 2 bad command line, 3 internal error (a bug: please report it with the
command that caused it), 4 calibrate found no point meeting every target, 75
calibrate --shard stopped waiting for other shards (run it again), 130
interrupted (what was complete is kept).
)";

struct Command {
  const char* name;
  std::function<int(const std::vector<std::string>&, std::ostream&, std::ostream&)> run;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands{{"run", command_run},
                                              {"score", command_score},
                                              {"sweep", command_sweep},
                                              {"merge", command_merge},
                                              {"report", command_report},
                                              {"validate", command_validate},
                                              {"trace", command_trace},
                                              {"utilities", command_utilities},
                                              {"calibrate", command_calibrate},
                                              {"classic", command_classic}};
  return kCommands;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string command;
  try {
    // Global options come before the command; everything after belongs to it.
    std::size_t i = 0;
    for (; i < args.size() && !args[i].empty() && args[i][0] == '-'; ++i) {
      if (args[i] == "--help" || args[i] == "-h") {
        out << kOverview;
        return kOk;
      }
      if (args[i] == "--version") {
        out << "negsim " << kVersion << "\n";
        return kOk;
      }
      throw UsageError("unknown option \"" + args[i] + "\"");
    }
    if (i == args.size()) throw UsageError("missing COMMAND");
    command = args[i];
    std::vector<std::string> names;
    for (const auto& c : commands()) {
      if (c.name == command) {
        return c.run(
            std::vector<std::string>(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end()),
            out, err);
      }
      names.push_back(c.name);
    }
    std::string hint;
    if (auto near = detail::closest_match(command, names))
      hint = " (did you mean \"" + *near + "\"?)";
    const std::string unknown = command;
    command.clear();
    throw UsageError("unknown command \"" + unknown + "\"" + hint);
  } catch (const UsageError& e) {
    const std::string prefix = command.empty() ? "negsim" : "negsim " + command;
    err << prefix << ": " << e.what() << "\n"
        << "Try '" << prefix << " --help'.\n";
    return kUsage;
  } catch (const std::exception& e) {
    err << "negsim: internal error: " << e.what() << "\n";
    return kInternalError;
  }
}

}  // namespace negsim::cli
