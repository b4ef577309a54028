#include "negsim/cli.hpp"

#include <boost/program_options.hpp>
#include <charconv>
#include <functional>
#include <optional>
#include <ostream>

#include "negsim/detail/text.hpp"
#include "negsim/model.hpp"
#include "negsim/report.hpp"
#include "negsim/scenario_yaml.hpp"
#include "negsim/version.hpp"

namespace negsim::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kOverview = R"(negsim: Monte Carlo simulation of multi-party negotiations

Usage: negsim COMMAND [OPTIONS]
       negsim COMMAND --help     options of one command

Commands:
  validate FILE   check a scenario file and print it fully resolved
  trace FILE      play one negotiation and tell it round by round

Options:
  -h, --help      show this help
  --version       print negsim's version

Exit codes: 0 success, 1 invalid scenario or input file, 2 bad command line,
3 internal error (a bug: please report it with the command that caused it).
)";

struct Command {
  const char* name;
  std::function<int(const std::vector<std::string>&, std::ostream&, std::ostream&)> run;
};

/// Parses a command's arguments; throws UsageError with Boost's message.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description& positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

/// A whole number from the command line: "abc", "-1" or "1e3" are errors,
/// never silently 0 or a wrapped-around value.
std::uint64_t parse_count(const std::string& option, const std::string& text) {
  std::uint64_t x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw UsageError("--" + option + ": not a whole number in [0, 18446744073709551615] (got \"" +
                     text + "\")");
  }
  return x;
}

/// The --set options shared by every command that reads a scenario.
void add_set_option(po::options_description& desc) {
  desc.add_options()("set,s",
                     po::value<std::vector<std::string>>()->value_name("PATH=VALUE")->composing(),
                     "override a field before validation, e.g. --set agents.us.trust=0.4 or "
                     "--set 'agents.us.trust={uniform: [0.2, 0.4]}'; repeatable");
}

/// Loads the scenario named on the command line with its overrides; on a
/// ScenarioError prints every problem and returns nullopt.
std::optional<Scenario> load_for_command(const po::variables_map& vm, const std::string& file,
                                         std::ostream& err) {
  LoadOptions options;
  if (vm.count("set")) {
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) {
      options.overrides.push_back(parse_override(s));
    }
  }
  try {
    return load_scenario(file, options);
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) err << d.str() << "\n";
    const auto n = e.diagnostics().size();
    err << "negsim: " << n << (n == 1 ? " problem" : " problems") << " in " << file << "\n";
    return std::nullopt;
  }
}

int validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim validate FILE [--set PATH=VALUE ...] [--format yaml|json] [--quiet]\n\n"
      "Checks a scenario file, reporting every problem as file:line:col: field: message,\n"
      "and prints the scenario as negsim will run it: defaults filled in, overrides applied.\n"
      "Exit code 0 when valid, 1 when not, 2 on a bad command line.\n\nOptions");
  std::string format = "yaml";
  desc.add_options()                                          //
      ("help,h", "show this help")                            //
      ("file", po::value<std::string>()->value_name("FILE"),  //
       "the scenario file (YAML)")                            //
      ("format,f",
       po::value<std::string>(&format)->default_value("yaml")->value_name("FORMAT")->notifier(
           [](const std::string& f) {
             if (f != "yaml" && f != "json") {
               throw UsageError("--format: unknown format \"" + f + "\" (expected yaml or json)");
             }
           }),
       "output format of the resolved scenario: yaml or json")  //
      ("quiet,q", "print nothing when the scenario is valid");
  add_set_option(desc);
  po::positional_options_description positional;
  positional.add("file", 1);
  const po::variables_map vm = parse(args, desc, positional);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  const std::string file = vm["file"].as<std::string>();

  const auto scenario = load_for_command(vm, file, err);
  if (!scenario) return kInvalidInput;
  if (!vm.count("quiet")) out << (format == "json" ? to_json(*scenario) : to_yaml(*scenario));
  return kOk;
}

int trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim trace FILE [--run K] [--seed S] [--set PATH=VALUE ...] [--format "
      "text|json]\n\n"
      "Plays one negotiation of the scenario and prints it round by round: the\n"
      "parameters drawn for the run, the mediator's texts, each principal's\n"
      "aspiration, trust and valuation of the texts, the spoilers' strike hazards,\n"
      "the events and the decisions, then the outcome. Run K of seed S is the same\n"
      "run that `negsim run` counts as run K.\n\nOptions");
  std::string format = "text";
  desc.add_options()                                          //
      ("help,h", "show this help")                            //
      ("file", po::value<std::string>()->value_name("FILE"),  //
       "the scenario file (YAML)")                            //
      ("run,r", po::value<std::string>()->value_name("K")->default_value("0"),
       "which run to play (0, 1, 2, ...)")  //
      ("seed", po::value<std::string>()->value_name("S"),
       "random seed (default: the scenario's seed)")  //
      ("format,f",
       po::value<std::string>(&format)->default_value("text")->value_name("FORMAT")->notifier(
           [](const std::string& f) {
             if (f != "text" && f != "json") {
               throw UsageError("--format: unknown format \"" + f + "\" (expected text or json)");
             }
           }),
       "text for people, json for tools");
  add_set_option(desc);
  po::positional_options_description positional;
  positional.add("file", 1);
  const po::variables_map vm = parse(args, desc, positional);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  const std::uint64_t run = parse_count("run", vm["run"].as<std::string>());
  std::optional<std::uint64_t> seed;
  if (vm.count("seed")) seed = parse_count("seed", vm["seed"].as<std::string>());
  const std::string file = vm["file"].as<std::string>();
  const auto scenario = load_for_command(vm, file, err);
  if (!scenario) return kInvalidInput;
  const model::Negotiation negotiation(*scenario);
  const TracedRun traced = trace_run(negotiation, seed.value_or(scenario->seed), run);
  if (format == "json") {
    write_trace_json(out, traced);
  } else {
    write_trace_text(out, traced);
  }
  return kOk;
}

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands{{"validate", validate}, {"trace", trace}};
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
