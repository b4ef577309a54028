// `negsim utilities`: what the numbers on the utility scale mean for each
// agent of a scenario (docs/MODEL.md §1.3, §1.5).
#include <boost/program_options.hpp>
#include <ostream>

#include "negsim/detail/cli_common.hpp"
#include "negsim/scenario_yaml.hpp"
#include "negsim/utilities.hpp"

namespace negsim::cli {

int command_utilities(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim utilities FILE [--text NAME | --text ISSUE=VALUE,... ...] [--draws N]\n"
      "                        [--seed S] [--set PATH=VALUE ...] [--format text|json]\n\n"
      "Prints what the utility scale means for each agent: its utility of the status\n"
      "quo, of its own ideal (1), of every other agent's ideal (that agent's positions,\n"
      "the status quo where it has none), and of each text given (the file's `texts:`\n"
      "and every --text), and each principal's reservation, as the model computes them\n"
      "at the start of a run. With uncertain parameters each cell is the mean over N\n"
      "draws with the 5% and 95% quantiles.\n\nOptions");
  std::string format;
  add_help_and_file(desc);
  desc.add_options()                                                                    //
      ("text", po::value<std::vector<std::string>>()->value_name("TEXT")->composing(),  //
       "a text to value: a name from the file's texts, or issue=value,... in the "
       "issues' units (repeatable)")                                               //
      ("draws", po::value<std::string>()->value_name("N")->default_value("1000"),  //
       "draws of the uncertain parameters")                                        //
      ("seed", po::value<std::string>()->value_name("S"),                          //
       "random seed (default: the scenario's seed)");
  add_format_option(desc, format, {"text", "json"}, "text for people, json for tools");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  const std::uint64_t draws = parse_count("draws", vm["draws"].as<std::string>());
  if (draws == 0 || draws > 10'000'000) throw UsageError("--draws: in [1, 10000000]");
  const std::string file = vm["file"].as<std::string>();
  const auto loaded = load_for_command(vm, file, err);
  if (!loaded) return kInvalidInput;
  const Scenario& s = loaded->scenario;
  const std::uint64_t seed = seed_of(vm, s);

  std::vector<UtilityText> texts;
  if (vm.count("text")) {
    for (const auto& arg : vm["text"].as<std::vector<std::string>>()) {
      texts.push_back(parse_utility_text(s, arg));
    }
  }
  const UtilityTable table = utility_table(s, texts, draws, seed);
  out << (format == "json" ? utility_table_json(table) : utility_table_text(table));
  return kOk;
}

}  // namespace negsim::cli
